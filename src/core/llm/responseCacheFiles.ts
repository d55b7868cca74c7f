// The files of a response cache folder, measured and kept in bounds: the cache's own check
// (eviction of whole packs, least recently written first; merging small idle packs; removing
// temporary files left by killed processes) and `gaplens cache info|prune|clear`. Definitions:
// docs/cache.md.
//
// Safe with other processes using the folder at the same time: a pack is only ever removed whole
// (a process that has it open still reads all of it, and a writer whose pack was removed writes
// its batch again into a new one), a merge writes a new pack and removes its inputs only after
// the new one is in place, and temporary files are removed only when nothing has written to them
// for ORPHAN_TEMP_AGE_MS.
import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, unlink, utimes } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { cannot, errorCode, measure, remove, type OnDiskFile } from './cacheFileOps';
import { HEADER_BYTES, INDEX_ENTRY_BYTES, INDEX_MAGIC, INDEX_NAME, KEY_BYTES, PACK_MAGIC, RECORD_KEY_AT, PACK_NAME, PACK_TEMP_NAME, hasMagic, indexNameOf, newPackId, putIndexEntry, scanRecords } from './cachePackFormat';
import { PackSet } from './cachePackReader';
import { WRITER_IDLE_MS } from './cachePackWriter';
import { legacyFiles, removeEmptyShards } from './legacyResponseCache';

/** A temporary file unchanged for this long belongs to a process that died while writing it. */
export const ORPHAN_TEMP_AGE_MS = 5 * 60_000;
/** The cache's own eviction goes down to this fraction of the limit, so it does not run at every check. */
export const LOW_WATER = 0.8;
/** A hit copies its entry into a newer pack when its pack is outside the newest packs holding this share of the limit. */
export const KEEP_SHARE = 0.5;
/** Packs not written for this long may be merged: twice WRITER_IDLE_MS, so no writer appends to them any more. */
export const MERGE_IDLE_MS = 2 * WRITER_IDLE_MS;
/** A check merges the small idle packs once there are this many of them. */
export const MERGE_AT = 8;

const MIN_PACK_BYTES = 64 * 1024;
const MAX_PACK_BYTES = 2 ** 30;

/**
 * The size at which a writer starts a new pack: a sixteenth of the limit (eviction removes whole
 * packs, so it then never removes much more than it must), within 64 KiB and 1 GiB.
 */
export function packMaxBytes(limitBytes: number): number {
  return Math.min(MAX_PACK_BYTES, Math.max(MIN_PACK_BYTES, Math.floor(limitBytes / 16)));
}

export interface PackFile {
  name: string;
  /** The pack's and its index's space on disk. */
  bytes: number;
  /** When the pack was last written (a merged pack: the newest of its inputs'): the last use of its entries. */
  mtimeMs: number;
}

/** What one operation removed (files another process removed first are not counted). */
export interface Removal {
  packs: number;
  packBytes: number;
  orphanTemps: number;
  orphanTempBytes: number;
  legacyEntries: number;
  legacyBytes: number;
}

export interface CacheUsage {
  packs: number;
  /** Distinct keys that can be read back. */
  entries: number;
  /** Space the packs and their indexes take on disk: the size the limit applies to. */
  bytes: number;
  /** Last write of the least and the most recently written pack; null when there is none. */
  leastRecentUseMs: number | null;
  mostRecentUseMs: number | null;
  /** Temporary files unchanged for ORPHAN_TEMP_AGE_MS: left by processes that died while writing. */
  orphanTemps: number;
  orphanTempBytes: number;
  /** Younger temporary files: possibly being written right now, so never removed. */
  recentTemps: number;
  /** Entries of the old one-file-per-answer layout, and their space on disk. */
  legacyEntries: number;
  legacyBytes: number;
}

/** Every pack measured and every key counted (`gaplens cache info`). A missing folder is an empty cache. */
export async function cacheUsage(dir: string, now = Date.now()): Promise<CacheUsage> {
  const { packs, temps } = await listPacks(dir);
  const legacy = await legacyFiles(dir);
  const all = [...temps, ...legacy.temps];
  const orphans = all.filter((t) => isOrphan(t, now));
  const reader = new PackSet(dir);
  let entries: number;
  try {
    await reader.refresh();
    entries = reader.index.count();
  } finally {
    reader.closeAll();
  }
  const times = packs.map((p) => p.mtimeMs);
  return {
    packs: packs.length,
    entries,
    bytes: sumBytes(packs),
    // A loop in reduce, not Math.min(...times): a spread of many arguments can overflow the stack.
    leastRecentUseMs: times.length === 0 ? null : times.reduce((a, b) => Math.min(a, b)),
    mostRecentUseMs: times.length === 0 ? null : times.reduce((a, b) => Math.max(a, b)),
    orphanTemps: orphans.length,
    orphanTempBytes: sumBytes(orphans),
    recentTemps: all.length - orphans.length,
    legacyEntries: legacy.entries.length,
    legacyBytes: sumBytes(legacy.entries),
  };
}

