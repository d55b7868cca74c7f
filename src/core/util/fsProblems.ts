// File-system errors said the way the brief asks: one line naming the path and what to do, never
// a stack trace (a full disk or a read-only folder is the user's environment, not a bug of ours).
import { errorCode } from '../runs/files';
import { UserError } from './errors';

const ADVICE: Readonly<Record<string, string>> = {
  ENOSPC: 'the disk is full; free some space',
  EDQUOT: 'the disk quota is used up; free some space',
  EROFS: 'the file system is read-only; choose a writable folder',
  EACCES: 'permission denied; fix the permissions or choose another folder',
  EPERM: 'operation not permitted; fix the permissions or choose another folder',
  ENOENT: 'no such file or folder; create the folder or choose another',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  EMFILE: 'too many open files; raise the limit (ulimit -n) or lower --concurrency',
};

/**
 * The error as a UserError naming `path` (the file the caller was writing: clearer than the temp
 * file an atomic write failed on), else the error's own path; null when it is not a file-system
 * error we know.
 */
export function fileSystemProblem(err: unknown, path?: string): UserError | null {
  const code = errorCode(err);
  const advice = code === undefined ? undefined : ADVICE[code];
  if (advice === undefined) return null;
  const named = (err as { path?: unknown }).path;
  const where = path ?? (typeof named === 'string' ? named : undefined);
  return new UserError(`${where ?? 'a file'}: ${advice} (${code})`);
}
