// gaplens audit: draw a random sample of a run, stratified by the verifier's decision and the checker's
// grade, for a person to label in the panel; `gaplens report` then shows the agreement with the human
// and the gap on the human-corrected truth (docs/statistics.md, "Audit").
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { reportSelector } from '../../core/config/runRules';
import { formatFilter, formatSelector, parseFilter, parseSelector } from '../../core/filter/parse';
import { runAuditData } from '../../core/pipeline/runReport';
import { AUDIT_FILE, writeAuditFile } from '../../core/runs/auditFile';
import { runCoverage } from '../../core/runs/coverage';
import { AUDIT_STRATA, type AuditFile } from '../../core/runs/records';
import { liveLockHolder } from '../../core/runs/runLock';
import { readRun } from '../../core/runs/runStore';
import { auditId, drawNewAudit } from '../../core/stats/audit';
import { incompleteness, runState } from '../../core/stats/conclusion';
import { UserError } from '../../core/util/errors';
import { flag, numberOpt, stringOpt, type RawValues } from '../options';
import { say, writeOut } from '../terminalText';

const OPTIONS = {
  size: { type: 'string' },
  seed: { type: 'string' },
  verifier: { type: 'string' },
  filter: { type: 'string' },
  replace: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

const DEFAULT_SIZE = 40;
const MAX_SEED = 0xffffffff;

export async function auditCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
  const v = values as RawValues;
  if (positionals.length !== 1) throw new UserError('audit takes one RUN_DIR', 2);
  const dir = positionals[0] as string;
  // Flags are checked before any file is read, so a typo is a usage error, not a file error.
  const size = numberOpt(v, 'size', DEFAULT_SIZE, { integer: true, min: 1 });
  const seed = numberOpt(v, 'seed', randomInt(MAX_SEED + 1), { integer: true, min: 0, max: MAX_SEED });
  const verifierFlag = stringOpt(v, 'verifier');
  const filterFlag = stringOpt(v, 'filter');
  const selector = verifierFlag === undefined ? undefined : formatSelector(parseSelector(verifierFlag));
  const filter = filterFlag === undefined ? undefined : formatFilter(parseFilter(filterFlag));

  const run = await readRun(dir, { onWarning: say });
  const live = (await liveLockHolder(dir)) !== null;
  const records = runCoverage(run);
  const state = runState(records, live);
  if (live) say('warning: the run is live (a writer is still adding records): once its samples change, this audit cannot be evaluated');
  else if (!state.complete) say(`warning: the run is incomplete (${incompleteness(records)}): once its samples change, this audit cannot be evaluated`);

  const now = new Date();
  const plan = {
    id: auditId(now),
    seed,
    size,
    selector: reportSelector(run.manifest.config, selector),
    filter: filter ?? run.manifest.config.filter,
  };
  const audit = drawNewAudit(runAuditData(run), plan, now);
  await writeAuditFile(dir, audit, { replace: flag(v, 'replace'), taskIds: new Set(run.tasks.map((t) => t.id)) });
  if (flag(v, 'json')) writeOut(`${JSON.stringify(audit)}\n`);
  else writeOut(drawText(audit, path.join(dir, AUDIT_FILE)));
  return 0;
}

function drawText(audit: AuditFile, file: string): string {
  const total = audit.strata.reduce((sum, n) => sum + n, 0);
  const drawn = AUDIT_STRATA.map((h) => audit.samples.filter((s) => s.stratum === h).length);
  const lines = [
    `drew audit ${audit.id}: ${audit.samples.length} of ${total} samples (verifier ${audit.selector}, filter ${audit.filter}, seed ${audit.seed})`,
    `  ${'stratum'.padEnd(20)}${'samples'.padStart(9)}${'drawn'.padStart(8)}`,
    ...AUDIT_STRATA.map((h, i) => `  ${h.padEnd(20)}${String(audit.strata[i]).padStart(9)}${String(drawn[i]).padStart(8)}`),
    `wrote ${file}`,
    'Label the samples in the Gap Lens panel (Audit), in the order drawn; gaplens report shows the agreement and the corrected gap.',
  ];
  return `${lines.join('\n')}\n`;
}
