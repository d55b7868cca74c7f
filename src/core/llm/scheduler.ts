// Wraps a backend with what every run needs around model calls: a response cache, a concurrency
// limit, per-attempt timeouts, retries with backoff, cancellation and token accounting. Backends
// make single attempts; all policy lives here.
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
import { ConcurrencyLimiter } from './concurrencyLimiter';
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
}

type CallMethod = 'generate' | 'nextToken' | 'continuationLogprobs';
type CallRequest = GenerateRequest | NextTokenRequest | ContinuationRequest;
// The longest delay a Node timer can express.
const MAX_TIMER_MS = 2_147_483_647;
/** A bad answer is asked again once: a second one for the same request means it is not a fluke. */
const BAD_ANSWER_RETRIES = 1;

export function createScheduler(inner: ModelBackend, opts: SchedulerOptions): ScheduledBackend {
  const maxRetries = opts.maxRetries ?? 6;
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const baseDelayMs = opts.baseDelayMs ?? 500;
  const maxDelayMs = opts.maxDelayMs ?? 30_000;
  checkInteger('maxRetries', maxRetries, 0);
  checkInteger('timeoutMs', timeoutMs, 1);
  checkInteger('baseDelayMs', baseDelayMs, 0);
  checkInteger('maxDelayMs', maxDelayMs, 0);
  const limiter = new ConcurrencyLimiter(opts.concurrency);
  const { cache, onRetry, onNotice, onUsage } = opts;
  const counts: Accounting = { requests: 0, cacheHits: 0, retries: 0, failures: 0, promptTokens: 0, completionTokens: 0 };
  // Set once the backend shows it cannot return several choices: each sample is then its own call.
  let oneChoicePerRequest = false;

  async function call<R extends { usage: Usage }>(method: CallMethod, req: CallRequest, signal: AbortSignal | undefined): Promise<R> {
    if (signal?.aborted) throw abortReason(signal);
    const key = cache ? cacheKey(inner.id, method, req) : undefined;
    if (cache && key) {
      const hit = await cache.get<R>(key);
      if (hit !== undefined) {
        counts.cacheHits++;
        return hit;
      }
    }
    let result: R;
    try {
      result = await withRetries<R>(method, req, signal);
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

  async function generate(req: GenerateRequest, signal: AbortSignal | undefined): Promise<GenerateResult> {
    if (oneChoicePerRequest && req.n > 1) return separately(req, signal);
    try {
      return await call<GenerateResult>('generate', req, signal);
    } catch (err) {
      if (!(err instanceof SeveralChoicesUnsupportedError)) throw err;
      if (!oneChoicePerRequest) onNotice?.(`${err.message}; each sample is now requested on its own`);
      oneChoicePerRequest = true;
      return separately(req, signal);
    }
  }

  /**
   * The n samples of a request as n scheduled calls of one sample each (seeds seed + i, as a
   * backend that samples n at once uses), each with its own attempt, timeout, retries and cache
   * entry: n answers in a row would not fit one attempt's timeout.
   */
  async function separately(req: GenerateRequest, signal: AbortSignal | undefined): Promise<GenerateResult> {
    const parts = await Promise.all(
      Array.from({ length: req.n }, (_, i) => call<GenerateResult>('generate', { ...req, n: 1, ...(req.seed !== undefined ? { seed: req.seed + i } : {}) }, signal)),
    );
    return {
      generations: parts.flatMap((p) => p.generations),
      usage: { promptTokens: sum(parts.map((p) => p.usage.promptTokens)), completionTokens: sum(parts.map((p) => p.usage.completionTokens)) },
    };
  }

  async function withRetries<R>(method: CallMethod, req: CallRequest, signal: AbortSignal | undefined): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      // A retry already waited its turn once: it goes to the front of the queue.
      await limiter.acquire(signal, attempt > 1);
      counts.requests++;
      if (attempt > 1) counts.retries++;
      let error: unknown;
      try {
        return await attemptOnce<R>(method, req, signal);
      } catch (err) {
        error = err;
      } finally {
        limiter.release();
      }
      if (signal?.aborted) throw abortReason(signal);
      if (!(error instanceof BackendError) || !error.retryable) throw error;
      const budget = error.failure === 'bad-answer' ? Math.min(maxRetries, BAD_ANSWER_RETRIES) : maxRetries;
      if (attempt > budget) {
        throw new RetriesExhaustedError(`${method} on ${inner.id} failed after ${attempt} attempt${attempt === 1 ? '' : 's'}; the last error: ${error.message}`, error);
      }
      const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      // Full jitter spreads retries out; a server-requested delay is a floor.
      const delayMs = Math.min(MAX_TIMER_MS, Math.max(Math.random() * cap, error.retryAfterMs ?? 0));
      onRetry?.({
        message: `${inner.id}: ${error.message} — retry ${attempt} of ${budget} in ${(delayMs / 1000).toFixed(1)} s`,
        method, attempt, delayMs, error,
      });
      await sleep(delayMs, signal);
    }
  }

  /** One attempt, rejected promptly on timeout or cancellation whatever the backend does. */
  function attemptOnce<R>(method: CallMethod, req: CallRequest, signal: AbortSignal | undefined): Promise<R> {
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
        const timeout = new BackendError(`${inner.id} did not answer within ${timeoutMs} ms`, 'transient');
        controller.abort(timeout);
        reject(timeout);
      }, timeoutMs);
      signal?.addEventListener('abort', onCallerAbort, { once: true });
      invoke<R>(method, req, controller.signal).then(
        (value) => { if (settle()) resolve(value); },
        (err: unknown) => { if (settle()) reject(err); },
      );
    });
  }

  function invoke<R>(method: CallMethod, req: CallRequest, signal: AbortSignal): Promise<R> {
    try {
      return dispatch(inner, method, req, signal) as Promise<R>;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  return {
    id: inner.id,
    generate: (req: GenerateRequest, signal?: AbortSignal): Promise<GenerateResult> => generate(req, signal),
    nextToken: (req: NextTokenRequest, signal?: AbortSignal): Promise<NextTokenResult> => call<NextTokenResult>('nextToken', req, signal),
    // Offered only when the backend has it, so callers can tell whether exact scoring exists.
    ...(inner.continuationLogprobs
      ? { continuationLogprobs: (req: ContinuationRequest, signal?: AbortSignal): Promise<ContinuationResult> => call<ContinuationResult>('continuationLogprobs', req, signal) }
      : {}),
    close: (): Promise<void> => inner.close(),
    accounting: (): Accounting => ({ ...counts }),
  };
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
