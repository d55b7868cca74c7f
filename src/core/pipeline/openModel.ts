// Turns a model spec into a scheduled backend (concurrency, retries, cache, accounting), the same
// way for the CLI and the extension. Backends are imported lazily: node-llama-cpp is heavy.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ModelSpec } from '../llm/modelSpec';
import { createScheduler, type ScheduledBackend } from '../llm/scheduler';
import { ResponseCache } from '../llm/responseCache';

export interface OpenModelOptions {
  api: 'chat' | 'completions';
  apiKey?: string;
  concurrency: number;
  /** Response cache folder; null disables the cache. */
  cacheDir: string | null;
  timeoutMs?: number;
  maxRetries?: number;
  onDownloadProgress?: (done: number, total: number) => void;
  onRetry?: (message: string) => void;
  signal?: AbortSignal;
}

/** `$GAPLENS_CACHE_DIR`, else `$XDG_CACHE_HOME/gaplens`, else `~/.cache/gaplens`. */
export function defaultCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.GAPLENS_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'gaplens');
}

export async function openModel(spec: ModelSpec, opts: OpenModelOptions): Promise<ScheduledBackend> {
  const inner = await openInner(spec, opts);
  return createScheduler(inner, {
    concurrency: opts.concurrency,
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.maxRetries !== undefined ? { maxRetries: opts.maxRetries } : {}),
    ...(opts.cacheDir !== null ? { cache: new ResponseCache(opts.cacheDir) } : {}),
    ...(opts.onRetry ? { onRetry: (info: { message: string }) => opts.onRetry?.(info.message) } : {}),
  });
}

async function openInner(spec: ModelSpec, opts: OpenModelOptions) {
  if (spec.backend === 'openai') {
    const { createOpenAIBackend } = await import('../llm/openaiBackend');
    return createOpenAIBackend({ baseUrl: spec.baseUrl, model: spec.model, api: opts.api, ...(opts.apiKey ? { apiKey: opts.apiKey } : {}) });
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
  return createLlamaBackend({ modelPath, sequences: opts.concurrency });
}
