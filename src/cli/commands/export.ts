// gaplens export: the kept samples of a run as chat-format JSONL for fine-tuning (the paper's
// distillation step: train the model on its own filtered samples), with the lineage a later round's
// `run --lineage` reads.
import { parseArgs } from 'node:util';
import { reportSelector } from '../../core/config/runRules';
import { parseFilter, parseSelector } from '../../core/filter/parse';
import { writeKeptExport } from '../../core/pipeline/exportKept';
import { lineageSidecar } from '../../core/runs/lineage';
import { checkOutputFile } from '../../core/runs/outputPath';
import { readRun } from '../../core/runs/runStore';
import { UserError } from '../../core/util/errors';
import { flag, requiredString, stringOpt, type RawValues } from '../options';
import { say } from '../terminalText';

const OPTIONS = {
  filter: { type: 'string' },
  verifier: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  'checker-corrected': { type: 'boolean' },
  force: { type: 'boolean' },
} as const;

export async function exportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
  const v = values as RawValues;
  if (positionals.length !== 1) throw new UserError('export takes one RUN_DIR', 2);
  const format = stringOpt(v, 'format') ?? 'sft';
  if (format !== 'sft') throw new UserError(`--format '${format}' is not supported: use sft`, 2);
  const out = requiredString(v, 'out', 'the JSONL file to write');
  checkOutputFile(out, { force: flag(v, 'force'), option: '--out' });
  checkOutputFile(lineageSidecar(out), { force: flag(v, 'force'), option: '--out' });
  const run = await readRun(positionals[0] as string, { onWarning: say });
  const selector = parseSelector(reportSelector(run.manifest.config, stringOpt(v, 'verifier')));
  const filter = parseFilter(requiredString(v, 'filter', 'which samples to keep, e.g. quantile:0.8'));
  const written = await writeKeptExport(run, { selector, filter, checkerCorrected: flag(v, 'checker-corrected'), out });
  say(`wrote ${written.records} of ${written.samples} samples to ${out}, and what produced them to ${written.sidecar} (a later run names it with --lineage ${out})`);
  return 0;
}
