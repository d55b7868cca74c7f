// Turns a model spec into a scheduled backend (concurrency, retries, cache, accounting), the same
// way for the CLI and the extension. Backends are imported lazily: node-llama-cpp is heavy.
import { availableParallelism } from 'node:os';
import type { Usage } from '../llm/backend';
import { UserError } from '../util/errors';
import type { ModelTransport } from './executor';
import type { EndpointCapabilities } from '../runs/endpointCapabilities';
import type { ModelSpec } from '../llm/modelSpec';
import { EndpointPool } from '../llm/endpointPool';
import { createPoolScheduler, createScheduler, type ScheduledBackend } from '../llm/scheduler';
import { ResponseCache } from '../llm/responseCache';

export interface OpenModelOptions {
  api: 'chat' | 'completions';
  /** Sent to every endpoint of the model. */
  apiKey?: string;
  /** Model calls in flight at once; for a model with several endpoints, over all of them together. */
  concurrency: number;
  /** Several endpoints: each keeps an equal share of `concurrency` instead of adapting (default false). */
  fixedConcurrency?: boolean;
  /** Response cache folder; null disables the cache. */
  cacheDir: string | null;
  /** The most bytes the response cache may take (default cacheLimitFromEnv(): $GAPLENS_CACHE_MAX_MB MiB, else 2 GiB). */
  cacheMaxBytes?: number;
  timeoutMs?: number;
  maxRetries?: number;
  /** llama.cpp CPU threads; default: half the cores (see defaultLlamaThreads). */
  threads?: number;
  /** llama.cpp tokens per sequence (prompt + completion). */
  contextSize?: number;
  onDownloadProgress?: (done: number, total: number) => void;
  onRetry?: (message: string) => void;
  /** Told once when the endpoint turns out not to return several choices per request. */
  onNotice?: (message: string) => void;
  /** Told the usage of every call the model answered (see SchedulerOptions.onUsage). */
  onUsage?: (usage: Usage) => void;
  /** OpenAI-compatible endpoints: answers with a longer body fail that call. */
  maxAnswerBytes?: number;
  /** OpenAI-compatible endpoints: what the endpoint accepts, probed at run start (requests are worded for it). */
  capabilities?: EndpointCapabilities;
  signal?: AbortSignal;
  /**
   * Answer the model's calls this way instead of online (the batch executors): no connection, no
   * per-attempt timeout and no retries of the scheduler (a batch asks again by submitting again).
   */
  transport?: ModelTransport;
}

const LONGEST_TIMER_MS = 2_147_483_647;

/**
 * llama.cpp's worker threads spin while they wait for each other, so when the machine has fewer
 * free cores than threads a token can take seconds instead of milliseconds (measured here: 2
 * threads on a loaded 2-core machine never finished; 1 thread ran 1,000 tokens/s). Half the cores
 * leaves room for the rest of the machine; --threads overrides it.
 */
export function defaultLlamaThreads(): number {
  return Math.max(1, Math.floor(availableParallelism() / 2));
}

export async function openModel(spec: ModelSpec, opts: OpenModelOptions): Promise<ScheduledBackend> {
  // Opened first: a bad GAPLENS_CACHE_MAX_MB is reported before a model loads. Its messages go
  // where the caller's retry messages go, the one message sink a run has.
  const cache =
    opts.cacheDir === null
      ? undefined
      : ResponseCache.open(opts.cacheDir, {
          ...(opts.cacheMaxBytes !== undefined ? { maxBytes: opts.cacheMaxBytes } : {}),
          ...(opts.onRetry ? { onWarning: opts.onRetry } : {}),
        });
  const { transport } = opts;
  if (transport && spec.backend !== 'openai') throw new UserError('a batch executor sends requests to an OpenAI-compatible endpoint: it cannot run an embedded llama: model');
  // Embedded inference has no connection to hang, and a call may wait long for a free sequence
  // on a busy machine: a timeout would only throw finished work away. Abort still ends it. A
  // batch's answers are already on disk when its calls are made.
  const timeoutMs = transport ? LONGEST_TIMER_MS : (opts.timeoutMs ?? (spec.backend === 'llama' ? LONGEST_TIMER_MS : undefined));
  const maxRetries = transport ? 0 : opts.maxRetries;
  const scheduling = {
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(maxRetries !== undefined ? { maxRetries } : {}),
    ...(cache ? { cache } : {}),
    ...(opts.onRetry ? { onRetry: (info: { message: string }) => opts.onRetry?.(info.message) } : {}),
    ...(opts.onNotice ? { onNotice: opts.onNotice } : {}),
    ...(opts.onUsage ? { onUsage: opts.onUsage } : {}),
  };
  if (transport) return transport.tracked(createScheduler(transport.answerer(await openInner(spec, opts)), { concurrency: opts.concurrency, ...scheduling }));
  if (spec.backend === 'openai' && spec.baseUrls.length > 1) {
    const endpoints = await Promise.all(spec.baseUrls.map(async (url) => ({ url, backend: await openInner(spec, opts, url) })));
    const pool = new EndpointPool(endpoints, { ceiling: opts.concurrency, adaptive: opts.fixedConcurrency !== true, ...(opts.onNotice ? { onNotice: opts.onNotice } : {}) });
    // The model whichever endpoint answers (docs/cache.md): the endpoints' own ids without their URL.
    return createPoolScheduler(`${spec.provider}:${opts.api}:${spec.model}`, pool, scheduling);
  }
  return createScheduler(await openInner(spec, opts), { concurrency: opts.concurrency, ...scheduling });
}

/** The backend of the spec's model; an endpoint spec's at `baseUrl` (default: its first). */
async function openInner(spec: ModelSpec, opts: OpenModelOptions, baseUrl?: string) {
  if (spec.backend === 'openai') {
    const [{ createOpenAIBackend }, { endpointOptionsOf }] = await Promise.all([import('../llm/openaiBackend'), import('../llm/openaiEndpoint')]);
    return createOpenAIBackend({
      ...endpointOptionsOf(spec, opts.api, opts, baseUrl),
      ...(opts.capabilities ? { capabilities: opts.capabilities } : {}),
      ...(opts.transport ? { exchange: opts.transport.exchange } : {}),
    });
  }
  const { createLlamaBackend } = await import('../llm/llamaBackend');
  let modelPath: string;
  if ('defaultModel' in spec) {
    const { resolveDefaultModel } = await import('../llm/llamaDefaultModel');
    modelPath = await resolveDefaultModel({
      ...(opts.onDownloadProgress ? { onProgress: opts.onDownloadProgress } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } else {
    modelPath = spec.modelPath;
  }
  return createLlamaBackend({
    modelPath,
    sequences: opts.concurrency,
    threads: opts.threads ?? defaultLlamaThreads(),
    ...(opts.contextSize !== undefined ? { contextSize: opts.contextSize } : {}),
  });
}
