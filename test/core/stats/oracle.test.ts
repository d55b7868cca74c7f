// The oracle line (docs/statistics.md, "The oracle line") against hand computations, with its edge
// cases: a task with no correct sample, a task all correct, the quantile cut landing on the last 0,
// topk, the weighted exp filter, and a selector that scored nothing.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { applyFilter } from '../../../src/core/filter/weights';
import { GapTally } from '../../../src/core/stats/gap';
import { oracleTasks } from '../../../src/core/stats/oracle';
import { computeReport } from '../../../src/core/stats/report';
import { relativeGain, summarizeScoredTask } from '../../../src/core/stats/taskSummary';
import type { ScoredSample } from '../../../src/core/stats/types';
import { assertClose } from './fixtures';

// A: ✓✗✓✗ (J 0.5)   B: ✗✗✗✗ (J 0, no correct sample)   C: ✓✓✓✓ (J 1, all correct)   D: ✗✗✗✗✓ (J 0.2)
// accuracy = (0.5 + 0 + 1 + 0.2)/4 = 0.425
const GRADES: Record<string, number[]> = { A: [1, 0, 1, 0], B: [0, 0, 0, 0], C: [1, 1, 1, 1], D: [0, 0, 0, 0, 1] };

function samples(scores: (correct: boolean, index: number) => Record<string, number | null> = () => ({ mc: 0.5 })): ScoredSample[] {
  return Object.entries(GRADES).flatMap(([task, grades]) => grades.map((c, index) => ({ task, index, correct: c === 1, scores: scores(c === 1, index) })));
}

function oracle(filter: string, data = samples(), resamples = 0) {
  return computeReport(data, { selector: parseSelector('mc'), filter: parseFilter(filter), bootstrap: { resamples, seed: 3, level: 0.95 } }).oracle;
}

