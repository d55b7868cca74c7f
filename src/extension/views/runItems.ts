// How a run is shown in the runs tree and the run pickers: model, verifiers, gap (measured, partial or
// not measured), date, and how the run stands (running, live, incomplete, failed calls); the tooltip
// lists the run's state and each verifier's coverage. Pure.
import { basename } from 'node:path';
import { gapText } from '../../core/pipeline/liveGap';
import { runStateLines, verifierCoverageLines } from '../../core/report/coverageText';
import { gapModels, gapModelsText } from '../../core/runs/verifierModels';
import type { RunListing } from '../run/runIndex';
import { SELECTION_SOURCE } from '../tasks/taskSelection';
import { PHASE_ICONS, phaseText, runPhase } from './runPhase';

/** A readable model name of a model spec: the model's last path part, without `.gguf`. */
export function modelShortName(spec: string): string {
  if (spec === 'llama:default') return 'default model';
  if (spec.startsWith('openai:')) {
    const rest = spec.slice('openai:'.length);
    const model = rest.slice(0, rest.lastIndexOf('@'));
    return model.split('/').filter((p) => p !== '').pop() ?? model;
  }
  if (spec.startsWith('llama:')) return basename(spec.slice('llama:'.length)).replace(/\.gguf$/i, '');
  return spec;
}

/** "2026-11-24 08:15" in local time. */
export function formatRunDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

export interface RunItemText {
  label: string;
  description: string;
  tooltip: string;
  /** `gaplens.run.running`, `gaplens.run.complete` or `gaplens.run.incomplete` (package.json menus match on it). */
  contextValue: string;
  /** A codicon id: running, live, complete, failed calls and stopped runs each have their own. */
  icon: string;
}

/** `running`: this window is executing the run (a listing only knows that a writer holds its lock). */
export function runItemText(r: RunListing, running = false): RunItemText {
  const c = r.manifest.config;
  const phase = runPhase(r.coverage, running, r.live);
  const gap = r.reading ? gapText(r.reading) : 'no verifier';
  const tasks = c.tasks === SELECTION_SOURCE ? 'selected text' : c.tasks.startsWith('builtin:') ? c.tasks : basename(c.tasks);
  return {
    label: modelShortName(c.model),
    description: `${c.verifiers.join('+')} · ${gap} · ${formatRunDate(r.manifest.createdAt)}${phase === 'complete' ? '' : ` · ${phaseText(phase, r.coverage)}`}`,
    tooltip: [
      `Run ${r.manifest.id}`,
      ...runStateLines(r.coverage, { complete: r.complete, live: r.live }),
      `model: ${c.model}`,
      gapModelsText(gapModels(c, c.verifiers)),
      `tasks: ${tasks}${c.limit !== undefined ? ` (first ${c.limit})` : ''}, N = ${c.n}`,
      `verifiers: ${c.verifiers.join(', ')}; filter: ${c.filter}`,
      `${gap} (by ${c.verifiers[0] ?? 'no verifier'}, ${c.filter})`,
      ...verifierCoverageLines(r.coverage).map((line) => `coverage ${line}`),
      r.dir,
    ].join('\n'),
    contextValue: running ? 'gaplens.run.running' : r.complete ? 'gaplens.run.complete' : 'gaplens.run.incomplete',
    icon: PHASE_ICONS[phase],
  };
}
