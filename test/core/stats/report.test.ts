import assert from 'node:assert/strict';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { computeReport } from '../../../src/core/stats/report';
import { UserError } from '../../../src/core/util/errors';
import { assertClose, handSamples, sample } from './fixtures';

const mc = parseSelector('mc');
const noBootstrap = { resamples: 0, seed: 0, level: 0.95 };

describe('computeReport on the hand-computed set (mc, threshold:0.5)', () => {
  // Reversed input: the report must regroup by task and re-sort by index itself.
  const report = computeReport(handSamples().reverse(), { selector: mc, filter: parseFilter('threshold:0.5'), bootstrap: noBootstrap });

  it('per task J(f|x) and J(f[w]|x), with the nothing-kept fallback', () => {
    // A: kept #0(c), #1(w)            → J = 2/4 = 0.5,  Jw = 1/2 = 0.5
    // B: kept #0(c), #1(c)            → J = 0.5,        Jw = 1
    // C: all scores < 0.5, none kept  → J = 1,          Jw = J = 1 (nothing kept)
    // D: kept #0(w), #1(w)            → J = 1/4,        Jw = 0
    assert.deepEqual(
      report.perTask.map((t) => [t.task, t.samples, t.accuracy, t.filteredAccuracy, t.kept, t.nothingKept]),
      [['A', 4, 0.5, 0.5, 2, false], ['B', 4, 0.5, 1, 2, false], ['C', 4, 1, 1, 0, true], ['D', 4, 0.25, 0, 2, false]],
    );
    assert.equal(report.tasksNothingKept, 1);
    assert.equal(report.tasks, 4);
    assert.equal(report.samples, 16);
  });

  it('accuracy, filtered accuracy, gap and relative gap', () => {
    // accuracy = (0.5 + 0.5 + 1 + 0.25)/4 = 0.5625; filtered = (0.5 + 1 + 1 + 0)/4 = 0.625; gap = 0.0625
    assertClose(report.accuracy, 0.5625);
    assertClose(report.filteredAccuracy, 0.625);
    assertClose(report.gap, 0.0625);
    // C has J = 1 and is excluded. A: (0.5−0.5)/0.5 = 0; B: (1−0.5)/0.5 = 1; D: (0−0.25)/0.75 = −1/3
    // relativeGap = (0 + 1 − 1/3)/3 = 2/9
    assertClose(report.relativeGap, 2 / 9);
    assert.equal(report.relativeGapExcludedTasks, 1);
  });

  it('retention, confusion, precision and recall (pooled over samples)', () => {
    // kept: A 2 + B 2 + C 0 + D 2 = 6 of 16 → 0.375
    assertClose(report.retention, 0.375);
    // kept correct: A#0, B#0, B#1 = 3; kept wrong: A#1, D#0, D#1 = 3
    // correct overall 2+2+4+1 = 9 → dropped correct 6; dropped wrong 16 − 9 − 3 = 4
    assert.deepEqual(report.confusion, { keptCorrect: 3, keptWrong: 3, droppedCorrect: 6, droppedWrong: 4 });
    assertClose(report.precision, 3 / 6);
    assertClose(report.recall, 3 / 9);
  });

  it('AUROC with ties counted ½ and null as lowest', () => {
    // negatives sorted: −∞(A#3), 0.1, 0.2, 0.4, 0.6, 0.8, 0.9 (7); positives (9), #negatives below + ½ ties:
    // 0.9→6.5  0.3→3  0.8→5.5  0.7→5  0.4→3.5  0.3→3  0.2→2.5  0.1→1.5  0.1→1.5   sum 32 → 32/63
    assertClose(report.auroc, 32 / 63);
  });

  it('pass@k for k = 1..4', () => {
    // per task (n=4; c = 2, 2, 4, 1): pass@k = 1 − C(n−c,k)/C(n,k)
    // k=1: c/n → mean 0.5625
    // k=2: A,B 1 − C(2,2)/C(4,2) = 5/6; C 1; D 1 − C(3,2)/6 = 1/2 → (5/6+5/6+1+1/2)/4 = 19/24
    // k=3: A,B,C 1; D 1 − C(3,3)/C(4,3) = 3/4 → 3.75/4
    // k=4: all 1
    [0.5625, 19 / 24, 3.75 / 4, 1].forEach((v, i) => assertClose(report.passAtK[i], v, `pass@${i + 1}`));
    assert.equal(report.passAtK.length, 4);
  });

  it('best-of-k for k = 1..4', () => {
    // Correctness by rank (best first): A [1,0,1,0]  B [1,1,0,0]  C [1,1,1,1]  D [0,0,0,1] (D#3 0.4 ranks above D#2 0.1)
    // p_j = C(n−1−j,k−1)/C(n,k). k=2: p = [3,2,1,0]/6 → A 4/6, B 5/6, C 1, D 0 → 15/24
    // k=3: p = [3,1,0,0]/4 → A 3/4, B 1, C 1, D 0 → 2.75/4.  k=1: mean c/n = 0.5625.  k=4: p = [1,0,0,0] → 3/4
    [0.5625, 15 / 24, 2.75 / 4, 0.75].forEach((v, i) => assertClose(report.bestOfK?.[i], v, `best-of-${i + 1}`));
  });

  it('maj@k for k = 1..4', () => {
    // A: 42 | 42,41 tie → 42 (first) | 42×2 | null adds nothing → correct throughout
    // B: 7 | 7×2 | 7×2 vs 8 | 7×2 vs 8×2 tie → 7 → correct throughout.  C: all x → correct
    // D: 5 | 5,6 tie → 5 | 5,6,9 tie → 5 | 6×2 → wrong throughout.  → 3/4 for every k
    assert.deepEqual(report.majAtK, [0.75, 0.75, 0.75, 0.75]);
  });

  it('bins tasks by difficulty, last bin closed, empty bins left out', () => {
    // J: A 0.5, B 0.5, C 1, D 0.25
    assert.deepEqual(report.byDifficulty, [
      { range: [0.2, 0.4], tasks: 1, accuracy: 0.25, filteredAccuracy: 0, gap: -0.25 },
      { range: [0.4, 0.6], tasks: 2, accuracy: 0.5, filteredAccuracy: 0.75, gap: 0.25 },
      { range: [0.8, 1], tasks: 1, accuracy: 1, filteredAccuracy: 1, gap: 0 },
    ]);
  });

  it('labels the selector and filter and records the bootstrap settings', () => {
    assert.equal(report.verifier, 'mc');
    assert.equal(report.filter, 'threshold:0.5');
    assert.deepEqual(report.ci, {
      level: 0.95, resamples: 0, seed: 0,
      accuracy: [report.accuracy, report.accuracy],
      filteredAccuracy: [report.filteredAccuracy, report.filteredAccuracy],
      gap: [report.gap, report.gap],
      relativeGap: [report.relativeGap, report.relativeGap],
    });
  });
});

