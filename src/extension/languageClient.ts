// The client side of the task-file language server (dist/server.js, over IPC): diagnostics, quick
// fixes, CodeLens, hover and completion for `gaplens-tasks` documents. Its own bundle, loaded when
// the first task file opens. The server's CodeLens commands are the extension's own:
// `gaplens.runGapCheck(uri)` and `gaplens.runSelectedTasks(uri, lines)` with 1-based lines. The
// client reports each task file's selection, which LSP does not, for the selection lens.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { DEFAULT_RUNS_FOLDER, resolveRunsRoot, runsFolderSetting } from '../core/config/runsRoot';
import { TASK_SELECTION_METHOD, type TaskSelectionParams } from '../protocol/taskServerProtocol';
import type { DisposableStore } from './disposables';
import { TASK_LANGUAGE_ID } from './services';
import { lineRangeOf } from './tasks/taskSelection';

/** A selection is reported once it rests this long (dragging changes it at every mouse move). */
const SELECTION_DEBOUNCE_MS = 150;

/** Sent as initializationOptions: where the server finds runs for its hovers. */
export interface TaskServerInit {
  /** Absolute runs folders, one per workspace folder. */
  runsFolders: string[];
}

export async function startTaskLanguageClient(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, owned: DisposableStore): Promise<LanguageClient> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6012'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: TASK_LANGUAGE_ID },
      { scheme: 'untitled', language: TASK_LANGUAGE_ID },
    ],
    synchronize: { configurationSection: 'gaplens' },
    initializationOptions: { runsFolders: runsFolders(context) } satisfies TaskServerInit,
    outputChannel: log,
    // The hover's "Open the run's panel" link (server/hover.ts): that one command is trusted, no other
    // link or HTML; task and run text stays escaped (server/markdown.ts).
    markdown: { isTrusted: { enabledCommands: ['gaplens.openRun'] }, supportHtml: false },
  };
  const client = new LanguageClient('gaplens.tasks', 'Gap Lens task files', serverOptions, clientOptions);
  await client.start();
  owned.add(reportSelections(client));
  log.info('task-file language server started');
  return client;
}

/** Sends the server the selected lines of a task file whenever they change (a cursor alone selects none). */
function reportSelections(client: LanguageClient): vscode.Disposable {
  let timer: NodeJS.Timeout | undefined;
  const send = (editor: vscode.TextEditor): void => {
    const ranges = editor.selections.filter((s) => !s.isEmpty).map((s) => lineRangeOf({ startLine: s.start.line, endLine: s.end.line, endCharacter: s.end.character }));
    const params: TaskSelectionParams = { uri: client.code2ProtocolConverter.asUri(editor.document.uri), ranges };
    void client.sendNotification(TASK_SELECTION_METHOD, params);
  };
  const listener = vscode.window.onDidChangeTextEditorSelection(({ textEditor }) => {
    if (textEditor.document.languageId !== TASK_LANGUAGE_ID) return;
    clearTimeout(timer);
    timer = setTimeout(() => send(textEditor), SELECTION_DEBOUNCE_MS);
  });
  return {
    dispose: () => {
      clearTimeout(timer);
      listener.dispose();
    },
  };
}

function runsFolders(context: vscode.ExtensionContext): string[] {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const global = context.globalStorageUri.fsPath;
  const setting = (scope?: vscode.Uri): string => {
    return runsFolderSetting(vscode.workspace.getConfiguration('gaplens', scope).get<unknown>('runsFolder')) ?? DEFAULT_RUNS_FOLDER;
  };
  if (folders.length === 0) return [resolveRunsRoot(setting(), undefined, global)];
  return folders.map((f) => resolveRunsRoot(setting(f.uri), f.uri.fsPath, global));
}
