// The Prompter of a real VS Code: quick picks, input boxes and the OS file dialogs.
import * as vscode from 'vscode';
import { isSeparator, type FileOptions, type InputOptions, type PickEntry, type PickOptions, type Prompter } from './prompter';

type Item<T> = vscode.QuickPickItem & { value?: T };

function toItems<T>(entries: PickEntry<T>[]): Item<T>[] {
  return entries.map((e): Item<T> =>
    isSeparator(e)
      ? { label: e.separator, kind: vscode.QuickPickItemKind.Separator }
      : { label: e.label, ...(e.description !== undefined ? { description: e.description } : {}), ...(e.detail !== undefined ? { detail: e.detail } : {}), picked: e.picked ?? false, value: e.value },
  );
}

export const vscodePrompter: Prompter = {
  async pickOne<T>(entries: PickEntry<T>[], opts: PickOptions): Promise<T | undefined> {
    const picked = await vscode.window.showQuickPick(toItems(entries), { title: opts.title, placeHolder: opts.placeholder, matchOnDescription: true, ignoreFocusOut: true });
    return picked?.value;
  },
  async pickMany<T>(entries: PickEntry<T>[], opts: PickOptions): Promise<T[] | undefined> {
    const picked = await vscode.window.showQuickPick(toItems(entries), { title: opts.title, placeHolder: opts.placeholder, canPickMany: true, matchOnDescription: true, ignoreFocusOut: true });
    return picked?.flatMap((item) => (item.value === undefined ? [] : [item.value]));
  },
  async input(opts: InputOptions): Promise<string | undefined> {
    return vscode.window.showInputBox({
      title: opts.title,
      prompt: opts.prompt,
      ...(opts.value !== undefined ? { value: opts.value } : {}),
      ...(opts.placeholder !== undefined ? { placeHolder: opts.placeholder } : {}),
      password: opts.password ?? false,
      ignoreFocusOut: true,
      validateInput: (text) => opts.validate(text) ?? null,
    });
  },
  async openPath(opts: FileOptions): Promise<string | undefined> {
    const uris = await vscode.window.showOpenDialog({
      title: opts.title,
      openLabel: opts.openLabel,
      canSelectFiles: !opts.folders,
      canSelectFolders: opts.folders,
      canSelectMany: false,
      ...(opts.filters ? { filters: opts.filters } : {}),
    });
    return uris?.[0]?.fsPath;
  },
  async savePath(opts): Promise<string | undefined> {
    const uri = await vscode.window.showSaveDialog({ title: opts.title, defaultUri: vscode.Uri.file(opts.defaultPath), filters: opts.filters });
    return uri?.fsPath;
  },
};
