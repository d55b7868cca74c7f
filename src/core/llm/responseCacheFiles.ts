// The files of a response cache folder, measured and removed: what keeps the cache within its limit
// (least recently used entries go first) and free of temporary files left by killed processes.
// Used by the cache itself (responseCache.ts) and by `gaplens cache`. Layout: <dir>/<2 hex>/<key>.json,
// and <key>.json.<pid>.<random>.tmp beside it while an entry is written; other files are not ours
// and are left alone. Definitions: docs/cache.md.
//
// Safe with other processes using the folder at the same time: an entry is only ever unlinked whole
// (a reader that has it open still reads all of it, a later reader misses), folders are never
// removed (a writer may be about to create its temporary file in one), and a temporary file is
// removed only when nothing has written to it for ORPHAN_TEMP_AGE_MS, while a live writer writes
// its entry in one go and renames it at once.
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../util/errors';

/** A temporary file unchanged for this long belongs to a process that died while writing it. */
export const ORPHAN_TEMP_AGE_MS = 5 * 60_000;
/** The cache's own eviction goes down to this fraction of the limit, so it does not run at every check. */
export const LOW_WATER = 0.8;
/** Entries whose sizes the cache's own check measures to estimate the total (all of them when fewer). */
export const SIZE_SAMPLE = 4096;

const SHARD_NAME = /^[0-9a-f]{2}$/;
const ENTRY_NAME = /^[0-9a-f]{64}\.json$/;
const TEMP_NAME = /^[0-9a-f]{64}\.json\..+\.tmp$/;
// File operations in flight at once: enough to keep the disk busy without a promise per file of a huge cache.
const BATCH = 256;

export interface CacheFile {
  file: string;
  /** Space on disk (see diskBytes). */
  bytes: number;
  /** Last modification; for an entry, its last use (a hit touches it). */
  mtimeMs: number;
}

/** What one operation removed (files another process removed first are not counted). */
export interface Removal {
  entries: number;
  entryBytes: number;
  orphanTemps: number;
  orphanTempBytes: number;
}

export interface CacheUsage {
  entries: number;
  /** Space the entries take on disk. */
  bytes: number;
  /** Last use of the least and the most recently used entry; null when there is none. */
  leastRecentUseMs: number | null;
  mostRecentUseMs: number | null;
  /** Temporary files unchanged for ORPHAN_TEMP_AGE_MS: left by processes that died while writing. */
  orphanTemps: number;
  orphanTempBytes: number;
  /** Younger temporary files: possibly being written right now, so never removed. */
  recentTemps: number;
}

/** The space a file takes: its allocated blocks where the file system reports them (as `du` does), else its length. */
export function diskBytes(stats: { blocks: number; size: number }): number {
  return stats.blocks > 0 ? stats.blocks * 512 : stats.size;
}

/** Every entry and temporary file measured (`gaplens cache info`). A missing folder is an empty cache. */
export async function cacheUsage(dir: string, now = Date.now()): Promise<CacheUsage> {
  const { entries, temps } = await measureAll(dir);
  const orphans = temps.filter((t) => isOrphan(t, now));
  // A loop, not Math.min(...times): a spread of half a million arguments overflows the stack.
  let leastRecentUseMs: number | null = null;
  let mostRecentUseMs: number | null = null;
  for (const { mtimeMs } of entries) {
    leastRecentUseMs = Math.min(leastRecentUseMs ?? mtimeMs, mtimeMs);
    mostRecentUseMs = Math.max(mostRecentUseMs ?? mtimeMs, mtimeMs);
  }
  return {
    entries: entries.length,
    bytes: sumBytes(entries),
    leastRecentUseMs,
    mostRecentUseMs,
    orphanTemps: orphans.length,
    orphanTempBytes: sumBytes(orphans),
    recentTemps: temps.length - orphans.length,
  };
}

/** Removes orphan temporary files, then the least recently used entries until the rest take at most targetBytes. */
export async function pruneCache(dir: string, targetBytes: number, now = Date.now()): Promise<{ removed: Removal; left: { entries: number; bytes: number } }> {
  const { entries, temps } = await measureAll(dir);
  const orphans = await removeOrphans(temps, now);
  const { left, ...evicted } = await evict(entries, targetBytes);
  return { removed: { ...evicted, ...orphans }, left };
}

/** Removes every entry and orphan temporary file; leaves the folders (writers may be using them). */
export async function clearCache(dir: string, now = Date.now()): Promise<Removal> {
  const removal: Removal = { entries: 0, entryBytes: 0, orphanTemps: 0, orphanTempBytes: 0 };
  for await (const shard of shards(dir)) {
    const gone = await remove(await measure(pathsOf(shard, 'entries')));
    const orphans = await removeOrphans(await measure(pathsOf(shard, 'temps')), now);
    removal.entries += gone.count;
    removal.entryBytes += gone.bytes;
    removal.orphanTemps += orphans.orphanTemps;
    removal.orphanTempBytes += orphans.orphanTempBytes;
  }
  return removal;
}

/**
 * The cache's own upkeep (when it opens and after each share of its limit written): removes orphan
 * temporary files; estimates the entries' total as their count times the mean size of up to
 * SIZE_SAMPLE of them chosen at random (exact when there are no more); only when that is over
 * maxBytes measures every entry and removes the least recently used down to LOW_WATER·maxBytes.
 * Listing names is cheap; measuring each of half a million entries takes seconds.
 */
