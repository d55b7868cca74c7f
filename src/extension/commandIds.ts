// Every command the extension contributes (package.json "contributes.commands"; a test keeps the
// two lists equal). main.ts registers them at activation; their code loads on first use.
export const COMMAND_IDS = [
  'gaplens.runGapCheck',
  'gaplens.runSelectedTasks',
  'gaplens.checkSelection',
  'gaplens.openRun',
  'gaplens.resumeRun',
  'gaplens.cancelRun',
  'gaplens.reverifyRun',
  'gaplens.labelRun',
  'gaplens.compareRuns',
  'gaplens.exportKept',
  'gaplens.showSeries',
  'gaplens.setApiKey',
  'gaplens.addModelProfile',
  'gaplens.checkModel',
  'gaplens.nextDisagreement',
  'gaplens.deleteRun',
  'gaplens.editVerifierTemplate',
  'gaplens.reverifyWithTemplate',
  'gaplens.quickCheck',
  'gaplens.refreshRuns',
  'gaplens.refreshTaskSets',
  'gaplens.showLog',
] as const;

export type CommandId = (typeof COMMAND_IDS)[number];

/** Handled in main.ts itself: they must not pay for loading the rest. */
export const LIGHT_COMMANDS = ['gaplens.refreshRuns', 'gaplens.refreshTaskSets', 'gaplens.showLog'] as const satisfies readonly CommandId[];
export type HeavyCommandId = Exclude<CommandId, (typeof LIGHT_COMMANDS)[number]>;
