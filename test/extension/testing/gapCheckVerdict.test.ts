// The pass rule of a Test Explorer gap check over real reports (core's report and assessment of
// scored samples): passed only when everything the interval rests on holds and its lower end is
// above the bar; otherwise failed (the bar) or errored (with every reason), never passed.
import assert from 'node:assert/strict';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { assessSamplesReport } from '../../../src/core/pipeline/runReport';
import type { ScoredSample } from '../../../src/core/stats/types';
import { formatReport } from '../../../src/cli/format';
import { judgeGapCheck } from '../../../src/extension/testing/gapCheckVerdict';

const RULE = { bar: 0, minTasks: 30 };

/**
 * `tasks` tasks of 4 samples, the first `right` of each correct; mc scores a correct sample `good`
 * and a wrong one 1 − good (null for every sample when good is null: the verifier scored nothing).
 */
function samples(tasks: number, good: number | null, right = 2): ScoredSample[] {
  return Array.from({ length: tasks * 4 }, (_, i) => {
    const index = i % 4;
    const correct = index < right;
    return { task: `t${Math.floor(i / 4)}`, index, correct, scores: { mc: good === null ? null : correct ? good : 1 - good } };
  });
}

function assessed(list: ScoredSample[]): ReturnType<typeof assessSamplesReport> {
  return assessSamplesReport(list, { selector: parseSelector('mc'), filter: parseFilter('quantile:0.8'), resamples: 200, seed: 0 });
}

describe('the gap check pass rule', () => {
  it('passes when the lower end of the interval is above the bar, with the numbers in percent and points', () => {
    const result = judgeGapCheck(assessed(samples(30, 0.9)), 'complete', RULE, 4);
    assert.equal(result.outcome, 'passed');
    assert.equal(result.reason, "the lower end of the gap's 95 % interval, +50.00 pp, is above the bar 0.00 pp: the filter helps");
    assert.deepEqual(result.numbers, [
      // Every task alike: every resample gives the same gap, which says nothing about its uncertainty.
      'gap +50.00 pp, 95 % CI n/a (every resample gives the same value)',
      'accuracy 50.00 % before the filter → 100.00 % after (verifier mc, filter quantile:0.8)',
      'N 4 · 30 tasks · 120 samples',
      'coverage: complete: 30 tasks, 120 samples, every verification recorded; mc: 120 of 120 scored',
    ]);
  });

  it('says its numbers as the CLI text report does (core\'s units and rounding): the gap, its interval and the accuracies', () => {
    // Tasks with 1, 2 or 3 of 4 right: the bootstrap's resamples differ, so the interval has a width.
    const list = [0, 1, 2].flatMap((k) => samples(10, 0.9, k + 1).map((s) => ({ ...s, task: `${s.task}-${k}` })));
    const report = assessed(list);
    const cli = formatReport(report, 'heading');
    const gapText = /\n {2}gap {22}(\S+ pp) {2}(95 % CI \[\S+, \S+\] pp)\n/.exec(cli);
    assert.ok(gapText, cli);
    const result = judgeGapCheck(report, 'complete', RULE, 4);
    assert.equal(result.numbers[0], `gap ${gapText[1]}, ${gapText[2]}`);
    const accuracy = /\n {2}accuracy J\(f\) {12}(\S+ %)/.exec(cli)?.[1];
    const filtered = /\n {2}filtered accuracy {8}(\S+ %)/.exec(cli)?.[1];
    assert.equal(result.numbers[1], `accuracy ${accuracy} before the filter → ${filtered} after (verifier mc, filter quantile:0.8)`);
  });

  it('fails when the lower end is not strictly above the bar: a verifier that prefers wrong answers, or a bar at the lower end', () => {
    const reversed = judgeGapCheck(assessed(samples(30, 0.1)), 'complete', RULE, 4);
    assert.equal(reversed.outcome, 'failed');
    assert.equal(reversed.reason, "the lower end of the gap's 95 % interval, −50.00 pp, is not above the bar 0.00 pp");
    const atBar = judgeGapCheck(assessed(samples(30, 0.9)), 'complete', { ...RULE, bar: 0.5 }, 4);
    assert.equal(atBar.outcome, 'failed');
    assert.match(atBar.reason, /\+50\.00 pp, is not above the bar \+50\.00 pp$/);
  });

  it('is errored, never passed, when the verifier scored nothing: the gap is "—" with the reason', () => {
    const result = judgeGapCheck(assessed(samples(30, null)), 'complete', RULE, 4);
    assert.equal(result.outcome, 'errored');
    assert.match(result.reason, /^the gap is not measured: mc scored 0 of 120 samples/);
    assert.match(result.numbers[0] as string, /^gap — \(mc scored 0 of 120 samples/);
    assert.match(result.numbers[1] as string, /→ — after/);
  });

  it('is errored with too few tasks for the interval, however large the gap', () => {
    const result = judgeGapCheck(assessed(samples(2, 0.9)), 'complete', RULE, 4);
    assert.equal(result.outcome, 'errored');
    assert.equal(result.reason, '2 tasks: too few for the interval (needs ≥ 30, gaplens.testing.minTasks)');
    assert.equal(judgeGapCheck(assessed(samples(2, 0.9)), 'complete', { ...RULE, minTasks: 2 }, 4).outcome, 'passed');
  });

  it('is errored when the verifier scored less than 95 % of the samples', () => {
    const list = samples(30, 0.9);
    for (const s of list.slice(0, 7)) s.scores.mc = null;
    const result = judgeGapCheck(assessed(list), 'complete', RULE, 4);
    assert.equal(result.outcome, 'errored');
    assert.equal(result.reason, 'mc scored 113 of 120 samples (needs ≥ 95 %)');
  });

  it('is errored when the run ended early, whatever its numbers say', () => {
    const good = assessed(samples(30, 0.9));
    assert.deepEqual(
      (['incomplete', 'cost-limit', 'waiting'] as const).map((status) => judgeGapCheck(good, status, RULE, 4).outcome),
      ['errored', 'errored', 'errored'],
    );
    assert.match(judgeGapCheck(good, 'cost-limit', RULE, 4).reason, /^the run stopped at the cost limit \(gaplens\.costLimit\)$/);
  });
});
