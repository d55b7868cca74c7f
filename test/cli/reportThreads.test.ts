// `gaplens report` shares its verifier-quality resamples with a worker thread (reportThreads.ts, the
// bundle dist/reportWorker.js): the report is the one-thread report bit for bit, and a worker's failure
// is a clear error. Needs `npm run build`.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workerHelper } from '../../src/cli/commands/reportThreads';
import { parseFilter, parseSelector } from '../../src/core/filter/parse';
import { assessSamplesReport } from '../../src/core/pipeline/runReport';
import { assessedJson } from '../../src/core/stats/assessment';
import { buildPool } from '../../src/core/stats/pool';
import { computePoolReport, computePoolReportShared, SHARED_MIN_WORK, type ReportOptions } from '../../src/core/stats/report';
import { HELPER_THREAD, runQualityJob, SharedClaims, type QualityHelper, type QualityJob } from '../../src/core/stats/sharedResamples';
import type { ScoredSample } from '../../src/core/stats/types';
import { createRng } from '../../src/core/util/random';
import { prepareQuality, qualityLayout } from '../../src/core/stats/verifierQuality';
import { REPO, runCli, tempDir } from '../helpers/cli';

const WORKER = join(REPO, 'dist', 'reportWorker.js');

/** `tasks` tasks of 6 samples: mc on a 10⁻² grid, cot-score on most samples, `idle` on none. */
function scoredRun(tasks: number, seed: number): ScoredSample[] {
  const rng = createRng(`threads:${seed}`);
  return Array.from({ length: 6 * tasks }, (_, r) => {
    const correct = rng.next() < ((r / 6) % 7) / 7;
    const mc = Math.round(100 * (correct ? 0.3 + 0.7 * rng.next() : rng.next())) / 100;
    return { task: `t${Math.floor(r / 6)}`, index: r % 6, correct, scores: { mc, 'cot-score': rng.next() < 0.05 ? null : rng.next(), idle: null } };
  });
}

function options(seed: number, selector: string): ReportOptions {
  return { selector: parseSelector(selector), filter: parseFilter('quantile:0.8'), bootstrap: { resamples: 400, seed, level: 0.95 } };
}

/** A worker file in a temp folder. */
function workerFile(dir: string, source: string): string {
  const file = join(dir, 'worker.js');
  writeFileSync(file, source);
  return file;
}

describe('cli/reportThreads', function () {
  this.timeout(120_000);

  it("the worker's values of a job it draws alone are this thread's, bit for bit", async () => {
    const pool = buildPool(scoredRun(300, 0));
    const layouts = ['mc', 'cot-score'].map((name) => {
      const scores = pool.columns.get(name) as Float64Array;
      return qualityLayout(prepareQuality({ starts: pool.starts, correct: pool.correct, scores, weights: scores.map((s) => (s >= 0.5 ? 1 : 0)) }));
    });
    const job = (): QualityJob => ({ tasks: pool.taskIds.length, layouts, bootstrap: { resamples: 300, seed: 4, level: 0.95 }, claims: SharedClaims.buffer(300) });
    const values = await workerHelper(WORKER).start(job()).values;
    assert.deepStrictEqual(values, runQualityJob(job()));
    assert.equal(values[0]?.[0]?.length, 300);
  });

  for (const seed of [0, 1]) {
    it(`seed ${seed}: the report drawn together with the worker is the one-thread report, bit for bit, however the resamples fell`, async () => {
      const pool = buildPool(scoredRun(3000, seed));
      for (const selector of ['mc', 'cot-score']) {
        const shared = await computePoolReportShared(pool, options(seed, selector), workerHelper(WORKER), 0);
        assert.deepStrictEqual(shared, computePoolReport(pool, options(seed, selector)), selector);
      }
    });
  }

  it("`gaplens report --json` prints the one-thread report's JSON", async () => {
    const samples = scoredRun(Math.ceil(SHARED_MIN_WORK / 1000 / 6) + 100, 2);
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, 'scores.jsonl');
      writeFileSync(file, samples.map((s) => JSON.stringify({ task: s.task, correct: s.correct, scores: s.scores })).join('\n') + '\n');
      const res = await runCli(['report', '--samples', file, '--verifier', 'mc', '--filter', 'quantile:0.8', '--bootstrap', '1000', '--seed', '3', '--json']);
      assert.equal(res.code, 0, res.stderr);
      const alone = assessSamplesReport(samples, { selector: parseSelector('mc'), filter: parseFilter('quantile:0.8'), resamples: 1000, seed: 3 });
      assert.equal(res.stdout, `${JSON.stringify(assessedJson(alone))}\n`);
    } finally {
      cleanup();
    }
  });

  it("a worker that fails or stops while it holds resamples fails the report with a clear error, and does not hang", async () => {
    const pool = buildPool(scoredRun(1000, 3));
    const { dir, cleanup } = tempDir();
    try {
      const failures: [string, RegExp][] = [
        ["throw new Error('boom');", /the report's helper thread failed: boom/],
        ["require('node:worker_threads').parentPort.once('message', () => process.exit(3));", /helper thread stopped \(exit code 3\) before it sent its resamples/],
        ["require('node:worker_threads').parentPort.once('message', () => require('node:worker_threads').parentPort.postMessage([['not values']]));", /sent something other than its resamples' values/],
      ];
      for (const [source, error] of failures) {
        const inner = workerHelper(workerFile(dir, source));
        // Every resample claimed for the worker before the report draws: the report must wait for it.
        const helper: QualityHelper = {
          start(job) {
            const claims = new SharedClaims(job.claims, HELPER_THREAD);
            for (let b = 0; b < job.bootstrap.resamples; b++) claims.claim(b);
            return inner.start(job);
          },
        };
        await assert.rejects(computePoolReportShared(pool, options(3, 'mc'), helper, 0), error);
      }
    } finally {
      cleanup();
    }
  });
});
