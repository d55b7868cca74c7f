// The series' check of round r+1 against round r accuracy plus its gap, against hand computations
// (docs/statistics.md, "Self-improvement series").
import assert from 'node:assert/strict';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { assessSamplesReport, type ReportOptions } from '../../../src/core/pipeline/runReport';
import { checkRound } from '../../../src/core/stats/seriesCheck';
import type { ScoredSample } from '../../../src/core/stats/types';
import { linearQuantile } from '../../../src/core/filter/quantile';
import { createRng } from '../../../src/core/util/random';

const OPTIONS: ReportOptions = { selector: parseSelector('mc'), filter: parseFilter('quantile:0.5'), resamples: 0, seed: 0 };
const BOOTSTRAP = { resamples: 0, seed: 0, level: 0.95 };

/** Samples of one task: correctness and mc score per index. */
function task(id: string, correct: number[], scores: (number | null)[] = correct.map(() => 0.5)): ScoredSample[] {
  return correct.map((c, index) => ({ task: id, index, correct: c === 1, scores: { mc: scores[index] ?? null } }));
}

const close = (actual: number | null, expected: number): void => assert.ok(actual !== null && Math.abs(actual - expected) < 1e-12, `${actual} ≠ ${expected}`);

describe('checkRound (round r+1 vs round r accuracy plus its gap)', () => {
  // Round 0, quantile:0.5 on two samples keeps the higher score (threshold halfway between them):
  //   t1: correct [1, 0], mc [0.9, 0.1] -> keeps 0: J(f|x) = 0.5, J(f[w]|x) = 1
  //   t2: correct [0, 1], mc [0.2, 0.8] -> keeps 1: J = 0.5, J[w] = 1
  //   t3: correct [0, 0], mc [0.3, 0.6] -> keeps 1: J = 0,   J[w] = 0
  //   accuracy 1/3, filtered 2/3, gap 1/3, relative gap mean(1, 1, 0) = 2/3.
  // Round 1: t1 [1, 1] -> 1, t2 [1, 0] -> 0.5, t3 [1, 1] -> 1: accuracy 5/6.
  //   excess = mean(1 − 1, 0.5 − 1, 1 − 0) = 0.5/3 = 1/6 = 5/6 − 2/3.
  const round0 = assessSamplesReport([...task('t1', [1, 0], [0.9, 0.1]), ...task('t2', [0, 1], [0.2, 0.8]), ...task('t3', [0, 0], [0.3, 0.6])], OPTIONS);
  const round1 = assessSamplesReport([...task('t1', [1, 1]), ...task('t2', [1, 0]), ...task('t3', [1, 1])], OPTIONS);

  it('per-round numbers and the excess equal the hand computation', () => {
    close(round0.report.accuracy, 1 / 3);
    close(round0.report.filteredAccuracy, 2 / 3);
    close(round0.report.gap, 1 / 3);
    close(round0.report.relativeGap, 2 / 3);
    close(round1.report.accuracy, 5 / 6);
    const check = checkRound(0, round0, round1, BOOTSTRAP);
    assert.equal(check.commonTasks, 3);
    close(check.predicted, 2 / 3);
    close(check.nextAccuracy, 5 / 6);
    close(check.excess, 1 / 6);
    assert.deepEqual(check.interval, [check.excess, check.excess], '0 resamples: the point');
    assert.equal(check.verdict, null);
    assert.deepEqual(check.reasons, ['3 common tasks (needs ≥ 30)', 'no 95 % bootstrap interval (0 resamples)']);
  });

  it('pairs the rounds over the tasks both have: a task missing from round r+1 is left out of every number', () => {
    const partial = assessSamplesReport([...task('t1', [1, 1]), ...task('t3', [1, 1])], OPTIONS);
    const check = checkRound(0, round0, partial, BOOTSTRAP);
    assert.equal(check.commonTasks, 2);
    close(check.predicted, (1 + 0) / 2);
    close(check.nextAccuracy, 1);
    close(check.excess, (0 + 1) / 2);
  });

  it('is not measurable when round r gap is not measured (its selector scored nothing)', () => {
    const unscored = assessSamplesReport([...task('t1', [1, 0], [null, null]), ...task('t2', [0, 1], [null, null])], OPTIONS);
    const check = checkRound(0, unscored, round1, BOOTSTRAP);
    assert.deepEqual(
      { excess: check.excess, predicted: check.predicted, interval: check.interval, verdict: check.verdict, reasons: check.reasons },
      { excess: null, predicted: null, interval: null, verdict: null, reasons: ['not measurable: round 0\'s gap is not measured (mc scored 0 of 4 samples: 4 unparsable)'] },
    );
  });

  it('the interval is the paired task bootstrap of the per-task differences, as docs/statistics.md draws it', () => {
    // Round 1 with 0, 1 or 2 of 2 correct by task: differences J(f_1|x) − J(f_0[w]|x) of −1, −0.5 and 0 (round 0 keeps sample 0: J[w] = 1).
    const ids = Array.from({ length: 7 }, (_, t) => `t${t}`);
    const r0 = assessSamplesReport(ids.flatMap((id) => task(id, [1, 0], [0.9, 0.1])), OPTIONS);
    const correctOf = (t: number): number[] => [[0, 0], [1, 0], [1, 1]][t % 3] as number[];
    const r1 = assessSamplesReport(ids.flatMap((id, t) => task(id, correctOf(t))), OPTIONS);
    const options = { resamples: 40, seed: 7, level: 0.9 };
    const check = checkRound(0, r0, r1, options);
    // Tasks in canonical order t0 … t6; resample b draws ⌊u·7⌋ seven times from createRng(7) and averages.
    const diffs = ids.map((_, t) => correctOf(t).reduce((a, b) => a + b, 0) / 2 - 1);
    const rng = createRng(7);
    const means = Float64Array.from({ length: 40 }, () => {
      let sum = 0;
      for (let i = 0; i < 7; i++) sum += diffs[Math.floor(rng.next() * 7)] as number;
      return sum / 7;
    }).sort();
    const expected = [linearQuantile(means, 0.05), linearQuantile(means, 0.95)];
    assert.ok(check.interval !== null);
    check.interval.forEach((end, i) => close(end, expected[i] as number));
    close(check.excess, diffs.reduce((a, b) => a + b, 0) / 7);
  });

  describe('the verdict, over 30 tasks and 200 resamples', () => {
    const opts = { ...BOOTSTRAP, resamples: 200 };
    const rounds = (scores: (t: number) => number[]) => assessSamplesReport(Array.from({ length: 30 }, (_, t) => task(`t${t}`, [1, 0], scores(t))).flat(), { ...OPTIONS, resamples: 200 });
    // Round 1: every task [1, 0], J(f_1|x) = 0.5.
    const round1Half = rounds(() => [0.5, 0.5]);

    it('beats when the interval lies above 0', () => {
      // Round 0 keeps the wrong sample of every task: J(f_0[w]|x) = 0, so every difference is +0.5 and so is every resample.
      const check = checkRound(0, rounds(() => [0.1, 0.9]), round1Half, opts);
      close(check.excess, 0.5);
      assert.deepEqual(check.interval, [0.5, 0.5]);
      assert.equal(check.verdict, 'beats');
      assert.deepEqual(check.reasons, []);
    });

    it('falls short when the interval lies below 0', () => {
      // Round 0 keeps the right sample of every task: J(f_0[w]|x) = 1, every difference −0.5.
      const check = checkRound(0, rounds(() => [0.9, 0.1]), round1Half, opts);
      close(check.excess, -0.5);
      assert.equal(check.verdict, 'falls-short');
    });

    it('no verdict when the interval includes 0', () => {
      // Round 0 keeps the right sample on even tasks (difference −0.5), the wrong one on odd tasks (+0.5): mean 0.
      const check = checkRound(0, rounds((t) => (t % 2 === 0 ? [0.9, 0.1] : [0.1, 0.9])), round1Half, opts);
      close(check.excess, 0);
      assert.ok(check.interval !== null && check.interval[0] < 0 && check.interval[1] > 0, String(check.interval));
      assert.equal(check.verdict, null);
      assert.match(check.reasons[0] ?? '', /^the 95 % interval of the excess, \[−\d+\.\d\d, \+\d+\.\d\d\] pp, includes 0$/);
    });
  });
});
