// The response cache as Gap Lens stored it before packs: one file per answer, <dir>/<2 hex>/<key>.json
// holding {"key", "value"}, written through <key>.json.<pid>.<random>.tmp (docs/cache.md, "The old
// layout"). Nothing writes it any more. A cache that finds such files reads them on a miss (and
// copies a hit into its pack), so that an upgrade does not ask the model again for what it already
// answered; `gaplens cache info` counts them and `prune`/`clear` remove them.
import { readdir, readFile, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { cannot, errorCode, measure, type OnDiskFile } from './cacheFileOps';

const SHARD_NAME = /^[0-9a-f]{2}$/;
const ENTRY_NAME = /^[0-9a-f]{64}\.json$/;
const TEMP_NAME = /^[0-9a-f]{64}\.json\..+\.tmp$/;

/** Whether the folder has a shard folder of the old layout (read once when a cache opens). */
export async function hasLegacyLayout(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).some((name) => SHARD_NAME.test(name));
  } catch {
    // No folder, or one the cache's own listing will report: either way nothing to read here.
    return false;
  }
}

/** The value stored for `key` in the old layout; undefined when there is none, or not a whole one. */
export async function readLegacyEntry(dir: string, key: string): Promise<{ value: unknown } | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, key.slice(0, 2), `${key}.json`), 'utf8');
  } catch {
    // Missing, or unreadable: the old entries are a bonus, never a reason to fail a call.
    return undefined;
  }
  try {
    const entry = JSON.parse(text) as { key?: unknown; value?: unknown } | null;
    return entry && entry.key === key && 'value' in entry ? { value: entry.value } : undefined;
  } catch {
    return undefined;
  }
}

/** The old layout's entries and temporary files, measured. */
export async function legacyFiles(dir: string): Promise<{ entries: OnDiskFile[]; temps: OnDiskFile[] }> {
  const entries: OnDiskFile[] = [];
  const temps: OnDiskFile[] = [];
  for (const shard of await shardFolders(dir)) {
    let names: string[];
    try {
      names = await readdir(shard);
    } catch (err) {
      // Gone since, or a file that merely looks like a shard: nothing of ours to find there.
      if (errorCode(err) === 'ENOENT' || errorCode(err) === 'ENOTDIR') continue;
      throw cannot('read the response cache folder', shard, err);
    }
    entries.push(...(await measure(names.filter((n) => ENTRY_NAME.test(n)).map((n) => join(shard, n)))));
    temps.push(...(await measure(names.filter((n) => TEMP_NAME.test(n)).map((n) => join(shard, n)))));
  }
  return { entries, temps };
}

/** Removes shard folders left empty (another process of an old version may still write one: then it is not empty). */
export async function removeEmptyShards(dir: string): Promise<void> {
  for (const shard of await shardFolders(dir)) await rmdir(shard).catch(() => undefined);
}

async function shardFolders(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return [];
    throw cannot('read the response cache folder', dir, err);
  }
  return names.filter((n) => SHARD_NAME.test(n)).sort().map((n) => join(dir, n));
}
