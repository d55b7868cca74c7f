// The report with its verifier-quality resamples shared with a helper (sharedResamples.ts) is the
// report of one thread, bit for bit, whoever evaluates which resample; and a helper's failure is the
// report's error, not a hang. The helper here runs on this thread, claiming a chosen pattern of
// resamples; test/cli/reportThreads.test.ts runs the real worker.
import assert from 'node:assert/strict';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { buildPool } from '../../../src/core/stats/pool';
import { computePoolReport, computePoolReportShared, type ReportOptions } from '../../../src/core/stats/report';
import { HELPER_THREAD, MAIN_THREAD, runQualityJob, SharedClaims, type QualityHelper, type QualityJob } from '../../../src/core/stats/sharedResamples';
import type { ScoredSample } from '../../../src/core/stats/types';
import type { QualityLayout } from '../../../src/core/stats/verifierQuality';
import { createRng } from '../../../src/core/util/random';
import { sample } from './fixtures';

/** `tasks` tasks of 2–9 samples; mc scores on a 10⁻² grid (ties), cot-score finer and sometimes missing, `idle` never scored. */
function scoredRun(tasks: number, seed: number): ScoredSample[] {
  const rng = createRng(`shared:${tasks}:${seed}`);
  const out: ScoredSample[] = [];
  for (let t = 0; t < tasks; t++) {
    const p = rng.next();
    const n = 2 + rng.int(8);
    for (let i = 0; i < n; i++) {
      const correct = rng.next() < p;
      const mc = Math.round(100 * Math.min(1, Math.max(0, (correct ? 0.3 : 0) + 0.7 * rng.next()))) / 100;
      const cot = rng.next() < 0.1 ? null : rng.next();
      out.push(sample(`task-${t}`, i, correct, { mc, 'cot-score': cot, idle: null }));
    }
  }
  return out;
}

function options(seed: number, selector = 'mc', filter = 'quantile:0.8'): ReportOptions {
  return { selector: parseSelector(selector), filter: parseFilter(filter), bootstrap: { resamples: 200, seed, level: 0.95 } };
}

/** A helper on this thread that claims the resamples `mine` picks before the report draws any, and evaluates them when awaited. */
function patternHelper(mine: (resample: number) => boolean, log: { jobs: QualityJob[]; stopped: number }): QualityHelper {
  return {
    start(job) {
      log.jobs.push(job);
      const shared = new SharedClaims(job.claims, HELPER_THREAD);
      const claimed = new Set<number>();
      for (let b = 0; b < job.bootstrap.resamples; b++) if (mine(b) && shared.claim(b)) claimed.add(b);
      return {
        values: Promise.resolve().then(() => runQualityJob(job, { claim: (b) => claimed.has(b) })),
        stop: () => log.stopped++,
      };
    },
  };
}

/** Every array of the layout is in memory the helper shares: sent without a copy. */
function assertShared(layout: QualityLayout): void {
  const { resampledAurc, ...perTask } = layout;
  const { slots: _slots, ...aurc } = resampledAurc;
  for (const [name, values] of Object.entries({ ...perTask, ...aurc })) assert.ok(values.buffer instanceof SharedArrayBuffer, `${name} is not in shared memory`);
}