export async function keepWithinLimit(dir: string, maxBytes: number, now = Date.now()): Promise<Removal> {
  let count = 0;
  const sample: string[] = [];
  const temps: string[] = [];
  for await (const shard of shards(dir)) {
    temps.push(...pathsOf(shard, 'temps'));
    for (const name of shard.entries) {
      // Reservoir sampling: every entry is equally likely to be in the sample.
      const slot = count < SIZE_SAMPLE ? count : Math.floor(Math.random() * (count + 1));
      if (slot < SIZE_SAMPLE) sample[slot] = join(shard.dir, name);
      count++;
    }
  }
  const orphans = await removeOrphans(await measure(temps), now);
  const sampled = await measure(sample);
  const estimate = sampled.length > 0 ? (count * sumBytes(sampled)) / sampled.length : 0;
  if (estimate <= maxBytes) return { entries: 0, entryBytes: 0, ...orphans };
  const entries = count <= SIZE_SAMPLE ? sampled : (await measureAll(dir)).entries;
  const evicted = await evict(entries, Math.floor(LOW_WATER * maxBytes));
  return { entries: evicted.entries, entryBytes: evicted.entryBytes, ...orphans };
}

interface Shard {
  dir: string;
  /** File names (joined to dir only when needed: a big cache lists half a million). */
  entries: string[];
  temps: string[];
}

/** The shard folders' entries and temporary files, one folder at a time (a big cache has many). */
async function* shards(dir: string): AsyncGenerator<Shard> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return;
    throw cannot('read the response cache folder', dir, err);
  }
  for (const name of names.filter((n) => SHARD_NAME.test(n)).sort()) {
    const shardDir = join(dir, name);
    let files: string[];
    try {
      files = await readdir(shardDir);
    } catch (err) {
      // Gone since, or a file that merely looks like a shard: nothing of ours to find there.
      if (errorCode(err) === 'ENOENT' || errorCode(err) === 'ENOTDIR') continue;
      throw cannot('read the response cache folder', shardDir, err);
    }
    yield { dir: shardDir, entries: files.filter((f) => ENTRY_NAME.test(f)), temps: files.filter((f) => TEMP_NAME.test(f)) };
  }
}

function pathsOf(shard: Shard, kind: 'entries' | 'temps'): string[] {
  return shard[kind].map((name) => join(shard.dir, name));
}

async function measureAll(dir: string): Promise<{ entries: CacheFile[]; temps: CacheFile[] }> {
  const entries: CacheFile[] = [];
  const temps: CacheFile[] = [];
  for await (const shard of shards(dir)) {
    entries.push(...(await measure(pathsOf(shard, 'entries'))));
    temps.push(...(await measure(pathsOf(shard, 'temps'))));
  }
  return { entries, temps };
}

/** The files that still exist, measured (another process may have removed some since they were listed). */
async function measure(files: string[]): Promise<CacheFile[]> {
  const measured: CacheFile[] = [];
  for (let i = 0; i < files.length; i += BATCH) {
    const batch = await Promise.all(
      files.slice(i, i + BATCH).map(async (file) => {
        try {
          const stats = await stat(file);
          return { file, bytes: diskBytes(stats), mtimeMs: stats.mtimeMs };
        } catch (err) {
          if (errorCode(err) === 'ENOENT') return undefined;
          throw cannot('read', file, err);
        }
      }),
    );
    for (const f of batch) if (f) measured.push(f);
  }
  return measured;
}

/** Removes the least recently used entries until the rest (`left`) take at most targetBytes. */
async function evict(entries: CacheFile[], targetBytes: number): Promise<{ entries: number; entryBytes: number; left: { entries: number; bytes: number } }> {
  let total = sumBytes(entries);
  const victims: CacheFile[] = [];
  for (const entry of [...entries].sort((a, b) => a.mtimeMs - b.mtimeMs)) {
    if (total <= targetBytes) break;
    victims.push(entry);
    total -= entry.bytes;
  }
  const gone = await remove(victims);
  return { entries: gone.count, entryBytes: gone.bytes, left: { entries: entries.length - victims.length, bytes: total } };
}

async function removeOrphans(temps: CacheFile[], now: number): Promise<{ orphanTemps: number; orphanTempBytes: number }> {
  const gone = await remove(temps.filter((t) => isOrphan(t, now)));
  return { orphanTemps: gone.count, orphanTempBytes: gone.bytes };
}

function isOrphan(temp: CacheFile, now: number): boolean {
  return now - temp.mtimeMs >= ORPHAN_TEMP_AGE_MS;
}

/** Removes the files; one that cannot be removed does not keep the others: the first failure is thrown at the end. */
async function remove(files: CacheFile[]): Promise<{ count: number; bytes: number }> {
  let count = 0;
  let bytes = 0;
  let failure: UserError | undefined;
  for (let i = 0; i < files.length; i += BATCH) {
    await Promise.all(
      files.slice(i, i + BATCH).map(async (f) => {
        try {
          await unlink(f.file);
          count++;
          bytes += f.bytes;
        } catch (err) {
          if (errorCode(err) !== 'ENOENT') failure ??= cannot('remove', f.file, err);
        }
      }),
    );
  }
  if (failure) throw failure;
  return { count, bytes };
}

function sumBytes(files: CacheFile[]): number {
  return files.reduce((sum, f) => sum + f.bytes, 0);
}

function errorCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

function cannot(what: string, path: string, err: unknown): UserError {
  return new UserError(`Cannot ${what} ${path}: ${(err as Error).message}. Fix the permissions or point the cache elsewhere.`);
}
