// What the extension remembers about runs across window reloads, in the workspace's state (not in
// the run folder, whose files belong to the run format): where a run id's folder is, so the panel
// serializer can find it, the answers the user marked right in Check Selection runs, and the verifier
// columns the user hid in a run's table.
import type * as vscode from 'vscode';

const RUN_DIRS = 'gaplens.runDirs';
const MARKED = 'gaplens.markedAnswers';
const HIDDEN_COLUMNS = 'gaplens.hiddenColumns';
/** Enough for any realistic history; the oldest entries go first. */
const MAX_REMEMBERED = 500;

type Marked = Record<string, Record<string, string>>;

export class PanelMemory {
  constructor(private readonly state: vscode.Memento) {}

  dirOf(runId: string): string | undefined {
    return this.state.get<Record<string, string>>(RUN_DIRS, {})[runId];
  }

  async rememberDir(runId: string, dir: string): Promise<void> {
    const dirs = { ...this.state.get<Record<string, string>>(RUN_DIRS, {}) };
    delete dirs[runId];
    dirs[runId] = dir;
    await this.state.update(RUN_DIRS, newest(dirs));
  }

  markedAnswers(runId: string): Record<string, string> {
    return this.state.get<Marked>(MARKED, {})[runId] ?? {};
  }

  async markAnswer(runId: string, task: string, answer: string): Promise<void> {
    const all = { ...this.state.get<Marked>(MARKED, {}) };
    const forRun = { ...all[runId], [task]: answer };
    delete all[runId];
    all[runId] = forRun;
    await this.state.update(MARKED, newest(all));
  }

  hiddenColumns(runId: string): string[] {
    return this.state.get<Record<string, string[]>>(HIDDEN_COLUMNS, {})[runId] ?? [];
  }

  /** None hidden: the run is forgotten here, so the list holds only runs with a choice to keep. */
  async setHiddenColumns(runId: string, hidden: readonly string[]): Promise<void> {
    const all = { ...this.state.get<Record<string, string[]>>(HIDDEN_COLUMNS, {}) };
    delete all[runId];
    if (hidden.length > 0) all[runId] = [...hidden];
    await this.state.update(HIDDEN_COLUMNS, newest(all));
  }

  async forget(runId: string): Promise<void> {
    for (const key of [RUN_DIRS, MARKED, HIDDEN_COLUMNS]) {
      const entries = { ...this.state.get<Record<string, unknown>>(key, {}) };
      delete entries[runId];
      await this.state.update(key, entries);
    }
  }
}

/** Keeps the most recently written entries (object keys keep insertion order). */
function newest<T>(record: Record<string, T>): Record<string, T> {
  const entries = Object.entries(record);
  return Object.fromEntries(entries.slice(Math.max(0, entries.length - MAX_REMEMBERED)));
}
