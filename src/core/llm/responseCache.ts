// An on-disk cache of model answers, so that re-running an identical request costs nothing.
// One JSON file per key under a two-character shard folder (keeps folders small); writes go to a
// temporary file renamed into place, so readers never see half an entry. An entry that cannot be
// read back (corrupt, foreign) counts as a miss and is overwritten by the next store.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../util/errors';
import { sha256, stableStringify } from '../util/hash';

const KEY_PATTERN = /^[0-9a-f]{64}$/;

interface Entry {
  key: string;
  value: unknown;
}

export class ResponseCache {
  constructor(readonly dir: string) {}

  async get<T>(key: string): Promise<T | undefined> {
    let text: string;
    try {
      text = await readFile(this.fileFor(key), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new UserError(`Cannot read the response cache at ${this.fileFor(key)}: ${(err as Error).message}. Fix the permissions or point the cache elsewhere.`);
    }
    try {
      const entry = JSON.parse(text) as Partial<Entry> | null;
      return entry && entry.key === key && 'value' in entry ? (entry.value as T) : undefined;
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: unknown): Promise<void> {
    const file = this.fileFor(key);
    const shard = join(this.dir, key.slice(0, 2));
    const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await mkdir(shard, { recursive: true });
      await writeFile(tmp, JSON.stringify({ key, value } satisfies Entry));
      await rename(tmp, file);
    } catch (err) {
      // Best effort: the write error below is what matters, not a leftover temporary file.
      await rm(tmp, { force: true }).catch(() => undefined);
      throw new UserError(`Cannot write the response cache at ${file}: ${(err as Error).message}. Free disk space, fix the permissions, or point the cache elsewhere.`);
    }
  }

  private fileFor(key: string): string {
    if (!KEY_PATTERN.test(key)) throw new RangeError(`response cache key must be 64 hex digits (from cacheKey), got "${key}"`);
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }
}

// Bumped when the shape of cached answers changes, so old entries are never misread.
const CACHE_FORMAT = 1;

/** The cache key of one backend call: everything that determines the answer, hashed. */
export function cacheKey(backendId: string, method: string, request: unknown): string {
  return sha256(stableStringify({ format: CACHE_FORMAT, backend: backendId, method, request }));
}
