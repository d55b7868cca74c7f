// gaplens cache info|prune|clear: what the response cache holds, and making room (docs/cache.md).
import { parseArgs } from 'node:util';
import { cacheUsage, clearCache, pruneCache, type Removal } from '../../core/llm/responseCacheFiles';
import { CACHE_MAX_MB_VARIABLE, cacheLimitFromEnv, defaultResponseCacheDir, MIB, parseCacheMaxMb } from '../../core/util/cacheDir';
import { UserError } from '../../core/util/errors';
import { flag, stringOpt, type RawValues } from '../options';
import { writeOut } from '../terminalText';

const COMMON = { cache: { type: 'string' }, json: { type: 'boolean' } } as const;
const PRUNE = { ...COMMON, 'max-mb': { type: 'string' } } as const;

export async function cacheCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'info' && sub !== 'prune' && sub !== 'clear') throw new UserError(`cache takes info, prune or clear; see gaplens cache --help`, 2);
  const { values } = parseArgs({ args: rest, options: sub === 'prune' ? PRUNE : COMMON, strict: true, allowPositionals: false });
  const v = values as RawValues;
  const folder = stringOpt(v, 'cache') ?? defaultResponseCacheDir();
  const json = flag(v, 'json');
  if (sub === 'info') return info(folder, json);
  if (sub === 'clear') {
    const removed = await clearCache(folder);
    print(json, { folder, removed }, `${describeRemoval(removed)} from ${folder}`);
    return 0;
  }
  const maxMb = stringOpt(v, 'max-mb');
  const targetBytes = maxMb === undefined ? cacheLimitFromEnv() : parseCacheMaxMb(maxMb, '--max-mb');
  const { removed, left } = await pruneCache(folder, targetBytes);
  print(json, { folder, targetBytes, removed, left }, `${describeRemoval(removed)}; ${count(left.packs, 'pack', 'packs')} (${size(left.bytes)}) left in ${folder}, limit ${size(targetBytes)}`);
  return 0;
}

async function info(folder: string, json: boolean): Promise<number> {
  const limitBytes = cacheLimitFromEnv();
  const limitSource = process.env[CACHE_MAX_MB_VARIABLE] ? CACHE_MAX_MB_VARIABLE : 'default';
  const usage = await cacheUsage(folder);
  const time = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  const data = {
    folder,
    packs: usage.packs,
    entries: usage.entries,
    bytes: usage.bytes,
    limitBytes,
    limitSource,
    leastRecentUse: time(usage.leastRecentUseMs),
    mostRecentUse: time(usage.mostRecentUseMs),
    orphanTemps: usage.orphanTemps,
    orphanTempBytes: usage.orphanTempBytes,
    recentTemps: usage.recentTemps,
    legacyEntries: usage.legacyEntries,
    legacyBytes: usage.legacyBytes,
  };
  const text = [
    `folder                  ${folder}`,
    `entries                 ${usage.entries} (${size(usage.bytes)} on disk)`,
    `packs                   ${usage.packs}`,
    `limit                   ${size(limitBytes)} (${limitSource === 'default' ? `default; set ${CACHE_MAX_MB_VARIABLE} to change it` : `from ${CACHE_MAX_MB_VARIABLE}`})`,
    `least recently used     ${data.leastRecentUse ?? '— (no entries)'}`,
    `most recently used      ${data.mostRecentUse ?? '— (no entries)'}`,
    `orphan temporary files  ${usage.orphanTemps} (${size(usage.orphanTempBytes)}; prune removes them)`,
    ...(usage.recentTemps > 0 ? [`recent temporary files  ${usage.recentTemps} (possibly being written now; kept)`] : []),
    ...(usage.legacyEntries > 0 ? [`old-format entries      ${usage.legacyEntries} (${size(usage.legacyBytes)}; read on a miss, not in the limit; prune or clear removes them)`] : []),
  ].join('\n');
  print(json, data, text);
  return 0;
}

function print(json: boolean, data: unknown, text: string): void {
  writeOut(json ? `${JSON.stringify(data, null, 2)}\n` : `${text}\n`);
}

function describeRemoval(r: Removal): string {
  return (
    `removed ${count(r.packs, 'pack', 'packs')} (${size(r.packBytes)}), ${count(r.orphanTemps, 'orphan temporary file', 'orphan temporary files')} (${size(r.orphanTempBytes)}) ` +
    `and ${count(r.legacyEntries, 'old-format entry', 'old-format entries')} (${size(r.legacyBytes)})`
  );
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function size(bytes: number): string {
  return bytes < MIB ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / MIB).toFixed(1)} MiB`;
}
