// gaplens tasks validate FILE | tasks list
import { parseArgs } from 'node:util';
import { BUILTIN_TASK_SETS, taskFormatLabel, validateTaskFile } from '../../core/tasks/load';
import type { TaskDiagnostic } from '../../core/tasks/task';
import { UserError } from '../../core/util/errors';
import { writeOut } from '../terminalText';

/** A wrong file (a CSV of something else, a binary) has an error per line: the terminal gets this many. */
const LISTED_DIAGNOSTICS = 50;

export async function tasksCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'validate' && sub !== 'list') throw new UserError(`tasks takes 'validate FILE' or 'list'`, 2);
  const { positionals } = parseArgs({ args: rest, options: {}, strict: true, allowPositionals: true });
  if (sub === 'list') {
    if (positionals.length > 0) throw new UserError('tasks list takes no arguments', 2);
    for (const set of BUILTIN_TASK_SETS) writeOut(`${set.name.padEnd(22)} ${set.description}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UserError('tasks validate takes one FILE', 2);
  return validate(positionals[0] as string);
}

/** Problems as FILE:LINE:COLUMN: severity: message, then "FILE: GSM8K JSON Lines, 1319 tasks, 0 errors, 0 warnings". */
async function validate(file: string): Promise<number> {
  const { format, tasks, diagnostics } = await validateTaskFile(file);
  const listed = diagnostics.slice(0, LISTED_DIAGNOSTICS).map((d) => `${location(d)}: ${d.severity}: ${d.message}\n`);
  const unlisted = diagnostics.length - listed.length;
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const formatText = format === null ? 'not readable as any task format' : taskFormatLabel(format);
  writeOut(
    listed.join('') +
      (unlisted > 0 ? `… and ${unlisted} more\n` : '') +
      `${file}: ${formatText}, ${count(tasks, 'task')}, ${count(errors, 'error')}, ${count(diagnostics.length - errors, 'warning')}\n`,
  );
  return errors > 0 ? 1 : 0;
}

/**
 * FILE:LINE:COLUMN of a problem, where the editor's diagnostic starts: the 1-based UTF-16 column of
 * its span (the field, or where the JSON breaks), column 1 for a problem of the whole line.
 */
function location(d: TaskDiagnostic): string {
  return `${d.file}:${d.line}:${(d.span?.start ?? 0) + 1}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
