// The CLI's face of the run controller, shared by `run` and `reverify`: progress on stderr, Ctrl-C,
// and how the outcome reads — with the resume hint wherever a run was left unfinished.
import { limitReachedText, liveSpendText, spendText } from '../core/cost/costText';
import type { Spend } from '../core/cost/spend';
import type { RecordEvent } from '../core/pipeline/gapCheck';
import { unfinishedNote, type ExecuteOptions, type RunController } from '../core/pipeline/runController';
import type { Accounting } from '../core/llm/scheduler';
import type { Executor } from '../core/pipeline/executor';
import { BackendError } from '../core/llm/backend';
import { UserError } from '../core/util/errors';
import { fileSystemProblem } from '../core/util/fsProblems';
import { endpointLines } from './endpointLines';
import { createProgress } from './progress';

export interface DriveOptions {
  /** What the progress line calls the work, e.g. "gap check". */
  activity: string;
  /** Work items of the whole run, and how many were done before this execution. */
  total: number;
  done: number;
  /** Counts an event as one work item (each record of the run, or only verifications for a re-verify). */
  counts: (event: RecordEvent) => boolean;
  execution: Omit<ExecuteOptions, 'onEvent' | 'onMessage' | 'onDownloadProgress' | 'signal' | 'onSpend' | 'executor' | 'onEndpoints'>;
  /** Flags the resume hint adds to `gaplens run --resume DIR` (the executor's). */
  resumeFlags?: string[];
  /** The executor, made with the line log of the progress display; undefined (or none): online. */
  executor?: (log: (message: string) => void) => Promise<Executor | undefined>;
  /** Called with every record event before the progress line is drawn; returns extra progress text. */
  onEvent?: (event: RecordEvent) => void;
  summary?: () => string;
}

/**
 * How a finished execution ended for the caller: the run complete, finished with failed samples,
 * or waiting for batch results from outside (docs/batch.md).
 */
export type DriveResult = { complete: true } | { complete: false; failedSamples: number } | { complete: false; waiting: true };

/**
 * Executes the run; resolves when the pass finished (complete or with failed samples), throws a
 * UserError that says how to continue when it was cancelled or failed.
 */
export async function driveRun(controller: RunController, opts: DriveOptions): Promise<DriveResult> {
  const progress = createProgress(opts.total, opts.activity, { start: opts.done });
  const log = (message: string): void => progress.log(`gaplens: ${message}`);
  const abort = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    // The first Ctrl-C stops the run cleanly (every call cancelled, every record kept); a second quits at once.
    if (++interrupts > 1) process.exit(130);
    log('stopping: cancelling the calls in flight (Ctrl-C again to quit at once)');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  let done = opts.done;
  let spend: Spend | null = null;
  const summary = (): string => [opts.summary?.() ?? '', liveSpendText(spend)].filter((part) => part !== '').join('  ');
  try {
    // The lock is released by execute(): released here too when the executor cannot be made.
    const executor = await opts.executor?.(log).catch(async (err: unknown) => {
      await controller.close();
      throw err;
    });
    const outcome = await controller.execute({
      ...opts.execution,
      ...(executor ? { executor } : {}),
      onEvent: (event) => {
        if (event.type === 'task-done') return;
        opts.onEvent?.(event);
        if (opts.counts(event)) progress.update(++done, summary());
      },
      onEndpoints: (reports) => progress.details(endpointLines(reports)),
      onMessage: log,
      onDownloadProgress: (got, size) => log(`downloading model: ${Math.round((100 * got) / Math.max(size, 1))}%`),
      onSpend: (now) => (spend = now),
      signal: abort.signal,
    });
    progress.done();
    if (outcome.accounting) log(accountingLine(outcome.accounting));
    if (outcome.spend && outcome.accounting && outcome.accounting.requests > 0) log(spendText(outcome.spend));
    const resume = ['gaplens run --resume', controller.dir, ...(opts.resumeFlags ?? [])].join(' ');
    const hint = unfinishedNote(controller.dir, `continue with: ${resume}`);
    switch (outcome.status) {
      case 'complete':
        return { complete: true };
      case 'incomplete':
        log(`${outcome.failedSamples} sample stage${outcome.failedSamples === 1 ? '' : 's'} failed at the model call and ${outcome.failedSamples === 1 ? 'is' : 'are'} recorded as failures; the run is incomplete: ${resume} asks again`);
        return { complete: false, failedSamples: outcome.failedSamples };
      case 'waiting':
        return { complete: false, waiting: true };
      case 'cancelled':
        throw new UserError(`interrupted; ${hint}`);
      case 'cost-limit':
        throw new UserError(
          `stopped at the cost limit (--cost-limit): ${limitReachedText(outcome.limit)}; ` +
            unfinishedNote(controller.dir, `continue with: ${resume} --cost-limit AMOUNT (a resume counts its spend from zero)`),
          COST_LIMIT_EXIT,
        );
      case 'failed':
        throw explain(outcome.error, hint);
    }
  } finally {
    progress.done();
    process.off('SIGINT', onSigint);
  }
}

/** The exit code of a run stopped at its cost limit: unfinished, but by the user's own budget (docs/cost.md). */
const COST_LIMIT_EXIT = 3;

/** The error that ended a run as a UserError with the resume hint; a bug stays what it is. */
function explain(error: unknown, hint: string): unknown {
  const problem = error instanceof UserError || error instanceof BackendError ? error : fileSystemProblem(error);
  return problem === null ? error : new UserError(`${problem.message}\n${hint}`);
}

function accountingLine(a: Accounting): string {
  return `${a.requests} model calls, ${a.cacheHits} from cache, ${a.retries} retries, ${a.failures} failed, ${a.promptTokens} prompt + ${a.completionTokens} completion tokens`;
}
