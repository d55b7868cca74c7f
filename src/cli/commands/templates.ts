// gaplens templates export DIR: editable copies of the default prompt templates; gaplens templates
// compare RUN_DIR: two template versions of a run's verifier side by side (gaplens reverify --templates).
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageAsset } from '../../core/util/assets';
import { checkOutputFolder, writeOutputFile } from '../../core/runs/outputPath';
import { UserError } from '../../core/util/errors';
import { fileSystemProblem } from '../../core/util/fsProblems';
import { say, writeErr, writeOut } from '../terminalText';
import { parseFilter } from '../../core/filter/parse';
import { compareTemplateVersions, type ComparisonOptions } from '../../core/pipeline/templateComparison';
import { readRunColumns } from '../../core/runs/runColumns';
import { liveLockHolder } from '../../core/runs/runLock';
import { flag, numberOpt, stringOpt, type RawValues } from '../options';
import { formatTemplateComparison } from '../formatTemplateComparison';

export async function templatesCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'compare') return compareCommand(rest);
  if (sub !== 'export') throw new UserError(`templates takes 'export DIR' or 'compare RUN_DIR'`, 2);
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

const COMPARE_OPTIONS = {
  verifier: { type: 'string' },
  a: { type: 'string' },
  b: { type: 'string' },
  filter: { type: 'string' },
  bootstrap: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
} as const;

async function compareCommand(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, options: COMPARE_OPTIONS, strict: true, allowPositionals: true });
  const v = values as RawValues;
  if (positionals.length !== 1) throw new UserError('templates compare takes one RUN_DIR', 2);
  const dir = positionals[0] as string;
  const filter = stringOpt(v, 'filter');
  const options = {
    resamples: numberOpt(v, 'bootstrap', 1000, { integer: true, min: 0 }),
    seed: numberOpt(v, 'seed', 0, { integer: true, min: 0 }),
    ...(filter !== undefined ? { filter: parseFilter(filter) } : {}),
  };
  return printTemplateComparison(dir, { ...options, verifier: stringOpt(v, 'verifier'), a: stringOpt(v, 'a'), b: stringOpt(v, 'b'), json: flag(v, 'json') });
}

/**
 * Prints the comparison of two template versions of a verifier (default: the run's first verifier
 * that has versions, its newest against the one before); shared with `reverify --templates`.
 */
export async function printTemplateComparison(
  dir: string,
  opts: Omit<ComparisonOptions, 'verifier' | 'a' | 'b' | 'live'> & { verifier: string | undefined; a: string | undefined; b: string | undefined; json: boolean },
): Promise<number> {
  const cols = await readRunColumns(dir, { onWarning: say });
  const verifier = opts.verifier ?? cols.manifest.templateVersions?.[0]?.verifiers[0];
  if (verifier === undefined) throw new UserError(`${dir} has no template versions yet: make one with gaplens reverify ${dir} --templates DIR (docs/templates.md)`, 2);
  const { json, a, b, ...rest } = opts;
  const comparison = compareTemplateVersions(cols, { ...rest, verifier, ...(a !== undefined ? { a } : {}), ...(b !== undefined ? { b } : {}), live: (await liveLockHolder(dir)) !== null });
  writeOut(json ? `${JSON.stringify(comparison)}\n` : formatTemplateComparison(comparison));
  return 0;
}
