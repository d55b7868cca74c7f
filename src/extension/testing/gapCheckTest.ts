// One Test Explorer gap check of a task file: a small run through the extension's run executor
// (quietly: no panel, no progress notification; through the response cache, so an unchanged file and
// settings replay from it), then the pass rule (gapCheckVerdict.ts) over the finished run's report.
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { parseFilter, parseSelector } from '../../core/filter/parse';
import { assessRunReport } from '../../core/pipeline/runReport';
import { readRun } from '../../core/runs/runStore';
import type { AssessedReport } from '../../core/stats/assessment';
import { toScoredSamples } from '../../core/runs/scoredSamples';
import { UserError } from '../../core/util/errors';
import type { CommandContext } from '../commands/commandContext';
import { versions } from '../commands/runCommands';
import { readRunChoices, RUN_CHOICES_KEY } from '../config/runChoices';
import { runConfigOf } from '../commands/runPlan';
import { judgeGapCheck } from './gapCheckVerdict';
import type { GapTestResult } from '../gapTestResult';
import { readTestingSettings } from './testingSettings';

/** The report's bootstrap, as `gaplens report` draws it by default. */
const BOOTSTRAP = { resamples: 1000, seed: 0 } as const;

/** Runs the gap check of `file`; `signal` cancels it. Never throws: a failure is an errored result. */
export async function runGapCheckTest(ctx: CommandContext, file: string, signal: AbortSignal): Promise<GapTestResult> {
  try {
    return await check(ctx, file, signal);
  } catch (err) {
    const known = err instanceof Error && err.name === 'UserError';
    if (!known) ctx.services.log.error(`gap check of ${file} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    const message = err instanceof Error ? err.message : String(err);
    return { outcome: 'errored', reason: known ? message : `the gap check failed: ${message} (see the Gap Lens log)`, numbers: [] };
  }
}

async function check(ctx: CommandContext, file: string, signal: AbortSignal): Promise<GapTestResult> {
  // The run reads the file from disk: a check of edits not saved would not be a check of the file shown.
  if (vscode.workspace.textDocuments.some((d) => d.uri.scheme === 'file' && d.fileName === file && d.isDirty)) {
    throw new UserError(`${basename(file)} has unsaved changes: save it, then run its gap check`);
  }
  const settings = ctx.workspace.settings(file);
  const testing = readTestingSettings(ctx.workspace.getter(file), settings, readRunChoices(ctx.services.context.workspaceState.get(RUN_CHOICES_KEY)).profile);
  const plan = {
    tasks: file,
    ...(testing.taskLimit !== null ? { limit: testing.taskLimit } : {}),
    profile: testing.profile,
    n: testing.samplesPerTask,
    maxTokens: settings.maxTokens,
    verifiers: [testing.verifier],
    filter: settings.defaultFilter,
    // A test waits for its answer: never the Batch API's hours.
    executor: 'online' as const,
  };
  const config = runConfigOf(plan, settings);
  const result = await ctx.executor.execute({
    open: { kind: 'new', config, options: { runsRoot: ctx.workspace.runsRootFor(file), versions: versions() } },
    activity: `gap check test of ${basename(file)}`,
    executor: 'online',
    signal,
    // The Test Explorer shows the test's progress; the result's message links the run's panel.
    quiet: true,
  });
  if (result === undefined) return { outcome: 'skipped', reason: 'cancelled before the run started', numbers: [] };
  const { dir, status } = result;
  if (status === 'cancelled') return { outcome: 'skipped', reason: `cancelled; the run folder ${dir} keeps what was done (Open Run… resumes it)`, numbers: [], dir };
  const run = await readRun(dir, { onWarning: (m) => ctx.services.log.warn(m) });
  const options = { selector: parseSelector(testing.verifier), filter: parseFilter(config.filter), ...BOOTSTRAP };
  let assessed: AssessedReport;
  try {
    assessed = assessRunReport(run, toScoredSamples(run), options, false);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    return { outcome: 'errored', reason: err.message, numbers: [], dir };
  }
  return { ...judgeGapCheck(assessed, status, { bar: testing.bar, minTasks: testing.minTasks }, config.n), dir };
}
