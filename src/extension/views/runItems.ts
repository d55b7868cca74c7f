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

/** The task set in a few words: `builtin:gsm8k`, the task file's name (with its lines), "selected text". */
export function taskSetShortName(tasks: string): string {
  return tasks === SELECTION_SOURCE ? 'selected text' : tasks.startsWith('builtin:') ? tasks : basename(tasks);
}

/** What tells runs apart in a tree item or a tab: the user's label, else the model's short name and the task set. */
export function runName(config: { model: string; tasks: string }, label: string | undefined): string {
  return label ?? `${modelShortName(config.model)} · ${taskSetShortName(config.tasks)}`;
}

/** A gap panel's tab title: "Gap Lens: fake-7b · x.tasks.jsonl · 2026-11-24 08:15", or the label instead of model and task set. */
export function panelTitle(config: { model: string; tasks: string }, createdAt: string | undefined, label: string | undefined): string {
  return `Gap Lens: ${runName(config, label)}${createdAt !== undefined ? ` · ${formatRunDate(createdAt)}` : ''}`;
}

export interface RunItemText {
  label: string;
  description: string;
  tooltip: string;
  /** `gaplens.run.` and the run's phase (running, live, complete, cancelled, failed, incomplete): package.json menus match on it. */
  contextValue: string;
  /** A codicon id, one per phase. */
  icon: string;
}

/** `running`: this window is executing the run (a listing only knows that a writer holds its lock). */
export function runItemText(r: RunListing, running = false): RunItemText {
  const c = r.manifest.config;
  const phase = runPhase(r.coverage, running, r.live, r.notes.ended);
  const gap = r.gap ? gapText(r.gap.reading) : 'no verifier';
  const tasks = taskSetShortName(c.tasks);
  // A labelled run still says what it ran, right after its label.
  const what = r.notes.label !== undefined ? `${modelShortName(c.model)} · ${tasks} · ` : '';
  return {
    label: runName(c, r.notes.label),
    description: `${what}${c.verifiers.join('+')} · ${gap} · ${formatRunDate(r.manifest.createdAt)}${phase === 'complete' ? '' : ` · ${phaseText(phase, r.coverage)}`}`,
    tooltip: [
      `Run ${r.manifest.id}${r.notes.label !== undefined ? ` "${r.notes.label}"` : ''}`,
      ...runStateLines(r.coverage, { complete: r.complete, live: r.live }),
      `model: ${c.model}`,
      gapModelsText(gapModels(c, c.verifiers)),
      `tasks: ${tasks}${c.limit !== undefined ? ` (first ${c.limit})` : ''}, N = ${c.n}`,
      `verifiers: ${c.verifiers.join(', ')}; filter: ${c.filter}`,
      r.gap ? `${gap} (by ${r.gap.selector}, ${r.gap.filter})` : `no gap: the run has no verifier to filter by`,
      ...verifierCoverageLines(r.coverage).map((line) => `coverage ${line}`),
      r.dir,
    ].join('\n'),
    contextValue: `gaplens.run.${phase}`,
    icon: PHASE_ICONS[phase],
  };
}