describe('computeReport', () => {
  it('averages per task, not per sample: a big task does not outweigh a small one', () => {
    // T1: 1 sample, correct, kept.  T2: 3 samples, 0 correct, one kept.
    // accuracy = (1 + 0)/2 = 0.5 (per-sample pooling would give 1/4)
    const r = computeReport(
      [sample('T1', 0, true, { mc: 0.9 }), sample('T2', 0, false, { mc: 0.9 }), sample('T2', 1, false, { mc: 0.1 }), sample('T2', 2, false, { mc: 0.1 })],
      { selector: mc, filter: parseFilter('threshold:0.5'), bootstrap: noBootstrap },
    );
    assert.equal(r.accuracy, 0.5);
    assert.equal(r.filteredAccuracy, 0.5);
    assert.equal(r.passAtK.length, 1); // k runs to the smallest task
  });

  it('relativeGap is null when every task is solved, and excluded tasks are counted', () => {
    const r = computeReport([sample('T', 0, true, { mc: 0.2 }), sample('T', 1, true, { mc: 0.9 })], {
      selector: mc,
      filter: parseFilter('quantile:0.5'),
      bootstrap: { resamples: 50, seed: 1, level: 0.95 },
    });
    assert.equal(r.relativeGap, null);
    assert.equal(r.relativeGapExcludedTasks, 1);
    assert.equal(r.ci.relativeGap, null);
    assert.equal(r.auroc, null); // no incorrect sample
  });

  it('exp weights: J(f[w]|x) is the weighted mean and retention the mean weight', () => {
    // β = 1, scores 1 (correct), 0 (wrong): weights 1 and e^−1 → Jw = 1/(1 + e^−1); retention = (1 + e^−1)/2
    const r = computeReport([sample('T', 0, true, { mc: 1 }), sample('T', 1, false, { mc: 0 })], {
      selector: mc,
      filter: parseFilter('exp:1'),
      bootstrap: noBootstrap,
    });
    assertClose(r.filteredAccuracy, 1 / (1 + Math.exp(-1)));
    assertClose(r.retention, (1 + Math.exp(-1)) / 2);
    assert.deepEqual(r.confusion, { keptCorrect: 1, keptWrong: 1, droppedCorrect: 0, droppedWrong: 0 });
  });

  it('and(mc,cot-score) keeps a sample only if both filters keep it; AUROC uses the min score', () => {
    const samples = [
      sample('T', 0, true, { mc: 0.9, 'cot-score': 0.8 }), // kept by both
      sample('T', 1, false, { mc: 0.9, 'cot-score': 0.1 }), // dropped by cot-score
      sample('T', 2, false, { mc: 0.2, 'cot-score': 0.9 }), // dropped by mc
      sample('T', 3, true, { mc: 0.6, 'cot-score': 0.4 }), // dropped by cot-score
    ];
    const r = computeReport(samples, { selector: parseSelector('and(mc,cot-score)'), filter: parseFilter('threshold:0.5'), bootstrap: noBootstrap });
    assert.equal(r.filteredAccuracy, 1);
    assert.equal(r.retention, 0.25);
    // min scores: correct 0.8, 0.4; wrong 0.1, 0.2 → every correct beats every wrong
    assert.equal(r.auroc, 1);
    assert.equal(r.verifier, 'and(mc,cot-score)');
  });

  it('computes Pearson and Spearman for every verifier pair over rows where both are present', () => {
    // rows with both: x = [0.1,0.2,0.3], y = [0.1,0.3,0.2] → r = 0.01/√(0.02·0.02) = 0.5; ranks [1,2,3] vs [1,3,2] → ρ = 0.5
    const samples = [
      sample('T', 0, true, { mc: 0.1, 'cot-score': 0.1, tournament: 0.5 }),
      sample('T', 1, false, { mc: 0.2, 'cot-score': 0.3, tournament: 0.5 }),
      sample('T', 2, false, { mc: null, 'cot-score': 0.9 }),
      sample('T', 3, true, { mc: 0.3, 'cot-score': 0.2 }),
    ];
    const r = computeReport(samples, { selector: mc, filter: parseFilter('topk:1'), bootstrap: noBootstrap });
    assert.deepEqual(Object.keys(r.correlations.pearson).sort(), ['cot-score~mc', 'cot-score~tournament', 'mc~tournament']);
    assertClose(r.correlations.pearson['cot-score~mc'], 0.5);
    assertClose(r.correlations.spearman['cot-score~mc'], 0.5);
    assert.equal(r.correlations.pearson['mc~tournament'], null); // tournament is constant
  });

  it('omits maj@k when no sample carries an answer', () => {
    const r = computeReport([sample('T', 0, true, { mc: 0.2 })], { selector: mc, filter: parseFilter('topk:1'), bootstrap: noBootstrap });
    assert.deepEqual(r.majAtK, []);
  });

  it('rejects duplicates, bad indices and out-of-range scores', () => {
    const opts = { selector: mc, filter: parseFilter('topk:1'), bootstrap: noBootstrap };
    assert.throws(() => computeReport([sample('T', 2, true, { mc: 0.1 }), sample('T', 2, false, { mc: 0.3 })], opts), /duplicate sample: task "T" index 2/);
    assert.throws(() => computeReport([sample('T', 1.5, true, { mc: 0.1 })], opts), /index 1.5/);
    assert.throws(() => computeReport([sample('T', 0, true, { mc: 1.5 })], opts), /task "T" sample 0: score of verifier "mc" is 1.5/);
  });

  it('tells the user when there is nothing to report or the selector names a verifier the data does not have', () => {
    const opts = { selector: parseSelector('and(mc,cot-score)'), filter: parseFilter('topk:1'), bootstrap: noBootstrap };
    assert.throws(() => computeReport([], opts), (e: unknown) => e instanceof UserError && /No samples/.test(e.message));
    assert.throws(
      () => computeReport([sample('T', 0, true, { mc: 0.5 })], opts),
      (e: unknown) => e instanceof UserError && e.message.includes('No verifier "cot-score"') && e.message.includes('Verifiers it has: mc'),
    );
    // A verifier the data declares (a run's configured one) is no typo: with no score key yet it is reported as not measured.
    const r = computeReport([sample('T', 0, true, { mc: 0.5 })], { ...opts, verifiers: ['mc', 'cot-score'] });
    assert.equal(r.scored, 0);
    assert.equal(r.gap, null);
  });

  it('is independent of input order', () => {
    const opts = { selector: mc, filter: parseFilter('quantile:0.5'), bootstrap: { resamples: 100, seed: 3, level: 0.9 } };
    const a = computeReport(handSamples(), opts);
    const b = computeReport(handSamples().sort((x, y) => (x.index - y.index) || (x.task < y.task ? 1 : -1)), opts);
    assert.deepEqual(a, b);
  });
});
