// Wraps a backend with what every run needs around model calls: a response cache, a concurrency
// limit, per-attempt timeouts, retries with backoff, cancellation and token accounting. Backends
// make single attempts; all policy lives here. Attempts go through an endpoint pool
// (endpointPool.ts): of one endpoint under a fixed limit, or of the several servers of one model.
import { abortReason } from './abort';
import {
  BackendError,
  RetriesExhaustedError,
  SeveralChoicesUnsupportedError,
  type ContinuationRequest,
  type ContinuationResult,
  type GenerateRequest,
  type GenerateResult,
  type ModelBackend,
  type NextTokenRequest,
  type NextTokenResult,
  type Usage,
} from './backend';
import type { EndpointFigures } from './endpointFigures';
import { EndpointPool, type AttemptOutcome, type Endpoint, type Route, type Slot } from './endpointPool';
import { cacheKey, type ResponseCache } from './responseCache';

export interface SchedulerOptions {
  /** Model calls in flight at once. */
  concurrency: number;
  /** Retries after the first attempt of a call (default 6). */
  maxRetries?: number;
  /** Per attempt (default 120000). */
  timeoutMs?: number;
  /** Backoff before retry k is uniform in [0, min(maxDelayMs, baseDelayMs·2^(k-1))] (defaults 500, 30000). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Closed when the scheduler closes (so that the answers it holds in memory are written). */
  cache?: ResponseCache;
  onRetry?: (info: RetryInfo) => void;
  /** Told once when the backend turns out not to return several choices per request. */
  onNotice?: (message: string) => void;
  /** Told the usage of every call the backend answered (not of cache hits), as it is counted: what spend is reckoned from. */
  onUsage?: (usage: Usage) => void;
}

export interface RetryInfo {
  /** One line for a log: which endpoint, what failed, which retry, how long the wait. */
  message: string;
  method: CallMethod;
  /** The attempt that failed (1 = the first). */
  attempt: number;
  delayMs: number;
  error: BackendError;
}

export interface Accounting {
  /** Attempts sent to the backend, retries included; cache hits are not requests. */
  requests: number;
  /** Calls answered from the cache. */
  cacheHits: number;
  /** Attempts after the first of their call. */
  retries: number;
  /** Calls that finally failed (cancellations by the caller are not failures). */
  failures: number;
  /** Usage reported by successful attempts (cache hits cost nothing). */
  promptTokens: number;
  completionTokens: number;
}

export interface ScheduledBackend extends ModelBackend {
  accounting(): Accounting;
  /** Live figures per endpoint, for a model served by several. */
  endpointFigures?(): EndpointFigures[];
}

type CallMethod = 'generate' | 'nextToken' | 'continuationLogprobs';
type CallRequest = GenerateRequest | NextTokenRequest | ContinuationRequest;
// The longest delay a Node timer can express.
const MAX_TIMER_MS = 2_147_483_647;
/** A bad answer is asked again once: a second one for the same request means it is not a fluke. */
const BAD_ANSWER_RETRIES = 1;

export function createScheduler(inner: ModelBackend, opts: SchedulerOptions): ScheduledBackend {
  return schedule(inner.id, new EndpointPool([{ backend: inner, url: inner.id }], { ceiling: opts.concurrency, adaptive: false }), opts, false);
}

/**
 * The scheduler of a model served by several endpoints (docs/run-format.md, "Several endpoints"):
 * `id` names the model whichever endpoint answers, so that its answers are cache hits wherever
 * they were first asked. It offers forTask (a task's calls on one endpoint) and endpointFigures.
 */
export function createPoolScheduler(id: string, pool: EndpointPool, opts: Omit<SchedulerOptions, 'concurrency'>): ScheduledBackend {
  return schedule(id, pool, opts, true);
}

