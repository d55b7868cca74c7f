// Compare Runs…: the gap statistics of several runs side by side, and the relative gap vs
// pre-training FLOPs plot, in a page of its own (static HTML: scripts disabled).
import * as vscode from 'vscode';
import { hasNoGold, runSelector } from '../../core/config/runRules';
import { parseFilter, parseSelector } from '../../core/filter/parse';
import { assessRunReport } from '../../core/pipeline/runReport';
import { liveLockHolder } from '../../core/runs/runLock';
import { readRun } from '../../core/runs/runStore';
import { toScoredSamples } from '../../core/runs/scoredSamples';
import { modelOfVerifier } from '../../core/runs/verifierModels';
import { UserError } from '../../core/util/errors';
import { modelSpecOf } from '../config/settings';
import { createNonce } from '../panel/panelHtml';
import { compareHtml, type CompareEntry } from '../panel/compareView';
import { FILL_COMMAND, type MatrixSection } from '../panel/compareMatrix';
import { crossMatrix } from '../../core/pipeline/crossMatrix';
import { modelShortName } from '../views/runItems';
import { runDirsArg } from './commandArgs';
import type { CommandContext } from './commandContext';
import { pickRunDirs, showStaticPage } from './runPages';

/** Task-bootstrap resamples for the intervals, as `gaplens report` uses by default. */
const RESAMPLES = 1000;

export async function compareRuns(ctx: CommandContext, args: readonly unknown[]): Promise<void> {
  const given = runDirsArg(args);
  const dirs = given.length >= 2 ? given : await pickRunDirs(ctx, given, { title: 'Gap Lens: Compare Runs', placeholder: 'Which runs? (two or more)', needs: 'comparing needs two or more' });
  if (dirs === undefined) return;
  if (dirs.length < 2) throw new UserError('pick two or more runs to compare');
  const flopsBySpec = new Map(ctx.workspace.profiles().flatMap((p) => (p.pretrainingFlops !== undefined ? [[modelSpecOf(p), p.pretrainingFlops] as const] : [])));
  const [entries, matrix] = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Gap Lens: comparing runs' }, () =>
    Promise.all([Promise.all(dirs.map((dir) => compareEntry(ctx, dir, flopsBySpec))), matrixOf(ctx, dirs)]),
  );
  showStaticPage(ctx, 'gaplens.compare', 'Gap Lens: Compare Runs', (cspSource) => compareHtml(entries, { cspSource, nonce: createNonce() }, matrix), [FILL_COMMAND]);
}

/** The runs' cross-verification matrix by the default verifier method and filter (the first run's), or why there is none. */
async function matrixOf(ctx: CommandContext, dirs: readonly string[]): Promise<MatrixSection> {
  try {
    return { matrix: await crossMatrix(dirs, { verifier: undefined, filter: undefined, resamples: RESAMPLES, seed: 0 }, (m) => ctx.services.log.warn(`matrix: ${m}`)) };
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    return { error: err.message };
  }
}

async function compareEntry(ctx: CommandContext, dir: string, flopsBySpec: ReadonlyMap<string, number>): Promise<CompareEntry> {
  let model = dir;
  let runId = dir;
  let tasks = '';
  try {
    const run = await readRun(dir, { onWarning: (m) => ctx.services.log.warn(m) });
    const c = run.manifest.config;
    model = modelShortName(c.model);
    runId = run.manifest.id;
    tasks = c.tasks;
    const selector = runSelector(c);
    if (selector === null) throw new UserError('the run has no verifier');
    if (run.tasks.some(hasNoGold)) throw new UserError('some tasks have no gold answer (a Check Selection run), so there is no accuracy to compare');
    const samples = toScoredSamples(run);
    if (samples.length === 0) throw new UserError('no samples yet');
    const live = (await liveLockHolder(dir)) !== null;
    const assessed = assessRunReport(run, samples, { selector: parseSelector(selector), filter: parseFilter(c.filter), resamples: RESAMPLES, seed: 0 }, live);
    const flops = flopsBySpec.get(c.model);
    // The plot places a run at its generator's compute; the verifier may be another model.
    const judge = modelOfVerifier(c, selector);
    return { runId, model, tasks, ...(flops !== undefined ? { flops } : {}), ...(judge !== c.model ? { verifiedBy: modelShortName(judge) } : {}), assessed };
  } catch (err) {
    ctx.services.log.warn(`compare: ${dir}: ${err instanceof Error ? err.message : String(err)}`);
    return { runId, model, tasks, error: err instanceof Error ? err.message : String(err) };
  }
}
