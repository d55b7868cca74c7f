// Test oracle for response cache folders, read straight from the file system with the format as
// docs/cache.md states it (independent of the code under test): the packs, their records, what
// follows the last complete record, and the old one-file-per-answer layout.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export interface OnDisk {
  file: string;
  /** Allocated blocks, as du counts them (a pack's include its index's). */
  bytes: number;
  mtimeMs: number;
}

export interface PackRecord {
  key: string;
  payload: string;
  offset: number;
  length: number;
}

const blocks = (file: string): number => fs.statSync(file, { throwIfNoEntry: false })?.blocks ?? 0;

/** The packs (<id>.pack), each with its index's blocks added, oldest name first. */
export function packsOnDisk(dir: string): OnDisk[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => /^[0-9a-z]+-\d+-[0-9a-f]{12}\.pack$/.test(name))
    .sort()
    .flatMap((name) => {
      const file = path.join(dir, name);
      // A live writer or an eviction may remove it between the listing and this.
      const s = fs.statSync(file, { throwIfNoEntry: false });
      return s ? [{ file, bytes: (s.blocks + blocks(file.replace(/\.pack$/, '.idx'))) * 512, mtimeMs: s.mtimeMs }] : [];
    });
}

export const bytesOnDisk = (dir: string): number => packsOnDisk(dir).reduce((sum, p) => sum + p.bytes, 0);

/** Files ending in .tmp anywhere in the folder (merges' unfinished packs; the old layout's temporary files). */
export function tempsOnDisk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.tmp')).map((f) => path.join(dir, f)).sort();
}

/** The complete records of a pack in order, and the bytes after the last of them (a torn tail). */
export function readPack(file: string): { records: PackRecord[]; tailBytes: number } {
  const bytes = fs.readFileSync(file);
  if (bytes.subarray(0, 16).toString('latin1') !== 'GAPLENS PACK v1\n') throw new Error(`${file} is not a pack`);
  const records: PackRecord[] = [];
  let at = 16;
  while (at + 40 <= bytes.length) {
    const length = 40 + bytes.readUInt32LE(at);
    if (at + length > bytes.length || zlib.crc32(bytes.subarray(at + 8, at + length)) !== bytes.readUInt32LE(at + 4)) break;
    records.push({ key: bytes.toString('hex', at + 8, at + 40), payload: bytes.toString('utf8', at + 40, at + length), offset: at, length });
    at += length;
  }
  return { records, tailBytes: bytes.length - at };
}

/** Every complete record of every pack. */
export const recordsOnDisk = (dir: string): PackRecord[] => packsOnDisk(dir).flatMap((p) => readPack(p.file).records);

/** Where the old layout keeps `key`'s entry. */
export const legacyEntryFile = (dir: string, key: string): string => path.join(dir, key.slice(0, 2), `${key}.json`);

/** Sets a file's modification time to `minutesAgo` minutes before now. */
export function ageFile(file: string, minutesAgo: number): void {
  const t = new Date(Date.now() - minutesAgo * 60_000);
  fs.utimesSync(file, t, t);
}
