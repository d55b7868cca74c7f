// An on-disk cache of model answers, so that re-running an identical request costs nothing.
// One JSON file per key under a two-character shard folder (keeps folders small); writes go to a
// temporary file renamed into place, so readers never see half an entry. An entry that cannot be
// read back (corrupt, foreign) counts as a miss and is overwritten by the next store.
//
// Bounded (docs/cache.md): a hit touches its entry's modification time, which is thus the entry's
// last use. When the cache opens, and whenever this process has written CHECK_SHARE of the limit
// since the last check began, a check runs in the background (keepWithinLimit): it removes
// temporary files left by killed processes and, if the entries are over the limit, the least
// recently used of them. Other processes may share the folder: whatever they remove is at worst a
// miss here, and a store whose temporary file or folder they removed is dropped (a later miss).
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheLimitFromEnv } from '../util/cacheDir';
import { UserError } from '../util/errors';
import { sha256, stableStringify } from '../util/hash';
import { keepWithinLimit } from './responseCacheFiles';

/** Each process checks the limit again after writing this share of it. */
export const CHECK_SHARE = 0.05;
// A written entry counts as whole 4 KiB blocks, the usual allocation unit, as it takes on disk.
const BLOCK = 4096;

const KEY_PATTERN = /^[0-9a-f]{64}$/;

interface Entry {
  key: string;
  value: unknown;
}

export interface ResponseCacheOptions {
  /** The most bytes the entries may take on disk; default cacheLimitFromEnv() ($GAPLENS_CACHE_MAX_MB MiB, else 2 GiB). */
  maxBytes?: number;
  /** Where a failed background check says why, once (it never fails a get or a set). */
  onWarning?: (message: string) => void;
}

export class ResponseCache {
  readonly maxBytes: number;
  private readonly onWarning: ((message: string) => void) | undefined;
  private writtenSinceCheck = 0;
  private running: Promise<void> | undefined;
  private warned = false;

  /** A cache whose first check (orphan temporary files, the limit) starts now, in the background. */
  static open(dir: string, opts: ResponseCacheOptions = {}): ResponseCache {
    const cache = new ResponseCache(dir, opts);
    cache.startCheck();
    return cache;
  }

  /** Like open(), but the first check waits until this process has written CHECK_SHARE of the limit. */
  constructor(
    readonly dir: string,
    opts: ResponseCacheOptions = {},
  ) {
    this.maxBytes = opts.maxBytes ?? cacheLimitFromEnv();
    if (!Number.isSafeInteger(this.maxBytes) || this.maxBytes < 1) throw new RangeError(`response cache maxBytes must be a positive integer, got ${this.maxBytes}`);
    this.onWarning = opts.onWarning;
  }

  /** Resolves when the check running now, if any, has finished (for tests, and callers about to exit). */
  async settled(): Promise<void> {
    await this.running;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const file = this.fileFor(key);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new UserError(`Cannot read the response cache at ${file}: ${(err as Error).message}. Fix the permissions or point the cache elsewhere.`);
    }
    let entry: Partial<Entry> | null;
    try {
      entry = JSON.parse(text) as Partial<Entry> | null;
    } catch {
      return undefined;
    }
    if (!entry || entry.key !== key || !('value' in entry)) return undefined;
    // This hit is the entry's latest use. Measured: the touch makes a hit about a quarter slower
    // (104 -> 129 µs, medians of 5,000 hits): microseconds, against seconds for a model call. A
    // failed touch (another process just evicted or replaced the entry) costs only recency.
    const now = new Date();
    await utimes(file, now, now).catch(() => undefined);
    return entry.value as T;
  }

  async set(key: string, value: unknown): Promise<void> {
    const file = this.fileFor(key);
    const shard = join(this.dir, key.slice(0, 2));
    const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const text = JSON.stringify({ key, value } satisfies Entry);
    let madeFolder = false;
    try {
      await mkdir(shard, { recursive: true });
      madeFolder = true;
      await writeFile(tmp, text);
      await rename(tmp, file);
    } catch (err) {
      // Best effort: the write error below is what matters, not a leftover temporary file.
      await rm(tmp, { force: true }).catch(() => undefined);
      // The folder or temporary file vanished between two of our own steps: another process removed
      // it (a user's rm -r, or a sweep of orphans after this process was suspended for minutes).
      // Dropping the store costs a later miss; an error would fail a model call that succeeded.
      if (madeFolder && (err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new UserError(`Cannot write the response cache at ${file}: ${(err as Error).message}. Free disk space, fix the permissions, or point the cache elsewhere.`);
    }
    await this.countWrite(Buffer.byteLength(text));
  }

  private async countWrite(bytes: number): Promise<void> {
    this.writtenSinceCheck += Math.ceil(bytes / BLOCK) * BLOCK;
    const due = (): boolean => this.writtenSinceCheck >= CHECK_SHARE * this.maxBytes;
    if (!due()) return;
    // A check slower than this process writes: wait for it rather than outrun the limit.
    if (this.running) await this.running;
    if (!this.running && due()) this.startCheck();
  }

  private startCheck(): void {
    // Bytes written from now on may be missed by this check: they count towards the next.
    this.writtenSinceCheck = 0;
    this.running = keepWithinLimit(this.dir, this.maxBytes)
      .then(
        () => undefined,
        (err: unknown) => this.warnOnce(`the response cache ${this.dir} could not be kept within its limit: ${(err as Error).message}`),
      )
      .finally(() => (this.running = undefined));
  }

  private warnOnce(message: string): void {
    if (this.warned) return;
    this.warned = true;
    this.onWarning?.(message);
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
