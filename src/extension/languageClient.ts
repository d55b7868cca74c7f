// The client side of the task-file language server (dist/server.js, over IPC): diagnostics,
// CodeLens, hover and completion for `gaplens-tasks` documents. Its own bundle, loaded when the
// first task file opens. The server's CodeLens commands are the extension's own:
// `gaplens.runGapCheck(uri)` and `gaplens.runSelectedTasks(uri, lines)` with 1-based lines.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { resolveRunsRoot, SETTING_DEFAULTS } from './config/settings';
import { TASK_LANGUAGE_ID } from './services';

/** Sent as initializationOptions: where the server finds runs for its hovers. */
export interface TaskServerInit {
  /** Absolute runs folders, one per workspace folder. */
  runsFolders: string[];
}

export async function startTaskLanguageClient(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): Promise<LanguageClient> {
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
  };
  const client = new LanguageClient('gaplens.tasks', 'Gap Lens task files', serverOptions, clientOptions);
  await client.start();
  log.info('task-file language server started');
  return client;
}

function runsFolders(context: vscode.ExtensionContext): string[] {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const global = context.globalStorageUri.fsPath;
  const setting = (scope?: vscode.Uri): string => {
    const value = vscode.workspace.getConfiguration('gaplens', scope).get<unknown>('runsFolder');
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : SETTING_DEFAULTS.runsFolder;
  };
  if (folders.length === 0) return [resolveRunsRoot(setting(), undefined, global)];
  return folders.map((f) => resolveRunsRoot(setting(f.uri), f.uri.fsPath, global));
}
