// The verification curve (docs/statistics.md, "Verification compute") against a hand computation on
// a tiny dataset, with the aggregates of verify/draws.ts and the subset rule when C(K, k) is large.
import assert from 'node:assert/strict';
import { MISSING_SCORE } from '../../../src/core/filter/columns';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { buildPool, type SamplePool } from '../../../src/core/stats/pool';
import { computePoolReport } from '../../../src/core/stats/report';
import { binomial, MAX_SUBSETS, verificationCurve } from '../../../src/core/stats/verificationCurve';
import { aggregateScores } from '../../../src/core/verify/draws';
import { assertClose } from './fixtures';

/** Samples of (task, correct, draws) as a pool whose verifier's column is the aggregate of all its draws. */
function pool(verifier: 'cot-score' | 'cot-binary', rows: [string, boolean, number[]][]): SamplePool {
  const aggregate = verifier === 'cot-score' ? 'mean' : 'majority';
  const counts = new Map<string, number>();
  const p = buildPool(
    rows.map(([task, correct, draws]) => {
      const index = counts.get(task) ?? 0;
      counts.set(task, index + 1);
      return { task, index, correct, scores: { [verifier]: aggregateScores(draws, aggregate) } };
    }),
  );
  const K = rows[0]?.[2].length ?? 0;
  // buildPool keeps the rows in task then index order, as they are given here.
  return { ...p, draws: new Map([[verifier, Array.from({ length: K }, (_, d) => Float64Array.from(rows, ([, , draws]) => draws[d] ?? MISSING_SCORE))]]) };
}

const noBootstrap = { resamples: 0, seed: 0, level: 0.95 };

