// The statistics at scale, piece by piece, on a --samples file: reading it, the report without
// and with the bootstrap, the bootstrap alone, and the live accumulator fed one sample at a time.
// Prints one JSON line; exits non-zero if the accumulator and the report disagree.
import { parseArgs } from 'node:util';
import { parseFilter, parseSelector } from '../../src/core/filter/parse';
import { readScoredSamplesFile } from '../../src/core/runs/scoredSamplesFile';
import { GapAccumulator } from '../../src/core/stats/accumulator';
import { bootstrapGap } from '../../src/core/stats/bootstrap';
import { computeReport } from '../../src/core/stats/report';

export interface StatsWorkerOutput {
  samples: number;
  tasks: number;
  readMs: number;
  reportNoBootstrapMs: number;
  reportMs: number;
  bootstrapMs: number;
  resamples: number;
  accumulatorMs: number;
  nsPerUpsert: number;
  maxRssMiB: number;
  gap: number;
}

async function main(): Promise<void> {
  const { values: v } = parseArgs({ options: { samples: { type: 'string' }, resamples: { type: 'string', default: '1000' } } });
  if (!v.samples) throw new Error('statsWorker: --samples is required');
  const resamples = Number(v.resamples);
  const selector = parseSelector('mc');
  const filter = parseFilter('quantile:0.8');
  let t = performance.now();
  const samples = await readScoredSamplesFile(v.samples);
  const readMs = performance.now() - t;

  t = performance.now();
  const plain = computeReport(samples, { selector, filter, bootstrap: { resamples: 0, seed: 0, level: 0.95 } });
  const reportNoBootstrapMs = performance.now() - t;
  t = performance.now();
  const full = computeReport(samples, { selector, filter, bootstrap: { resamples, seed: 0, level: 0.95 } });
  const reportMs = performance.now() - t;

  // The bootstrap alone, on the per-task values the report computed.
  const accuracy = Float64Array.from(full.perTask, (p) => p.accuracy);
  const filtered = Float64Array.from(full.perTask, (p) => measured(p.filteredAccuracy, `task ${p.task} filteredAccuracy`));
  const relative = Float64Array.from(full.perTask, (p, i) => (p.accuracy < 1 ? ((filtered[i] as number) - p.accuracy) / (1 - p.accuracy) : Number.NaN));
  t = performance.now();
  bootstrapGap(accuracy, filtered, relative, full, { resamples, seed: 0, level: 0.95 });
  const bootstrapMs = performance.now() - t;

  const acc = new GapAccumulator(selector, filter);
  t = performance.now();
  for (const s of samples) acc.upsert(s);
  const accumulatorMs = performance.now() - t;
  const live = acc.snapshot();
  for (const key of ['accuracy', 'filteredAccuracy', 'gap'] as const) {
    if (Math.abs(measured(live[key], key) - measured(plain[key], key)) > 1e-9) throw new Error(`accumulator ${key} ${live[key]} differs from the report's ${plain[key]}`);
  }
  const output: StatsWorkerOutput = {
    samples: samples.length,
    tasks: full.tasks,
    readMs,
    reportNoBootstrapMs,
    reportMs,
    bootstrapMs,
    resamples,
    accumulatorMs,
    nsPerUpsert: (accumulatorMs * 1e6) / samples.length,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    gap: measured(full.gap, 'gap'),
  };
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

/** The synthetic samples all carry an mc score, so every statistic is measured; anything else is a bug. */
function measured(value: number | null, what: string): number {
  if (value === null) throw new Error(`${what} is not measured: the synthetic samples should all have an mc score`);
  return value;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
