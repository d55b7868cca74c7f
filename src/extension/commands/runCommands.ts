// Starting new runs: Run Gap Check… (any task source), Run on Selected Tasks (lines of a task
// file, saved or not) and Check Selection (selected text as the question).
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { getGrader } from '../../core/grade/graders';
import type { OpenRequest } from '../../core/pipeline/runController';
import { BUILTIN_TASK_SETS } from '../../core/tasks/load';
import type { Task } from '../../core/tasks/task';
import { UserError } from '../../core/util/errors';
import { TASK_LANGUAGE_ID } from '../services';
import { linesSource, selectedLines, SELECTION_SOURCE, SELECTION_TASK_ID, selectionTask, tasksOnLines } from '../tasks/taskSelection';
import { findTaskFiles } from '../tasks/workspaceTaskFiles';
import { linesArg, pathArg } from './commandArgs';
import type { CommandContext } from './commandContext';
import { askRunPlan, graderEntries, runConfigOf, type RunPlan, type TaskFileRef } from './runPlan';

/** The workspaceState key of the profile name used last. */
export const LAST_PROFILE = 'gaplens.lastProfile';

export async function runGapCheck(ctx: CommandContext, args: readonly unknown[]): Promise<void> {
  const preset = pathArg(args[0]);
  const settings = ctx.workspace.settings(preset);
  const plan = await askRunPlan(ctx.prompter, {
    settings,
    builtins: BUILTIN_TASK_SETS,
    workspaceFiles: await findTaskFiles(ctx.workspace),
    ...activeTaskFileRef(ctx),
    ...(preset !== undefined ? { presetTasks: preset } : {}),
    ...lastProfile(ctx),
  });
  if (!plan) return;
  if (!plan.tasks.startsWith('builtin:') && !(await saveIfDirty(plan.tasks))) return;
  const open: OpenRequest = { kind: 'new', config: runConfigOf(plan, settings), options: { runsRoot: ctx.workspace.runsRootFor(plan.tasks), versions: versions() } };
  await start(ctx, plan, open, plan.tasks.startsWith('builtin:') ? plan.tasks : basename(plan.tasks));
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
  const plan = await askRunPlan(ctx.prompter, { settings, builtins: [], workspaceFiles: [], presetTasks: source, ...lastProfile(ctx) });
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
  const plan = await askRunPlan(ctx.prompter, { settings, builtins: [], workspaceFiles: [], presetTasks: SELECTION_SOURCE, ...lastProfile(ctx) });
  if (!plan) return;
  await startWithTasks(ctx, plan, [task], `the selection at ${origin}`, editor.document.fileName);
}

async function startWithTasks(ctx: CommandContext, plan: RunPlan, tasks: Task[], what: string, near: string): Promise<void> {
  const open: OpenRequest = { kind: 'new', config: runConfigOf(plan, ctx.workspace.settings(near)), tasks, options: { runsRoot: ctx.workspace.runsRootFor(near), versions: versions() } };
  await start(ctx, plan, open, what);
}

async function start(ctx: CommandContext, plan: RunPlan, open: OpenRequest, what: string): Promise<void> {
  await ctx.services.context.workspaceState.update(LAST_PROFILE, plan.profile.name);
  ctx.services.refreshRuns();
  await ctx.executor.execute({ open, activity: `gap check on ${what}`, executor: plan.executor });
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

function lastProfile(ctx: CommandContext): { lastProfile?: string } {
  const name = ctx.services.context.workspaceState.get<string>(LAST_PROFILE);
  return name !== undefined ? { lastProfile: name } : {};
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
