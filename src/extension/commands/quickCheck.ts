// Quick Gap Check: a small gap check of tasks of the task file being edited — one task (its
// CodeLens), the selected tasks, or the whole file (the status bar) — with the model profile used
// last, N and the task limit of gaplens.quickCheck.*, the first default verifier and the default
// filter. It runs through the one run executor and the response cache, quietly (no panel, no
// notification: the status bar shows its progress), and its result becomes the CodeLens' text.
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_VERIFIER } from '../../core/config/runRules';
import { parseFilter, parseSelector } from '../../core/filter/parse';
import { assessRunReport } from '../../core/pipeline/runReport';
import { DEFAULT_BOOTSTRAP } from '../../core/stats/bootstrap';
import { readRun } from '../../core/runs/runStore';
import { toScoredSamples } from '../../core/runs/scoredSamples';
import { parseTaskText } from '../../core/tasks/parseTaskText';
import { UserError } from '../../core/util/errors';
import { readQuickCheckSettings } from '../config/quickCheckSettings';
import { readRunChoices, RUN_CHOICES_KEY } from '../config/runChoices';
import type { ModelProfile } from '../config/settings';
import type { QuickCheckBoard } from '../run/quickChecks';
import { TASK_LANGUAGE_ID } from '../services';
import { linesSource, selectedLines, tasksOnLines } from '../tasks/taskSelection';
import { quickCheckText } from '../views/quickCheckText';
import { linesArg, pathArg } from './commandArgs';
import type { CommandContext } from './commandContext';
import { profileQuestionHelp } from './addProfile';
import { versions } from './runCommands';
import { askProfile, runConfigOf } from './runPlan';


/** `args`: a task file and 1-based task lines (a CodeLens), a task file alone (all its tasks), or nothing (the active editor's selection, else its file). */
export async function quickCheck(ctx: CommandContext, board: QuickCheckBoard, args: readonly unknown[]): Promise<void> {
  const { doc, lines } = await linesToCheck(args);
  const file = doc.fileName;
  const quick = readQuickCheckSettings(ctx.workspace.getter(file));
  const settings = ctx.workspace.settings(file);
  const selected = tasksOnLines(doc.getText(), file, lines);
  const count = quick.limit === null ? selected.tasks.length : Math.min(quick.limit, selected.tasks.length);
  const tasks = selected.tasks.slice(0, count);
  const taskLines = selected.lines.slice(0, count);
  const profile = await lastUsedProfile(ctx, file);
  if (profile === undefined) return;
  const plan = {
    tasks: linesSource(file, taskLines),
    profile,
    n: quick.n,
    maxTokens: settings.maxTokens,
    verifiers: [settings.defaultVerifiers[0] ?? DEFAULT_VERIFIER],
    filter: settings.defaultFilter,
    // A quick check waits for its answer: never the Batch API's hours.
    executor: 'online' as const,
  };
  const config = runConfigOf(plan, settings);
  // The check is of the tasks asked for (its lens's), of which it runs the first gaplens.quickCheck.limit.
  const taskIds = selected.tasks.map((t) => t.id);
  board.started(file, taskIds);
  let dir: string | undefined;
  try {
    const result = await ctx.executor.execute({
      open: { kind: 'new', config, tasks, options: { runsRoot: ctx.workspace.runsRootFor(file), versions: versions() } },
      activity: `quick gap check of ${tasks.length === 1 ? `task ${tasks[0]?.id}` : `${tasks.length} tasks`} of ${basename(file)}`,
      executor: 'online',
      quiet: true,
    });
    if (result === undefined) return board.stopped(file, taskIds);
    dir = result.dir;
    const run = await readRun(dir, { onWarning: (m) => ctx.services.log.warn(m) });
    const assessed = assessRunReport(run, toScoredSamples(run), { selector: parseSelector(plan.verifiers[0] as string), filter: parseFilter(config.filter), resamples: DEFAULT_BOOTSTRAP.resamples, seed: DEFAULT_BOOTSTRAP.seed }, false);
    await board.finished({ file, taskIds, dir, ...quickCheckText(assessed, result.status, config.n) });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await board.finished({ file, taskIds, ...(dir !== undefined ? { dir } : {}), title: 'failed (see the Gap Lens log)', tooltip: message });
    throw err;
  }
}

/** The task file and the lines to check: from a CodeLens' arguments, else the active task file's selection, else all its tasks. */
async function linesToCheck(args: readonly unknown[]): Promise<{ doc: vscode.TextDocument; lines: number[] }> {
  const path = pathArg(args[0]);
  if (path !== undefined) {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path));
    return { doc, lines: linesArg(args[1]) ?? taskLines(doc) };
  }
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== TASK_LANGUAGE_ID) throw new UserError('open a task file (*.tasks.jsonl), then run Quick Gap Check on it, on a task or on the selected tasks');
  const selections = editor.selections.filter((s) => !s.isEmpty).map((s) => ({ startLine: s.start.line, endLine: s.end.line, endCharacter: s.end.character }));
  return { doc: editor.document, lines: selections.length > 0 ? selectedLines(selections) : taskLines(editor.document) };
}

function taskLines(doc: vscode.TextDocument): number[] {
  return parseTaskText(doc.getText(), doc.fileName).origins.map((o) => o.line);
}

/**
 * The profile the run flow used last in this workspace (Run Gap Check… remembers it); when there is
 * none, or it is gone from the settings, asked once with the run flow's profile question and
 * remembered the same way. Undefined when the user cancels.
 */
async function lastUsedProfile(ctx: CommandContext, file: string): Promise<ModelProfile | undefined> {
  const { workspaceState } = ctx.services.context;
  const choices = readRunChoices(workspaceState.get(RUN_CHOICES_KEY));
  const profiles = ctx.workspace.profiles(file);
  const last = profiles.find((p) => p.name === choices.profile);
  if (last !== undefined) return last;
  const asked = await askProfile(ctx.prompter, profiles, {
    title: 'Gap Lens: Quick Gap Check',
    placeholder: 'Model profile for quick gap checks (asked once: the profile of your last run is used)',
    ...profileQuestionHelp(ctx, file),
  });
  if (asked !== undefined) await workspaceState.update(RUN_CHOICES_KEY, { ...choices, profile: asked.name });
  return asked;
}
