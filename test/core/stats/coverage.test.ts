import assert from 'node:assert/strict';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { notMeasuredReason, partialNote, verifierCoverageLine } from '../../../src/core/report/coverageText';
import { assessReport } from '../../../src/core/stats/assessment';
import { isComplete, samplesCoverage, VERIFIER_FAILURE_KINDS } from '../../../src/core/stats/coverage';
import { computeReport } from '../../../src/core/stats/report';
import type { ScoredSample } from '../../../src/core/stats/types';
import { assertClose, sample } from './fixtures';

const noBootstrap = { resamples: 0, seed: 0, level: 0.95 };
const noFailures = Object.fromEntries(VERIFIER_FAILURE_KINDS.map((k) => [k, 0]));

/**
 * Partial coverage, worked by hand (threshold:0.5 on mc):
 *   A: correct [1,0,1,0]  mc [0.9, null, 0.3, 0.6]  keeps #0 ✓, #3 ✗ → J = ½, J[w] = ½
 *   B: correct [0,1]      mc [0.8, (absent)]        keeps #0 ✗      → J = ½, J[w] = 0
 * accuracy ½, filtered ¼, gap −¼; relative gap (0 + (0 − ½)/½)/2 = −½; retention 3/6; scored 4 of 6;
 * kept 1 correct 2 wrong, dropped 2 correct (A#2, B#1) 1 wrong (A#1); precision 1/3, recall 1/3;
 * AUROC: correct {0.9, 0.3, −∞} vs wrong {−∞, 0.6, 0.8}: 3 + 1 + ½ = 4.5 of 9 = ½.
 */
function partialSamples(): ScoredSample[] {
  return [
    sample('A', 0, true, { mc: 0.9 }),
    sample('A', 1, false, { mc: null }),
    sample('A', 2, true, { mc: 0.3 }),
    sample('A', 3, false, { mc: 0.6 }),
    sample('B', 0, false, { mc: 0.8 }),
    sample('B', 1, true, {}),
  ];
}

