// gaplens matrix: the cross-verification grid gap(f, g) of runs on one task set (docs/statistics.md,
// "Cross-verification matrix").
import { parseArgs } from 'node:util';
import { crossMatrix } from '../../core/pipeline/crossMatrix';
import { formatMatrixText, matrixJson } from '../../core/report/matrixText';
import { flag, numberOpt, stringOpt, type RawValues } from '../options';
import { say, writeOut } from '../terminalText';

const OPTIONS = {
  verifier: { type: 'string' },
  filter: { type: 'string' },
  bootstrap: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export async function matrixCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
  const v = values as RawValues;
  const matrix = await crossMatrix(
    positionals,
    {
      verifier: stringOpt(v, 'verifier'),
      filter: stringOpt(v, 'filter'),
      resamples: numberOpt(v, 'bootstrap', 1000, { integer: true, min: 0 }),
      seed: numberOpt(v, 'seed', 0, { integer: true, min: 0 }),
    },
    say,
  );
  writeOut(flag(v, 'json') ? `${JSON.stringify(matrixJson(matrix))}\n` : formatMatrixText(matrix));
  return 0;
}
