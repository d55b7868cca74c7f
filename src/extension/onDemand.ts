// Everything the extension does beyond registering itself (dist/onDemand.js): commands, trees,
// panels, runs. main.ts loads this bundle on the first command, tree expansion or panel restore.
// Owns every disposable it creates; shares state with main.ts only through Services.
import * as vscode from 'vscode';
import { BUILTIN_TASK_SETS } from '../core/tasks/load';
import { TASK_CODE_LENS_SETTING, taskCodeLensMode } from '../protocol/taskServerProtocol';
import type { HeavyCommandId } from './commandIds';
import { DisposableStore } from './disposables';
import type { CommandContext } from './commands/commandContext';
import { compareRuns } from './commands/compareRuns';
import { showSeries } from './commands/showSeries';
import { checkSelection, runGapCheck, runSelectedTasks } from './commands/runCommands';
import { quickCheck } from './commands/quickCheck';
import { cancelRun, deleteRuns, exportKept, labelRun, nextDisagreement, openRun, openRunEditor, restorePanel, resumeRun, reverifyRun } from './commands/runFolderCommands';
import { setApiKey } from './commands/setApiKey';
import { editVerifierTemplate, reverifyWithTemplate } from './commands/templateCommands';
import { checkModel } from './commands/checkModel';
import { addModelProfile } from './commands/addProfile';
import { ApiKeys } from './config/apiKeys';
import { WorkspaceSettings } from './config/workspaceSettings';
import { PanelMemory } from './panel/panelMemory';
import { PanelRegistry } from './panel/panelRegistry';
import { RunExecutor } from './commands/runExecutor';
import { RunIndex } from './run/runIndex';
import { QuickCheckBoard } from './run/quickChecks';
import { TASK_LANGUAGE_ID, type Features, type Services } from './services';
import { selectedLines, type LineSelection } from './tasks/taskSelection';
import { findTaskFiles } from './tasks/workspaceTaskFiles';
import { runGapCheckTest } from './testing/gapCheckTest';
import { openSettingsAction } from './ui/errorActions';
import { vscodePrompter } from './ui/vscodePrompter';
import { quickCheckLenses } from './views/quickCheckLenses';
import { RunTreeItem, taskSetItems } from './views/trees';