function schedule(id: string, pool: EndpointPool, opts: Omit<SchedulerOptions, 'concurrency'>, several: boolean): ScheduledBackend {
  const maxRetries = opts.maxRetries ?? 6;
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const baseDelayMs = opts.baseDelayMs ?? 500;
  const maxDelayMs = opts.maxDelayMs ?? 30_000;
  checkInteger('maxRetries', maxRetries, 0);
  checkInteger('timeoutMs', timeoutMs, 1);
  checkInteger('baseDelayMs', baseDelayMs, 0);
  checkInteger('maxDelayMs', maxDelayMs, 0);
  const { cache, onRetry, onNotice, onUsage } = opts;
  // Every endpoint of a pool serves the same model through the same API.
  const scoresContinuations = pool.endpoints[0]?.backend.continuationLogprobs !== undefined;
  const counts: Accounting = { requests: 0, cacheHits: 0, retries: 0, failures: 0, promptTokens: 0, completionTokens: 0 };
  // Set once the backend shows it cannot return several choices: each sample is then its own call.
  let oneChoicePerRequest = false;

  async function call<R extends { usage: Usage }>(method: CallMethod, req: CallRequest, signal: AbortSignal | undefined, route: Route): Promise<R> {
    if (signal?.aborted) throw abortReason(signal);
    const key = cache ? cacheKey(id, method, req) : undefined;
    if (cache && key) {
      const hit = await cache.get<R>(key);
      if (hit !== undefined) {
        counts.cacheHits++;
        return hit;
      }
    }
    let result: R;
    try {
      result = await withRetries<R>(method, req, signal, route);
    } catch (err) {
      if (!signal?.aborted && !(err instanceof SeveralChoicesUnsupportedError)) counts.failures++;
      throw err;
    }
    counts.promptTokens += result.usage.promptTokens;
    counts.completionTokens += result.usage.completionTokens;
    onUsage?.(result.usage);
    if (cache && key) await cache.set(key, result);
    return result;
  }

  async function generate(req: GenerateRequest, signal: AbortSignal | undefined, route: Route): Promise<GenerateResult> {
    if (oneChoicePerRequest && req.n > 1) return separately(req, signal, route);
    try {
      return await call<GenerateResult>('generate', req, signal, route);
    } catch (err) {
      if (!(err instanceof SeveralChoicesUnsupportedError)) throw err;
      if (!oneChoicePerRequest) onNotice?.(`${err.message}; each sample is now requested on its own`);
      oneChoicePerRequest = true;
      return separately(req, signal, route);
    }
  }

  /**
   * The n samples of a request as n scheduled calls of one sample each (seeds seed + i, as a
   * backend that samples n at once uses), each with its own attempt, timeout, retries and cache
   * entry: n answers in a row would not fit one attempt's timeout.
   */
  async function separately(req: GenerateRequest, signal: AbortSignal | undefined, route: Route): Promise<GenerateResult> {
    const parts = await Promise.all(
      Array.from({ length: req.n }, (_, i) => call<GenerateResult>('generate', { ...req, n: 1, ...(req.seed !== undefined ? { seed: req.seed + i } : {}) }, signal, route)),
    );
    return {
      generations: parts.flatMap((p) => p.generations),
      usage: { promptTokens: sum(parts.map((p) => p.usage.promptTokens)), completionTokens: sum(parts.map((p) => p.usage.completionTokens)) },
    };
  }

  async function withRetries<R>(method: CallMethod, req: CallRequest, signal: AbortSignal | undefined, route: Route): Promise<R> {
    // The endpoints that gave this call no answer, and the attempts that used one of its retries.
    const tried = new Set<Endpoint>();
    let counted = 0;
    // The slot of an attempt refused as busy, which the call keeps while it waits to retry.
    let held: Slot | undefined;
    for (let attempt = 1; ; attempt++) {
      // A retry already waited its turn once: it goes to the front of the queue.
      const slot = held ? await pool.retry(held, route, signal) : await pool.acquire(route, signal, attempt > 1);
      held = undefined;
      counts.requests++;
      if (attempt > 1) counts.retries++;
      const started = performance.now();
      let attempted: { answer: R } | { error: unknown };
      try {
        attempted = { answer: await attemptOnce<R>(slot.backend, method, req, signal) };
      } catch (error) {
        attempted = { error };
      }
      // Exactly one release per slot (or a hold, then a release or a retry), with what the attempt showed.
      if ('answer' in attempted) {
        pool.release(slot, { kind: 'answered', method, latencyMs: performance.now() - started, steps: decodingSteps(method, attempted.answer) });
        return attempted.answer;
      }
      const { error } = attempted;
      const outcome: AttemptOutcome = signal?.aborted ? { kind: 'cancelled' } : outcomeOf(error);
      const retryable = outcome.kind !== 'cancelled' && error instanceof BackendError && error.retryable;
      // An endpoint that gave no answer may be gone: another endpoint takes the call at once, and
      // that does not use one of its retries (each endpoint gets the chance once).
      const moved = retryable && outcome.kind === 'unreachable' && pool.moveAway(route, slot, tried);
      if (retryable && !moved) counted++;
      const budget = error instanceof BackendError && error.failure === 'bad-answer' ? Math.min(maxRetries, BAD_ANSWER_RETRIES) : maxRetries;
      if (retryable && !moved && counted <= budget && outcome.kind === 'overloaded') {
        pool.refused(slot);
        held = slot;
      } else {
        pool.release(slot, outcome);
      }
      if (signal?.aborted) throw abortReason(signal);
      if (!retryable) throw error;
      if (moved) continue;
      if (counted > budget) {
        throw new RetriesExhaustedError(`${method} on ${slot.backend.id} failed after ${attempt} attempt${attempt === 1 ? '' : 's'}; the last error: ${error.message}`, error);
      }
      const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** (counted - 1));
      // Full jitter spreads retries out; a server-requested delay is a floor.
      const delayMs = Math.min(MAX_TIMER_MS, Math.max(Math.random() * cap, error.retryAfterMs ?? 0));
      onRetry?.({
        message: `${slot.backend.id}: ${error.message} — retry ${counted} of ${budget} in ${(delayMs / 1000).toFixed(1)} s`,
        method, attempt, delayMs, error,
      });
      try {
        await sleep(delayMs, signal);
      } catch (err) {
        if (held) pool.release(held, { kind: 'cancelled' });
        throw err;
      }
    }
  }

  /** One attempt, rejected promptly on timeout or cancellation whatever the backend does. */
  function attemptOnce<R>(backend: ModelBackend, method: CallMethod, req: CallRequest, signal: AbortSignal | undefined): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const controller = new AbortController();
      let settled = false;
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onCallerAbort);
        return true;
      };
      const onCallerAbort = (): void => {
        if (!settle() || !signal) return;
        controller.abort(signal.reason);
        reject(abortReason(signal));
      };
      const timer = setTimeout(() => {
        if (!settle()) return;
        const timeout = new BackendError(`${backend.id} did not answer within ${timeoutMs} ms`, 'transient', undefined, 'unreachable');
        controller.abort(timeout);
        reject(timeout);
      }, timeoutMs);
      signal?.addEventListener('abort', onCallerAbort, { once: true });
      invoke<R>(backend, method, req, controller.signal).then(
        (value) => { if (settle()) resolve(value); },
        (err: unknown) => { if (settle()) reject(err); },
      );
    });
  }

  /** The calls of one route; a fresh route per call when the caller keeps none. */
  function routed(route: () => Route): Pick<ModelBackend, 'generate' | 'nextToken' | 'continuationLogprobs'> {
    return {
      generate: (req: GenerateRequest, signal?: AbortSignal): Promise<GenerateResult> => generate(req, signal, route()),
      nextToken: (req: NextTokenRequest, signal?: AbortSignal): Promise<NextTokenResult> => call<NextTokenResult>('nextToken', req, signal, route()),
      // Offered only when the backend has it, so callers can tell whether exact scoring exists.
      ...(scoresContinuations
        ? { continuationLogprobs: (req: ContinuationRequest, signal?: AbortSignal): Promise<ContinuationResult> => call<ContinuationResult>('continuationLogprobs', req, signal, route()) }
        : {}),
    };
  }

  return {
    id,
    ...routed(() => ({ endpoint: undefined })),
    ...(several
      ? {
          forTask: (): ModelBackend => {
            const route: Route = { endpoint: undefined };
            // A view: closing it closes nothing.
            return { id, ...routed(() => route), close: async () => undefined };
          },
          endpointFigures: (): EndpointFigures[] => pool.figures(),
        }
      : {}),
    close: async (): Promise<void> => {
      pool.close();
      try {
        await Promise.all(pool.endpoints.map((e) => e.backend.close()));
      } finally {
        await cache?.close();
      }
    },
    accounting: (): Accounting => ({ ...counts }),
  };
}

