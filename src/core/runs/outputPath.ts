// Where commands may write what they produce (an export, an HTML report, template copies): never
// over a file of a run folder — a run's records are its evidence — and never over an existing
// file unless the user says --force. Every output is written whole or not at all.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../util/errors';
import { fileSystemProblem } from '../util/fsProblems';
import { writeFileAtomic } from './files';
import { LOCK_FILE } from './runLock';
import { RUN_FILES } from './runStore';

const RUN_FOLDER_FILES = new Set<string>([...Object.values(RUN_FILES), LOCK_FILE, 'templates']);

/** The run folder `dir` is, or null. */
function runFolderOf(dir: string): string | null {
  return existsSync(path.join(dir, RUN_FILES.manifest)) ? dir : null;
}

/**
 * Refuses (usage error, exit 2) an output file that is one of a run folder's own files or inside
 * its templates/, a folder, an existing file without `force`, or a file in a missing folder.
 */
export function checkOutputFile(file: string, opts: { force: boolean; option: string }): void {
  const target = path.resolve(file);
  const dir = path.dirname(target);
  const run = runFolderOf(dir) ?? (path.basename(dir) === 'templates' ? runFolderOf(path.dirname(dir)) : null);
  if (run !== null && (dir !== run || RUN_FOLDER_FILES.has(path.basename(target)))) {
    throw new UserError(`${opts.option} ${file} is a file of the run folder ${run}, which is never overwritten; write elsewhere (a new file name in the run folder is fine)`, 2);
  }
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`${opts.option} ${file}: the folder ${dir} does not exist; create it first`, 2);
  if (!existsSync(target)) return;
  if (statSync(target).isDirectory()) throw new UserError(`${opts.option} ${file} is a folder; name a file`, 2);
  if (!opts.force) throw new UserError(`${opts.option} ${file} already exists; pass --force to overwrite it`, 2);
}

/** Refuses a folder for template copies that is a run folder or a run's templates/ (usage error, exit 2). */
export function checkOutputFolder(dir: string, option: string): void {
  const target = path.resolve(dir);
  const run = runFolderOf(target) ?? (path.basename(target) === 'templates' ? runFolderOf(path.dirname(target)) : null);
  if (run !== null) throw new UserError(`${option} ${dir} is ${run === target ? 'a run folder' : `the templates of the run folder ${run}`}, which are never overwritten; choose another folder`, 2);
}

/** Writes an output file whole (temp file + rename); a file-system error is one line naming the file. */
export async function writeOutputFile(file: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(file, text);
  } catch (err) {
    throw fileSystemProblem(err, file) ?? err;
  }
}
