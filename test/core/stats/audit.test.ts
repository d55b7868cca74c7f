import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { weightsOf } from '../../../src/core/pipeline/runReport';
import { AUDIT_STRATA, type AnnotationRecord, type AuditFile, type AuditPlan, type HumanVerdict } from '../../../src/core/runs/records';
import { sampleKey } from '../../../src/core/runs/sampleKey';
import { auditOf, drawNewAudit, type AuditData } from '../../../src/core/stats/audit';
import { allocateAudit, auditStrata, drawAudit } from '../../../src/core/stats/auditDraw';
import { evaluateAudit, prepareAudit, type Agreement, type AuditRows, type PreparedAudit } from '../../../src/core/stats/auditEstimate';
import { cohensKappa } from '../../../src/core/stats/kappa';
import { buildPool } from '../../../src/core/stats/pool';
import { computeReport } from '../../../src/core/stats/report';
import type { ScoredSample } from '../../../src/core/stats/types';
import { createRng } from '../../../src/core/util/random';
import { assertClose, kSubsets, runArb, sample } from './fixtures';

const NO_BOOTSTRAP = { resamples: 0, seed: 0, level: 0.95 };

/** Labels the drawn rows: verdicts[h] are given, in labelling order, to the drawn rows of stratum h (1 correct, 0 incorrect). */
function labelDrawn(prepared: PreparedAudit, verdicts: number[][]): Int8Array {
  const human = new Int8Array(prepared.rows.correct.length).fill(-1);
  const next = verdicts.map(() => 0);
  for (const row of prepared.draw.order) {
    const h = prepared.strata[row] as number;
    const at = next[h] as number;
    const verdict = verdicts[h]?.[at];
    if (verdict === undefined) continue;
    human[row] = verdict;
    next[h] = at + 1;
  }
  return human;
}

/**
 * One task of 12 samples under a threshold: rows 0–3 kept and correct, 4–5 kept and incorrect, 6–7
 * dropped and correct, 8–11 dropped and incorrect. N_h = [4, 2, 2, 4]. T = 1, n = 12, W = 6:
 * accuracy coefficient 1/12 everywhere, filtered 1/6 on kept rows and 0 on dropped ones.
 * On the checker's verdicts: accuracy 6/12, filtered 4/6, gap 1/6.
 */
function oneTask(): AuditRows {
  const correct = Uint8Array.of(1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0);
  const weights = Float64Array.from({ length: 12 }, (_, r) => (r < 6 ? 1 : 0));
  return { starts: Int32Array.of(0, 12), correct, weights };
}

describe('audit: the stratified draw', () => {
  it('equal allocation, capped by the strata, the leftovers to the larger strata (ties in stratum order)', () => {
    assert.deepEqual(allocateAudit([4, 2, 2, 4], 6), [2, 1, 1, 2]);
    assert.deepEqual(allocateAudit([10, 1, 0, 3], 8), [4, 1, 0, 3]);
    assert.deepEqual(allocateAudit([10, 1, 0, 3], 9), [5, 1, 0, 3]);
    assert.deepEqual(allocateAudit([5, 5, 5, 1], 10), [3, 3, 3, 1]);
    assert.deepEqual(allocateAudit([5, 5, 5, 1], 11), [4, 3, 3, 1]);
    assert.deepEqual(allocateAudit([2, 7, 5, 1], 10), [2, 4, 3, 1]);
    // A census: every sample.
    assert.deepEqual(allocateAudit([2, 7, 5, 1], 15), [2, 7, 5, 1]);
    assert.deepEqual(allocateAudit([2, 7, 5, 1], 40), [2, 7, 5, 1]);
    assert.deepEqual(allocateAudit([0, 0, 3, 0], 1), [0, 0, 1, 0]);
    assert.throws(() => allocateAudit([1, 1, 1, 1], 0), RangeError);
  });

  it('strata: kept is weight > 0, correct the checker', () => {
    assert.deepEqual([...auditStrata(Float64Array.of(1, 0.2, 0, 0), Uint8Array.of(1, 0, 1, 0))], [0, 1, 2, 3]);
  });

  it('is reproducible from its seed, draws n_h from each stratum, and interleaves the strata', () => {
    const strata = Uint8Array.from({ length: 60 }, (_, r) => r % 4);
    const a = drawAudit(strata, 20, 7);
    assert.deepEqual(a, drawAudit(strata, 20, 7));
    assert.notDeepEqual([...a.order], [...drawAudit(strata, 20, 8).order]);
    assert.deepEqual(a.sizes, [15, 15, 15, 15]);
    assert.deepEqual(a.allocation, [5, 5, 5, 5]);
    assert.equal(new Set(a.order).size, 20);
    for (let h = 0; h < 4; h++) assert.equal([...a.order].filter((r) => strata[r] === h).length, 5);
    a.order.forEach((row, at) => assert.equal(a.position[row], at));
    assert.equal([...a.position].filter((p) => p >= 0).length, 20);
    // The labelling order does not go stratum by stratum.
    assert.notDeepEqual([...a.order].map((r) => strata[r]), [...a.order].map((r) => strata[r]).sort());
  });

  it('gives every sample of a stratum the same chance to be drawn (a simple random sample per stratum)', () => {
    // Stratum 0 has 5 samples, 2 drawn: each is drawn with probability 2/5.
    const strata = Uint8Array.of(0, 0, 0, 0, 0, 1, 1, 2, 3);
    const drawn = new Float64Array(5);
    const seeds = 4000;
    for (let seed = 0; seed < seeds; seed++) {
      const d = drawAudit(strata, 5, seed);
      assert.deepEqual(d.allocation, [2, 1, 1, 1]);
      for (let r = 0; r < 5; r++) if ((d.position[r] as number) >= 0) drawn[r] = (drawn[r] as number) + 1;
    }
    // Binomial(4000, 0.4): sd ≈ 31; 0.4 ± 0.03 is more than 3.8 sd.
    for (const count of drawn) assert.ok(Math.abs(count / seeds - 0.4) < 0.03, `drawn ${count} of ${seeds} times`);
  });
});

