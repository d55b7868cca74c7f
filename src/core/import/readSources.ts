// The files given to `gaplens import`, read whole: each one's format (given, or recognised from its
// first record), its samples through that format's reader, and every problem of every file listed
// at once (the first few, then how many more), so nothing is created from a file with an error.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import type { ImportFormat } from '../runs/records';
import { foreignFileMessage, SNIFF_BYTES } from '../tasks/foreignFormats';
import type { GraderName } from '../tasks/task';
import { UserError } from '../util/errors';
import { isPlainObject } from '../util/plainObject';
import { plural } from '../util/plural';
import { readInspectLog } from './inspectLog';
import { readLmEvalSamples } from './lmEvalSamples';
import { readPlainSamples } from './plainSamples';
import { FORMAT_LABELS, type SourceReader, type SourceSample } from './sourceSample';

const READERS: Record<ImportFormat, SourceReader> = {
  'lm-eval': readLmEvalSamples,
  inspect: readInspectLog,
  jsonl: readPlainSamples,
};

/** How many problems an import that fails lists before "and N more". */
const LISTED_ERRORS = 5;

const FORMATS_READ = 'lm-evaluation-harness --log_samples output (samples_<task>_<date>.jsonl), Inspect AI JSON eval logs, and the Gap Lens import JSONL of docs/import.md';

export interface Sources {
  format: ImportFormat;
  /** Absolute paths, with the sha256 of the bytes read. */
  files: { path: string; sha256: string }[];
  /** In file order, then the order each reader gives. */
  samples: SourceSample[];
  warnings: string[];
  /** How the files name the generator; null when none does. */
  model: string | null;
  /** That generator as a model spec Gap Lens can call, when a file names one. */
  modelSpec: string | null;
}

export async function readSources(paths: readonly string[], opts: { format?: ImportFormat; grader?: GraderName }): Promise<Sources> {
  const files: Sources['files'] = [];
  const samples: SourceSample[] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  const models = new Map<string, string>();
  const specs = new Map<string, string>();
  let format: { name: ImportFormat; file: string } | null = null;
  for (const path of paths) {
    const bytes = await readBytes(path);
    const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
    const name = opts.format ?? detectImportFormat(text, path);
    if (name === null) throw new UserError(`${path}: not a format gaplens import reads; it reads ${FORMATS_READ} (--format lm-eval|inspect|jsonl)`);
    if (format !== null && format.name !== name) throw new UserError(`${path} is ${FORMAT_LABELS[name]} but ${format.file} is ${FORMAT_LABELS[format.name]}: import files of one format at a time`);
    format ??= { name, file: path };
    const read = READERS[name](text, path, opts.grader !== undefined ? { grader: opts.grader } : {});
    if (read.samples.length === 0 && read.errors.length === 0) {
      // Warnings are printed only by an import that succeeds: here they are the reason.
      const why = read.warnings.length === 0 ? 'it is empty or has only blank lines' : [read.warnings[0], ...(read.warnings.length > 1 ? [`and ${read.warnings.length - 1} more left out`] : [])].join('; ');
      errors.push(`${path}: holds no samples to import (${why})`);
    }
    errors.push(...read.errors);
    warnings.push(...read.warnings);
    samples.push(...read.samples);
    files.push({ path: resolve(path), sha256: createHash('sha256').update(bytes).digest('hex') });
    if (read.model !== null) models.set(read.model, path);
    if (read.modelSpec !== null) specs.set(read.modelSpec, path);
  }
  if (format === null) throw new UserError('no file to import');
  if (errors.length > 0) {
    const listed = errors.slice(0, LISTED_ERRORS);
    const more = errors.length > listed.length ? [`and ${errors.length - listed.length} more`] : [];
    throw new UserError([`cannot import: ${plural(errors.length, 'problem')} reading ${FORMAT_LABELS[format.name]}; fix ${errors.length === 1 ? 'it' : 'them'} and import again:`, ...listed, ...more].join('\n'));
  }
  // A run is the samples of one generator: files naming different ones do not make one run.
  if (models.size > 1) throw new UserError(`the files name different generators (${[...models].map(([m, f]) => `${m} in ${f}`).join(', ')}): a run holds the samples of one model; import them separately`);
  return { format: format.name, files, samples, warnings, model: [...models.keys()][0] ?? null, modelSpec: [...specs.keys()][0] ?? null };
}

/**
 * The format of a file from its first record: an object with `doc_id` is lm-eval's, one with
 * `task` and `samples` the import JSONL, and a JSON object whose first fields include `eval` (an
 * Inspect log, pretty-printed or not) Inspect's. When the first line is no JSON at all, lm-eval's
 * file name (samples_<task>_<date>.jsonl) still says what it is, so its reader names the bad line.
 * Null when it is none of them.
 */
export function detectImportFormat(text: string, path: string): ImportFormat | null {
  const first = text.split('\n').find((line) => line.trim() !== '') ?? '';
  let record: unknown;
  try {
    record = JSON.parse(first);
  } catch {
    // Pretty-printed JSON: an Inspect log writes `version`, `status`, then `eval`.
    if (/^\s*\{\s*(?:"(?:version|status)"\s*:\s*[^,{}[\]]*,\s*)*"eval"\s*:\s*\{/.test(text.slice(0, SNIFF_BYTES))) return 'inspect';
    return /^samples_.+\.jsonl$/.test(basename(path)) ? 'lm-eval' : null;
  }
  if (!isPlainObject(record)) return null;
  if ('doc_id' in record) return 'lm-eval';
  if ('task' in record && 'samples' in record) return 'jsonl';
  if ('eval' in record && 'samples' in record) return 'inspect';
  return null;
}

async function readBytes(path: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder; give the files inside' : error instanceof Error ? error.message : String(error);
    throw new UserError(`cannot read ${path}: ${why}`);
  }
  const head = bytes.subarray(0, SNIFF_BYTES);
  // Inspect's default log format is a ZIP archive; it converts its own logs to JSON.
  if (extname(path).toLowerCase() === '.eval' && head[0] === 0x50 && head[1] === 0x4b) {
    throw new UserError(`${path} is an Inspect AI .eval log (a ZIP archive); gaplens import reads Inspect's JSON logs: convert it with inspect log convert ${path} --to json --output-dir DIR`);
  }
  const foreign = foreignFileMessage(path, head);
  if (foreign !== null) throw new UserError(foreign);
  return bytes;
}