describe('the verification curve', () => {
  // A: ✓ draws 1 0 1, ✗ draws 0 1 0 (J 0.5)      B: ✗ draws 1 0 0, ✓ draws 0 1 1 (J 0.5); threshold:0.5, the mean.
  const data = pool('cot-score', [
    ['A', true, [1, 0, 1]],
    ['A', false, [0, 1, 0]],
    ['B', false, [1, 0, 0]],
    ['B', true, [0, 1, 1]],
  ]);
  const accuracy = Float64Array.of(0.5, 0.5);

  it('is the mean over every k-subset of the draws of the gap and AUROC with the subset-aggregated score', () => {
    const curve = verificationCurve(data, parseSelector('cot-score'), parseFilter('threshold:0.5'), accuracy, noBootstrap);
    assert.ok(curve);
    assert.equal(curve.draws, 3);
    assert.deepEqual(curve.verifiers, ['cot-score']);
    // k = 1, draws {0}: A keeps ✓ → 1, B keeps ✗ → 0; {1}: A keeps ✗ → 0, B keeps ✓ → 1; {2}: A 1, B 1.
    //   F_A = F_B = 2/3: filtered 2/3, gap 1/6, relative (2/3 − 1/2)/(1/2) = 1/3.
    //   AUROC (✓ A0, B1 against ✗ A1, B0; ties ½): {0} 2/4, {1} 2/4, {2} 1 → 2/3.
    // k = 2, means {0,1}: every score ½, all kept → A ½, B ½; AUROC ½.
    //   {0,2}: A 1 0 → 1; B ½ ½ → ½; AUROC (1>0, 1>½, ½>0, ½=½) 3.5/4.   {1,2}: A ½ ½ → ½; B 0 1 → 1; AUROC 3.5/4.
    //   F_A = F_B = 2/3: gap 1/6; AUROC (0.5 + 0.875 + 0.875)/3 = 0.75.
    // k = 3: A 2/3 1/3 → 1, B 1/3 2/3 → 1: filtered 1, gap 1/2, relative 1; AUROC 1.
    const expected = [
      { k: 1, filteredAccuracy: 2 / 3, gap: 1 / 6, relativeGap: 1 / 3, auroc: 2 / 3 },
      { k: 2, filteredAccuracy: 2 / 3, gap: 1 / 6, relativeGap: 1 / 3, auroc: 0.75 },
      { k: 3, filteredAccuracy: 1, gap: 0.5, relativeGap: 1, auroc: 1 },
    ];
    curve.points.forEach((p, i) => {
      const want = expected[i];
      assert.ok(want);
      assert.equal(p.k, want.k);
      assert.equal(p.exact, true);
      assert.equal(p.subsets, binomial(3, p.k));
      for (const key of ['filteredAccuracy', 'gap', 'relativeGap', 'auroc'] as const) assertClose(p[key], want[key], `${key} at k = ${p.k}`);
      assert.deepEqual(p.ci.gap, [p.gap, p.gap], '0 resamples: [point, point]');
    });
  });

  it('at k = K is the report itself: the report of the same pool gives the same gap and AUROC', () => {
    const report = computePoolReport(data, { selector: parseSelector('cot-score'), filter: parseFilter('threshold:0.5'), bootstrap: { resamples: 100, seed: 4, level: 0.95 } });
    const last = report.verificationCurve?.points.at(-1);
    assert.ok(last);
    assert.equal(last.gap, report.gap);
    assert.equal(last.auroc, report.auroc);
    assert.deepEqual(last.ci.gap, report.ci.gap, 'the same draws as the gap');
  });

  it('aggregates a binary verifier by majority, a tie at ½', () => {
    assert.equal(aggregateScores([1, 0], 'majority'), 0.5);
    assert.equal(aggregateScores([1, 1, 0], 'majority'), 1);
    assert.equal(aggregateScores([0, 0, 1, 1, 0], 'majority'), 0);
    assert.equal(aggregateScores([], 'majority'), null);
    // One sample per task, so the filter decides nothing; AUROC at k = 2 (✓ draws 1 0, ✗ draws 0 0):
    // {0,1} majority ½ vs 0 → 1. At k = 1: {0} 1 vs 0 → 1, {1} 0 vs 0 → ½: 0.75.
    const binary = pool('cot-binary', [
      ['A', true, [1, 0]],
      ['B', false, [0, 0]],
    ]);
    const curve = verificationCurve(binary, parseSelector('cot-binary'), parseFilter('topk:1'), Float64Array.of(1, 0), noBootstrap);
    assert.deepEqual(curve?.points.map((p) => p.auroc), [0.75, 1]);
  });

  it('draws MAX_SUBSETS subsets, reproducibly, where C(K, k) is larger, and says so', () => {
    const K = 9;
    const rows: [string, boolean, number[]][] = [0, 1, 2, 3].map((i) => [`t${i % 2}`, i < 2, Array.from({ length: K }, (_, d) => ((i + d) % 3) / 2)]);
    const nine = pool('cot-score', rows);
    const run = () => verificationCurve(nine, parseSelector('cot-score'), parseFilter('quantile:0.5'), Float64Array.of(0.5, 0.5), noBootstrap);
    const curve = run();
    assert.ok(curve);
    for (const p of curve.points) {
      const all = binomial(K, p.k);
      assert.equal(p.exact, all <= MAX_SUBSETS, `k = ${p.k}`);
      assert.equal(p.subsets, Math.min(all, MAX_SUBSETS));
    }
    assert.equal(binomial(9, 4), 126);
    assert.deepEqual(run(), curve, 'the same seed draws the same subsets');
  });

  it('has no curve for a selector that reads no verifier with several draws', () => {
    const withMc = { ...data, columns: new Map([...data.columns, ['mc', Float64Array.of(0.9, 0.1, 0.2, 0.8)]]) };
    assert.equal(verificationCurve(withMc, parseSelector('mc'), parseFilter('threshold:0.5'), accuracy, noBootstrap), null);
    // and(mc, cot-score): the subsets take cot-score's draws, mc is read as it is.
    assert.deepEqual(verificationCurve(withMc, parseSelector('and(mc,cot-score)'), parseFilter('threshold:0.5'), accuracy, noBootstrap)?.verifiers, ['cot-score']);
  });
});