describe("audit: Cohen's κ", () => {
  it('the textbook case: 20 both yes, 5 rater only, 10 human only, 15 both no', () => {
    const k = cohensKappa({ bothCorrect: 20 / 50, raterCorrectHumanIncorrect: 5 / 50, raterIncorrectHumanCorrect: 10 / 50, bothIncorrect: 15 / 50 });
    assertClose(k.agreement, 0.7);
    assertClose(k.raterPositive, 0.5);
    assertClose(k.prevalence, 0.6);
    assertClose(k.chance, 0.5);
    assertClose(k.kappa, 0.4);
  });

  it('is undefined when both always give the same one verdict (chance agreement 1)', () => {
    assert.equal(cohensKappa({ bothCorrect: 1, raterCorrectHumanIncorrect: 0, raterIncorrectHumanCorrect: 0, bothIncorrect: 0 }).kappa, null);
    assert.equal(cohensKappa({ bothCorrect: 0, raterCorrectHumanIncorrect: 0, raterIncorrectHumanCorrect: 0, bothIncorrect: 1 }).kappa, null);
    // A rater that always says correct facing a human who does not: κ = 0, however often they agree.
    const k = cohensKappa({ bothCorrect: 0.9, raterCorrectHumanIncorrect: 0.1, raterIncorrectHumanCorrect: 0, bothIncorrect: 0 });
    assertClose(k.agreement, 0.9);
    assert.equal(k.kappa, 0);
  });
});

