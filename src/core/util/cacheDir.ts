import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserError } from './errors';

/** Gap Lens's cache folder: `$GAPLENS_CACHE_DIR`, else `$XDG_CACHE_HOME/gaplens`, else `~/.cache/gaplens`. */
export function defaultCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.GAPLENS_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'gaplens');
}

/** Where model answers are cached unless the user names another folder. */
export function defaultResponseCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(defaultCacheRoot(env), 'responses');
}

/** One MiB: cache limits are given in MiB ("MB" in flag and variable names, as users say it). */
export const MIB = 1024 * 1024;

/** The response cache limit when nothing else is said: about half a million answers (a 100,000-sample run left 212,500 in 877 MB). */
export const DEFAULT_CACHE_MAX_MB = 2048;

export const CACHE_MAX_MB_VARIABLE = 'GAPLENS_CACHE_MAX_MB';

// The largest limit whose byte count is still exact in a JavaScript number (8 PiB).
const MAX_CACHE_MB = Math.floor(Number.MAX_SAFE_INTEGER / MIB);

/**
 * A cache limit given in MiB by `source` (a flag or an environment variable), as bytes. At least
 * 1 MiB: a smaller limit is surely a slip (--no-cache is how to have no cache).
 */
export function parseCacheMaxMb(raw: string, source: string): number {
  const mb = Number(raw);
  if (raw.trim() === '' || !(mb >= 1 && mb <= MAX_CACHE_MB)) {
    throw new UserError(`${source} '${raw}' is not valid: expected a size in MiB from 1 to ${MAX_CACHE_MB} (e.g. ${DEFAULT_CACHE_MAX_MB})`, 2);
  }
  return Math.floor(mb * MIB);
}

/** The response cache limit in bytes: `$GAPLENS_CACHE_MAX_MB` MiB when set (and not empty), else 2 GiB. */
export function cacheLimitFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[CACHE_MAX_MB_VARIABLE];
  return raw === undefined || raw === '' ? DEFAULT_CACHE_MAX_MB * MIB : parseCacheMaxMb(raw, CACHE_MAX_MB_VARIABLE);
}

/** Where probed endpoint capabilities are kept (docs/providers.md, "Capabilities"). */
export function defaultCapabilityCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(defaultCacheRoot(env), 'capabilities');
}