export function createFeatures(services: Services): Features {
  const { context } = services;
  const memory = new PanelMemory(context.workspaceState);
  const keys = new ApiKeys(context.secrets);
  // A bad model profile is left out with a warning; whatever does not use it goes on working.
  const workspace = new WorkspaceSettings(context.globalStorageUri, (problem) => {
    services.log.warn(problem);
    const open = openSettingsAction(problem);
    void vscode.window.showWarningMessage(`Gap Lens: ${problem}`, open.label).then((choice) => choice === open.label && open.run());
  });
  const panels = new PanelRegistry(services, memory, (dir) => workspace.restrictedNote(dir));
  const executor = new RunExecutor(services, panels, keys, workspace);
  const owned = new DisposableStore();
  owned.add(executor);
  owned.add(panels);
  watchForChanges(services, owned);
  const quickChecks = new QuickCheckBoard(context.workspaceState, () => services.refreshQuickChecks());
  owned.add(followTaskSelections(services));
  const ctx: CommandContext = {
    services,
    workspace,
    prompter: vscodePrompter,
    runs: new RunIndex(),
    panels,
    executor,
    keys,
    memory,
    ownPanel(panel) {
      owned.add(panel);
      panel.onDidDispose(() => owned.release(panel));
    },
  };

  const commands: Record<HeavyCommandId, (args: readonly unknown[]) => Promise<void> | void> = {
    'gaplens.runGapCheck': (args) => runGapCheck(ctx, args),
    'gaplens.runSelectedTasks': (args) => runSelectedTasks(ctx, args),
    'gaplens.checkSelection': () => checkSelection(ctx),
    'gaplens.openRun': (args) => openRun(ctx, args),
    'gaplens.resumeRun': (args) => resumeRun(ctx, args),
    'gaplens.cancelRun': (args) => cancelRun(ctx, args),
    'gaplens.reverifyRun': (args) => reverifyRun(ctx, args),
    'gaplens.labelRun': (args) => labelRun(ctx, args),
    'gaplens.compareRuns': (args) => compareRuns(ctx, args),
    'gaplens.exportKept': (args) => exportKept(ctx, args),
    'gaplens.showSeries': (args) => showSeries(ctx, args),
    'gaplens.setApiKey': () => setApiKey(ctx),
    'gaplens.addModelProfile': async () => void (await addModelProfile(ctx)),
    'gaplens.checkModel': () => checkModel(ctx),
    'gaplens.nextDisagreement': () => nextDisagreement(ctx),
    'gaplens.deleteRun': (args) => deleteRuns(ctx, args),
    'gaplens.editVerifierTemplate': (args) => editVerifierTemplate(ctx, args),
    'gaplens.reverifyWithTemplate': (args) => reverifyWithTemplate(ctx, args),
    'gaplens.quickCheck': (args) => quickCheck(ctx, quickChecks, args),
  };

  return {
    async runCommand(id, args) {
      await commands[id](args);
    },
    async runsChildren() {
      const listings = await ctx.runs.list(ctx.workspace.runsRoots(), (m) => services.log.warn(m));
      return listings.map((l) => new RunTreeItem(l.dir, l, executor.isRunning(l.dir)));
    },
    async taskSetChildren() {
      return taskSetItems(await findTaskFiles(ctx.workspace), BUILTIN_TASK_SETS);
    },
    restorePanel: (panel, state) => restorePanel(ctx, panel, state),
    openRunEditor: (panel, file) => openRunEditor(ctx, panel, file),
    runGapCheckTest: (file, signal) => runGapCheckTest(ctx, file, signal),
    // gaplens.taskCodeLens places the quick check's lenses as it places "Run gap check"'s.
    quickCheckLenses: (document) =>
      quickCheckLenses(document, quickChecks, selectionsOf(document), taskCodeLensMode({ [TASK_CODE_LENS_SETTING]: workspace.getter(document.fileName)(TASK_CODE_LENS_SETTING) })),
    dispose: () => owned.dispose(),
  };
}

/** Refreshes the trees when task files or run folders appear or go, and when settings change. */
function watchForChanges(services: Services, owned: DisposableStore): void {
  const taskFiles = owned.add(vscode.workspace.createFileSystemWatcher('**/*.tasks.jsonl', false, true, false));
  owned.add(taskFiles.onDidCreate(() => services.refreshTaskSets()));
  owned.add(taskFiles.onDidDelete(() => services.refreshTaskSets()));
  const runFiles = owned.add(vscode.workspace.createFileSystemWatcher('**/run.json'));
  owned.add(runFiles.onDidCreate(() => services.refreshRuns()));
  owned.add(runFiles.onDidChange(() => services.refreshRuns()));
  owned.add(runFiles.onDidDelete(() => services.refreshRuns()));
  owned.add(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('gaplens.runsFolder')) services.refreshRuns();
      if (e.affectsConfiguration('files.associations')) services.refreshTaskSets();
      if (e.affectsConfiguration(`gaplens.${TASK_CODE_LENS_SETTING}`)) services.refreshQuickChecks();
    }),
  );
}

/** The non-empty selections of `document` when it is in the active editor (the selection lens follows them). */
function selectionsOf(document: vscode.TextDocument): LineSelection[] {
  const editor = vscode.window.activeTextEditor;
  if (editor?.document.uri.toString() !== document.uri.toString()) return [];
  return editor.selections.filter((s) => !s.isEmpty).map((s) => ({ startLine: s.start.line, endLine: s.end.line, endCharacter: s.end.character }));
}

/** Asks for the quick check's lenses again when the selected lines of a task file change (not on every cursor move). */
function followTaskSelections(services: Services): vscode.Disposable {
  let last = '';
  return vscode.window.onDidChangeTextEditorSelection(({ textEditor }) => {
    if (textEditor.document.languageId !== TASK_LANGUAGE_ID) return;
    const now = JSON.stringify([textEditor.document.uri.toString(), selectedLines(selectionsOf(textEditor.document))]);
    if (now === last) return;
    last = now;
    services.refreshQuickChecks();
  });
}
