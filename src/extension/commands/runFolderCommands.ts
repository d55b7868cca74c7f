// Commands on existing runs: Open Run… (and resume), Resume Run, Cancel Run, Re-verify Run…, Label
// Run…, Export Kept Samples…, Delete Run, Next Disagreement, the panel serializer's restore, and a
// run file's custom editor.
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { runSelector } from '../../core/config/runRules';
import { parseFilter, parseSelector } from '../../core/filter/parse';
import { writeKeptExport } from '../../core/pipeline/exportKept';
import { assertRunFolder, readRun, type RunData } from '../../core/runs/runStore';
import { runStateLines } from '../../core/report/coverageText';
import { runCoverage } from '../../core/runs/coverage';
import { describeHolder, liveLockHolder } from '../../core/runs/runLock';
import { isComplete } from '../../core/stats/coverage';
import { UserError } from '../../core/util/errors';
import { verifiersRunBy } from '../../core/verify/index';
import { BASE_VERIFIERS } from '../../core/verify/verifier';
import { escapeHtml } from '../../core/report/escape';
import { parsePanelState, type PanelState } from '../../protocol/panelProtocol';
import type { AnnotationRecord } from '../../core/runs/records';
import type { RecordCoverage } from '../../core/stats/coverage';
import type { ProgressParams } from '../panel/gapPanel';
import { createNonce, webviewHtml } from '../panel/panelHtml';
import { RunModel } from '../panel/runModel';
import { labelProblem, readRunNotes, updateRunNotes } from '../run/runNotes';
import { canResume, runPhase } from '../views/runPhase';
import { modelShortName, runItemText } from '../views/runItems';
import type { RunListing } from '../run/runIndex';
import { pathArg, reverifyFillArg, runDirsArg } from './commandArgs';
import type { CommandContext } from './commandContext';
import { askFilter, askVerifierModel, askVerifiers } from './runPlan';

/** Open Run…: the run named by the argument, else one picked from the runs folders or browsed to. */
export async function openRun(ctx: CommandContext, args: readonly unknown[]): Promise<void> {
  const dir = pathArg(args[0]) ?? (await pickRun(ctx, 'Open Run', () => true));
  if (dir === undefined) return;
  const open = ctx.panels.get(dir);
  if (open) {
    open.reveal();
    return;
  }
  const { model, annotations } = await modelOf(ctx, dir);
  const running = ctx.executor.isRunning(dir);
  const coverage = model.coverage();
  ctx.panels.show(model, annotations, progressOf(model, coverage, running));
  if (running || isComplete(coverage)) return;
  // Another process (the CLI, another window) writing it cannot be resumed from here until it stops.
  const writer = await liveLockHolder(dir);
  if (writer !== null) void vscode.window.showInformationMessage(`Gap Lens: run ${model.runId} is being written by ${describeHolder(writer)}; its panel shows what it has so far.`);
  else await offerResume(ctx, model, coverage);
}

async function offerResume(ctx: CommandContext, model: RunModel, coverage: RecordCoverage): Promise<void> {
  const [state] = runStateLines(coverage, { complete: false, live: false });
  const choice = await vscode.window.showInformationMessage(`Gap Lens: run ${model.runId} is ${state ?? 'incomplete'}.`, 'Resume');
  if (choice !== 'Resume') return;
  await resume(ctx, model.dir, model.runId);
}

/** The run a command on one run acts on: its argument (tree item, panel, path), else the panel in front, else one picked. */
async function runDirOf(ctx: CommandContext, args: readonly unknown[], title: string, eligible: (r: RunListing) => boolean): Promise<string | undefined> {
  return pathArg(args[0]) ?? ctx.panels.current()?.dir ?? (await pickRun(ctx, title, eligible));
}

/** Resume Run: continues an incomplete run where it stopped (from the panel's bar or the runs tree). */
export async function resumeRun(ctx: CommandContext, args: readonly unknown[]): Promise<void> {
  const dir = await runDirOf(ctx, args, 'Resume Run', (r) => canResume(runPhase(r.coverage, ctx.executor.isRunning(r.dir), r.live, r.notes.ended)));
  if (dir === undefined) return;
  if (ctx.executor.isRunning(dir)) throw new UserError(`${dir} is already running in this window`);
  const writer = await liveLockHolder(dir);
  if (writer !== null) throw new UserError(`${dir} is being written by ${describeHolder(writer)}: resume it when that has stopped`);
  const run = await readRunLogged(ctx, dir);
  if (isComplete(runCoverage(run))) throw new UserError(`run ${run.manifest.id} is complete: nothing to resume (Re-verify Run… adds verifiers)`);
  await resume(ctx, dir, run.manifest.id);
}