describe('stats/sharedResamples', () => {
  const patterns: [string, (b: number) => boolean][] = [
    ['every third resample', (b) => b % 3 === 0],
    ['the first half', (b) => b < 100],
    ['all of them', () => true],
  ];
  for (const [tasks, seeds] of [[12, [0, 1, 2]], [700, [0, 7]]] as const) {
    for (const seed of seeds) {
      it(`${tasks} tasks, seed ${seed}: the report of every claim pattern is the one-thread report, bit for bit (two verifiers and one that scored nothing)`, async () => {
        const pool = buildPool(scoredRun(tasks, seed));
        for (const selector of ['mc', 'cot-score']) {
          const alone = computePoolReport(pool, options(seed, selector));
          assert.equal(alone.verifierQuality.length, 3);
          assert.equal(alone.verifierQuality.find((q) => q.selector === 'idle')?.measured, false);
          for (const [name, mine] of patterns) {
            const log = { jobs: [] as QualityJob[], stopped: 0 };
            const shared = await computePoolReportShared(pool, options(seed, selector), patternHelper(mine, log), 0);
            assert.deepStrictEqual(shared, alone, `${selector}, the helper claiming ${name}`);
            // The scored verifiers go to the helper, the one that scored nothing does not.
            assert.equal(log.jobs.length, 1);
            assert.equal(log.jobs[0]?.layouts.length, 2);
            for (const layout of log.jobs[0]?.layouts ?? []) assertShared(layout);
            assert.equal(log.stopped, 0);
          }
        }
      });
    }
  }

  it('a helper that claimed nothing is stopped and not waited for', async () => {
    const pool = buildPool(scoredRun(30, 3));
    const log = { jobs: [] as QualityJob[], stopped: 0 };
    const never: QualityHelper = { start: (job) => ({ ...patternHelper(() => false, log).start(job), values: new Promise(() => undefined) }) };
    assert.deepStrictEqual(await computePoolReportShared(pool, options(3), never, 0), computePoolReport(pool, options(3)));
    assert.equal(log.stopped, 1);
  });

  it('starts no helper below the threshold, without resamples, or without a score', async () => {
    const pool = buildPool(scoredRun(30, 4));
    const unscored = buildPool(scoredRun(30, 4).map((s) => ({ ...s, scores: { mc: null } })));
    const cases: [typeof pool, ReportOptions, number][] = [
      [pool, options(4), 200 * pool.correct.length + 1],
      [pool, { ...options(4), bootstrap: { resamples: 0, seed: 4, level: 0.95 } }, 0],
      [unscored, options(4), 0],
    ];
    for (const [input, opts, minSamples] of cases) {
      const log = { jobs: [] as QualityJob[], stopped: 0 };
      assert.deepStrictEqual(await computePoolReportShared(input, opts, patternHelper(() => true, log), minSamples), computePoolReport(input, opts));
      assert.equal(log.jobs.length, 0);
    }
  });

  it("a helper that fails holding resamples fails the report with its error, and values that do not fit are refused", async () => {
    const pool = buildPool(scoredRun(30, 5));
    const failing: QualityHelper = {
      start(job) {
        const shared = new SharedClaims(job.claims, HELPER_THREAD);
        for (let b = 0; b < job.bootstrap.resamples; b++) shared.claim(b);
        return { values: Promise.reject(new Error('the helper thread failed: boom')), stop: () => undefined };
      },
    };
    await assert.rejects(computePoolReportShared(pool, options(5), failing, 0), /the helper thread failed: boom/);
    const short: QualityHelper = { start: (job) => ({ ...failing.start(job), values: Promise.resolve([]) }) };
    await assert.rejects(computePoolReportShared(pool, options(5), short, 0), /values of 0 scores, not 2/);
  });

  it('a report that fails after its helper started stops the helper', async () => {
    const pool = buildPool(scoredRun(30, 6));
    const log = { jobs: [] as QualityJob[], stopped: 0 };
    // The difficulty bins are computed after the helper starts; edges that are not increasing throw there.
    await assert.rejects(computePoolReportShared(pool, { ...options(6), difficultyEdges: [1, 0] }, patternHelper(() => false, log), 0), /difficulty edges/);
    assert.deepEqual([log.jobs.length, log.stopped], [1, 1]);
  });

  it('a resample goes to the first thread that claims it', () => {
    const buffer = SharedClaims.buffer(4);
    const main = new SharedClaims(buffer, MAIN_THREAD);
    const helper = new SharedClaims(buffer, HELPER_THREAD);
    assert.deepEqual([main.claim(0), helper.claim(0), helper.claim(1), main.claim(1), helper.claim(3)], [true, false, true, false, true]);
    assert.deepEqual([main.held(MAIN_THREAD), main.held(HELPER_THREAD)], [1, 2]);
  });
});
