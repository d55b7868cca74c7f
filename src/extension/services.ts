// What the always-loaded entry (main.ts) hands to the parts loaded on first use (onDemand.ts), and
// what those give back. The two are separate bundles: state they share lives in these objects,
// never in module-level variables.
import type * as vscode from 'vscode';
import type { HeavyCommandId } from './commandIds';
import type { GapTestResult } from './gapTestResult';

/** What the status bar item shows of a run: worded by the on-demand bundle (views/statusText.ts needs core), shown by the entry's item. */
export interface StatusView {
  runId: string;
  dir: string;
  text: string;
  tooltip: string;
}

export interface StatusReporter {
  /** Shows this run in the status bar (the latest call wins). */
  show(status: StatusView): void;
  /** Hides the item if it shows `runId` (or whatever it shows, without an id). */
  clear(runId?: string): void;
}

export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly status: StatusReporter;
  refreshRuns(): void;
  refreshTaskSets(): void;
  /** The quick gap check's CodeLenses are asked for again. */
  refreshQuickChecks(): void;
}

export interface Features extends vscode.Disposable {
  runCommand(id: HeavyCommandId, args: readonly unknown[]): Promise<void>;
  runsChildren(): Promise<vscode.TreeItem[]>;
  taskSetChildren(): Promise<vscode.TreeItem[]>;
  /** The panel serializer: brings back a panel after a window reload. */
  restorePanel(panel: vscode.WebviewPanel, state: unknown): Promise<void>;
  /** The run file editor: shows the run of `file` (its run.json or samples.jsonl) in `panel`. */
  openRunEditor(panel: vscode.WebviewPanel, file: vscode.Uri): Promise<void>;
  /** The Test Explorer's gap check of a task file (testing/gapCheckTest.ts); `signal` cancels it. */
  runGapCheckTest(file: string, signal: AbortSignal): Promise<GapTestResult>;
  /** The quick gap check's CodeLenses of a task file (views/quickCheckLenses.ts). */
  quickCheckLenses(document: vscode.TextDocument): vscode.CodeLens[];
}

/** The webview panel type (package.json activationEvents: onWebviewPanel:gaplens.panel). */
export const PANEL_VIEW_TYPE = 'gaplens.panel';
/**
 * The run file editors (package.json customEditors): the default editor of run.json in the runs
 * folders Gap Lens writes by default, and an "Open With…" choice for any run.json or samples.jsonl.
 */
export const RUN_EDITOR_VIEW_TYPES = ['gaplens.runEditor', 'gaplens.runFileEditor'] as const;
export const TASK_LANGUAGE_ID = 'gaplens-tasks';
/** True while a Gap Lens panel is the active editor (keybinding and palette `when` clauses). */
export const PANEL_ACTIVE_CONTEXT = 'gaplens.panelActive';