async function resume(ctx: CommandContext, dir: string, runId: string): Promise<void> {
  await ctx.executor.execute({ open: { kind: 'resume', dir }, activity: `resuming ${runId}` });
}

/** Cancel Run: stops the run this window executes (what the progress notification's Cancel does). */
export async function cancelRun(ctx: CommandContext, args: readonly unknown[]): Promise<void> {
  const dir = pathArg(args[0]) ?? ctx.panels.current()?.dir;
  if (dir === undefined) throw new UserError('open the run to cancel first, or use Cancel on it in the Gap Lens runs view');
  if (ctx.executor.cancel(dir)) {
    ctx.services.log.info(`cancelling ${dir}`);
    return;
  }
  const writer = await liveLockHolder(dir);
  throw new UserError(writer !== null ? `${dir} is being written by ${describeHolder(writer)}, not by this window: stop it there` : `${dir} is not running`);
}

/** Label Run…: the user's name for a run, shown in the runs tree, the panel's tab and the status bar (gaplens-ui.json; empty removes it). */
export async function labelRun(ctx: CommandContext, args: readonly unknown[]): Promise<void> {
  const dir = await runDirOf(ctx, args, 'Label Run', () => true);
  if (dir === undefined) return;
  await assertRunFolder(dir);
  const notes = await readRunNotes(dir, (m) => ctx.services.log.warn(m));
  const typed = await ctx.prompter.input({
    title: 'Gap Lens: Label Run',
    prompt: `A name for run ${basename(dir)} in the runs view, its panel and the status bar (empty: no label)`,
    ...(notes.label !== undefined ? { value: notes.label } : {}),
    validate: (text) => (text.trim() === '' ? undefined : (labelProblem(text.trim()) ?? undefined)),
  });
  if (typed === undefined) return;
  const label = typed.trim();
  await updateRunNotes(dir, { label: label === '' ? undefined : label });
  ctx.runs.forget(dir);
  await ctx.panels.notesChanged(dir);
  ctx.services.refreshRuns();
}

/**
 * Re-verify Run…: more verifiers over a complete run's generations, no new sampling; by the run's
 * own model or by another profile's (cross-verification), whose verifiers are named VERIFIER@MODEL.
 */
export async function reverifyRun(ctx: CommandContext, args: readonly unknown[]): Promise<void> {
  const dir = pathArg(args[0]) ?? (await pickRun(ctx, 'Re-verify Run', (r) => r.complete));
  if (dir === undefined) return;
  if (ctx.executor.isRunning(dir)) throw new UserError(`${dir} is running; re-verify it when it has finished`);
  const run = await readRunLogged(ctx, dir);
  const { config } = run.manifest;
  // A Compare page's missing matrix cell names the verifier and model: nothing to ask.
  const fill = reverifyFillArg(args[1]);
  const model = fill !== undefined ? fill.model : await askVerifierModel(ctx.prompter, ctx.workspace.profiles(dir), config, 'Gap Lens: Re-verify Run');
  if (model === undefined) return;
  // Only verifiers the run does not have yet under the names this model gives them.
  const had = BASE_VERIFIERS.filter((base) => config.verifiers.includes(verifiersRunBy([base], config.model, model ?? undefined).verifiers[0] as string));
  if (fill !== undefined && had.includes(fill.verifier)) throw new UserError(`${dir} already has ${fill.verifier}${model === null ? '' : ` by ${modelShortName(model)}`}`);
  const verifiers = fill !== undefined ? [fill.verifier] : await askVerifiers(ctx.prompter, [], had);
  if (!verifiers) return;
  const by = model === null ? '' : ` by ${modelShortName(model)}`;
  await ctx.executor.execute({ open: { kind: 'reverify', dir, verifiers, ...(model !== null ? { model } : {}) }, activity: `re-verifying with ${verifiers.join(', ')}${by}` });
}

