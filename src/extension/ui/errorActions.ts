// A failure the user can do something about, shown with buttons that do it (Retry, Open Settings,
// Show Log) rather than advice to type somewhere.
import * as vscode from 'vscode';

export interface ErrorAction {
  label: string;
  run(): unknown;
}

/** Opens the Settings editor at the gaplens.* setting the message names, else at the model profiles. */
export function openSettingsAction(message: string): ErrorAction {
  const named = /\bgaplens\.[A-Za-z]+/.exec(message)?.[0];
  return { label: 'Open Settings', run: () => vscode.commands.executeCommand('workbench.action.openSettings', named ?? 'gaplens.modelProfiles') };
}

export function showLogAction(log: vscode.LogOutputChannel): ErrorAction {
  return { label: 'Show Log', run: () => log.show() };
}

/**
 * Shows a UserError (its message says what is wrong and what to do) with the actions, runs the one
 * picked, and resolves when it is done. Anything else is rethrown: main.ts reports it with the stack in the log.
 */
export async function offerActions(log: vscode.LogOutputChannel, err: unknown, actions: readonly ErrorAction[]): Promise<void> {
  if (!(err instanceof Error) || err.name !== 'UserError') throw err;
  log.warn(err.message);
  const choice = await vscode.window.showErrorMessage(`Gap Lens: ${err.message}`, ...actions.map((a) => a.label));
  await actions.find((a) => a.label === choice)?.run();
}
