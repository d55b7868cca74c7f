// gaplens templates export DIR: editable copies of the default prompt templates.
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageAsset } from '../../core/util/assets';
import { checkOutputFolder, writeOutputFile } from '../../core/runs/outputPath';
import { UserError } from '../../core/util/errors';
import { fileSystemProblem } from '../../core/util/fsProblems';
import { writeErr } from '../terminalText';

export async function templatesCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'export') throw new UserError(`templates takes 'export DIR'`, 2);
  const { positionals, values } = parseArgs({ args: rest, options: { force: { type: 'boolean' } }, strict: true, allowPositionals: true });
  if (positionals.length !== 1) throw new UserError('templates export takes one DIR', 2);
  const dir = positionals[0] as string;
  checkOutputFolder(dir, 'templates export');
  const source = packageAsset('templates');
  const files = (await readdir(source)).filter((f) => f.endsWith('.txt') || f === 'README.md');
  const clashes = files.filter((f) => existsSync(join(dir, f)));
  if (clashes.length > 0 && values.force !== true) {
    throw new UserError(`${dir} already has ${clashes.join(', ')}: pass --force to overwrite`, 2);
  }
  await mkdir(dir, { recursive: true }).catch((err: unknown) => {
    throw fileSystemProblem(err, dir) ?? err;
  });
  await Promise.all(files.map(async (f) => writeOutputFile(join(dir, f), await readFile(join(source, f), 'utf8'))));
  writeErr(`gaplens: wrote ${files.length} templates to ${dir}; use them with --templates ${dir}\n`);
  return 0;
}