/** Export Kept Samples…: the samples the panel's filter keeps (or a filter asked for), as SFT JSONL. */
export async function exportKept(ctx: CommandContext, args: readonly unknown[]): Promise<void> {
  const dir = pathArg(args[0]) ?? ctx.panels.current()?.dir ?? (await pickRun(ctx, 'Export Kept Samples', () => true));
  if (dir === undefined) return;
  const run = await readRunLogged(ctx, dir);
  const panel = ctx.panels.get(dir);
  const selector = panel?.selector ?? runSelector(run.manifest.config);
  if (selector === null) throw new UserError(`${dir} has no verifier scores to filter by`);
  const filter = panel?.filter ?? (await askFilter(ctx.prompter, run.manifest.config.filter, 'Gap Lens: Export Kept Samples'));
  if (filter === undefined) return;
  const out = await ctx.prompter.savePath({
    title: `Export the samples ${selector} keeps with ${filter}`,
    defaultPath: join(dir, `kept-${selector}-${filter}.jsonl`.replace(/[^A-Za-z0-9._-]+/g, '-')),
    filters: { 'JSON Lines': ['jsonl'] },
  });
  if (out === undefined) return;
  // With its lineage (FILE.lineage.json), so that a run of the model trained on it can name it: gaplens run --lineage FILE.
  const { records, samples, sidecar } = await writeKeptExport(run, { selector: parseSelector(selector), filter: parseFilter(filter), checkerCorrected: false, out });
  ctx.services.log.info(`exported ${records} of ${samples} samples of ${dir} (${selector}, ${filter}) to ${out}, its lineage to ${sidecar}`);
  const choice = await vscode.window.showInformationMessage(`Gap Lens: wrote ${records} of ${samples} samples to ${basename(out)}.`, 'Open');
  if (choice === 'Open') await vscode.window.showTextDocument(vscode.Uri.file(out));
}

/**
 * Delete Run: moves run folders to the trash after a modal confirmation; where there is no trash
 * (some remote hosts), deleting them for good needs a second yes.
 */
export async function deleteRuns(ctx: CommandContext, args: readonly unknown[]): Promise<void> {
  const dirs = runDirsArg(args);
  if (dirs.length === 0) return;
  for (const dir of dirs) {
    if (ctx.executor.isRunning(dir)) throw new UserError(`${dir} is running: cancel it first`);
    await assertRunFolder(dir);
    const writer = await liveLockHolder(dir);
    if (writer !== null) throw new UserError(`${dir} is being written by ${describeHolder(writer)}: stop it first`);
  }
  const what = dirs.length === 1 ? `run ${basename(dirs[0] as string)}` : `${dirs.length} runs`;
  const choice = await vscode.window.showWarningMessage(`Delete ${what}?`, { modal: true, detail: `This moves ${dirs.join(', ')} with all samples and annotations to the trash.` }, 'Move to Trash');
  if (choice !== 'Move to Trash') return;
  for (const dir of dirs) {
    ctx.panels.close(dir);
    if (!(await removeRunFolder(ctx, dir))) break;
    ctx.runs.forget(dir);
    await ctx.memory.forget(basename(dir));
  }
  ctx.services.refreshRuns();
}

/** To the trash, else (after asking) for good; false when the user kept the folder. */
async function removeRunFolder(ctx: CommandContext, dir: string): Promise<boolean> {
  const uri = vscode.Uri.file(dir);
  try {
    await vscode.workspace.fs.delete(uri, { recursive: true, useTrash: true });
    ctx.services.log.info(`moved ${dir} to the trash`);
    return true;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    const choice = await vscode.window.showWarningMessage(`${basename(dir)} cannot be moved to the trash here. Delete it permanently?`, { modal: true, detail: why }, 'Delete Permanently');
    if (choice !== 'Delete Permanently') return false;
    await vscode.workspace.fs.delete(uri, { recursive: true, useTrash: false });
    ctx.services.log.info(`deleted ${dir} (no trash: ${why})`);
    return true;
  }
}

export function nextDisagreement(ctx: CommandContext): void {
  const panel = ctx.panels.current();
  if (!panel) throw new UserError('open a run first (Gap Lens: Open Run…)');
  panel.command('nextDisagreement');
}

/** The panel serializer: the run and view the panel showed before the window reloaded. */
export async function restorePanel(ctx: CommandContext, webviewPanel: vscode.WebviewPanel, rawState: unknown): Promise<void> {
  const state = parsePanelState(rawState);
  const dir = state ? await findRunDir(ctx, state.runId) : undefined;
  if (!state || dir === undefined) {
    ctx.services.log.warn(`a Gap Lens panel could not be restored: ${state ? `run ${state.runId} is no longer on disk` : 'it saved no run'}`);
    webviewPanel.dispose();
    return;
  }
  try {
    await adoptPanel(ctx, webviewPanel, dir, state);
  } catch (err) {
    // An empty panel would stay behind otherwise; the error itself is shown by the caller.
    webviewPanel.dispose();
    throw err;
  }
}

/**
 * A run's run.json or samples.jsonl opened with the "Gap Lens Run" editor: the gap panel of its
 * folder, in that editor (it replaces a panel the run had open elsewhere: one panel per run). A
 * file that is not part of a readable run gets a page saying why instead of an empty editor.
 */
