// audit.json in a run folder: the run's current audit, its plan and its draw (docs/run-format.md,
// "audit.json"). Written whole (temp file + rename) by `gaplens audit` and the panel; its labels go to
// annotations.jsonl, tagged with the audit's id.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../util/errors';
import { fileSystemProblem } from '../util/fsProblems';
import { errorCode, writeFileAtomic } from './files';
import { parseJson } from './jsonlFile';
import { auditFileSchema, describeIssues, unsupportedVersion } from './recordSchemas';
import { AUDIT_SCHEMA_VERSION, AUDIT_STRATA, type AuditFile } from './records';
import { sampleKey } from './sampleKey';

export const AUDIT_FILE = 'audit.json';

/**
 * The run's audit, or null when it has none. `taskIds`: the run's tasks; a drawn sample of another
 * task, a sample drawn twice, or more samples of a stratum than it holds is an error naming the file.
 */
export async function readAuditFile(dir: string, taskIds: ReadonlySet<string>): Promise<AuditFile | null> {
  const file = path.join(dir, AUDIT_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return null;
    throw fileSystemProblem(err, file) ?? err;
  }
  const fail = (problem: string): UserError => new UserError(`${file}: ${problem}; draw the audit again (gaplens audit RUN_DIR --replace)`);
  const json = parseJson(text);
  if (!json.ok) throw fail(`not valid JSON (${json.error})`);
  const version = unsupportedVersion(json.value, 'v', AUDIT_SCHEMA_VERSION);
  if (version !== null) throw new UserError(`${file}: ${version}`);
  const parsed = auditFileSchema.safeParse(json.value);
  if (!parsed.success) throw fail(describeIssues(parsed.error));
  const problem = drawProblem(parsed.data, taskIds);
  if (problem !== null) throw fail(problem);
  return parsed.data;
}

function drawProblem(audit: AuditFile, taskIds: ReadonlySet<string>): string | null {
  const seen = new Set<string>();
  const drawn = AUDIT_STRATA.map(() => 0);
  for (const [i, s] of audit.samples.entries()) {
    if (!taskIds.has(s.task)) return `field "samples[${i}].task": task "${s.task}" is not in tasks.jsonl`;
    const key = sampleKey(s.task, s.index);
    if (seen.has(key)) return `field "samples[${i}]": sample ${s.index} of task "${s.task}" is drawn twice`;
    seen.add(key);
    const h = AUDIT_STRATA.indexOf(s.stratum);
    drawn[h] = (drawn[h] as number) + 1;
  }
  const over = AUDIT_STRATA.findIndex((_, h) => (drawn[h] as number) > (audit.strata[h] as number));
  return over < 0 ? null : `field "samples": ${drawn[over]} samples drawn from stratum ${AUDIT_STRATA[over]}, which holds ${audit.strata[over]}`;
}

/** Writes the run's audit, replacing the one it has only when `replace` is set. */
export async function writeAuditFile(dir: string, audit: AuditFile, opts: { replace: boolean; taskIds: ReadonlySet<string> }): Promise<void> {
  const file = path.join(dir, AUDIT_FILE);
  if (!opts.replace) {
    const current = await readAuditFile(dir, opts.taskIds).catch((err: unknown) => (err instanceof UserError ? undefined : Promise.reject(err)));
    if (current !== null) {
      const which = current === undefined ? 'an audit' : `audit ${current.id}`;
      throw new UserError(`${file} already holds ${which}: a new audit replaces it only when asked to (gaplens audit --replace); its labels stay in annotations.jsonl`);
    }
  }
  const checked = auditFileSchema.safeParse(audit);
  if (!checked.success) throw new UserError(`cannot save the audit: ${describeIssues(checked.error)}`);
  try {
    await writeFileAtomic(file, `${JSON.stringify(audit, null, 2)}\n`);
  } catch (err) {
    throw fileSystemProblem(err, file) ?? err;
  }
}
