import assert from 'node:assert/strict';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { assessReport } from '../../../src/core/stats/assessment';
import { concludeGap, conclusionText, fewTasksWarning, type RunState } from '../../../src/core/stats/conclusion';
import { samplesCoverage, type RecordCoverage } from '../../../src/core/stats/coverage';
import { computeReport } from '../../../src/core/stats/report';
import type { ScoredSample } from '../../../src/core/stats/types';
import { sample } from './fixtures';

const mc = parseSelector('mc');
const BOOTSTRAP = { resamples: 200, seed: 0, level: 0.95 };
const DONE: RunState = { complete: true, live: false };

/**
 * `tasks` tasks of 4 samples: 2 correct, 2 wrong. 'positive': correct ones score 0.9, wrong ones 0.1,
 * so threshold:0.5 keeps exactly the correct ones: J = ½, J[w] = 1 in every task, gap +½ in every
 * resample. 'negative': the reverse (gap −½). 'mixed': even tasks positive, odd tasks negative, so the
 * resampled gap spreads over both signs. `unscored` samples (wrong ones, dropped anyway) get null.
 */
function run(tasks: number, kind: 'positive' | 'negative' | 'mixed', unscored = 0): ScoredSample[] {
  const out: ScoredSample[] = [];
  let nulls = unscored;
  for (let t = 0; t < tasks; t++) {
    const up = kind === 'positive' || (kind === 'mixed' && t % 2 === 0);
    for (let i = 0; i < 4; i++) {
      const correct = i < 2;
      const score = correct === up ? 0.9 : 0.1;
      const blank = !correct && up && nulls > 0;
      if (blank) nulls--;
      out.push(sample(`t${String(t).padStart(2, '0')}`, i, correct, { mc: blank ? null : score }));
    }
  }
  return out;
}

function conclude(samples: ScoredSample[], state: RunState = DONE, records?: RecordCoverage, bootstrap = BOOTSTRAP) {
  const report = computeReport(samples, { selector: mc, filter: parseFilter('threshold:0.5'), bootstrap });
  const assessed = assessReport('run', report, mc, records ?? samplesCoverage(samples), state.live);
  return concludeGap(report, assessed.coverage, state);
}

describe('the conclusion rule', () => {
  it('draws "positive" when all of (a)–(d) hold and the interval is above 0', () => {
    const c = conclude(run(30, 'positive'));
    assert.deepEqual(c, { verdict: 'positive', reasons: [] });
    assert.equal(conclusionText(c), 'gap is positive: filtering by this verifier adds signal on these tasks');
  });

  it('draws "negative" when the interval is below 0', () => {
    const c = conclude(run(30, 'negative'));
    assert.deepEqual(c, { verdict: 'negative', reasons: [] });
    assert.equal(conclusionText(c), 'gap is negative: filtering by this verifier cannot drive self-improvement here');
  });

  it('(a) an incomplete run: no verdict, and the reason names the tasks or the outstanding verifications', () => {
    const samples = run(30, 'positive');
    const records = samplesCoverage(samples);
    const fewerTasks = { ...records, tasks: { expected: 40, done: 30 } };
    assert.deepEqual(conclude(samples, { complete: false, live: false }, fewerTasks), { verdict: null, reasons: ['the run is incomplete (30 of 40 tasks generated)'] });
    const mcMissing = { ...records, verifiers: { mc: { ...records.verifiers.mc!, expected: 125, missing: 5 } } };
    assert.deepEqual(conclude(samples, { complete: false, live: false }, mcMissing), { verdict: null, reasons: ['the run is incomplete (5 of 125 verifications outstanding)'] });
  });

  it('(a) a live run: no verdict', () => {
    assert.deepEqual(conclude(run(30, 'positive'), { complete: true, live: true }), { verdict: null, reasons: ['the run is live (a writer is still adding records)'] });
  });

  it('(b) fewer than 95 % of the samples scored: no verdict; exactly 95 % is enough', () => {
    // 30 tasks × 4 = 120 samples; 95 % of 120 = 114.
    assert.deepEqual(conclude(run(30, 'positive', 6)), { verdict: 'positive', reasons: [] });
    assert.deepEqual(conclude(run(30, 'positive', 7)), { verdict: null, reasons: ['mc scored 113 of 120 samples (needs ≥ 95 %)'] });
  });

  it('(c) fewer than 30 tasks: no verdict', () => {
    assert.deepEqual(conclude(run(29, 'positive')), { verdict: null, reasons: ['29 tasks (needs ≥ 30)'] });
  });

  it('(d) an interval that includes 0, or no bootstrap interval: no verdict', () => {
    const mixed = conclude(run(30, 'mixed'));
    assert.equal(mixed.verdict, null);
    assert.equal(mixed.reasons.length, 1);
    assert.match(mixed.reasons[0] ?? '', /^the 95 % interval of the gap, \[−\d+\.\d\d, \+\d+\.\d\d\] pp, includes 0$/);
    assert.deepEqual(conclude(run(30, 'positive'), DONE, undefined, { resamples: 0, seed: 0, level: 0.95 }), {
      verdict: null,
      reasons: ['the gap has no 95 % bootstrap interval (0 resamples)'],
    });
  });

  it('lists every failing reason in the order (a)–(d)', () => {
    const samples = run(3, 'positive').map((s) => ({ ...s, scores: { mc: null } }));
    const c = conclude(samples, { complete: false, live: true }, { ...samplesCoverage(samples), tasks: { expected: 40, done: 3 } });
    assert.deepEqual(c.reasons, [
      'the run is incomplete (3 of 40 tasks generated)',
      'the run is live (a writer is still adding records)',
      'mc scored 0 of 12 samples (needs ≥ 95 %)',
      '3 tasks (needs ≥ 30)',
      'the gap has no 95 % interval (not measured)',
    ]);
    assert.equal(conclusionText(c), `no conclusion: ${c.reasons.join('; ')}`);
  });

  it('warns about few tasks below 30', () => {
    assert.equal(fewTasksWarning(1), 'only 1 task: the task-bootstrap interval is unreliable');
    assert.equal(fewTasksWarning(29), 'only 29 tasks: the task-bootstrap interval is unreliable');
    assert.equal(fewTasksWarning(30), null);
    assert.equal(computeReport(run(29, 'positive'), { selector: mc, filter: parseFilter('threshold:0.5'), bootstrap: BOOTSTRAP }).fewTasksWarning, fewTasksWarning(29));
  });
});
