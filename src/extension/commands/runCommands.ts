// Starting new runs: Run Gap Check… (any task source), Run on Selected Tasks (lines of a task
// file, saved or not) and Check Selection (selected text as the question).
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { getGrader } from '../../core/grade/graders';
import { defaultModelLocation, resolveDefaultModel } from '../../core/llm/llamaDefaultModel';
import type { OpenRequest } from '../../core/pipeline/runController';
import { BUILTIN_TASK_SETS } from '../../core/tasks/load';
import type { Task } from '../../core/tasks/task';
import { UserError } from '../../core/util/errors';
import { readRunChoices, RUN_CHOICES_KEY } from '../config/runChoices';
import type { ModelProfile } from '../config/settings';
import { TASK_LANGUAGE_ID } from '../services';
import { offerActions, openSettingsAction, showLogAction } from '../ui/errorActions';
import { linesSource, selectedLines, SELECTION_SOURCE, SELECTION_TASK_ID, selectionTask, tasksOnLines } from '../tasks/taskSelection';
import { findTaskFiles, type TaskFileRef } from '../tasks/workspaceTaskFiles';
import { linesArg, pathArg } from './commandArgs';
import type { CommandContext } from './commandContext';
import { askRunPlan, choicesOf, graderEntries, runConfigOf, type RunPlan, type RunPlanContext } from './runPlan';
import { ggufCheck, profileQuestionHelp, saveProfile } from './addProfile';
import { profileOf } from './newProfile';

export async function runGapCheck(ctx: CommandContext, args: readonly unknown[]): Promise<void> {
  const preset = pathArg(args[0]);
  const settings = ctx.workspace.settings(preset);
  const plan = await askRunPlan(ctx.prompter, {
    settings,
    builtins: BUILTIN_TASK_SETS,
    workspaceFiles: await findTaskFiles(ctx.workspace),
    ...activeTaskFileRef(ctx),
    ...(preset !== undefined ? { presetTasks: preset } : {}),
    ...pickerHelp(ctx, preset),
  });
  if (!plan) return;
  if (!plan.tasks.startsWith('builtin:') && !(await saveIfDirty(plan.tasks))) return;
  const openOf = (p: RunPlan): OpenRequest => ({ kind: 'new', config: runConfigOf(p, settings), options: { runsRoot: ctx.workspace.runsRootFor(p.tasks), versions: versions() } });
  await start(ctx, plan, openOf, plan.tasks.startsWith('builtin:') ? plan.tasks : basename(plan.tasks));
}

export async function runSelectedTasks(ctx: CommandContext, args: readonly unknown[]): Promise<void> {
  const { doc, lines } = await selectedTaskLines(args);
  const selected = tasksOnLines(doc.getText(), doc.fileName, lines);
  if (selected.skipped.length > 0) {
    ctx.services.log.warn(`${doc.fileName}: skipped selected lines with errors:\n${selected.skipped.join('\n')}`);
    void vscode.window.showWarningMessage(`Gap Lens: ${selected.skipped.length} selected line${selected.skipped.length === 1 ? ' has' : 's have'} errors and ${selected.skipped.length === 1 ? 'is' : 'are'} left out (see the Problems view).`);
  }
  const settings = ctx.workspace.settings(doc.fileName);
  const source = linesSource(doc.fileName, selected.lines);
  const plan = await askRunPlan(ctx.prompter, { settings, builtins: [], workspaceFiles: [], presetTasks: source, ...pickerHelp(ctx, doc.fileName) });
  if (!plan) return;
  await startWithTasks(ctx, plan, selected.tasks, `${selected.tasks.length} task${selected.tasks.length === 1 ? '' : 's'} of ${basename(doc.fileName)}`, doc.fileName);
}

export async function checkSelection(ctx: CommandContext): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) throw new UserError('open a file and select the text of a question, then run Check Selection');
  if (editor.document.languageId === TASK_LANGUAGE_ID) throw new UserError('this is a task file: use "Gap Lens: Run on Selected Tasks" to run the tasks on the selected lines');
  const question = editor.document.getText(editor.selection);
  const origin = `${ctx.workspace.display(editor.document.fileName)}:${editor.selection.start.line + 1}`;
  const title = 'Gap Lens: Check Selection';
  const grader = await ctx.prompter.pickOne(graderEntries(), { title, placeholder: 'How are answers compared?' });
  if (!grader) return;
  const gold = await ctx.prompter.input({
    title,
    prompt: 'Gold answer (optional: leave empty to see the answers and mark the right one in the panel)',
    validate: (text) => (text.trim() === '' ? undefined : (getGrader(grader).checkGold({ id: SELECTION_TASK_ID, question, answer: text.trim(), grader }) ?? undefined)),
  });
  if (gold === undefined) return;
  const task = selectionTask(question, gold, grader, origin);
  const settings = ctx.workspace.settings(editor.document.fileName);
  const plan = await askRunPlan(ctx.prompter, { settings, builtins: [], workspaceFiles: [], presetTasks: SELECTION_SOURCE, ...pickerHelp(ctx, editor.document.fileName) });
  if (!plan) return;
  await startWithTasks(ctx, plan, [task], `the selection at ${origin}`, editor.document.fileName);
}

async function startWithTasks(ctx: CommandContext, plan: RunPlan, tasks: Task[], what: string, near: string): Promise<void> {
  const openOf = (p: RunPlan): OpenRequest => ({ kind: 'new', config: runConfigOf(p, ctx.workspace.settings(near)), tasks, options: { runsRoot: ctx.workspace.runsRootFor(near), versions: versions() } });
  await start(ctx, plan, openOf, what);
}

