// The quick gap checks of this workspace: per task file and set of tasks, the newest check's run
// folder and what its CodeLens says (views/quickCheckText.ts), kept in workspaceState so the lenses
// still show them after a reload, and read back through a validator (the stored value may come from
// an older version). A check executing now is held in memory only: a reload ends it.
import type * as vscode from 'vscode';

export const QUICK_CHECKS_KEY = 'gaplens.quickChecks';
/** The newest this many are kept: one per task (or selection) a user checked, not a history. */
const MAX_KEPT = 500;

/** The newest quick check of some tasks of a file. */
export interface QuickCheck {
  /** The task file's path. */
  file: string;
  /** The checked tasks' ids in file order: one for a task's lens, several for a selection or a file. */
  taskIds: string[];
  /** Its run folder (absent: it failed before the run existed). */
  dir?: string;
  /** The CodeLens line and its tooltip. */
  title: string;
  tooltip: string;
}

export class QuickCheckBoard {
  private readonly running = new Set<string>();

  /** `changed`: the lenses ask again (a check started, ended or was replaced). */
  constructor(
    private readonly state: vscode.Memento,
    private readonly changed: () => void,
  ) {}

  /** The newest finished check of exactly these tasks of `file`. */
  get(file: string, taskIds: readonly string[]): QuickCheck | undefined {
    const key = keyOf(file, taskIds);
    return this.stored().find((c) => keyOf(c.file, c.taskIds) === key);
  }

  isRunning(file: string, taskIds: readonly string[]): boolean {
    return this.running.has(keyOf(file, taskIds));
  }

  /** Marks the check of these tasks as executing until `finished` replaces it (or `stopped` says it left no result). */
  started(file: string, taskIds: readonly string[]): void {
    this.running.add(keyOf(file, taskIds));
    this.changed();
  }

  stopped(file: string, taskIds: readonly string[]): void {
    this.running.delete(keyOf(file, taskIds));
    this.changed();
  }

  async finished(check: QuickCheck): Promise<void> {
    const key = keyOf(check.file, check.taskIds);
    const others = this.stored().filter((c) => keyOf(c.file, c.taskIds) !== key);
    await this.state.update(QUICK_CHECKS_KEY, [check, ...others].slice(0, MAX_KEPT));
    this.stopped(check.file, check.taskIds);
  }

  private stored(): QuickCheck[] {
    const raw = this.state.get<unknown>(QUICK_CHECKS_KEY);
    return Array.isArray(raw) ? raw.filter(isQuickCheck) : [];
  }
}

function keyOf(file: string, taskIds: readonly string[]): string {
  return JSON.stringify([file, taskIds]);
}

function isQuickCheck(raw: unknown): raw is QuickCheck {
  if (typeof raw !== 'object' || raw === null) return false;
  const c = raw as Record<string, unknown>;
  return (
    typeof c.file === 'string' &&
    Array.isArray(c.taskIds) &&
    c.taskIds.length > 0 &&
    c.taskIds.every((id) => typeof id === 'string') &&
    (c.dir === undefined || typeof c.dir === 'string') &&
    typeof c.title === 'string' &&
    typeof c.tooltip === 'string'
  );
}
