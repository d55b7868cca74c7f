// Test oracle for response cache folders, read straight from the file system (independent of the
// code under test): the entries and temporary files on disk, and where a key's entry lives.
import fs from 'node:fs';
import path from 'node:path';

export interface OnDisk {
  file: string;
  /** Allocated blocks, as du counts them. */
  bytes: number;
  mtimeMs: number;
}

function filesOf(dir: string, suffix: string): OnDisk[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((shard) => /^[0-9a-f]{2}$/.test(shard))
    .flatMap((shard) => fs.readdirSync(path.join(dir, shard)).map((name) => path.join(dir, shard, name)))
    .filter((file) => file.endsWith(suffix))
    .flatMap((file) => {
      // A live writer may rename its temporary file between the listing and this.
      const s = fs.statSync(file, { throwIfNoEntry: false });
      return s ? [{ file, bytes: s.blocks * 512, mtimeMs: s.mtimeMs }] : [];
    });
}

export const entriesOnDisk = (dir: string): OnDisk[] => filesOf(dir, '.json');
export const tempsOnDisk = (dir: string): OnDisk[] => filesOf(dir, '.tmp');
export const bytesOnDisk = (dir: string): number => entriesOnDisk(dir).reduce((sum, e) => sum + e.bytes, 0);
export const entryFile = (dir: string, key: string): string => path.join(dir, key.slice(0, 2), `${key}.json`);

/** Sets a file's last use (modification time) to `minutesAgo` minutes before now. */
export function ageFile(file: string, minutesAgo: number): void {
  const t = new Date(Date.now() - minutesAgo * 60_000);
  fs.utimesSync(file, t, t);
}