/** Remembers the answers, makes sure the model is there, and runs; a failure offers Retry (a new run of the same plan). */
async function start(ctx: CommandContext, asked: RunPlan, openOf: (plan: RunPlan) => OpenRequest, what: string): Promise<void> {
  const { workspaceState } = ctx.services.context;
  await workspaceState.update(RUN_CHOICES_KEY, choicesOf(asked, readRunChoices(workspaceState.get(RUN_CHOICES_KEY))));
  // A GGUF file chosen instead of the default model runs in its place.
  const plan = await withModelAvailable(ctx, asked);
  if (!plan) return;
  ctx.services.refreshRuns();
  try {
    await ctx.executor.execute({ open: openOf(plan), activity: `gap check on ${what}`, executor: plan.executor });
  } catch (err) {
    const { log } = ctx.services;
    await offerActions(log, err, [{ label: 'Retry', run: () => start(ctx, plan, openOf, what) }, openSettingsAction(err instanceof Error ? err.message : ''), showLogAction(log)]);
  }
}

const CHOOSE_GGUF = 'Choose a .gguf File…';

/**
 * The default profile's model (about 0.5 GB) is downloaded before the run starts, so that when the
 * download fails (offline) the user can choose a .gguf file instead: it becomes a profile in their
 * user settings and the run goes on with it. The plan to run; undefined when the user gives up.
 */
async function withModelAvailable(ctx: CommandContext, plan: RunPlan): Promise<RunPlan | undefined> {
  if (plan.profile.backend !== 'llama' || plan.profile.modelPath !== null || existsSync(defaultModelLocation().path)) return plan;
  const { log } = ctx.services;
  for (;;) {
    const abort = new AbortController();
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Gap Lens: downloading the default model (once)', cancellable: true }, (progress, token) => {
        const cancel = token.onCancellationRequested(() => abort.abort());
        let reported = 0;
        const onProgress = (got: number, size: number): void => {
          const percent = (100 * got) / Math.max(size, 1);
          progress.report({ increment: percent - reported, message: `${Math.round(percent)} % of ${Math.round(size / 1e6)} MB` });
          reported = percent;
        };
        return resolveDefaultModel({ signal: abort.signal, onProgress, fallback: 'or choose a .gguf model file on this computer' }).finally(() => cancel.dispose());
      });
      return plan;
    } catch (err) {
      if (abort.signal.aborted) return undefined;
      let next: 'retry' | 'gguf' | undefined;
      await offerActions(log, err, [
        { label: CHOOSE_GGUF, run: () => (next = 'gguf') },
        { label: 'Retry', run: () => (next = 'retry') },
        showLogAction(log),
      ]);
      if (next === 'retry') continue;
      if (next === undefined) return undefined;
      const profile = await profileOfGgufFile(ctx);
      return profile ? { ...plan, profile } : undefined;
    }
  }
}

/** A profile for a .gguf file the user picks, saved to their user settings; undefined when they cancel or the file is no GGUF model. */
async function profileOfGgufFile(ctx: CommandContext): Promise<ModelProfile | undefined> {
  const modelPath = await ctx.prompter.openPath({ title: 'Gap Lens: Choose a Model', openLabel: 'Use this model', folders: false, filters: { 'GGUF models': ['gguf'] } });
  if (modelPath === undefined) return undefined;
  const check = await ggufCheck(modelPath);
  if (!check.ok) throw new UserError(`${modelPath}: ${check.summary}; choose a .gguf model file`);
  const taken = new Set(ctx.workspace.profiles().map((p) => p.name));
  const stem = basename(modelPath).replace(/\.gguf$/i, '');
  let name = stem;
  for (let i = 2; taken.has(name); i++) name = `${stem} (${i})`;
  const profile = profileOf({ kind: 'gguf', name, modelPath });
  await saveProfile(ctx, profile, 'user');
  return profile;
}

/** The task file and lines to run: from a CodeLens' arguments, else the active editor's selections. */
async function selectedTaskLines(args: readonly unknown[]): Promise<{ doc: vscode.TextDocument; lines: number[] }> {
  const path = pathArg(args[0]);
  const lines = linesArg(args[1]);
  if (path !== undefined && lines !== undefined) return { doc: await vscode.workspace.openTextDocument(vscode.Uri.file(path)), lines };
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== TASK_LANGUAGE_ID) {
    throw new UserError('open a task file (*.tasks.jsonl) and put the cursor on the tasks to run, or select them');
  }
  const selections = editor.selections.map((s) => ({ startLine: s.start.line, endLine: s.end.line, endCharacter: s.end.character }));
  return { doc: editor.document, lines: selectedLines(selections) };
}

function activeTaskFileRef(ctx: CommandContext): { activeFile?: TaskFileRef } {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc || doc.languageId !== TASK_LANGUAGE_ID || doc.uri.scheme !== 'file') return {};
  return { activeFile: { path: doc.fileName, label: ctx.workspace.displayDir(doc.fileName) } };
}

/** What the run flow offers beside the questions: the last answers, adding a profile, and what Restricted Mode ignores. */
function pickerHelp(ctx: CommandContext, near: string | undefined): Pick<RunPlanContext, 'remembered' | 'addProfile' | 'restrictedNote' | 'manageTrust'> {
  return { remembered: readRunChoices(ctx.services.context.workspaceState.get(RUN_CHOICES_KEY)), ...profileQuestionHelp(ctx, near) };
}

/** A run reads its task file from disk: unsaved edits are saved first, with the user's consent. */
async function saveIfDirty(path: string): Promise<boolean> {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.fileName === path);
  if (!doc?.isDirty) return true;
  const choice = await vscode.window.showWarningMessage(`${basename(path)} has unsaved changes; the run reads the file from disk.`, { modal: true }, 'Save and Run');
  return choice === 'Save and Run' && (await doc.save());
}

export function versions(): Record<string, string> {
  return { vscode: vscode.version };
}
