// Two template versions of one verifier side by side (docs/templates.md, "Iterating on a verifier
// template"): the run's report statistics under each — gap, AUROC, calibration, coverage — their
// difference, and the samples whose verdict the template change turned. Every number comes from the
// report's own statistics (assessRunColumns), computed once per version over the same samples.
import { MISSING_SCORE } from '../filter/columns';
import { formatFilter, parseFilter } from '../filter/parse';
import type { FilterSpec } from '../filter/spec';
import { selectorWeights } from '../filter/weights';
import { columnsPool, type RunColumns } from '../runs/runColumns';
import { resolveVersion, splitVersion, versionsOf } from '../runs/templateVersions';
import type { VerifierCoverage } from '../stats/coverage';
import type { SamplePool } from '../stats/pool';
import type { Interval } from '../stats/types';
import { UserError } from '../util/errors';
import { assessRunColumns, type ReportOptions } from './runReport';

/** What a sample's verification decided under the compared filter: kept (weight > 0), dropped, or no score at all. */
export type SampleVerdict = 'kept' | 'dropped' | 'unscored';

/** One version's statistics, each null where the report has none (nothing scored, one class only). */
export interface VersionStats {
  /** The version's name ("v1": the run's own templates). */
  version: string;
  /** The verifier's name in the records of this version (`cot-score#v2`). */
  verifier: string;
  accuracy: number;
  filteredAccuracy: number | null;
  gap: number | null;
  gapInterval: Interval | null;
  relativeGap: number | null;
  auroc: number | null;
  /** Calibration: expected calibration error and Brier score of the verifier's scores (docs/statistics.md). */
  ece: number | null;
  brier: number | null;
  retention: number | null;
  /** The verifier's records: scored, failed (by kind) and missing of the expected samples. */
  coverage: VerifierCoverage;
}

/** B − A of every statistic both versions have; null where either is null. */
export interface VersionDifference {
  filteredAccuracy: number | null;
  gap: number | null;
  relativeGap: number | null;
  auroc: number | null;
  ece: number | null;
  brier: number | null;
  retention: number | null;
  scored: number;
}

export interface SampleChange {
  task: string;
  index: number;
  /** The checker's grade of the sample. */
  correct: boolean;
  a: { verdict: SampleVerdict; score: number | null };
  b: { verdict: SampleVerdict; score: number | null };
}

export interface TemplateComparison {
  run: string;
  /** The verifier compared, as the run started it (`cot-score`, `mc@judge`). */
  verifier: string;
  /** Every version of it the run has, original first. */
  versions: string[];
  filter: string;
  samples: number;
  a: VersionStats;
  b: VersionStats;
  difference: VersionDifference;
  /** Samples whose score differs between the versions (a changed verdict or not). */
  scoresChanged: number;
  /** The samples whose verdict differs, in tasks.jsonl order then by index. */
  changed: SampleChange[];
}

export interface ComparisonOptions extends Omit<ReportOptions, 'selector' | 'filter'> {
  /** The verifier as the run started it, or any of its versioned names (`cot-score#v2` means cot-score). */
  verifier: string;
  /** Version names; default: B the newest version, A the one before it. */
  a?: string;
  b?: string;
  filter?: FilterSpec;
  /** A writer holds the run's lock (the report then says the run is live). */
  live?: boolean;
}