/** Removes orphan temporary files and the old layout, then the least recently written packs until the rest take at most targetBytes. */
export async function pruneCache(dir: string, targetBytes: number, now = Date.now()): Promise<{ removed: Removal; left: { packs: number; bytes: number } }> {
  const { packs, temps } = await listPacks(dir);
  const legacy = await legacyFiles(dir);
  const legacyGone = await remove(legacy.entries);
  const orphans = await removeOrphans([...temps, ...legacy.temps], now);
  await removeEmptyShards(dir);
  const { removed, left } = await evict(dir, packs, targetBytes);
  return { removed: { ...removed, ...orphans, legacyEntries: legacyGone.count, legacyBytes: legacyGone.bytes }, left: { packs: left.length, bytes: sumBytes(left) } };
}

/** Removes every pack, orphan temporary file and old-layout entry; files that are not the cache's, and young temporary files, stay. */
export async function clearCache(dir: string, now = Date.now()): Promise<Removal> {
  // Below any size, so that every pack goes (even one that takes no space yet).
  return (await pruneCache(dir, -1, now)).removed;
}

/**
 * The cache's own upkeep (when it opens and after each share of its limit written): removes orphan
 * temporary files; when the packs take more than maxBytes, removes the least recently written
 * down to LOW_WATER·maxBytes; merges small idle packs once there are MERGE_AT of them (`writing`,
 * the caller's own pack, is left alone). Returns what it removed and the packs left.
 */
export async function keepWithinLimit(dir: string, maxBytes: number, writing: string | undefined, now = Date.now()): Promise<{ removed: Removal; packs: PackFile[] }> {
  const { packs, temps } = await listPacks(dir);
  const orphans = await removeOrphans(temps, now);
  const evicted = packs.length > 0 && sumBytes(packs) > maxBytes ? await evict(dir, packs, Math.floor(LOW_WATER * maxBytes)) : { removed: { packs: 0, packBytes: 0 }, left: packs };
  const merged = await mergeIdlePacks(dir, evicted.left, packMaxBytes(maxBytes), writing, now);
  return { removed: { ...evicted.removed, ...orphans, legacyEntries: 0, legacyBytes: 0 }, packs: merged ? (await listPacks(dir)).packs : evicted.left };
}

/** The packs whose entries a hit copies forward: those outside the newest packs that hold KEEP_SHARE of the limit. */
export function packsAtRisk(packs: readonly PackFile[], maxBytes: number): Set<string> {
  const newestFirst = [...packs].sort((a, b) => b.mtimeMs - a.mtimeMs || b.name.localeCompare(a.name));
  const atRisk = new Set<string>();
  let newer = 0;
  for (const pack of newestFirst) {
    newer += pack.bytes;
    if (newer > KEEP_SHARE * maxBytes) atRisk.add(pack.name);
  }
  return atRisk;
}

/** The packs (each with its index) and the temporary files: merges' unfinished packs, and indexes whose pack is gone. */
async function listPacks(dir: string): Promise<{ packs: PackFile[]; temps: OnDiskFile[] }> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return { packs: [], temps: [] };
    throw cannot('read the response cache folder', dir, err);
  }
  const packNames = new Set(names.filter((n) => PACK_NAME.test(n)));
  const indexes = new Map((await measure(names.filter((n) => INDEX_NAME.test(n)).map((n) => join(dir, n)))).map((f) => [f.file, f]));
  const packs = (await measure([...packNames].map((n) => join(dir, n)))).map((f) => {
    const index = join(dir, indexNameOf(basename(f.file)));
    const bytes = f.bytes + (indexes.get(index)?.bytes ?? 0);
    indexes.delete(index);
    return { name: basename(f.file), bytes, mtimeMs: f.mtimeMs };
  });
  const unfinished = await measure(names.filter((n) => PACK_TEMP_NAME.test(n)).map((n) => join(dir, n)));
  return { packs, temps: [...unfinished, ...indexes.values()] };
}

/** Removes the least recently written packs until the rest take at most targetBytes. */
async function evict(dir: string, packs: PackFile[], targetBytes: number): Promise<{ removed: { packs: number; packBytes: number }; left: PackFile[] }> {
  const oldestFirst = [...packs].sort((a, b) => a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name));
  let total = sumBytes(packs);
  let count = 0;
  let bytes = 0;
  let gone = 0;
  for (const pack of oldestFirst) {
    if (total <= targetBytes) break;
    total -= pack.bytes;
    gone++;
    if (await removePack(dir, pack.name)) {
      count++;
      bytes += pack.bytes;
    }
  }
  return { removed: { packs: count, packBytes: bytes }, left: oldestFirst.slice(gone) };
}

/** Removes a pack, then its index (a reader ignores an index without its pack); false when another process removed it first. */
async function removePack(dir: string, name: string): Promise<boolean> {
  const removed = await unlinkIfThere(join(dir, name));
  await unlinkIfThere(join(dir, indexNameOf(name)));
  return removed;
}

