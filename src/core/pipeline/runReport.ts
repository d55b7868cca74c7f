// Statistics over a run folder: the one place that turns run records + a filter into a GapReport,
// used by `gaplens report`, `export`, the HTML report and the extension.
import type { FilterSpec, ScoreSelector } from '../filter/spec';
import { taskWeights } from '../filter/weights';
import { computeReport } from '../stats/report';
import type { GapReport, ScoredSample } from '../stats/types';

export interface ReportOptions {
  selector: ScoreSelector;
  filter: FilterSpec;
  resamples: number;
  seed: number;
}

export function reportOf(samples: ScoredSample[], opts: ReportOptions): GapReport {
  return computeReport(samples, {
    selector: opts.selector,
    filter: opts.filter,
    bootstrap: { resamples: opts.resamples, seed: opts.seed, level: 0.95 },
  });
}

/** Filter weight of every sample, keyed by `sampleKey(task, index)`. */
export function weightsOf(samples: ScoredSample[], selector: ScoreSelector, filter: FilterSpec, key: (task: string, index: number) => string): Map<string, number> {
  const byTask = new Map<string, ScoredSample[]>();
  for (const s of samples) {
    const group = byTask.get(s.task);
    if (group) group.push(s);
    else byTask.set(s.task, [s]);
  }
  const out = new Map<string, number>();
  for (const group of byTask.values()) {
    group.sort((a, b) => a.index - b.index);
    const w = taskWeights(group.map((s) => s.scores), selector, filter);
    group.forEach((s, i) => out.set(key(s.task, s.index), w[i] ?? 0));
  }
  return out;
}