describe('coverage of a report', () => {
  it('computes the statistics over every sample at partial coverage (hand-computed) and marks them partial', () => {
    const samples = partialSamples();
    const r = computeReport(samples, { selector: parseSelector('mc'), filter: parseFilter('threshold:0.5'), bootstrap: noBootstrap });
    assert.equal(r.scored, 4);
    assert.equal(r.accuracy, 0.5);
    assert.equal(r.filteredAccuracy, 0.25);
    assert.equal(r.gap, -0.25);
    assert.equal(r.relativeGap, -0.5);
    assert.equal(r.retention, 0.5);
    assert.deepEqual(r.confusion, { keptCorrect: 1, keptWrong: 2, droppedCorrect: 2, droppedWrong: 1 });
    assertClose(r.precision, 1 / 3);
    assertClose(r.recall, 1 / 3);
    assert.equal(r.auroc, 0.5);
    const { coverage } = assessReport('samples', r, parseSelector('mc'), samplesCoverage(samples), false);
    assert.equal(verifierCoverageLine('mc', coverage.verifiers.mc!), 'mc: 4 of 6 scored (1 unparsable, 1 missing)');
    assert.deepEqual(coverage.verifiers, { mc: { expected: 6, scored: 4, failed: 1, failures: { ...noFailures, unparsable: 1 }, missing: 1 } });
    assert.deepEqual(coverage.selector, { selector: 'mc', verifiers: ['mc'], samples: 6, scored: 4, measured: true, partial: true });
    assert.equal(partialNote(coverage.selector), 'partial: mc scored 4 of 6');
  });

  it('reports nothing measured when the selector scored no sample, and keeps what does not depend on the verifier', () => {
    const samples = [sample('A', 0, true, { mc: null }), sample('A', 1, false, { mc: null }), sample('B', 0, true, { mc: null }), sample('B', 1, true, {})];
    for (const filter of ['threshold:0.5', 'quantile:0.5', 'topk:1', 'exp:0.5']) {
      const r = computeReport(samples, { selector: parseSelector('mc'), filter: parseFilter(filter), bootstrap: { resamples: 50, seed: 1, level: 0.95 } });
      // Before: topk:1 kept A#0 and B#0 by index and reported a gap of +0.25; the others reported 0.
      assert.equal(r.scored, 0, filter);
      for (const value of [r.filteredAccuracy, r.gap, r.relativeGap, r.retention, r.confusion, r.precision, r.recall, r.auroc, r.bestOfK, r.tasksNothingKept, r.ci.filteredAccuracy, r.ci.gap, r.ci.relativeGap]) {
        assert.equal(value, null, filter);
      }
      assert.equal(r.accuracy, 0.75);
      assert.deepEqual(r.passAtK, [0.75, 1]);
      assert.equal(r.ci.accuracy.length, 2);
      assert.deepEqual(r.perTask, [
        { task: 'A', samples: 2, accuracy: 0.5, filteredAccuracy: null, kept: null, nothingKept: null },
        { task: 'B', samples: 2, accuracy: 1, filteredAccuracy: null, kept: null, nothingKept: null },
      ]);
      assert.deepEqual(r.byDifficulty.map((b) => [b.tasks, b.accuracy, b.filteredAccuracy, b.gap]), [[1, 0.5, null, null], [1, 1, null, null]]);
    }
  });

  it('counts a samples file: number = scored, null = unparsable, absent = missing; complete by definition', () => {
    const c = samplesCoverage([sample('q', 0, true, { mc: 0.5, 'cot-score': null }), sample('q', 1, true, { mc: null }), sample('r', 0, false, {})]);
    assert.deepEqual(c.tasks, { expected: 2, done: 2 });
    assert.deepEqual(c.generations, { expected: 3, done: 3, failed: 0, failures: { 'bad-answer': 0, 'call-failed': 0, 'prompt-too-long': 0 }, missing: 0 });
    assert.deepEqual(Object.keys(c.verifiers), ['cot-score', 'mc']);
    assert.deepEqual(c.verifiers.mc, { expected: 3, scored: 1, failed: 1, failures: { ...noFailures, unparsable: 1 }, missing: 1 });
    assert.deepEqual(c.verifiers['cot-score'], { expected: 3, scored: 0, failed: 1, failures: { ...noFailures, unparsable: 1 }, missing: 2 });
    // Missing keys would make a run incomplete; a samples file is still assessed as complete.
    assert.equal(isComplete(c), false);
    const r = computeReport([sample('q', 0, true, { mc: 0.5 }), sample('r', 0, false, {})], { selector: parseSelector('mc'), filter: parseFilter('topk:1'), bootstrap: noBootstrap });
    const assessed = assessReport('samples', r, parseSelector('mc'), samplesCoverage([sample('q', 0, true, { mc: 0.5 }), sample('r', 0, false, {})]), true);
    assert.deepEqual(assessed.state, { complete: true, live: false });
  });

  it('says why a selector of several verifiers scored nothing, verifier by verifier', () => {
    const samples = [
      sample('T', 0, true, { mc: null, 'cot-score': 0.4 }),
      sample('T', 1, false, { mc: 0.7, 'cot-score': null }),
      sample('T', 2, false, { mc: 0.2 }),
    ];
    const selector = parseSelector('and(mc,cot-score)');
    const r = computeReport(samples, { selector, filter: parseFilter('threshold:0.5'), bootstrap: noBootstrap });
    assert.equal(r.gap, null);
    const { coverage } = assessReport('samples', r, selector, samplesCoverage(samples), false);
    assert.equal(notMeasuredReason(coverage), 'and(mc,cot-score) scored 0 of 3 samples: mc: 1 unparsable; cot-score: 1 unparsable, 1 not verified');
  });
});
