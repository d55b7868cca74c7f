import assert from 'node:assert/strict';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { formatInterval, formatPercent, formatPoints, formatRate } from '../../../src/core/report/numbers';
import { samplesCoverage } from '../../../src/core/stats/coverage';
import { computeReport } from '../../../src/core/stats/report';
import type { ScoredSample } from '../../../src/core/stats/types';
import type { VerifierQuality } from '../../../src/core/stats/verifierQuality';
import { PENDING, type QualityEntry } from '../../../webview/model/quality';
import { anyNText, biasAwareLine, oracleLines, qualityRows } from '../../../webview/model/qualityText';
import { handSamples } from '../../core/stats/fixtures';

const BOOTSTRAP = { resamples: 40, seed: 0, level: 0.95 };
const mc = parseSelector('mc');

function reportOf(samples: ScoredSample[], filter: string, verifiers = ['mc']) {
  return computeReport(samples, { selector: mc, filter: parseFilter(filter), bootstrap: BOOTSTRAP, verifiers });
}

const entry = (q: VerifierQuality, drawn = true): QualityEntry => {
  const { ci, ...point } = q;
  return { point, ci: drawn ? ci : PENDING };
};

describe('the panel’s quality and any-N texts', () => {
  it('prints each statistic and its interval as the report does, "[…]" while the interval is drawn', () => {
    const scored = handSamples().map((s) => (s.scores.mc === null ? { ...s, scores: { mc: 0.5 } } : s));
    const q = reportOf(scored, 'threshold:0.5').verifierQuality[0] as VerifierQuality;
    const [drawn] = qualityRows([entry(q)], mc, null);
    assert.ok(drawn);
    assert.deepEqual([drawn.selector, drawn.measure, drawn.coverage], ['mc', 'measured', '16 of 16']);
    const brier = drawn.cells.find((c) => c.key === 'brier');
    assert.deepEqual([brier?.value, brier?.interval], [formatRate(q.brier as number), formatInterval(q.ci.brier as [number, number], false)]);
    assert.match(drawn.cells.find((c) => c.key === 'aurc')?.title ?? '', /^area under the risk–coverage curve \(lower is better\); random ranking \d\.\d{4}, best possible \d\.\d{4}$/);
    const [pending] = qualityRows([entry(q, false)], mc, null);
    assert.deepEqual(pending?.cells.map((c) => c.interval), Array(7).fill('[…]'));
    assert.deepEqual(pending?.cells.map((c) => c.value), drawn.cells.map((c) => c.value));
  });

  it('a value that is undefined is "—" with why; a score that scored nothing is "—" with the reason core gives, never 0', () => {
    // Every sample correct: no incorrect sample, so specificity and balanced accuracy are undefined.
    const allCorrect = handSamples().map((s) => ({ ...s, correct: true, scores: { mc: s.scores.mc ?? 0.5 } }));
    const q = reportOf(allCorrect, 'threshold:0.5', ['mc', 'cot-binary']);
    const runState = { coverage: samplesCoverage(allCorrect), live: false };
    const [mcRow, binaryRow] = qualityRows(q.verifierQuality.map((e) => entry(e)), mc, runState);
    assert.deepEqual(
      mcRow?.cells.filter((c) => c.value === '—').map((c) => [c.key, c.title]),
      [
        ['specificity', 'undefined: no sample is incorrect'],
        ['balancedAccuracy', 'undefined: the samples are all correct or all incorrect'],
      ],
    );
    assert.deepEqual([binaryRow?.selector, binaryRow?.measure, binaryRow?.coverage], ['cot-binary', 'unmeasured', 'not measured: cot-binary scored 0 of 16 samples: 16 not verified']);
    assert.ok(binaryRow?.cells.every((c) => c.value === '—' && c.interval === '' && c.title === binaryRow.coverage));
    // Before the host's counts arrive, only the totals.
    assert.equal(qualityRows(q.verifierQuality.map((e) => entry(e)), mc, null)[1]?.coverage, 'not measured: cot-binary scored 0 of 16 samples');
  });

  it('a partly scored selector carries the partial note', () => {
    // The hand set has one unparsed mc output (A#3).
    const [row] = qualityRows([entry(reportOf(handSamples(), 'quantile:0.5').verifierQuality[0] as VerifierQuality)], mc, null);
    assert.deepEqual([row?.measure, row?.coverage], ['partial', 'partial: mc scored 15 of 16']);
    assert.ok(row?.cells.every((c) => /^\d\.\d{4}$/.test(c.value)), 'partial values are shown, with the note beside them');
  });

  it('says how each any-N point was computed: exact, or estimated with its standard error', () => {
    const anyN = reportOf(handSamples(), 'threshold:0.5').anyN;
    assert.ok(anyN);
    const exact = anyNText(anyN);
    assert.equal(exact.method, 'Exact at every k.');
    assert.deepEqual(exact.rows.map((r) => r.how), ['exact', 'exact', 'exact', 'exact']);
    const estimated = anyNText({ ...anyN, points: anyN.points.map((p) => (p.k === 3 ? { ...p, exact: false, standardError: 0.00421 } : p)) });
    assert.equal(estimated.method, `Exact where marked; otherwise estimated from ${anyN.draws} random subsets per task (seed 0), with its standard error.`);
    assert.equal(estimated.rows[2]?.how, 'estimated, ± 0.42 pp');
    const solved = anyNText({ ...anyN, points: anyN.points.map((p) => ({ ...p, relativeGap: null })) });
    assert.deepEqual([solved.rows[0]?.relativeGap, solved.rows[0]?.relativeGapTitle], ['—', 'undefined: every task has J(f|x) = 1']);
  });

  it('names the best-of-N shortfall as not the gap, and leaves it out when best-of-k is not measured', () => {
    const r = reportOf(handSamples(), 'threshold:0.5');
    const curves = { passAtK: r.passAtK, passAllK: r.passAllK, bestOfK: r.bestOfK ?? [] };
    assert.deepEqual(oracleLines(curves), [
      `pass@4 ${formatPercent(r.passAtK[3] as number)} (at least one of 4 correct), pass^4 ${formatPercent(r.passAllK[3] as number)} (all 4 correct)`,
      `Best-of-N shortfall (pass@4 − best-of-4, not the gap): ${formatPoints(r.bestOfNShortfall as number)} — what answering with the verifier’s favourite of 4 samples loses against an oracle that picks a correct one whenever there is one.`,
    ]);
    assert.equal(oracleLines({ ...curves, bestOfK: [] }).length, 1);
    assert.deepEqual(oracleLines({ passAtK: [], passAllK: [], bestOfK: [] }), []);
  });

  it('words the bias-aware gap as the HTML report does, or "—" and why there is none', () => {
    const threshold = reportOf(handSamples(), 'threshold:0.5').finiteN;
    assert.equal(biasAwareLine(threshold, 0.95), 'Bias-aware gap (2·gap(N) − gap(N/2), half-sample extrapolation): — (offered for quantile filters only, not threshold:0.5)');
    const quantile = reportOf(handSamples(), 'quantile:0.5').finiteN;
    const b = quantile.biasCorrected;
    assert.ok(b?.ci.gap);
    assert.match(biasAwareLine(quantile, 0.95), /^Bias-aware gap \(2·gap\(N\) − gap\(N\/2\), half-sample extrapolation\): [+−]?\d+\.\d\d pp, 95 % CI \[[+−]?\d+\.\d\d, [+−]?\d+\.\d\d\] pp; gap at N\/2 [+−]?\d+\.\d\d pp$/);
  });
});
