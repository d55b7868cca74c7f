// The statistics at scale, piece by piece. Two modes, each printing one JSON line:
// - `--samples FILE`: reading a --samples file, the report without and with the bootstrap, the
//   bootstrap alone, and the live accumulator fed one sample at a time (exits non-zero if the
//   accumulator and the report disagree).
// - `--scale-tasks T`: the bootstraps alone on T tasks × --per-task samples built straight into
//   columns (no file, no sample objects, so 10^7 samples fit): the gap's and the verifier quality's
//   (its preparation and its resamples), the parts whose time must grow linearly with the samples.
import { parseArgs } from 'node:util';
import { parseFilter, parseSelector } from '../../src/core/filter/parse';
import { applyFilter } from '../../src/core/filter/weights';
import { readScoredSamplesFile } from '../../src/core/runs/scoredSamplesFile';
import { GapAccumulator } from '../../src/core/stats/accumulator';
import { bootstrapGap } from '../../src/core/stats/bootstrap';
import { computeReport } from '../../src/core/stats/report';
import { relativeGain, summarizeTask } from '../../src/core/stats/taskSummary';
import { prepareQuality, qualityBootstrap } from '../../src/core/stats/verifierQuality';
import { createRng } from '../../src/core/util/random';

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

export interface StatsScaleOutput {
  samples: number;
  tasks: number;
  resamples: number;
  /** bootstrapGap over the per-task values. */
  gapBootstrapMs: number;
  /** prepareQuality: the ranking, the per-task sums and the resampling layout. */
  qualityPrepareMs: number;
  /** The quality bootstrap's resamples. */
  qualityBootstrapMs: number;
  maxRssMiB: number;
}

const FILTER = 'quantile:0.8';

async function main(): Promise<void> {
  const { values: v } = parseArgs({
    options: { samples: { type: 'string' }, resamples: { type: 'string', default: '1000' }, 'scale-tasks': { type: 'string' }, 'per-task': { type: 'string', default: '10' } },
  });
  const resamples = Number(v.resamples);
  if (v['scale-tasks'] !== undefined) {
    process.stdout.write(`${JSON.stringify(scale(Number(v['scale-tasks']), Number(v['per-task']), resamples))}\n`);
    return;
  }
  if (!v.samples) throw new Error('statsWorker: --samples or --scale-tasks is required');
  const selector = parseSelector('mc');
  const filter = parseFilter(FILTER);
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

/**
 * The columns of bench/lib/syntheticSamples.ts's distribution (difficulty p ~ U(0,1) per task,
 * correct ~ Bernoulli(p), an mc score leaning towards correctness on a 10^-4 grid), filtered by
 * quantile:0.8, and the two bootstraps timed on them.
 */
function scale(tasks: number, perTask: number, resamples: number): StatsScaleOutput {
  if (!Number.isSafeInteger(tasks) || tasks < 1 || !Number.isSafeInteger(perTask) || perTask < 1) throw new Error(`statsWorker: bad --scale-tasks ${tasks} / --per-task ${perTask}`);
  const rows = tasks * perTask;
  const rng = createRng('stats-scale');
  const starts = new Int32Array(tasks + 1);
  const correct = new Uint8Array(rows);
  const scores = new Float64Array(rows);
  const weights = new Float64Array(rows);
  const scratch = new Float64Array(perTask);
  const filter = parseFilter(FILTER);
  const accuracy = new Float64Array(tasks);
  const filtered = new Float64Array(tasks);
  const relative = new Float64Array(tasks);
  for (let t = 0; t < tasks; t++) {
    const from = t * perTask;
    starts[t + 1] = from + perTask;
    const p = rng.next();
    for (let row = from; row < from + perTask; row++) {
      const c = rng.next() < p ? 1 : 0;
      correct[row] = c;
      scores[row] = Math.round(Math.min(1, Math.max(0, 0.4 + 0.2 * c + (rng.next() - 0.5) * 0.8)) * 1e4) / 1e4;
    }
    applyFilter(scores, from, from + perTask, filter, weights, scratch);
    const summary = summarizeTask(correct, weights, from, from + perTask);
    accuracy[t] = summary.accuracy;
    filtered[t] = summary.filteredAccuracy;
    relative[t] = relativeGain(summary) ?? Number.NaN;
  }
  const options = { resamples, seed: 0, level: 0.95 };
  let t = performance.now();
  bootstrapGap(accuracy, filtered, relative, { accuracy: 0, filteredAccuracy: 0, gap: 0, relativeGap: 0 }, options);
  const gapBootstrapMs = performance.now() - t;
  t = performance.now();
  const prepared = prepareQuality({ starts, correct, scores, weights });
  const qualityPrepareMs = performance.now() - t;
  t = performance.now();
  qualityBootstrap(prepared, options).advance(resamples);
  const qualityBootstrapMs = performance.now() - t;
  return { samples: rows, tasks, resamples, gapBootstrapMs, qualityPrepareMs, qualityBootstrapMs, maxRssMiB: process.resourceUsage().maxRSS / 1024 };
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
