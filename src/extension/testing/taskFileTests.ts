// Gap checks in the Test Explorer: every task file of the workspace is a test item (added, marked
// outdated and removed as the file is created, changed and deleted); its Run profile runs a small
// gap check of the file (gapCheckTest.ts, loaded on first run) and shows the result with its
// numbers and a link to the run's panel. Part of the entry bundle: no core here.
import { basename, dirname, sep } from 'node:path';
import * as vscode from 'vscode';
import { EXCLUDED_FOLDERS, findTaskFileUris, workspaceTaskFileGlob } from '../tasks/workspaceTaskFiles';
import { DisposableStore } from '../disposables';
import type { GapTestResult } from '../gapTestResult';

export const TEST_CONTROLLER_ID = 'gaplens.gapChecks';
/** The command the message's link runs: it opens (or reveals) the run's panel. */
const OPEN_RUN_COMMAND = 'gaplens.openRun';

/** Runs one file's gap check; `signal` cancels it. */
export type GapTestRunner = (file: string, signal: AbortSignal) => Promise<GapTestResult>;

/** Registers the controller; items are found when the Test Explorer first asks for them. */
export function registerTaskFileTests(runTest: GapTestRunner): vscode.Disposable {
  const owned = new DisposableStore();
  const controller = owned.add(vscode.tests.createTestController(TEST_CONTROLLER_ID, 'Gap Lens gap checks'));
  /** The watcher of task files and its listeners, made anew when files.associations changes. */
  const watching = owned.add(new DisposableStore());
  const add = (uri: vscode.Uri): vscode.TestItem | undefined => {
    if (uri.scheme !== 'file' || inExcludedFolder(vscode.workspace.asRelativePath(uri, false))) return undefined;
    const existing = controller.items.get(uri.toString());
    if (existing) return existing;
    const item = controller.createTestItem(uri.toString(), basename(uri.fsPath), uri);
    const folder = dirname(vscode.workspace.asRelativePath(uri));
    if (folder !== '.') item.description = folder;
    controller.items.add(item);
    return item;
  };
  const discover = async (): Promise<void> => {
    const uris = await findTaskFileUris();
    controller.items.replace([]);
    uris.forEach(add);
  };
  const watch = (): void => {
    watching.clear();
    const watcher = watching.add(vscode.workspace.createFileSystemWatcher(workspaceTaskFileGlob()));
    watching.add(watcher.onDidCreate(add));
    // The file's last result no longer says anything about it.
    watching.add(
      watcher.onDidChange((uri) => {
        const item = controller.items.get(uri.toString());
        if (item) controller.invalidateTestResults(item);
      }),
    );
    watching.add(watcher.onDidDelete((uri) => controller.items.delete(uri.toString())));
  };
  const start = async (): Promise<void> => {
    watch();
    await discover();
  };
  controller.resolveHandler = async (item) => {
    if (!item) await start();
  };
  // The Test Explorer's Refresh Tests: searched anew (files.associations may have changed meanwhile).
  controller.refreshHandler = start;
  owned.add(
    vscode.workspace.onDidChangeConfiguration((e) => {
      // Which files are task files follows files.associations; only once the explorer has asked.
      if (!e.affectsConfiguration('files.associations') || watching.size === 0) return;
      watch();
      void discover();
    }),
  );
  controller.createRunProfile('Run Gap Check', vscode.TestRunProfileKind.Run, (request, token) => runRequest(controller, request, token, runTest), true);
  return owned;
}

/** Runs the request's task files one after another (they share the model's servers), each to its own result. */
async function runRequest(controller: vscode.TestController, request: vscode.TestRunRequest, token: vscode.CancellationToken, runTest: GapTestRunner): Promise<void> {
  const run = controller.createTestRun(request);
  const excluded = new Set(request.exclude ?? []);
  const items: vscode.TestItem[] = [];
  if (request.include) items.push(...request.include);
  else controller.items.forEach((item) => items.push(item));
  const queue = items.filter((item) => !excluded.has(item) && item.uri !== undefined);
  queue.forEach((item) => run.enqueued(item));
  const abort = new AbortController();
  const cancel = token.onCancellationRequested(() => abort.abort());
  try {
    for (const item of queue) {
      if (token.isCancellationRequested) {
        run.skipped(item);
        continue;
      }
      run.started(item);
      const began = Date.now();
      let result: GapTestResult;
      try {
        result = await runTest((item.uri as vscode.Uri).fsPath, abort.signal);
      } catch (err) {
        result = { outcome: 'errored', reason: err instanceof Error ? err.message : String(err), numbers: [] };
      }
      show(run, item, result, Date.now() - began);
    }
  } finally {
    cancel.dispose();
    run.end();
  }
}

/** The result on the item: the message (failed, errored) and the test output (always) carry the reason, numbers and run. */
function show(run: vscode.TestRun, item: vscode.TestItem, result: GapTestResult, duration: number): void {
  const runJson = result.dir === undefined ? [] : [`run: ${result.dir}${sep}run.json (opens the run's panel)`];
  const lines = [`${item.label}: ${result.outcome}: ${result.reason}`, ...result.numbers, ...runJson];
  run.appendOutput(`${lines.join('\r\n')}\r\n`, undefined, item);
  switch (result.outcome) {
    case 'passed':
      return run.passed(item, duration);
    case 'skipped':
      return run.skipped(item);
    case 'failed':
      return run.failed(item, message(item, result), duration);
    case 'errored':
      return run.errored(item, message(item, result), duration);
  }
}

/** The reason in bold, the numbers, and a link that opens the run's panel. */
function message(item: vscode.TestItem, result: GapTestResult): vscode.TestMessage {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${markdownText(result.reason)}**\n\n`);
  for (const line of result.numbers) md.appendMarkdown(`- ${markdownText(line)}\n`);
  if (result.dir !== undefined) {
    md.isTrusted = { enabledCommands: [OPEN_RUN_COMMAND] };
    md.appendMarkdown(`\n[Open the run's panel](command:${OPEN_RUN_COMMAND}?${encodeURIComponent(JSON.stringify([result.dir]))})`);
  }
  const msg = new vscode.TestMessage(md);
  if (item.uri) msg.location = new vscode.Location(item.uri, new vscode.Position(0, 0));
  return msg;
}

/**
 * `text` as literal markdown text. Only what would change its meaning is escaped — not ( ) . + - as
 * appendText does: the Test Explorer shows a message's first line as plain text, escapes and all.
 */
function markdownText(text: string): string {
  return text.replace(/[\\`*_[\]<>|~]/g, '\\$&').replace(/^([#+-]|\d+\.)/, '\\$1');
}

/** Watcher events come for every matching file: those in the folders the search leaves out are not task sets. */
function inExcludedFolder(relativePath: string): boolean {
  const parts = relativePath.split(/[\\/]/);
  return EXCLUDED_FOLDERS.some((folder) => parts.includes(folder));
}
