// What the status bar item says about the active run. Pure.

export interface RunStatus {
  runId: string;
  dir: string;
  running: boolean;
  /** Generations so far, and of the whole run. */
  done: number;
  total: number;
  /** e.g. "gap +3.1 pp"; null before any sample counts or without gold answers. */
  gap: string | null;
}

export function statusBarText(s: RunStatus): { text: string; tooltip: string } {
  const icon = s.running ? '$(sync~spin)' : '$(graph)';
  const count = s.running || s.done < s.total ? ` ${s.done}/${s.total}` : '';
  const gap = s.gap !== null ? ` · ${s.gap}` : '';
  const state = s.running ? 'running' : s.done < s.total ? 'incomplete' : 'complete';
  return {
    text: `${icon} Gap Lens${count}${gap}`,
    tooltip: `Run ${s.runId} (${state}): ${s.done} of ${s.total} samples${s.gap !== null ? `, ${s.gap}` : ''}. Click to open it.`,
  };
}