describe('audit: the estimates', () => {
  it('a census of two tasks: κ and the corrected gap equal the statistics of the human truth', () => {
    // Task A: checker [1,1,0,0], kept [1,0,1,0]; task B: checker [1,0], kept [1,0]. Human [1,0,1,0 | 1,0]:
    // the checker was wrong on A#1 and A#2. Checker: accuracy 0.5, filtered (0.5 + 1)/2 = 0.75, gap 0.25.
    // Human: accuracy 0.5, filtered (1 + 1)/2 = 1, gap 0.5.
    const rows = { starts: Int32Array.of(0, 4, 6), correct: Uint8Array.of(1, 1, 0, 0, 1, 0), weights: Float64Array.of(1, 0, 1, 0, 1, 0) };
    const prepared = prepareAudit(rows, 6, 0, NO_BOOTSTRAP);
    assert.deepEqual(prepared.draw.allocation, prepared.draw.sizes);
    const human = Int8Array.of(1, 0, 1, 0, 1, 0);
    const r = evaluateAudit(prepared, human, 0, NO_BOOTSTRAP);
    assert.deepEqual([r.samples, r.drawn, r.labelled, r.estimatesUnavailable, r.intervalsUnavailable], [6, 6, 6, null, null]);
    assert.deepEqual(r.corrected.accuracy.checker, 0.5);
    assert.deepEqual(r.corrected.filteredAccuracy.checker, 0.75);
    assertClose(r.corrected.gap.checker, 0.25);
    // Coefficients: A 1/8 (accuracy), w/4 (filtered); B 1/4, w/2. A#1: d = −1, A#2: d = +1.
    assertClose(r.corrected.accuracy.correction, -1 / 8 + 1 / 8);
    assertClose(r.corrected.filteredAccuracy.correction, 0 + 1 / 4);
    assertClose(r.corrected.gap.correction, 1 / 4);
    assertClose(r.corrected.accuracy.value, 0.5);
    assertClose(r.corrected.filteredAccuracy.value, 1);
    assertClose(r.corrected.gap.value, 0.5);
    // Verifier: kept {A0, A2, B0} = human-correct {A0, A2, B0}: perfect, κ = 1.
    assert.deepEqual(
      [r.agreement.verifier.kappa, r.agreement.verifier.agreement, r.agreement.verifier.prevalence, r.agreement.verifier.raterPositive, r.agreement.verifier.chance],
      [1, 1, 0.5, 0.5, 0.5],
    );
    // Checker: correct {A0, A1, B0}: 4 of 6 agree, base rates 1/2 and 1/2, κ = (2/3 − 1/2)/(1/2) = 1/3.
    assertClose(r.agreement.checker.agreement, 2 / 3);
    assertClose(r.agreement.checker.kappa, 1 / 3);
    assert.deepEqual(r.agreement.checker.labels, { bothCorrect: 2, raterCorrectHumanIncorrect: 1, raterIncorrectHumanCorrect: 1, bothIncorrect: 2 });
    // 0 resamples: [point, point]; the checker intervals too, so the combination is the point.
    assert.deepEqual(r.corrected.gap.ci, [r.corrected.gap.value, r.corrected.gap.value]);
    assert.deepEqual(r.agreement.checker.ci.kappa, [r.agreement.checker.kappa, r.agreement.checker.kappa]);
  });

  it('a stratified sample: every label stands for N_h / l_h samples of its stratum (hand-computed)', () => {
    const prepared = prepareAudit(oneTask(), 6, 11, NO_BOOTSTRAP);
    assert.deepEqual(prepared.draw.sizes, [4, 2, 2, 4]);
    assert.deepEqual(prepared.draw.allocation, [2, 1, 1, 2]);
    // kept-correct: one correct, one not; kept-incorrect: correct after all; dropped-correct: incorrect; dropped-incorrect: incorrect.
    const human = labelDrawn(prepared, [[1, 0], [1], [0], [0, 0]]);
    const r = evaluateAudit(prepared, human, 0, NO_BOOTSTRAP);
    assert.deepEqual(r.strata.map((s) => [s.stratum, s.samples, s.drawn, s.labelled, s.humanCorrect]), [
      ['kept-correct', 4, 2, 2, 1],
      ['kept-incorrect', 2, 1, 1, 1],
      ['dropped-correct', 2, 1, 1, 0],
      ['dropped-incorrect', 4, 2, 2, 0],
    ]);
    // Every label weighs 2. Verifier table: both correct 4·½ + 2·1 = 4, kept but human-incorrect 2, dropped but
    // human-correct 0, both incorrect 2 + 4 = 6 (of 12): p_o = 5/6, ρ = 1/2, π = 1/3, p_e = 1/2, κ = 2/3.
    const v = r.agreement.verifier;
    assertClose(v.agreement, 5 / 6);
    assertClose(v.raterPositive, 1 / 2);
    assertClose(v.prevalence, 1 / 3);
    assertClose(v.chance, 1 / 2);
    assertClose(v.kappa, 2 / 3);
    // Checker table: both correct 2, checker-only 2 + 2 = 4, human-only 2, both incorrect 4: p_o = 1/2, κ = 0.
    assertClose(r.agreement.checker.agreement, 1 / 2);
    assertClose(r.agreement.checker.kappa, 0);
    // The unweighted label counts.
    assert.deepEqual(v.labels, { bothCorrect: 2, raterCorrectHumanIncorrect: 1, raterIncorrectHumanCorrect: 0, bothIncorrect: 3 });
    // d: one −1 in kept-correct, +1 in kept-incorrect, −1 in dropped-correct; weight 2 each.
    // accuracy: 2·(−1/12) + 2·(1/12) + 2·(−1/12) = −1/6; filtered: 2·(−1/6) + 2·(1/6) + 0 = 0; gap: +1/6.
    assertClose(r.corrected.accuracy.correction, -1 / 6);
    assertClose(r.corrected.filteredAccuracy.correction, 0);
    assertClose(r.corrected.gap.correction, 1 / 6);
    assertClose(r.corrected.accuracy.value, 1 / 3, 'one task: the pooled human-correct share, π');
    assertClose(r.corrected.filteredAccuracy.value, 2 / 3, 'estimated kept-and-correct 4 of 6 kept');
    assertClose(r.corrected.gap.value, 1 / 3);
    // Two strata have one label each and are not labelled in full: no interval.
    assert.equal(r.intervalsUnavailable, 'stratum kept-incorrect has 1 label: an interval needs 2 in every stratum not labelled in full');
    assert.equal(r.corrected.gap.ci, null);
    assert.equal(r.agreement.verifier.ci.kappa, null);
  });

  it('no estimate until every stratum with samples has a label; the corrected gap moves with the labels as defined', () => {
    const prepared = prepareAudit(oneTask(), 8, 3, NO_BOOTSTRAP);
    assert.deepEqual(prepared.draw.allocation, [2, 2, 2, 2]);
    const partial = evaluateAudit(prepared, labelDrawn(prepared, [[1, 1], [0], [1], []]), 0, NO_BOOTSTRAP);
    assert.equal(partial.estimatesUnavailable, 'stratum dropped-incorrect has no label yet (2 drawn of 4)');
    assert.equal(partial.labelled, 4);
    assert.deepEqual([partial.agreement.verifier.kappa, partial.corrected.gap.value, partial.corrected.gap.ci], [null, null, null]);
    assert.equal(partial.corrected.gap.checker, 4 / 6 - 6 / 12, 'the checker value is there all the same');

    // Labels that agree with the checker everywhere: no correction.
    const agree = evaluateAudit(prepared, labelDrawn(prepared, [[1, 1], [0, 0], [1, 1], [0, 0]]), 0, NO_BOOTSTRAP);
    assert.equal(agree.corrected.gap.correction, 0);
    assert.equal(agree.corrected.gap.value, agree.corrected.gap.checker);
    assertClose(agree.agreement.checker.kappa, 1);
    // One dropped-correct sample found incorrect (of 2 labels, weight 1 each): the gap grows by 1·(1/12).
    const dropped = evaluateAudit(prepared, labelDrawn(prepared, [[1, 1], [0, 0], [0, 1], [0, 0]]), 0, NO_BOOTSTRAP);
    assertClose(dropped.corrected.gap.correction, 1 / 12);
    assertClose(dropped.corrected.accuracy.correction, -1 / 12);
    // One kept-incorrect sample found correct: the gap grows by 1·(1/6 − 1/12).
    const kept = evaluateAudit(prepared, labelDrawn(prepared, [[1, 1], [1, 0], [1, 1], [0, 0]]), 0, NO_BOOTSTRAP);
    assertClose(kept.corrected.gap.correction, 1 / 12);
    assertClose(kept.corrected.filteredAccuracy.correction, 1 / 6);
  });

  it('intervals: the stratified label bootstrap, reproducible; a stratum labelled in full adds no error', () => {
    const prepared = prepareAudit(oneTask(), 8, 3, { resamples: 200, seed: 5, level: 0.95 });
    const human = labelDrawn(prepared, [[1, 0], [1, 0], [0, 1], [0, 0]]);
    const options = { resamples: 200, seed: 5, level: 0.95 };
    const r = evaluateAudit(prepared, human, 0, options);
    assert.equal(r.intervalsUnavailable, null);
    assert.deepEqual(r, evaluateAudit(prepared, human, 0, options));
    const ci = r.corrected.gap.correctionCi as [number, number];
    assert.ok(ci[0] <= (r.corrected.gap.correction as number) && (r.corrected.gap.correction as number) <= ci[1], `${ci}`);
    assert.ok(ci[1] > ci[0], 'labels that vary within strata give an interval of some width');

    // Label every sample of the kept-incorrect and dropped-correct strata (a census there) and agree with
    // the checker in the other two: nothing varies, every interval is a point.
    const census = prepareAudit(oneTask(), 12, 3, options);
    const all = labelDrawn(census, [[1, 1, 1, 1], [0, 0], [1, 1], [0, 0, 0, 0]]);
    const c = evaluateAudit(census, all, 0, options);
    assert.deepEqual(c.corrected.gap.correctionCi, [0, 0]);
    // The corrected interval is then the checker's task-bootstrap interval, shifted by the correction (0 here).
    assert.deepEqual(c.corrected.gap.ci, c.corrected.gap.checkerCi);
  });
});


