// How a run is shown in the runs tree and the run pickers: model, verifiers, gap, date. Pure.
import { basename } from 'node:path';
import type { RunListing } from '../run/runIndex';
import { SELECTION_SOURCE } from '../tasks/taskSelection';

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
  /** `gaplens.run.complete` or `gaplens.run.incomplete` (package.json menus match on it). */
  contextValue: string;
}

export function runItemText(r: RunListing): RunItemText {
  const c = r.manifest.config;
  const progress = r.complete ? '' : ` · ${r.samples}/${r.expected} samples`;
  const tasks = c.tasks === SELECTION_SOURCE ? 'selected text' : c.tasks.startsWith('builtin:') ? c.tasks : basename(c.tasks);
  return {
    label: modelShortName(c.model),
    description: `${c.verifiers.join('+')} · ${r.gap ?? 'no gap yet'} · ${formatRunDate(r.manifest.createdAt)}${progress}`,
    tooltip: [
      `Run ${r.manifest.id}${r.complete ? '' : ' (incomplete)'}`,
      `model: ${c.model}`,
      `tasks: ${tasks}${c.limit !== undefined ? ` (first ${c.limit})` : ''}, N = ${c.n}`,
      `verifiers: ${c.verifiers.join(', ')}; filter: ${c.filter}`,
      `${r.gap ?? 'no gap yet'} (by ${c.verifiers[0] ?? 'no verifier'}, ${c.filter})`,
      `${r.samples} of ${r.expected} samples`,
      r.dir,
    ].join('\n'),
    contextValue: r.complete ? 'gaplens.run.complete' : 'gaplens.run.incomplete',
  };
}
