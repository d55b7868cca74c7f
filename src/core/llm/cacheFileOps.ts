// File operations shared by the response cache's upkeep (responseCacheFiles.ts) and its old layout
// (legacyResponseCache.ts): measuring and removing many files, and saying what went wrong.
import { stat, unlink } from 'node:fs/promises';
import { UserError } from '../util/errors';

// File operations in flight at once: enough to keep the disk busy without a promise per file of a huge cache.
const BATCH = 256;

export interface OnDiskFile {
  file: string;
  /** Space on disk (see diskBytes). */
  bytes: number;
  mtimeMs: number;
}

/** The space a file takes: its allocated blocks where the file system reports them (as `du` does), else its length. */
export function diskBytes(stats: { blocks: number; size: number }): number {
  return stats.blocks > 0 ? stats.blocks * 512 : stats.size;
}

/** The files that still exist, measured (another process may have removed some since they were listed). */
export async function measure(files: string[]): Promise<OnDiskFile[]> {
  const measured: OnDiskFile[] = [];
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

/** Removes the files; one that cannot be removed does not keep the others: the first failure is thrown at the end. */
export async function remove(files: OnDiskFile[]): Promise<{ count: number; bytes: number }> {
  let count = 0;
  let bytes = 0;
  let failure: Error | undefined;
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

export function errorCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

export function cannot(what: string, path: string, err: unknown): UserError {
  return new UserError(`Cannot ${what} ${path}: ${(err as Error).message}. Fix the permissions or point the cache elsewhere.`);
}