async function unlinkIfThere(file: string): Promise<boolean> {
  try {
    await unlink(file);
    return true;
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return false;
    throw cannot('remove', file, err);
  }
}

/**
 * Merges the small packs (under an eighth of a pack) not written for MERGE_IDLE_MS once there are
 * MERGE_AT of them, oldest first, into packs of up to maxPackBytes: each run of the CLI leaves a
 * pack, and a folder of thousands would make every open slow. Returns whether it merged any.
 */
async function mergeIdlePacks(dir: string, packs: PackFile[], maxPackBytes: number, writing: string | undefined, now: number): Promise<boolean> {
  const small = packs
    .filter((p) => p.name !== writing && now - p.mtimeMs >= MERGE_IDLE_MS && p.bytes < maxPackBytes / 8)
    .sort((a, b) => a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name));
  if (small.length < MERGE_AT) return false;
  const groups: PackFile[][] = [[]];
  for (const pack of small) {
    const group = groups[groups.length - 1] as PackFile[];
    if (group.length > 0 && sumBytes(group) + pack.bytes > maxPackBytes) groups.push([pack]);
    else group.push(pack);
  }
  // A pack alone in its group stays as it is: rewriting it would merge nothing.
  for (const group of groups) if (group.length > 1) await mergeGroup(dir, group, now);
  return true;
}

/**
 * One new pack with every key of `group` once (the newest pack's record of a key wins), and the
 * group's last write as its own; written under a temporary name, its index first, then renamed
 * into place; the inputs are removed only then. A crash on the way leaves temporary files (swept
 * as orphans) or both copies (the same answers twice until evicted), never a loss.
 */
async function mergeGroup(dir: string, group: PackFile[], now: number): Promise<void> {
  const id = newPackId(now, randomBytes(6).toString('hex'));
  const temp = join(dir, `${id}.pack.tmp`);
  const indexFile = join(dir, `${id}.idx`);
  const seen = new Set<string>();
  const entries: Buffer[] = [INDEX_MAGIC];
  const merged: PackFile[] = [];
  const handle = await open(temp, 'wx');
  try {
    let size = 0;
    const append = async (bytes: Buffer): Promise<void> => {
      await handle.write(bytes, 0, bytes.length, size);
      size += bytes.length;
    };
    await append(PACK_MAGIC);
    for (const pack of [...group].sort((a, b) => b.mtimeMs - a.mtimeMs)) {
      const bytes = await readFile(join(dir, pack.name)).catch((err: unknown) => {
        if (errorCode(err) === 'ENOENT') return undefined;
        throw cannot('read', join(dir, pack.name), err);
      });
      // Gone meanwhile (evicted by another process), or not one of ours: not merged, not removed.
      if (!bytes || !hasMagic(bytes, PACK_MAGIC)) continue;
      const body = bytes.subarray(HEADER_BYTES);
      const records: Buffer[] = [];
      let at = size;
      scanRecords(body, HEADER_BYTES, (keyAt, _offset, length) => {
        const key = body.toString('hex', keyAt, keyAt + KEY_BYTES);
        if (seen.has(key)) return;
        seen.add(key);
        const entry = Buffer.allocUnsafe(INDEX_ENTRY_BYTES);
        putIndexEntry(entry, 0, body, keyAt, at, length);
        entries.push(entry);
        records.push(body.subarray(keyAt - RECORD_KEY_AT, keyAt - RECORD_KEY_AT + length));
        at += length;
      });
      await append(Buffer.concat(records));
      merged.push(pack);
    }
  } catch (err) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await handle.close();
  if (merged.length === 0) {
    await unlink(temp).catch(() => undefined);
    return;
  }
  try {
    await writeNew(indexFile, Buffer.concat(entries));
    // In seconds, not a Date: a Date would round the time to the millisecond.
    const lastUse = Math.max(...merged.map((p) => p.mtimeMs)) / 1000;
    await utimes(temp, lastUse, lastUse);
    await rename(temp, join(dir, `${id}.pack`));
  } catch (err) {
    await Promise.all([unlink(temp), unlink(indexFile)].map((p) => p.catch(() => undefined)));
    throw cannot('write', join(dir, `${id}.pack`), err);
  }
  for (const pack of merged) await removePack(dir, pack.name);
}

async function writeNew(file: string, bytes: Buffer): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    await handle.write(bytes, 0, bytes.length, 0);
  } finally {
    await handle.close();
  }
}

async function removeOrphans(temps: OnDiskFile[], now: number): Promise<{ orphanTemps: number; orphanTempBytes: number }> {
  const gone = await remove(temps.filter((t) => isOrphan(t, now)));
  return { orphanTemps: gone.count, orphanTempBytes: gone.bytes };
}

function isOrphan(temp: OnDiskFile, now: number): boolean {
  return now - temp.mtimeMs >= ORPHAN_TEMP_AGE_MS;
}

function sumBytes(files: readonly { bytes: number }[]): number {
  return files.reduce((sum, f) => sum + f.bytes, 0);
}

