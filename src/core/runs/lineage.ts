// Lineage of self-improvement rounds (docs/run-format.md, "Lineage"): `gaplens export` writes a
// sidecar FILE.lineage.json naming the run and the filter that produced FILE, with the sha256 of
// FILE's bytes; a run started with `--lineage FILE` records its parent from that sidecar, after
// checking that FILE is still the file the sidecar describes.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { UserError } from '../util/errors';
import { fileSystemProblem } from '../util/fsProblems';
import { sha256 } from '../util/hash';
import { errorCode } from './files';
import { parseJson } from './jsonlFile';
import type { RunLineage, RunManifest } from './records';
import { describeIssues, runLineageSchema } from './recordSchemas';

/** The sidecar's suffix: the export's own file stays pure SFT JSONL, which trainers read line by line. */
export const LINEAGE_SUFFIX = '.lineage.json';

export const EXPORT_LINEAGE_VERSION = 1;

/** FILE.lineage.json: what produced an export file. */
export interface ExportLineage {
  v: typeof EXPORT_LINEAGE_VERSION;
  /** The export file's name (without folder: the pair may be moved together). */
  file: string;
  /** sha256 of the export file's bytes. */
  sha256: string;
  format: 'sft';
  /** SFT records written. */
  records: number;
  exportedAt: string;
  parent: RunLineage['parent'];
  /** The score selector and filter that chose the records (formatSelector / formatFilter text). */
  selector: string;
  filter: string;
  /** Whether the human labels replaced the checker's grades (--checker-corrected). */
  checkerCorrected: boolean;
}

const exportLineageSchema = z.object({
  v: z.literal(EXPORT_LINEAGE_VERSION),
  file: z.string().min(1, 'must be a non-empty string'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 hex digest'),
  format: z.literal('sft'),
  records: z.number().int('must be a whole number').nonnegative('must be >= 0'),
  exportedAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }),
  parent: runLineageSchema.shape.parent,
  selector: z.string().min(1, 'must be a non-empty string'),
  filter: z.string().min(1, 'must be a non-empty string'),
  checkerCorrected: z.boolean(),
});

/** Where the sidecar of `exportFile` lives. */
export function lineageSidecar(exportFile: string): string {
  return `${exportFile}${LINEAGE_SUFFIX}`;
}

/** The parent a run's export names: the run's identity as its lineage records it. */
export function lineageParent(dir: string, manifest: RunManifest): RunLineage['parent'] {
  return { id: manifest.id, path: path.resolve(dir), model: manifest.config.model, tasksSha256: manifest.tasksSha256 };
}

/** The sidecar's text for an export whose file text is `text`. */
export function exportLineageText(exportFile: string, text: string, info: Omit<ExportLineage, 'v' | 'file' | 'sha256' | 'format'>): string {
  const lineage: ExportLineage = { v: EXPORT_LINEAGE_VERSION, file: path.basename(exportFile), sha256: sha256(text), format: 'sft', ...info };
  return `${JSON.stringify(lineage, null, 2)}\n`;
}

/**
 * The lineage a new run records when it names `exportFile` (`gaplens run --lineage FILE`): read from
 * FILE.lineage.json, after checking the sha256 of FILE's bytes against it. A missing or invalid
 * sidecar, a missing file or a hash that differs is a UserError (usage error, exit 2) naming the file.
 */
export async function readLineage(exportFile: string): Promise<RunLineage> {
  if (exportFile.endsWith(LINEAGE_SUFFIX)) throw new UserError(`--lineage ${exportFile} is a lineage sidecar: name the export file it describes, ${exportFile.slice(0, -LINEAGE_SUFFIX.length)}`, 2);
  const sidecar = lineageSidecar(exportFile);
  const bytes = await readBytes(exportFile, `--lineage ${exportFile} does not exist`);
  const lineage = parseSidecar(sidecar, (await readBytes(sidecar, `${sidecar} does not exist: --lineage names a file written by gaplens export, which writes its lineage next to it`)).toString('utf8'));
  const actual = sha256(bytes);
  if (actual !== lineage.sha256) {
    throw new UserError(
      `--lineage ${exportFile}: its sha256 ${actual.slice(0, 12)}… differs from ${lineage.sha256.slice(0, 12)}… recorded in ${sidecar}: ` +
        'the file changed after gaplens export wrote it; export it again, or train on the file as exported',
      2,
    );
  }
  return {
    parent: lineage.parent,
    export: { path: path.resolve(exportFile), sha256: lineage.sha256, records: lineage.records, selector: lineage.selector, filter: lineage.filter, checkerCorrected: lineage.checkerCorrected },
  };
}

/** The file's bytes; `missing` is the message when it does not exist. */
async function readBytes(file: string, missing: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') throw new UserError(missing, 2);
    throw fileSystemProblem(err, file) ?? err;
  }
}

function parseSidecar(file: string, text: string): ExportLineage {
  const json = parseJson(text);
  if (!json.ok) throw new UserError(`${file}: not valid JSON (${json.error}); export the file again`, 2);
  const parsed = exportLineageSchema.safeParse(json.value);
  if (!parsed.success) throw new UserError(`${file}: ${describeIssues(parsed.error)}; export the file again`, 2);
  return parsed.data;
}
