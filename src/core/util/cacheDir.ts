import { homedir } from 'node:os';
import { join } from 'node:path';

/** Gap Lens's cache folder: `$GAPLENS_CACHE_DIR`, else `$XDG_CACHE_HOME/gaplens`, else `~/.cache/gaplens`. */
export function defaultCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.GAPLENS_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'gaplens');
}

/** Where model answers are cached unless the user names another folder. */
export function defaultResponseCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(defaultCacheRoot(env), 'responses');
}
