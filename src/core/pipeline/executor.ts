// How an execution reaches its models when not online, one call at a time: the batch executors
// (src/core/batch, docs/batch.md) answer calls from batch results and set the others aside for the
// next batch, and run the pipeline in passes until nothing is left to ask.
import type { ModelBackend } from '../llm/backend';
import type { Exchange } from '../llm/openaiEndpoint';
import type { ScheduledBackend } from '../llm/scheduler';
import type { Verifier } from '../verify/verifier';

/** How one model's calls are answered: openModel builds the model around it. */
export interface ModelTransport {
  /** Given to the endpoint instead of its HTTP client. */
  exchange: Exchange;
  /** Wraps the endpoint's backend, under the scheduler: each call's context and its policy of asking again. */
  answerer(inner: ModelBackend): ModelBackend;
  /** Wraps the scheduled model: what the pipeline calls. */
  tracked(scheduled: ScheduledBackend): ScheduledBackend;
}

/** Whether an execution's passes left the run finished, or waiting for results from outside (export, import). */
export type ExecutorEnd = 'done' | 'waiting';

export interface Executor {
  transport(model: string, api: 'chat' | 'completions'): ModelTransport;
  /** The verifier as the executor runs it (the batch executor labels its requests with its name). */
  verifier(verifier: Verifier): Verifier;
  /** Runs passes of the pipeline (`pass`) until none has anything left to ask. */
  run(pass: () => Promise<void>, signal: AbortSignal): Promise<ExecutorEnd>;
}
