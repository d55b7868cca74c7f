// The extension's entry point (dist/extension.js): registers commands, the two trees, the status
// bar, the panel serializer, the run file editor, the Test Explorer's gap checks and the task-file
// language client, the quick gap check's lens and status item (the lens asks the on-demand bundle
// for its lenses, so opening a task file loads it) — and nothing heavier. Command code,
// the panel, core and the language client are separate bundles loaded on first use, so activation
// stays in milliseconds. Must not import core, the protocol or anything that pulls in a library.
import * as vscode from 'vscode';
import { COMMAND_IDS, LIGHT_COMMANDS, type CommandId } from './commandIds';
import { DisposableStore } from './disposables';
import { PANEL_VIEW_TYPE, RUN_EDITOR_VIEW_TYPES, TASK_LANGUAGE_ID, type Features, type Services } from './services';
import { registerTaskFileTests } from './testing/taskFileTests';
import { LazyQuickCheckLens, QUICK_CHECK_FILES } from './views/lazyQuickCheckLens';
import { QuickCheckStatusItem } from './views/quickCheckStatus';
import { RunStatusBar } from './views/statusBar';
import { DRAFT_TEMPLATES, DraftTemplateLens } from './views/templateLens';

const moduleLoaded = performance.now();

let stopLanguageClient: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): void {
  // Everything the extension creates is owned by this store (or by something it owns), which VS Code
  // disposes after deactivate: the extension tests check that nothing outlives it.
  const owned = new DisposableStore();
  context.subscriptions.push(owned);
  const log = owned.add(vscode.window.createOutputChannel('Gap Lens', { log: true }));
  const status = owned.add(new RunStatusBar());
  const runsTree = owned.add(new LazyTree(() => features().then((f) => f.runsChildren())));
  const taskSetsTree = owned.add(new LazyTree(() => features().then((f) => f.taskSetChildren())));
  const quickCheckLens = owned.add(new LazyQuickCheckLens(() => features()));
  const services: Services = {
    context,
    log,
    status,
    refreshRuns: () => runsTree.refresh(),
    refreshTaskSets: () => taskSetsTree.refresh(),
    refreshQuickChecks: () => quickCheckLens.refresh(),
  };

  let loaded: Promise<Features> | undefined;
  function features(): Promise<Features> {
    loaded ??= Promise.resolve()
      .then(() => import('./onDemand'))
      .then((m) => owned.add(m.createFeatures(services)));
    return loaded;
  }

  const light: Record<(typeof LIGHT_COMMANDS)[number], () => void> = {
    'gaplens.refreshRuns': () => runsTree.refresh(),
    'gaplens.refreshTaskSets': () => taskSetsTree.refresh(),
    'gaplens.showLog': () => log.show(),
  };
  for (const id of COMMAND_IDS) {
    const handler = isLight(id) ? async () => light[id]() : async (...args: unknown[]) => (await features()).runCommand(id, args);
    owned.add(vscode.commands.registerCommand(id, (...args: unknown[]) => reportErrors(log, id, () => handler(...args))));
  }

  owned.add(vscode.window.createTreeView('gaplens.runs', { treeDataProvider: runsTree, showCollapseAll: false }));
  owned.add(vscode.window.createTreeView('gaplens.taskSets', { treeDataProvider: taskSetsTree, showCollapseAll: false }));
  owned.add(
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: (panel, state: unknown) => reportErrors(log, 'restore panel', async () => (await features()).restorePanel(panel, state)),
    }),
  );
  // Read-only: the editor shows the run's folder, the file itself is never written.
  const runEditor: vscode.CustomReadonlyEditorProvider = {
    openCustomDocument: (uri) => ({ uri, dispose: () => undefined }),
    resolveCustomEditor: (document, panel) => reportErrors(log, 'open run', async () => (await features()).openRunEditor(panel, document.uri)),
  };
  for (const viewType of RUN_EDITOR_VIEW_TYPES) {
    owned.add(
      vscode.window.registerCustomEditorProvider(viewType, runEditor, { webviewOptions: { enableFindWidget: true, retainContextWhenHidden: false }, supportsMultipleEditorsPerDocument: false }),
    );
  }

  owned.add(vscode.languages.registerCodeLensProvider(DRAFT_TEMPLATES, new DraftTemplateLens()));
  owned.add(vscode.languages.registerCodeLensProvider(QUICK_CHECK_FILES, quickCheckLens));
  owned.add(new QuickCheckStatusItem());
  owned.add(registerTaskFileTests(async (file, signal) => (await features()).runGapCheckTest(file, signal)));
  startLanguageClientOnFirstTaskFile(context, log, owned);
  log.info(`activated in ${(performance.now() - moduleLoaded).toFixed(1)} ms (module evaluation to end of activate)`);
}

export function deactivate(): Promise<void> | undefined {
  return stopLanguageClient?.();
}

function isLight(id: CommandId): id is (typeof LIGHT_COMMANDS)[number] {
  return (LIGHT_COMMANDS as readonly string[]).includes(id);
}

/**
 * Shows a failure as a message: the text of a UserError (bad input, with what to do), else a short
 * note pointing at the log, which gets the stack.
 */
async function reportErrors(log: vscode.LogOutputChannel, what: string, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    const isUserError = err instanceof Error && err.name === 'UserError';
    if (isUserError) {
      log.warn(`${what}: ${err.message}`);
      void vscode.window.showErrorMessage(`Gap Lens: ${err.message}`);
      return;
    }
    log.error(`${what} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    const choice = await vscode.window.showErrorMessage(`Gap Lens: ${what} failed: ${err instanceof Error ? err.message : String(err)}`, 'Show Log');
    if (choice === 'Show Log') log.show();
  }
}

/** A tree whose items come from the on-demand bundle; asking for them is what loads it. */
class LazyTree implements vscode.TreeDataProvider<vscode.TreeItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly children: () => Promise<vscode.TreeItem[]>) {}

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(item: vscode.TreeItem): vscode.TreeItem {
    return item;
  }

  async getChildren(parent?: vscode.TreeItem): Promise<vscode.TreeItem[]> {
    return parent ? [] : this.children();
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** The language server starts with the first task file opened, not at activation. */
function startLanguageClientOnFirstTaskFile(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, owned: DisposableStore): void {
  let started = false;
  const consider = (doc: vscode.TextDocument): void => {
    if (started || doc.languageId !== TASK_LANGUAGE_ID) return;
    started = true;
    listener.dispose();
    Promise.resolve()
      .then(() => import('./languageClient'))
      .then(async (m) => {
        const client = owned.add(await m.startTaskLanguageClient(context, log, owned));
        stopLanguageClient = () => client.stop();
      })
      .catch((err: unknown) => log.error(`the task-file language server did not start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));
  };
  const listener = owned.add(vscode.workspace.onDidOpenTextDocument(consider));
  vscode.workspace.textDocuments.forEach(consider);
}

