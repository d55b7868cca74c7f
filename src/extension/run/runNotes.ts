// What the extension adds to a run folder beside the run's own files, in `gaplens-ui.json`: the
// user's label for the run and how this extension's last execution of it ended (so the runs tree can
// tell a cancelled run from a failed one). run.json is never rewritten for these; the file is
// validated when read, and a bad file is reported and ignored (the run shows without them). No 'vscode'.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode, writeFileAtomic } from '../../core/runs/files';
import { UserError } from '../../core/util/errors';

export const RUN_NOTES_FILE = 'gaplens-ui.json';
/** A label is a name, not a note: one short line. */
export const MAX_LABEL_LENGTH = 80;

/** How an execution that did not complete the run ended: the user (or the cost limit) stopped it, or an error or failed calls did. */
export type RunEnding = 'cancelled' | 'failed';

export interface RunNotes {
  label?: string;
  ended?: RunEnding;
}

/** Why `label` cannot be a run label, or null. */
export function labelProblem(label: string): string | null {
  if (label.trim() !== label) return 'a run label has no leading or trailing spaces';
  if (label === '') return 'a run label is not empty';
  if (label.length > MAX_LABEL_LENGTH) return `a run label has at most ${MAX_LABEL_LENGTH} characters (this one has ${label.length})`;
  if (/[\u0000-\u001f\u007f]/.test(label)) return 'a run label is one line without control characters';
  return null;
}

/** The folder's notes; none when the file is absent. A file that is not valid notes is reported through `onProblem` and read as none. */
export async function readRunNotes(dir: string, onProblem: (message: string) => void = () => undefined): Promise<RunNotes> {
  const file = join(dir, RUN_NOTES_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return {};
    onProblem(`${file}: cannot be read (${err instanceof Error ? err.message : String(err)}); the run is shown without its label`);
    return {};
  }
  try {
    return parseRunNotes(text);
  } catch (err) {
    onProblem(`${file}: ${err instanceof Error ? err.message : String(err)}; the run is shown without its label (fix or delete the file)`);
    return {};
  }
}

/** Parses the file's text; throws a UserError naming what is wrong. */
export function parseRunNotes(text: string): RunNotes {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UserError('is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UserError('must be a JSON object');
  const { label, ended, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new UserError(`has unknown fields: ${unknown.join(', ')}`);
  const notes: RunNotes = {};
  if (label !== undefined) {
    if (typeof label !== 'string') throw new UserError('"label" must be a string');
    const problem = labelProblem(label);
    if (problem) throw new UserError(`"label": ${problem}`);
    notes.label = label;
  }
  if (ended !== undefined) {
    if (ended !== 'cancelled' && ended !== 'failed') throw new UserError('"ended" must be "cancelled" or "failed"');
    notes.ended = ended;
  }
  return notes;
}

/**
 * Changes the notes: a field set to undefined is removed; the file goes when nothing is left. Throws a
 * UserError for a bad label or a folder it cannot write.
 */
export async function updateRunNotes(dir: string, change: { label?: string | undefined; ended?: RunEnding | undefined }): Promise<RunNotes> {
  if (change.label !== undefined) {
    const problem = labelProblem(change.label);
    if (problem) throw new UserError(problem);
  }
  const next: RunNotes = { ...(await readRunNotes(dir)) };
  for (const key of ['label', 'ended'] as const) {
    if (!(key in change)) continue;
    const value = change[key];
    if (value === undefined) delete next[key];
    else (next as Record<string, string>)[key] = value;
  }
  const file = join(dir, RUN_NOTES_FILE);
  try {
    if (Object.keys(next).length === 0) await rm(file, { force: true });
    else await writeFileAtomic(file, `${JSON.stringify(next, null, 2)}\n`);
  } catch (err) {
    throw new UserError(`cannot write ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return next;
}
