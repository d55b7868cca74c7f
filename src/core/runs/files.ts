// Small file-system helpers shared by the run folder modules.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/**
 * Replaces `file` with `text` so that readers see the old or the new content, never a mix: the
 * text goes to a temp file in the same folder, is flushed to disk, then renamed over the target.
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Creates `dir` and its missing parents, failing with the real cause: Node's recursive mkdir says
 * ENOENT whenever a folder cannot be made (a read-only file system too), which would tell the user
 * to create a folder that is not missing. Then each part is made on its own, which says EROFS, EACCES….
 */
export async function makeFolder(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    if (errorCode(err) !== 'ENOENT') throw err;
    const parts: string[] = [];
    for (let p = path.resolve(dir); path.dirname(p) !== p; p = path.dirname(p)) parts.unshift(p);
    for (const part of parts) await mkdir(part).catch((e: unknown) => { if (errorCode(e) !== 'EEXIST') throw e; });
  }
}

/** The `code` of a Node system error (ENOENT, …), if it is one. */
export function errorCode(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

/**
 * Writes all of `bytes` at the file's position (the end, for a file opened with 'a') in one write
 * call, so a process killed meanwhile leaves all or a prefix of them; loops only if the OS accepts
 * part of it (e.g. a disk nearly full).
 */
export async function writeAll(fh: FileHandle, bytes: Buffer): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await fh.write(bytes, offset, bytes.length - offset);
    if (bytesWritten === 0) throw new Error('the disk accepted no bytes');
    offset += bytesWritten;
  }
}