export async function openRunEditor(ctx: CommandContext, webviewPanel: vscode.WebviewPanel, file: vscode.Uri): Promise<void> {
  try {
    await adoptPanel(ctx, webviewPanel, dirname(file.fsPath), null);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    ctx.services.log.warn(`${file.fsPath} cannot be shown as a run: ${err instanceof Error && err.name !== 'UserError' ? (err.stack ?? message) : message}`);
    webviewPanel.webview.options = { enableScripts: false, enableCommandUris: false, localResourceRoots: [] };
    webviewPanel.webview.html = notARunPage(webviewPanel.webview.cspSource, basename(file.fsPath), message);
  }
}

/** Shows the run in `dir` in a webview panel VS Code made: restored after a reload, or a run file's editor. */
async function adoptPanel(ctx: CommandContext, webviewPanel: vscode.WebviewPanel, dir: string, state: PanelState | null): Promise<void> {
  const { model, annotations } = await modelOf(ctx, dir);
  ctx.panels.restore(webviewPanel, model, annotations, progressOf(model, model.coverage(), ctx.executor.isRunning(dir)), state);
}

/**
 * What a panel shows of a run: a run executing in this window has one state, the executor's; else
 * its files, read as columns (the panel reads a sample's texts when it shows them). The annotations
 * are the folder's either way.
 */
async function modelOf(ctx: CommandContext, dir: string): Promise<{ model: RunModel; annotations: AnnotationRecord[] }> {
  const read = await RunModel.read(dir, { onWarning: (m) => ctx.services.log.warn(m) });
  const running = ctx.executor.modelOf(dir);
  if (running) return { model: running, annotations: read.annotations };
  read.model.markAnswers(ctx.memory.markedAnswers(read.model.runId));
  return read;
}

/** A static page (no script) with the reason, in the editor's own colours. */
function notARunPage(cspSource: string, fileName: string, reason: string): string {
  return webviewHtml({
    title: fileName,
    cspSource,
    nonce: createNonce(),
    scripts: [],
    styles: [],
    inlineCss: 'body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 1em 2em; }',
    body: `<h2>Gap Lens cannot show ${escapeHtml(fileName)} as a run</h2>
    <p data-role="not-a-run">${escapeHtml(reason)}</p>
    <p>To see the file itself: <b>View: Reopen Editor With…</b>, then Text Editor.</p>`,
  });
}

async function findRunDir(ctx: CommandContext, runId: string): Promise<string | undefined> {
  const candidates = [ctx.memory.dirOf(runId), ...ctx.workspace.runsRoots().map((root) => join(root, runId))];
  for (const dir of candidates) {
    if (dir === undefined) continue;
    try {
      await assertRunFolder(dir);
      return dir;
    } catch {
      // not here; try the next place
    }
  }
  return undefined;
}

/** How an opened run's progress reads in the panel (a running run's panel then gets its live records). */
function progressOf(model: RunModel, coverage: RecordCoverage, running: boolean): ProgressParams {
  const total = model.taskCount * model.summary.n;
  const done = model.sampleCount;
  if (running) return { done, total, status: 'running' };
  if (isComplete(coverage)) return { done, total, status: 'done' };
  return { done, total, status: 'cancelled', message: `Incomplete: ${done} of ${total} samples. Resume continues it.` };
}

async function readRunLogged(ctx: CommandContext, dir: string): Promise<RunData> {
  return readRun(dir, { onWarning: (m) => ctx.services.log.warn(m) });
}

/** Picks one run of the runs folders (newest first), or a run folder anywhere. */
export async function pickRun(ctx: CommandContext, title: string, eligible: (r: RunListing) => boolean): Promise<string | undefined> {
  const runs = (await ctx.runs.list(ctx.workspace.runsRoots(), (m) => ctx.services.log.warn(m))).filter(eligible);
  const browse = Symbol('browse');
  const picked = await ctx.prompter.pickOne<string | typeof browse>(
    [
      ...runs.map((r) => {
        const text = runItemText(r);
        return { label: text.label, description: text.description, detail: ctx.workspace.display(r.dir), value: r.dir };
      }),
      { separator: '' },
      { label: '$(folder-opened) Browse…', description: 'a run folder anywhere', value: browse },
    ],
    { title: `Gap Lens: ${title}`, placeholder: runs.length > 0 ? 'Which run?' : 'No runs in the runs folder yet: browse to one' },
  );
  if (picked !== browse) return picked;
  return ctx.prompter.openPath({ title: `Gap Lens: ${title}`, openLabel: 'Open Run', folders: true });
}
