// The Prompter of a real VS Code: quick picks, input boxes and the OS file dialogs. Built on
// createQuickPick/createInputBox (not showQuickPick) for the step counter and the Back button.
import * as vscode from 'vscode';
import { GoBack, isSeparator, type FileOptions, type InputOptions, type PickEntry, type PickOptions, type Prompter, type StepPosition } from './prompter';

type Item<T> = vscode.QuickPickItem & { value?: T };

function toItems<T>(entries: PickEntry<T>[]): Item<T>[] {
  return entries.map((e): Item<T> =>
    isSeparator(e)
      ? { label: e.separator, kind: vscode.QuickPickItemKind.Separator }
      : { label: e.label, ...(e.description !== undefined ? { description: e.description } : {}), ...(e.detail !== undefined ? { detail: e.detail } : {}), picked: e.picked ?? false, value: e.value },
  );
}

/** The title, step counter and Back button every question shares. */
function dress(input: vscode.QuickInput & { buttons: readonly vscode.QuickInputButton[] }, title: string, step: StepPosition | undefined): void {
  input.title = title;
  input.ignoreFocusOut = true;
  if (!step) return;
  input.step = step.step;
  input.totalSteps = step.totalSteps;
  if (step.step > 1) input.buttons = [vscode.QuickInputButtons.Back];
}

/** What a quick pick and an input box share. */
type Question = Pick<vscode.QuickInput, 'show' | 'hide' | 'dispose' | 'onDidHide'> & Pick<vscode.InputBox, 'onDidAccept' | 'onDidTriggerButton'>;

/**
 * Shows the question until `accept` has an answer (`{ value }`; undefined keeps it open), the
 * user presses Back (GoBack is thrown) or it is hidden (undefined: cancelled).
 */
function ask<R>(question: Question, accept: () => { value: R } | undefined): Promise<R | undefined> {
  return new Promise<R | undefined>((resolve, reject) => {
    let settled = false;
    const settle = (finish: () => void): void => {
      settled = true;
      finish();
      question.hide();
    };
    const listeners = [
      question.onDidAccept(() => {
        const answer = accept();
        if (answer) settle(() => resolve(answer.value));
      }),
      question.onDidTriggerButton((button) => {
        if (button === vscode.QuickInputButtons.Back) settle(() => reject(new GoBack()));
      }),
      question.onDidHide(() => {
        for (const l of listeners) l.dispose();
        question.dispose();
        if (!settled) resolve(undefined);
      }),
    ];
    question.show();
  });
}

export const vscodePrompter: Prompter = {
  async pickOne<T>(entries: PickEntry<T>[], opts: PickOptions): Promise<T | undefined> {
    const pick = vscode.window.createQuickPick<Item<T>>();
    dress(pick, opts.title, opts.step);
    pick.placeholder = opts.placeholder;
    pick.matchOnDescription = true;
    pick.items = toItems(entries);
    return ask(pick, () => {
      const [item] = pick.selectedItems;
      return item && item.value !== undefined ? { value: item.value } : undefined;
    });
  },
  async pickMany<T>(entries: PickEntry<T>[], opts: PickOptions): Promise<T[] | undefined> {
    const pick = vscode.window.createQuickPick<Item<T>>();
    dress(pick, opts.title, opts.step);
    pick.placeholder = opts.placeholder;
    pick.matchOnDescription = true;
    pick.canSelectMany = true;
    pick.items = toItems(entries);
    pick.selectedItems = pick.items.filter((item) => item.picked);
    return ask(pick, () => ({ value: pick.selectedItems.flatMap((item) => (item.value === undefined ? [] : [item.value])) }));
  },
  async input(opts: InputOptions): Promise<string | undefined> {
    const box = vscode.window.createInputBox();
    dress(box, opts.title, opts.step);
    box.prompt = opts.prompt;
    box.password = opts.password ?? false;
    if (opts.value !== undefined) box.value = opts.value;
    if (opts.placeholder !== undefined) box.placeholder = opts.placeholder;
    const typing = box.onDidChangeValue((text) => (box.validationMessage = opts.validate(text)));
    return ask(box, () => {
      box.validationMessage = opts.validate(box.value);
      return box.validationMessage === undefined ? { value: box.value } : undefined;
    }).finally(() => typing.dispose());
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
