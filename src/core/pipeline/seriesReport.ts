// `gaplens report --series`: the rounds of a self-improvement series (runs linked by --lineage) in
// lineage order, each round's assessed report under one selector and filter, and the check between
// consecutive rounds (docs/statistics.md, "Self-improvement series").
import { formatFilter, formatSelector, parseFilter, parseSelector } from '../filter/parse';
import type { RunLineage } from '../runs/records';
import { columnsPool, readRunColumns } from '../runs/runColumns';
import { liveLockHolder } from '../runs/runLock';
import { readManifest } from '../runs/runStore';
import { orderSeries } from '../runs/seriesOrder';
import type { AssessedReport } from '../stats/assessment';
import { checkRound, type RoundCheck } from '../stats/seriesCheck';
import { UserError } from '../util/errors';
import { assessRunColumns, REPORT_LEVEL, type ReportOptions } from './runReport';

export interface SeriesRound {
  round: number;
  dir: string;
  id: string;
  model: string;
  /** run.json `lineage`; null for a round 0 started without one. */
  lineage: RunLineage | null;
  assessed: AssessedReport;
}

export interface SeriesReport {
  /** The selector and filter of every round's statistics (formatSelector / formatFilter text). */
  verifier: string;
  filter: string;
  resamples: number;
  seed: number;
  level: number;
  tasksSha256: string;
  rounds: SeriesRound[];
  /** checks[r]: round r against round r+1. */
  checks: RoundCheck[];
  /** What a reader must know about the numbers: links whose export used another selector or filter than the series. */
  notes: string[];
}

export interface SeriesOptions {
  /** undefined: the selector and filter of round 1's lineage, i.e. of the export round 1 was trained on. */
  selector: string | undefined;
  filter: string | undefined;
  resamples: number;
  seed: number;
  checkerCorrected: boolean;
}

/** The series report of the given run folders (any order). */
export async function seriesReport(dirs: readonly string[], opts: SeriesOptions, warn: (message: string) => void): Promise<SeriesReport> {
  const runs = orderSeries(await Promise.all(dirs.map(async (dir) => ({ dir, manifest: await readManifest(dir) }))));
  // Round 1 has a lineage: it is how it follows round 0.
  const firstLink = runs[1]?.manifest.lineage?.export as RunLineage['export'];
  const selector = parseSelector(opts.selector ?? firstLink.selector);
  const filter = parseFilter(opts.filter ?? firstLink.filter);
  const options: ReportOptions = { selector, filter, resamples: opts.resamples, seed: opts.seed };
  const rounds: SeriesRound[] = [];
  for (const [round, { dir, manifest }] of runs.entries()) {
    const cols = await readRunColumns(dir, { onWarning: (m) => warn(`round ${round}: ${m}`) });
    const pool = columnsPool(cols, { checkerCorrected: opts.checkerCorrected });
    let assessed: AssessedReport;
    try {
      assessed = assessRunColumns(cols, pool, options, (await liveLockHolder(dir)) !== null);
    } catch (err) {
      if (err instanceof UserError) throw new UserError(`round ${round} (${dir}): ${err.message}`, err.exitCode);
      throw err;
    }
    rounds.push({ round, dir, id: manifest.id, model: manifest.config.model, lineage: manifest.lineage ?? null, assessed });
  }
  const bootstrap = { resamples: opts.resamples, seed: opts.seed, level: REPORT_LEVEL };
  const checks = rounds.slice(1).map((next, i) => checkRound(i, (rounds[i] as SeriesRound).assessed, next.assessed, bootstrap));
  const verifier = formatSelector(selector);
  const filterText = formatFilter(filter);
  const notes = rounds.flatMap(({ round, lineage }) =>
    lineage !== null && round > 0 && (lineage.export.selector !== verifier || lineage.export.filter !== filterText)
      ? [`round ${round} was trained on an export filtered by ${lineage.export.selector} ${lineage.export.filter}; the series' statistics use ${verifier} ${filterText}`]
      : [],
  );
  return { verifier, filter: filterText, resamples: opts.resamples, seed: opts.seed, level: REPORT_LEVEL, tasksSha256: runs[0]?.manifest.tasksSha256 as string, rounds, checks, notes };
}