/** Compares two template versions of a verifier over a run read as columns. */
export function compareTemplateVersions(cols: RunColumns, opts: ComparisonOptions): TemplateComparison {
  const { manifest } = cols;
  const verifier = splitVersion(opts.verifier).verifier;
  const versions = versionsOf(manifest, verifier);
  const b = opts.b ?? (versions[versions.length - 1] as string);
  const a = opts.a ?? versions[Math.max(0, versions.indexOf(b) - 1)] ?? versions[0];
  if (versions.length < 2) throw new UserError(`${verifier} has only its original templates (v1) in ${cols.dir}: make another with gaplens reverify ${cols.dir} --templates DIR`, 2);
  if (a === undefined || a === b) throw new UserError(`--a and --b both name ${b}: compare two versions of ${verifier} (it has ${versions.join(', ')})`, 2);
  const names = { a: resolveVersion(manifest, verifier, a, '--a'), b: resolveVersion(manifest, verifier, b, '--b') };
  const filter = opts.filter ?? parseFilter(manifest.config.filter);
  const pool = columnsPool(cols);
  const side = (version: string, name: string): { stats: VersionStats; verdicts: SampleVerdict[]; scores: Float64Array } => {
    const assessed = assessRunColumns(cols, pool, { ...opts, selector: { kind: 'verifier', name }, filter }, opts.live ?? false);
    const { report } = assessed;
    const quality = report.verifierQuality.find((q) => q.selector === name);
    const coverage = assessed.coverage.verifiers[name];
    if (!coverage) throw new Error(`internal: no coverage of ${name}`);
    const stats: VersionStats = {
      version,
      verifier: name,
      accuracy: report.accuracy,
      filteredAccuracy: report.filteredAccuracy,
      gap: report.gap,
      gapInterval: report.ci.gap,
      relativeGap: report.relativeGap,
      auroc: report.auroc,
      ece: quality?.ece ?? null,
      brier: quality?.brier ?? null,
      retention: report.retention,
      coverage,
    };
    return { stats, ...verdictsOf(pool, name, filter) };
  };
  const sideA = side(a, names.a);
  const sideB = side(b, names.b);
  const order = new Map(cols.tasks.map((t, i) => [t.id, i]));
  const changed: SampleChange[] = [];
  let scoresChanged = 0;
  pool.taskIds.forEach((task, t) => {
    for (let row = pool.starts[t] as number; row < (pool.starts[t + 1] as number); row++) {
      const scoreA = scoreAt(sideA.scores, row);
      const scoreB = scoreAt(sideB.scores, row);
      if (scoreA !== scoreB) scoresChanged++;
      const verdictA = sideA.verdicts[row] as SampleVerdict;
      const verdictB = sideB.verdicts[row] as SampleVerdict;
      if (verdictA === verdictB) continue;
      changed.push({ task, index: pool.indices[row] as number, correct: pool.correct[row] === 1, a: { verdict: verdictA, score: scoreA }, b: { verdict: verdictB, score: scoreB } });
    }
  });
  changed.sort((x, y) => (order.get(x.task) ?? 0) - (order.get(y.task) ?? 0) || x.index - y.index);
  const diff = (pick: (s: VersionStats) => number | null): number | null => {
    const [x, y] = [pick(sideA.stats), pick(sideB.stats)];
    return x === null || y === null ? null : y - x;
  };
  return {
    run: cols.dir,
    verifier,
    versions,
    filter: formatFilter(filter),
    samples: pool.correct.length,
    a: sideA.stats,
    b: sideB.stats,
    difference: {
      filteredAccuracy: diff((s) => s.filteredAccuracy),
      gap: diff((s) => s.gap),
      relativeGap: diff((s) => s.relativeGap),
      auroc: diff((s) => s.auroc),
      ece: diff((s) => s.ece),
      brier: diff((s) => s.brier),
      retention: diff((s) => s.retention),
      scored: sideB.stats.coverage.scored - sideA.stats.coverage.scored,
    },
    scoresChanged,
    changed,
  };
}

/** Each pool row's verdict and score under one verifier's column. */
function verdictsOf(pool: SamplePool, name: string, filter: FilterSpec): { verdicts: SampleVerdict[]; scores: Float64Array } {
  const rows = pool.correct.length;
  const scores = pool.columns.get(name) ?? new Float64Array(rows).fill(MISSING_SCORE);
  const weights = selectorWeights(pool.columns, { kind: 'verifier', name }, filter, pool.starts);
  const verdicts = Array.from({ length: rows }, (_, row): SampleVerdict => (scores[row] === MISSING_SCORE ? 'unscored' : (weights[row] as number) > 0 ? 'kept' : 'dropped'));
  return { verdicts, scores };
}

function scoreAt(scores: Float64Array, row: number): number | null {
  const value = scores[row] as number;
  return value === MISSING_SCORE ? null : value;
}
