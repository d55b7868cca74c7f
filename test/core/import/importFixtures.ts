// The import fixtures (test/fixtures/import), written from each tool's public documentation and
// source: lm-evaluation-harness --log_samples files, an Inspect AI JSON eval log, the import JSONL.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const IMPORT_FIXTURES = resolve(__dirname, '..', '..', 'fixtures', 'import');
export const LM_EVAL_GSM8K = join(IMPORT_FIXTURES, 'samples_gsm8k_2024-11-20T09-14-03.512345.jsonl');
export const LM_EVAL_SELF_CONSISTENCY = join(IMPORT_FIXTURES, 'samples_gsm8k_cot_self_consistency_2024-11-20T10-40-55.118092.jsonl');
export const LM_EVAL_NQ = join(IMPORT_FIXTURES, 'samples_nq_open_2024-11-20T11-02-31.770401.jsonl');
export const INSPECT_LOG = join(IMPORT_FIXTURES, '2024-11-20T10-02-11+00-00_gsm8k_g5MbQ3sVz8KfYp2LwX7nRt.json');
export const PLAIN_JSONL = join(IMPORT_FIXTURES, 'generations.jsonl');

export function fixtureText(file: string): string {
  return readFileSync(file, 'utf8');
}

/** The fixture's lines, each parsed. */
export function fixtureRecords(file: string): Record<string, unknown>[] {
  return fixtureText(file).split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Records back as JSONL text. */
export function jsonl(records: readonly unknown[]): string {
  return records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';
}