describe('audit: against naive implementations of the definitions', () => {
  /** Water-filling, one label at a time: to the open stratum with the fewest, ties to the larger stratum, then stratum order. */
  function naiveAllocation(sizes: readonly number[], size: number): number[] {
    const a = sizes.map(() => 0);
    for (let k = 0; k < size; k++) {
      let best = -1;
      sizes.forEach((n, h) => {
        if ((a[h] as number) >= n) return;
        if (best < 0 || (a[h] as number) < (a[best] as number) || (a[h] === a[best] && n > (sizes[best] as number))) best = h;
      });
      if (best < 0) break;
      a[best] = (a[best] as number) + 1;
    }
    return a;
  }

  it('allocation equals water-filling one label at a time', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(12), { minLength: 4, maxLength: 4 }), fc.integer({ min: 1, max: 50 }), (sizes, size) => {
        assert.deepEqual(allocateAudit(sizes, size), naiveAllocation(sizes, size));
      }),
    );
  });

  it('the draw is the documented sequence of Fisher–Yates swaps from createRng("audit:" + seed)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(3), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 30 }), fc.nat(0xffffffff), (strataList, size, seed) => {
        const strata = Uint8Array.from(strataList);
        const rng = createRng(`audit:${seed}`);
        const members = AUDIT_STRATA.map((_, h) => strataList.flatMap((s, row) => (s === h ? [row] : [])));
        const allocation = allocateAudit(members.map((m) => m.length), size);
        const drawn: number[] = [];
        members.forEach((rows, h) => {
          for (let j = 0; j < (allocation[h] as number); j++) {
            const k = j + rng.int(rows.length - j);
            [rows[j], rows[k]] = [rows[k] as number, rows[j] as number];
          }
          drawn.push(...rows.slice(0, allocation[h]));
        });
        for (let j = 0; j < drawn.length - 1; j++) {
          const k = j + rng.int(drawn.length - j);
          [drawn[j], drawn[k]] = [drawn[k] as number, drawn[j] as number];
        }
        assert.deepEqual([...drawAudit(strata, size, seed).order], drawn);
      }),
    );
  });

  const STATS = ['accuracy', 'filteredAccuracy', 'gap'] as const;
  const AT = '2026-11-24T10:00:00.000Z';
  const exact = { resamples: 0, seed: 0, level: 0.95 };

  /** The report's statistic on a truth: computeReport over the samples with some verdicts replaced. */
  function statOn(samples: readonly ScoredSample[], plan: AuditPlan, truth: ReadonlyMap<string, boolean>): Record<(typeof STATS)[number], number> {
    const changed = samples.map((s) => ({ ...s, correct: truth.get(sampleKey(s.task, s.index)) ?? s.correct }));
    const r = computeReport(changed, { selector: parseSelector(plan.selector), filter: parseFilter(plan.filter), bootstrap: exact });
    return { accuracy: r.accuracy, filteredAccuracy: r.filteredAccuracy as number, gap: r.gap as number };
  }

  it('κ, agreement, base rates and the corrections equal a naive weighted count and computeReport on the changed truth (random runs)', () => {
    fc.assert(
      fc.property(
        runArb,
        fc.integer({ min: 4, max: 30 }),
        fc.nat(1000),
        fc.array(fc.boolean(), { minLength: 48, maxLength: 48 }),
        // Mostly enough labels for estimates (every stratum labelled); sometimes too few.
        fc.oneof(fc.constant(1), fc.double({ min: 0.6, max: 1, noNaN: true }), fc.double({ min: 0, max: 0.6, noNaN: true })),
        fc.constantFrom('quantile:0.5', 'threshold:0.5', 'topk:2', 'exp:0.3'),
        (samples, size, seed, verdicts, share, filter) => {
          const plan: AuditPlan = { id: 'a', seed, size, selector: 'mc', filter };
          const data = buildPool(samples);
          let file: AuditFile;
          try {
            file = drawNewAudit(data, plan, new Date(AT));
          } catch {
            return; // mc scored nothing: no audit (tested below)
          }
          const labelled = file.samples.slice(0, Math.ceil(share * file.samples.length));
          const annotations: AnnotationRecord[] = labelled.map((d, i) => ({ v: 2, task: d.task, index: d.index, human: verdicts[i] ? 'correct' : 'incorrect', audit: { id: 'a', stratum: d.stratum }, note: '', at: AT }));
          const r = auditOf(data, file, annotations, exact).result;
          assert.ok(r);

          // Naive: the strata from weightsOf, each label weighing N_h / l_h.
          const weights = weightsOf(samples, parseSelector('mc'), parseFilter(filter), sampleKey);
          const byKey = new Map(samples.map((s) => [sampleKey(s.task, s.index), s]));
          const kept = (key: string): boolean => (weights.get(key) as number) > 0;
          const stratum = (key: string): number => (kept(key) ? 0 : 2) + ((byKey.get(key) as ScoredSample).correct ? 0 : 1);
          const N = [0, 0, 0, 0];
          for (const key of byKey.keys()) N[stratum(key)] = (N[stratum(key)] as number) + 1;
          const l = [0, 0, 0, 0];
          for (const a of annotations) l[stratum(sampleKey(a.task, a.index))] = (l[stratum(sampleKey(a.task, a.index))] as number) + 1;
          assert.deepEqual(r.strata.map((s) => s.samples), N);
          assert.deepEqual(r.strata.map((s) => s.labelled), l);
          if (N.some((n, h) => n > 0 && l[h] === 0)) {
            assert.notEqual(r.estimatesUnavailable, null);
            assert.equal(r.corrected.gap.value, null);
            assert.equal(r.agreement.verifier.kappa, null);
            return;
          }
          const base = statOn(samples, plan, new Map());
          const correction = { accuracy: 0, filteredAccuracy: 0, gap: 0 };
          const tables = { verifier: [0, 0, 0, 0], checker: [0, 0, 0, 0] }; // cc, ci, ic, ii: rater × human
          for (const a of annotations) {
            const key = sampleKey(a.task, a.index);
            const h = stratum(key);
            const w = (N[h] as number) / (l[h] as number);
            const human = a.human === 'correct';
            const flipped = statOn(samples, plan, new Map([[key, human]]));
            for (const stat of STATS) correction[stat] += w * (flipped[stat] - base[stat]);
            const says = { verifier: kept(key), checker: (byKey.get(key) as ScoredSample).correct };
            for (const rater of ['verifier', 'checker'] as const) {
              const cell = (says[rater] ? 0 : 2) + (human ? 0 : 1);
              tables[rater][cell] = (tables[rater][cell] as number) + w / samples.length;
            }
          }
          for (const stat of STATS) {
            assertClose(r.corrected[stat].checker, base[stat], `${stat} on the checker`);
            assertClose(r.corrected[stat].correction, correction[stat], `${stat} correction`);
            assertClose(r.corrected[stat].value, base[stat] + correction[stat], `${stat} corrected`);
          }
          for (const rater of ['verifier', 'checker'] as const) {
            const [cc, ci, ic, ii] = tables[rater] as [number, number, number, number];
            const rho = cc + ci;
            const pi = cc + ic;
            const pe = rho * pi + (1 - rho) * (1 - pi);
            const agreed: Agreement = r.agreement[rater];
            assertClose(agreed.agreement, cc + ii, `${rater} agreement`);
            assertClose(agreed.prevalence, pi, `${rater} prevalence`);
            assertClose(agreed.raterPositive, rho, `${rater} positive`);
            assertClose(agreed.chance, pe, `${rater} chance`);
            if (Math.abs(1 - pe) < 1e-12) assert.equal(agreed.kappa, null);
            else assertClose(agreed.kappa, (cc + ii - pe) / (1 - pe), `${rater} κ`);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('the shares and the corrections are unbiased: averaged over every possible set of labels they are the census values', () => {
    // oneTask: strata rows [0–3], [4, 5], [6, 7], [8–11]; label 2, 1, 1, 2 of them in every possible way (6·2·2·6 = 144 sets).
    const truth = Int8Array.of(1, 0, 1, 1, 1, 0, 0, 1, 0, 1, 0, 0);
    const census = prepareAudit(oneTask(), 12, 0, NO_BOOTSTRAP);
    const full = evaluateAudit(census, truth, 0, NO_BOOTSTRAP);
    const members = [[0, 1, 2, 3], [4, 5], [6, 7], [8, 9, 10, 11]];
    const choices = members.map((rows, h) => kSubsets(rows.length, [2, 1, 1, 2][h] as number).map((pick) => pick.map((i) => rows[i] as number)));
    const keys = ['accuracy', 'filteredAccuracy', 'gap', 'verifierAgreement', 'checkerAgreement', 'prevalence'] as const;
    const sums = Object.fromEntries(keys.map((k) => [k, 0])) as Record<(typeof keys)[number], number>;
    let sets = 0;
    for (const a of choices[0] ?? []) for (const b of choices[1] ?? []) for (const c of choices[2] ?? []) for (const d of choices[3] ?? []) {
      const human = new Int8Array(12).fill(-1);
      for (const row of [...a, ...b, ...c, ...d]) human[row] = truth[row] as number;
      const r = evaluateAudit(census, human, 0, NO_BOOTSTRAP);
      sums.accuracy += r.corrected.accuracy.correction as number;
      sums.filteredAccuracy += r.corrected.filteredAccuracy.correction as number;
      sums.gap += r.corrected.gap.correction as number;
      sums.verifierAgreement += r.agreement.verifier.agreement as number;
      sums.checkerAgreement += r.agreement.checker.agreement as number;
      sums.prevalence += r.agreement.verifier.prevalence as number;
      sets++;
    }
    assert.equal(sets, 144);
    assertClose(sums.accuracy / sets, full.corrected.accuracy.correction as number);
    assertClose(sums.filteredAccuracy / sets, full.corrected.filteredAccuracy.correction as number);
    assertClose(sums.gap / sets, full.corrected.gap.correction as number);
    assertClose(sums.verifierAgreement / sets, full.agreement.verifier.agreement as number);
    assertClose(sums.checkerAgreement / sets, full.agreement.checker.agreement as number);
    assertClose(sums.prevalence / sets, full.agreement.verifier.prevalence as number);
  });

  it('the label bootstrap: numpy-linear percentiles of the corrections of stratified resamples drawn as documented', () => {
    const options = { resamples: 40, seed: 3, level: 0.9 };
    const prepared = prepareAudit(oneTask(), 10, 3, options);
    assert.deepEqual(prepared.draw.allocation, [3, 2, 2, 3]);
    const human = labelDrawn(prepared, [[1, 0, 1], [1, 0], [0, 1], [0, 1, 0]]);
    const r = evaluateAudit(prepared, human, 0, options);
    // oneTask's coefficients: accuracy 1/12 everywhere; filtered 1/6 on the kept rows 0–5, 0 on the others.
    const correct = [1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0];
    const gapCoefficient = (row: number): number => (row < 6 ? 1 / 6 : 0) - 1 / 12;
    const N = [4, 2, 2, 4];
    const stratumRows = [[0, 1, 2, 3], [4, 5], [6, 7], [8, 9, 10, 11]].map((rows) => rows.filter((row) => (human[row] as number) >= 0));
    const rng = createRng('audit-bootstrap:3');
    const values: number[] = [];
    for (let b = 0; b < options.resamples; b++) {
      let total = 0;
      stratumRows.forEach((rows, h) => {
        // Strata 1 and 2 are labelled in full (2 of 2): they stay as they are.
        const picks = rows.length === N[h] ? rows : rows.map(() => rows[Math.floor(rng.next() * rows.length)] as number);
        for (const row of picks) total += ((N[h] as number) / rows.length) * gapCoefficient(row) * ((human[row] as number) - (correct[row] as number));
      });
      values.push(total);
    }
    values.sort((x, y) => x - y);
    const quantile = (q: number): number => {
      const h = (values.length - 1) * q;
      const lo = Math.floor(h);
      return (values[lo] as number) + ((values[Math.min(lo + 1, values.length - 1)] as number) - (values[lo] as number)) * (h - lo);
    };
    const ci = r.corrected.gap.correctionCi;
    assert.ok(ci);
    assertClose(ci[0], quantile(0.05));
    assertClose(ci[1], quantile(0.95));
    // The corrected statistic's interval: the two margins in quadrature, each side on its own.
    const g = r.corrected.gap;
    const [t0, t1] = g.checkerCi as [number, number];
    const v = g.value as number;
    const d = g.correction as number;
    assert.deepEqual(g.ci, [v - Math.hypot(g.checker - t0, d - ci[0]), v + Math.hypot(t1 - g.checker, ci[1] - d)]);
  });
});

describe('audit: from audit.json and annotations', () => {
  // Two tasks: A checker [1,1,0,0] mc [0.9,0.2,0.8,0.1]; B checker [1,0] mc [0.7,0.3].
  const samples: ScoredSample[] = [
    sample('A', 0, true, { mc: 0.9 }), sample('A', 1, true, { mc: 0.2 }), sample('A', 2, false, { mc: 0.8 }), sample('A', 3, false, { mc: 0.1 }),
    sample('B', 0, true, { mc: 0.7 }), sample('B', 1, false, { mc: 0.3 }),
  ];
  const plan: AuditPlan = { id: 'audit-1', seed: 9, size: 6, selector: 'mc', filter: 'threshold:0.5' };
  const at = new Date('2026-11-24T10:00:00.000Z');
  const data: AuditData = buildPool(samples);
  const file = drawNewAudit(data, plan, at);
  /** A label of `audit` on a drawn sample, with the stratum it was drawn from. */
  const auditLabel = (audit: AuditFile, task: string, index: number, human: HumanVerdict, extra: Partial<AnnotationRecord> = {}): AnnotationRecord => {
    const drawn = audit.samples.find((s) => s.task === task && s.index === index);
    assert.ok(drawn, `${task}#${index} is drawn`);
    return { v: 2, task, index, human, audit: { id: audit.id, stratum: drawn.stratum }, note: '', at: '2026-11-24T10:01:00.000Z', ...extra };
  };
  const label = (task: string, index: number, human: HumanVerdict, extra: Partial<AnnotationRecord> = {}): AnnotationRecord => auditLabel(file, task, index, human, extra);
  const asGraded = (s: ScoredSample): HumanVerdict => (s.correct ? 'correct' : 'incorrect');

  it('draws into audit.json form: the plan, N_h and the samples in labelling order with their strata', () => {
    assert.deepEqual({ ...file, samples: undefined }, { v: 1, ...plan, at: at.toISOString(), strata: [2, 1, 1, 2], samples: undefined });
    // A census (size 6 of 6): every sample once, each with its stratum.
    assert.deepEqual(
      file.samples.map((s) => `${s.task}#${s.index} ${s.stratum}`).sort(),
      ['A#0 kept-correct', 'A#1 dropped-correct', 'A#2 kept-incorrect', 'A#3 dropped-incorrect', 'B#0 kept-correct', 'B#1 dropped-incorrect'],
    );
    assert.deepEqual(drawNewAudit(data, plan, at), file, 'reproducible from the plan');
  });

  it('reads the last label of each sample, and its checker values are the report’s', () => {
    const annotations: AnnotationRecord[] = [
      label('A', 1, 'correct'),
      label('A', 1, 'incorrect', { cause: 'checker-wrong' }),
      label('A', 2, 'correct', { cause: 'gold-wrong' }),
      ...samples.filter((s) => !['A#1', 'A#2'].includes(`${s.task}#${s.index}`)).map((s) => label(s.task, s.index, asGraded(s))),
      // Not an audit label: ignored by the audit.
      { v: 1, task: 'B', index: 0, cause: 'verifier-wrong', note: '', at: '2026-11-24T10:02:00.000Z' },
    ];
    const resamples = { resamples: 200, seed: 4, level: 0.95 };
    const audit = auditOf(data, file, annotations, resamples);
    assert.deepEqual(audit.plan, { ...plan, at: at.toISOString() });
    assert.deepEqual([audit.labels, audit.unavailable], [6, null]);
    const r = audit.result;
    assert.ok(r);
    assert.deepEqual([r.samples, r.drawn, r.labelled, r.ignoredLabels], [6, 6, 6, 0]);
    const report = computeReport(samples, { selector: parseSelector('mc'), filter: parseFilter('threshold:0.5'), bootstrap: resamples });
    assert.equal(r.corrected.accuracy.checker, report.accuracy);
    assert.equal(r.corrected.gap.checker, report.gap);
    assert.deepEqual(r.corrected.gap.checkerCi, report.ci.gap, 'the report’s task bootstrap');
    assert.deepEqual(r.ci, { level: 0.95, resamples: 200, seed: 4 });
    // The census case by hand: human [1,0,1,0 | 1,0]; checker accuracy 0.5, filtered 0.75, gap 0.25; human gap 0.5.
    assertClose(r.corrected.gap.value, 0.5);
    assertClose(r.agreement.checker.kappa, 1 / 3);
    assert.equal(r.agreement.verifier.kappa, 1);
    // A census has no sampling error: the correction's interval is a point.
    assert.deepEqual(r.corrected.gap.correctionCi, [0.25, 0.25]);
  });

  it('no label yet: the draw and the checker values, every estimate null with the reason', () => {
    const audit = auditOf(data, file, [], NO_BOOTSTRAP);
    const r = audit.result;
    assert.ok(r);
    assert.deepEqual([audit.labels, r.labelled, r.drawn], [0, 0, 6]);
    assert.equal(r.estimatesUnavailable, 'stratum kept-correct has no label yet (2 drawn of 2)');
    assert.equal(r.intervalsUnavailable, r.estimatesUnavailable);
    assert.equal(r.agreement.verifier.kappa, null);
    assert.equal(r.agreement.verifier.kappaUnavailable, r.estimatesUnavailable);
    assert.deepEqual([r.corrected.gap.value, r.corrected.gap.correction, r.corrected.gap.ci], [null, null, null]);
    assert.equal(r.corrected.gap.checker, 0.25);
  });

  it('ignores labels of another stratum or of a sample not drawn; counts them', () => {
    const small = drawNewAudit(data, { ...plan, size: 4 }, at);
    assert.equal(small.samples.length, 4);
    const notDrawn = samples.find((s) => !small.samples.some((d) => d.task === s.task && d.index === s.index)) as ScoredSample;
    const first = small.samples[0];
    assert.ok(first);
    const wrongStratum = AUDIT_STRATA.find((h) => h !== first.stratum) as (typeof AUDIT_STRATA)[number];
    const annotations: AnnotationRecord[] = [
      { v: 2, task: first.task, index: first.index, human: 'correct', audit: { id: small.id, stratum: wrongStratum }, note: '', at: '2026-11-24T10:01:00.000Z' },
      { v: 2, task: notDrawn.task, index: notDrawn.index, human: 'correct', audit: { id: small.id, stratum: 'kept-correct' }, note: '', at: '2026-11-24T10:01:00.000Z' },
    ];
    const audit = auditOf(data, small, annotations, NO_BOOTSTRAP);
    assert.deepEqual([audit.labels, audit.result?.labelled, audit.result?.ignoredLabels], [2, 0, 2]);
  });

  it('a verifier that keeps everything: two strata empty, estimates from the others; κ undefined with its reason, never 0', () => {
    const everything = drawNewAudit(data, { ...plan, filter: 'threshold:0' }, at);
    assert.deepEqual(everything.strata, [3, 3, 0, 0]);
    const allCorrect = samples.map((s) => auditLabel(everything, s.task, s.index, 'correct'));
    const r = auditOf(data, everything, allCorrect, NO_BOOTSTRAP).result;
    assert.ok(r);
    assert.equal(r.estimatesUnavailable, null);
    assert.equal(r.agreement.verifier.kappa, null);
    assert.equal(r.agreement.verifier.kappaUnavailable, 'undefined: the verifier calls every sample correct and so does every label (chance agreement 1)');
    assert.deepEqual([r.agreement.verifier.agreement, r.agreement.verifier.chance], [1, 1]);
    // The checker calls half of them incorrect: κ = 0 (its agreement 1/2 is what chance gives), not undefined.
    assert.equal(r.agreement.checker.kappa, 0);
    assert.equal(r.agreement.checker.kappaUnavailable, null);
    // Every sample correct: accuracy 1; the filter keeps everything, so the gap is 0.
    assertClose(r.corrected.accuracy.value, 1);
    assertClose(r.corrected.gap.value, 0);
  });

  it('says why an audit cannot be evaluated: the run changed since the draw, the plan does not fit the data', () => {
    const changed = buildPool(samples.map((s) => (s.task === 'A' && s.index === 1 ? { ...s, scores: { mc: 0.95 } } : s)));
    assert.match(auditOf(changed, file, [], NO_BOOTSTRAP).unavailable ?? '', /^the run's samples are not those the audit was drawn from: drawn again from its plan, the strata hold 3, 1, 0, 2 samples \(at the draw 2, 1, 1, 2\)/);
    assert.match(auditOf(data, { ...file, selector: 'cot' }, [], NO_BOOTSTRAP).unavailable ?? '', /reads cot, which this run does not have/);
    assert.match(auditOf(data, { ...file, filter: 'quantile:7' }, [], NO_BOOTSTRAP).unavailable ?? '', /do not parse/);
    const unscored = buildPool(samples.map((s) => ({ ...s, scores: { mc: null } })));
    assert.equal(auditOf(unscored, file, [], NO_BOOTSTRAP).unavailable, 'not measured: mc scored no sample, so the verifier kept and dropped nothing');
    assert.throws(() => drawNewAudit(unscored, plan, at), /^UserError: cannot draw the audit: not measured: mc scored no sample/);
  });

});
