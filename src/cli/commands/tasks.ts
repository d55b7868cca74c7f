// gaplens tasks validate FILE | tasks list
import { parseArgs } from 'node:util';
import { BUILTIN_TASK_SETS, validateTaskFile } from '../../core/tasks/load';
import { UserError } from '../../core/util/errors';

export async function tasksCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'list') {
    for (const set of BUILTIN_TASK_SETS) process.stdout.write(`${set.name.padEnd(22)} ${set.description}\n`);
    return 0;
  }
  if (sub !== 'validate') throw new UserError(`tasks takes 'validate FILE' or 'list'`, 2);
  const { positionals } = parseArgs({ args: rest, options: {}, strict: true, allowPositionals: true });
  if (positionals.length !== 1) throw new UserError('tasks validate takes one FILE', 2);
  const file = positionals[0] as string;
  const diagnostics = await validateTaskFile(file);
  for (const d of diagnostics) process.stdout.write(`${d.file}:${d.line}: ${d.severity}: ${d.message}\n`);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  process.stderr.write(`gaplens: ${file}: ${errors} error(s), ${diagnostics.length - errors} warning(s)\n`);
  return errors > 0 ? 1 : 0;
}
