// `llama:default`: a small instruct model downloaded once into the user's cache, so Gap Lens works
// with no setup. Once the file is there, no network is touched at all.
import { existsSync, mkdirSync } from 'node:fs';
import { defaultCacheRoot } from '../util/cacheDir';
import { join } from 'node:path';
import { UserError } from '../util/errors';
import { sha256 } from '../util/hash';
import { abortReason } from './abort';

const PREFLIGHT_TIMEOUT_MS = 20_000;

/** Qwen2.5-0.5B-Instruct, Q4_K_M (about 0.5 GB, Apache-2.0). */
export const DEFAULT_MODEL_URL = 'https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/qwen2.5-0.5b-instruct-q4_k_m.gguf';

export interface ResolveDefaultModelOptions {
  /** Where models are kept; default {@link defaultModelsDir}. */
  cacheDir?: string;
  /** Default: env GAPLENS_DEFAULT_MODEL_URL, else {@link DEFAULT_MODEL_URL}. */
  url?: string;
  onProgress?: (downloadedBytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
  /** The way around a failed download, as the caller offers it; default: the CLI's `--model llama:PATH`. */
  fallback?: string;
}

/** The local path of the default model, downloading it first if it is not in the cache yet. */
export async function resolveDefaultModel(opts: ResolveDefaultModelOptions = {}): Promise<string> {
  const { url, dir, fileName, path } = defaultModelLocation(opts);
  if (existsSync(path)) return path;

  const fallback = opts.fallback ?? 'or download a .gguf model yourself and pass --model llama:PATH';
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new UserError(`cannot create the model cache folder ${dir} (${error instanceof Error ? error.message : String(error)}); set GAPLENS_CACHE_DIR to a writable folder, ${fallback}`);
  }
  try {
    await checkReachable(url, opts.signal);
    const { createModelDownloader } = await import('node-llama-cpp');
    // The download goes to a temporary file that is renamed when complete, so `path` existing
    // above means a whole file.
    const downloader = await createModelDownloader({
      modelUri: url,
      dirPath: dir,
      fileName,
      showCliProgress: false,
      deleteTempFileOnCancel: true,
      ...(opts.onProgress ? { onProgress: ({ downloadedSize, totalSize }) => opts.onProgress?.(downloadedSize, totalSize) } : {}),
    });
    return await downloader.download(opts.signal ? { signal: opts.signal } : {});
  } catch (error) {
    if (opts.signal?.aborted) throw abortReason(opts.signal);
    throw new UserError(
      `could not download the default model from ${url} into ${dir} (${describeFailure(error)}). ` +
        `Check the network connection, set GAPLENS_DEFAULT_MODEL_URL to another .gguf URL, ${fallback}.`,
    );
  }
}

/** Where the default model is kept, once downloaded (a caller can tell whether it is there without the network). */
export function defaultModelLocation(opts: Pick<ResolveDefaultModelOptions, 'cacheDir' | 'url'> = {}): { url: string; dir: string; fileName: string; path: string } {
  const fromEnv = opts.url === undefined ? process.env.GAPLENS_DEFAULT_MODEL_URL : undefined;
  const url = opts.url ?? fromEnv ?? DEFAULT_MODEL_URL;
  const fileName = cachedFileName(url, fromEnv !== undefined ? 'GAPLENS_DEFAULT_MODEL_URL' : 'the default model URL');
  const dir = opts.cacheDir ?? defaultModelsDir();
  return { url, dir, fileName, path: join(dir, fileName) };
}

/**
 * node-llama-cpp's downloader (ipull) retries an unreachable server for minutes on end; one quick
 * request first turns "no network" or "no such file" into an immediate error.
 */
async function checkReachable(url: string, signal: AbortSignal | undefined): Promise<void> {
  const timeout = AbortSignal.timeout(PREFLIGHT_TIMEOUT_MS);
  const response = await fetch(url, { method: 'HEAD', redirect: 'follow', signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  // Some servers refuse HEAD but serve GET; leave the verdict to the download then.
  if (!response.ok && response.status !== 405 && response.status !== 501) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
}

/** fetch() reports every network failure as "fetch failed"; the cause says which (ECONNREFUSED, ENOTFOUND, …). */
function describeFailure(error: unknown): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') return `no answer within ${PREFLIGHT_TIMEOUT_MS / 1000} s`;
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause && !error.message.includes(cause) ? `${error.message}: ${cause}` : error.message;
}

/** `$GAPLENS_CACHE_DIR/models`, else `$XDG_CACHE_HOME/gaplens/models`, else `~/.cache/gaplens/models`. */
export function defaultModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(defaultCacheRoot(env), 'models');
}

/**
 * The URL's file name plus a hash of the whole URL: two URLs never share a cache file, and the
 * name is known without asking the server (which is what makes a cache hit network-free).
 */
function cachedFileName(url: string, source: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`${source} '${url}' is not a URL; give an http(s) URL of a .gguf file`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new UserError(`${source} '${url}' is not an http(s) URL; give an http(s) URL of a .gguf file`);
  }
  const last = decodeURIComponent(parsed.pathname.split('/').pop() ?? '');
  const stem = last.replace(/\.gguf$/i, '').replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100) || 'model';
  return `${stem}-${sha256(url).slice(0, 8)}.gguf`;
}
