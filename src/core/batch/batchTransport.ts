// How the batch executors answer a model's calls (docs/batch.md, "How a run proceeds"): each
// request a call would send is looked up among the run's batch results under its custom_id — the
// call's cache key, with `-2`, `-3`, … for a call's further requests (exact mc on completions asks
// one per continuation) — and answered from there; a request without a result is set aside for
// the next batch (collected into shard files) and the call is deferred (CallDeferredError). A
// result the call cannot use is asked again in a later batch as the scheduler would ask again
// online: an error worth a retry or a request the batch never ran up to --retries more times, a
// bad answer once more.
import { AsyncLocalStorage } from 'node:async_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { BackendError, CallDeferredError, type ContinuationRequest, type GenerateRequest, type ModelBackend, type NextTokenRequest } from '../llm/backend';
import { HttpStatusError } from '../llm/openaiErrors';
import { cacheKey } from '../llm/responseCache';
import type { ScheduledBackend } from '../llm/scheduler';
import type { ModelTransport } from '../pipeline/executor';
import type { Verifier } from '../verify/verifier';
import { isSuccess, type BatchRequest, type BatchUrl } from './batchLines';
import type { ResultIndex } from './resultIndex';

/** Where collected requests go: a shard writer, or a count. */
export interface RequestSink {
  add(model: string, request: BatchRequest, stage: string): void;
}

export interface AskAgainPolicy {
  /** How many batches a custom_id was submitted in so far (0 when the executor does not submit). */
  attempts(customId: string): number;
  /** Submissions after the first for an error worth a retry or a request never run (--retries). */
  maxRetries: number;
}

/** The stage a request belongs to, for progress: `generation`, or the verifier whose call it is. */
const stages = new AsyncLocalStorage<string>();

/** One model call under way: its cache key and the requests it made. */
interface CallContext {
  key: string;
  posts: number;
  /** Every request the call made. */
  asked: BatchRequest[];
  /** Those without a result to answer them. */
  missing: BatchRequest[];
  /** Whether a result answered one of them. */
  answered: boolean;
}

const calls = new AsyncLocalStorage<CallContext>();

/** A bad answer is asked again once, as online (scheduler.ts). */
const BAD_ANSWER_RETRIES = 1;

export class BatchTransport {
  private sink: RequestSink | null = null;
  private readonly collected = new Set<string>();
  private active = 0;

  constructor(
    private readonly results: ResultIndex,
    private readonly policy: AskAgainPolicy,
  ) {}

  /** Requests without a result go to `sink` until endPass(); after it, a late call's request is dropped (the next pass asks it). */
  beginPass(sink: RequestSink): void {
    this.sink = sink;
    this.collected.clear();
  }

  endPass(): void {
    this.sink = null;
    // A pass of a million requests would keep their ids until the next pass otherwise.
    this.collected.clear();
  }

  /** Resolves once no call is under way (calls a finished pass left behind run out first). */
  async idle(): Promise<void> {
    while (this.active > 0) await nextTurn();
  }

  /** The verifier with its requests labelled by its name. */
  labelled(verifier: Verifier): Verifier {
    return {
      name: verifier.name,
      judgesTheGroup: verifier.judgesTheGroup,
      verifyTask: (task, samples, ctx) => stages.run(verifier.name, () => verifier.verifyTask(task, samples, ctx)),
    };
  }

  forModel(model: string, url: BatchUrl): ModelTransport {
    // Deferred calls were attempts to the scheduler: its accounting counts them out again.
    let deferred = 0;
    const defer = (requests: BatchRequest[]): never => {
      for (const request of requests) this.collect(model, request);
      deferred++;
      throw new CallDeferredError();
    };

    const exchange = async (body: object): Promise<unknown> => {
      const call = calls.getStore();
      if (!call) throw new Error('internal: a batch request made outside a model call');
      const n = ++call.posts;
      const request: BatchRequest = { customId: n === 1 ? call.key : `${call.key}-${n}`, url, body };
      call.asked.push(request);
      const result = await this.results.get(request.customId);
      if (result === undefined || result.kind === 'not-run') {
        if (this.mayAskAgain(request.customId, this.policy.maxRetries)) {
          call.missing.push(request);
          throw new CallDeferredError();
        }
        const why = result === undefined ? 'no batch returned a result for it' : `its batch did not run it (${result.message})`;
        throw new BackendError(`request ${request.customId}: ${why}, after ${this.policy.attempts(request.customId)} batches`, 'transient');
      }
      call.answered = true;
      if (isSuccess(result)) return result.body;
      throw new HttpStatusError(result.status, new Headers(), JSON.stringify(result.body));
    };

    const answerer = (inner: ModelBackend): ModelBackend => {
      const run = async <T>(method: string, req: unknown, invoke: () => Promise<T>): Promise<T> => {
        const call: CallContext = { key: cacheKey(inner.id, method, req), posts: 0, asked: [], missing: [], answered: false };
        try {
          return await calls.run(call, invoke);
        } catch (err) {
          if (call.missing.length > 0) defer(call.missing);
          if (call.answered && err instanceof BackendError && err.retryable) {
            const budget = err.failure === 'bad-answer' ? Math.min(BAD_ANSWER_RETRIES, this.policy.maxRetries) : this.policy.maxRetries;
            if (call.asked.every((r) => this.mayAskAgain(r.customId, budget))) defer(call.asked);
          }
          throw err;
        }
      };
      return {
        id: inner.id,
        generate: (req: GenerateRequest, signal?: AbortSignal) => run('generate', req, () => inner.generate(req, signal)),
        nextToken: (req: NextTokenRequest, signal?: AbortSignal) => run('nextToken', req, () => inner.nextToken(req, signal)),
        ...(inner.continuationLogprobs
          ? { continuationLogprobs: (req: ContinuationRequest, signal?: AbortSignal) => run('continuationLogprobs', req, () => (inner.continuationLogprobs as NonNullable<ModelBackend['continuationLogprobs']>)(req, signal)) }
          : {}),
        close: () => inner.close(),
      };
    };

    const tracked = (scheduled: ScheduledBackend): ScheduledBackend => {
      const track = async <T>(invoke: () => Promise<T>): Promise<T> => {
        this.active++;
        try {
          return await invoke();
        } finally {
          this.active--;
        }
      };
      return {
        id: scheduled.id,
        generate: (req, signal) => track(() => scheduled.generate(req, signal)),
        nextToken: (req, signal) => track(() => scheduled.nextToken(req, signal)),
        ...(scheduled.continuationLogprobs
          ? { continuationLogprobs: (req: ContinuationRequest, signal?: AbortSignal) => track(() => (scheduled.continuationLogprobs as NonNullable<ModelBackend['continuationLogprobs']>)(req, signal)) }
          : {}),
        close: () => scheduled.close(),
        accounting: () => {
          const a = scheduled.accounting();
          return { ...a, requests: a.requests - deferred, failures: a.failures - deferred };
        },
      };
    };

    return { exchange, answerer, tracked };
  }

  /** Whether a request may go into another batch: submitted no more than `retries` times after its first. */
  private mayAskAgain(customId: string, retries: number): boolean {
    return this.policy.attempts(customId) <= retries;
  }

  private collect(model: string, request: BatchRequest): void {
    if (!this.sink || this.collected.has(request.customId)) return;
    this.collected.add(request.customId);
    this.sink.add(model, request, stages.getStore() ?? 'generation');
  }
}