describe('the oracle line', () => {
  it('threshold keeps exactly the correct samples; a task with no correct one keeps nothing and counts at J(f|x) = 0', () => {
    // A → 1, B nothing kept → 0, C → 1, D → 1: filtered 3/4; gap 0.75 − 0.425 = 0.325.
    // relative: A (1 − .5)/.5 = 1, B (0 − 0)/1 = 0, D (1 − .2)/.8 = 1, C (J = 1) excluded → 2/3.
    const o = oracle('threshold:0.5');
    assertClose(o.filteredAccuracy, 0.75);
    assertClose(o.gap, 0.325);
    assertClose(o.relativeGap, 2 / 3);
    assert.equal(o.tasksNothingKept, 1);
    assertClose(o.retention, 7 / 17);
    // 0 resamples: the degenerate interval [point, point].
    assert.deepEqual(o.ci.gap, [o.gap, o.gap]);
  });

  it('threshold:0 passes the 0 scores too: everything is kept and the oracle gap is 0', () => {
    const o = oracle('threshold:0');
    assertClose(o.filteredAccuracy, 0.425);
    assert.equal(o.gap, 0);
    assert.equal(o.retention, 1);
  });

  it('quantile keeps only the correct samples when (n − 1)·q lies above the last 0, else every sample', () => {
    // quantile:0.8: A h = 2.4 > n−c−1 = 1 → ✓ only (1); B all 0 → cut 0 keeps all (0); C all 1 → all (1);
    // D h = 3.2 > 3 → ✓ only (1). filtered 0.75.
    assertClose(oracle('quantile:0.8').filteredAccuracy, 0.75);
    // quantile:0.5: A h = 1.5 > 1 → 1; D h = 2, not > 3 → the cut is 0, all kept → 0.2. (1 + 0 + 1 + 0.2)/4 = 0.55.
    assertClose(oracle('quantile:0.5').filteredAccuracy, 0.55);
    // quantile:0.75 on D: h = 3 = n−c−1 exactly, γ = 0 → cut a_3 = 0 → all kept: the tie rule, not a nudge.
    // A h = 2.25 > 1 → 1. (1 + 0 + 1 + 0.2)/4 = 0.55.
    assertClose(oracle('quantile:0.75').filteredAccuracy, 0.55);
  });

  it('topk keeps the correct samples first (best-first order), then the lowest indices', () => {
    // topk:2: A ✓#0 ✓#2 → 1; B #0 #1 → 0; C → 1; D ✓#4 then #0 → 1/2. (1 + 0 + 1 + 0.5)/4 = 0.625.
    const o = oracle('topk:2');
    assertClose(o.filteredAccuracy, 0.625);
    assertClose(o.gap, 0.625 - 0.425);
  });

  it('exp:β weighs a correct sample 1 and an incorrect one e^(−1/β) in a task with a correct sample', () => {
    const e = Math.exp(-1 / 0.5);
    // A 2/(2 + 2e), B all weights 1 → 0, C 1, D 1/(1 + 4e).
    const expected = (2 / (2 + 2 * e) + 0 + 1 + 1 / (1 + 4 * e)) / 4;
    const o = oracle('exp:0.5');
    assertClose(o.filteredAccuracy, expected);
    assertClose(o.retention, (2 + 2 * e + 4 + 4 + 1 + 4 * e) / 17);
  });

  it('is measured when the verifier scored nothing, and reads the grades only', () => {
    const unscored = oracle('threshold:0.5', samples(() => ({ mc: null })));
    assertClose(unscored.filteredAccuracy, 0.75);
    const report = computeReport(samples(() => ({ mc: null })), { selector: parseSelector('mc'), filter: parseFilter('threshold:0.5'), bootstrap: { resamples: 0, seed: 0, level: 0.95 } });
    assert.equal(report.gap, null);
    assert.deepEqual(report.oracle, unscored);
  });

  it('a verifier that scores like the checker has the oracle line as its own gap, intervals included (the same draws)', () => {
    const data = samples((correct) => ({ mc: correct ? 1 : 0 }));
    for (const filter of ['threshold:0.5', 'quantile:0.8', 'topk:2', 'exp:0.5']) {
      const report = computeReport(data, { selector: parseSelector('mc'), filter: parseFilter(filter), bootstrap: { resamples: 200, seed: 11, level: 0.95 } });
      assert.equal(report.oracle.filteredAccuracy, report.filteredAccuracy, filter);
      assert.equal(report.oracle.gap, report.gap, filter);
      assert.deepEqual(report.oracle.ci, { filteredAccuracy: report.ci.filteredAccuracy, gap: report.ci.gap, relativeGap: report.ci.relativeGap }, filter);
    }
  });

  it('filters each pattern of grades once and gives every task the bits of its own computation', () => {
    const filters = ['quantile:0.8', 'quantile:0', 'threshold:0.5', 'topk:2', 'exp:0.3', 'exp:2'].map(parseFilter);
    // Few patterns repeat (short tasks of 0/1), and tasks past the pattern key's 30 rows are computed as they come.
    const task = fc.oneof(fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 1, maxLength: 4 }), fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 29, maxLength: 33 }));
    fc.assert(
      fc.property(fc.array(task, { minLength: 1, maxLength: 40 }), fc.constantFrom(...filters), (grades, filter) => {
        const correct = Uint8Array.from(grades.flat());
        const starts = Int32Array.from([0, ...grades.map((_, t) => grades.slice(0, t + 1).flat().length)]);
        const got = oracleTasks(correct, starts, filter);
        const scores = Float64Array.from(correct);
        const weights = new Float64Array(correct.length);
        const tally = new GapTally();
        grades.forEach((_, t) => {
          applyFilter(scores, starts[t] as number, starts[t + 1] as number, filter, weights, new Float64Array(64));
          const summary = summarizeScoredTask(correct, weights, scores, starts[t] as number, starts[t + 1] as number);
          tally.add(summary);
          assert.ok(Object.is(got.accuracy[t], summary.accuracy) && Object.is(got.filtered[t], summary.filteredAccuracy), `task ${t}`);
          assert.ok(Object.is(got.relative[t], relativeGain(summary) ?? NaN), `task ${t}: relative`);
        });
        assert.deepStrictEqual(got.stats, tally.stats());
      }),
    );
  });
});