/** What a failed attempt showed about its endpoint. */
function outcomeOf(err: unknown): AttemptOutcome {
  if (!(err instanceof BackendError)) return { kind: 'other' };
  if (err.endpointSignal === 'overloaded') return { kind: 'overloaded' };
  if (err.endpointSignal === 'unreachable') return { kind: 'unreachable', message: err.message };
  return { kind: 'other' };
}

/** The decoding steps an answer took, by which its latency is divided: the longest generation's tokens, 1 for a logprob call. */
function decodingSteps(method: CallMethod, result: unknown): number {
  if (method !== 'generate') return 1;
  return (result as Partial<GenerateResult>).generations?.reduce((most, g) => Math.max(most, g.completionTokens), 1) ?? 1;
}

function invoke<R>(backend: ModelBackend, method: CallMethod, req: CallRequest, signal: AbortSignal): Promise<R> {
  try {
    return dispatch(backend, method, req, signal) as Promise<R>;
  } catch (err) {
    return Promise.reject(err);
  }
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Calls the backend method a scheduled call is for. */
function dispatch(inner: ModelBackend, method: CallMethod, req: CallRequest, signal: AbortSignal): Promise<{ usage: Usage }> {
  if (method === 'generate') return inner.generate(req as GenerateRequest, signal);
  if (method === 'nextToken') return inner.nextToken(req as NextTokenRequest, signal);
  if (!inner.continuationLogprobs) return Promise.reject(new BackendError(`${inner.id} cannot score continuations`, 'fatal'));
  return inner.continuationLogprobs(req as ContinuationRequest, signal);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function checkInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min || value > MAX_TIMER_MS) throw new RangeError(`scheduler option ${name} must be an integer in [${min}, ${MAX_TIMER_MS}], got ${value}`);
}
