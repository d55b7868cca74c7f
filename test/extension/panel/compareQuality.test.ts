import assert from 'node:assert/strict';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { formatIn, formatInterval, formatPercent, formatPoints, formatRange, formatRate } from '../../../src/core/report/numbers';
import { assessReport } from '../../../src/core/stats/assessment';
import { samplesCoverage } from '../../../src/core/stats/coverage';
import { computeReport } from '../../../src/core/stats/report';
import type { ScoredSample } from '../../../src/core/stats/types';
import { createRng } from '../../../src/core/util/random';
import { compareQualitySection, type ComparedRun } from '../../../src/extension/panel/compareQuality';
import { compareHtml } from '../../../src/extension/panel/compareView';
import { balanceProblems } from '../../core/report/markupCheck';

/** A run of `tasks` × `n` samples whose mc score leans towards correctness by `skill` (0: none); `scored` false: every mc output failed to parse. */
function run(runId: string, model: string, opts: { tasks?: number; n?: number; skill?: number; seed: number; scored?: boolean; filter?: string }): ComparedRun {
  const rng = createRng(opts.seed);
  const samples: ScoredSample[] = [];
  for (let t = 0; t < (opts.tasks ?? 8); t++) {
    const p = rng.next();
    for (let i = 0; i < (opts.n ?? 8); i++) {
      const correct = rng.next() < p;
      const score = Math.round(Math.min(1, Math.max(0, rng.next() * (1 - (opts.skill ?? 0.5)) + (correct ? (opts.skill ?? 0.5) : 0))) * 20) / 20;
      samples.push({ task: `t${t}`, index: i, correct, scores: { mc: opts.scored === false ? null : score } });
    }
  }
  const selector = parseSelector('mc');
  const report = computeReport(samples, { selector, filter: parseFilter(opts.filter ?? 'quantile:0.5'), bootstrap: { resamples: 50, seed: 0, level: 0.95 } });
  return { runId, model, assessed: assessReport('run', report, selector, samplesCoverage(samples), false) };
}

const SMALL = run('r1', 'small', { seed: 1, skill: 0.2 });
const BIG = run('r2', 'big', { seed: 2, skill: 0.7, n: 32 });
const UNSURE = run('r3', 'unsure', { seed: 3, scored: false });

/** The cells of the row of `label` in the table that follows `heading`. */
function rowOf(page: string, heading: string, label: string): string {
  const table = page.slice(page.indexOf(heading));
  const start = table.indexOf(`<th scope="row">${label}<`);
  assert.ok(start >= 0, `no row ${label} under ${heading}`);
  return table.slice(start, table.indexOf('</tr>', start));
}

const QUALITY = '<h2>Can each verifier be believed?</h2>';
const ANY_N = '<h2>Was N large enough?</h2>';

describe('compare runs: verifier quality and any N side by side', () => {
  it("shows each run's calibration, ranking and filter quality with their intervals, as its report has them", () => {
    const page = compareQualitySection([SMALL, BIG]).toString();
    for (const r of [SMALL, BIG]) {
      const q = r.assessed.report.verifierQuality[0];
      assert.ok(q?.brier != null && q.ci.brier && q.aurc != null && q.ci.aurc && q.atFilter?.f1 != null && q.ci.f1);
      const row = rowOf(page, QUALITY, r.model);
      assert.ok(row.includes(`<td>${q.scored} of ${q.samples}</td>`));
      assert.ok(row.includes(`<span class="value">${formatRate(q.brier)}</span><div class="sub">${formatInterval(q.ci.brier, false)}</div>`), row);
      assert.ok(row.includes(`<span class="value">${formatRate(q.aurc)}</span><div class="sub">${formatInterval(q.ci.aurc, false)}</div>`));
      assert.ok(row.includes(`<span class="value">${formatRate(q.atFilter.f1)}</span><div class="sub">${formatInterval(q.ci.f1, false)}</div>`));
      assert.equal(row.match(/<td><span class="value">/g)?.length, 7, 'seven statistics');
    }
    assert.deepEqual(balanceProblems(page), []);
  });

  it('shows N, pass^N, the best-of-N shortfall (named as not the gap), the relative gap at N, the bias-aware gap and the finite-N warning', () => {
    const page = compareQualitySection([SMALL, BIG]).toString();
    assert.ok(page.includes('<th>Best-of-N shortfall (pass@N − best-of-N, not the gap)</th>'));
    const { report: small } = SMALL.assessed;
    const row = rowOf(page, ANY_N, 'small');
    assert.ok(row.includes(`<td>8</td><td><span class="value">${formatPercent(small.passAllK[7] as number)}</span></td><td><span class="value">${formatPoints(small.bestOfNShortfall as number)}</span></td>`), row);
    const last = small.anyN?.points.at(-1);
    assert.ok(row.includes(`<span class="value">${formatIn(last?.relativeGap as number, 'signed-percent')}</span>`));
    const bias = small.finiteN.biasCorrected;
    assert.ok(bias?.ci.gap);
    assert.ok(row.includes(`<span class="value">${formatPoints(bias.gap)}</span><div class="sub">${formatRange(bias.ci.gap, 'points')}</div>`));
    assert.ok(row.includes('few samples per task for quantile:0.5 (N = 8 &lt; 32)'));
    // 32 samples per task: no finite-N warning.
    assert.ok(rowOf(page, ANY_N, 'big').endsWith('<td class="text">—</td>'));
  });

  it('draws every run on the reliability, risk–coverage, gap and relative-gap charts, one colour per run throughout', () => {
    const page = compareQualitySection([SMALL, BIG]).toString();
    for (const title of ['Reliability: mean score against share correct, per run', 'Risk against coverage, per run', 'Gap against samples per task, per run', 'Relative gap against samples per task, per run']) {
      const start = page.indexOf(`<title>${title}</title>`);
      assert.ok(start >= 0, title);
      const chart = page.slice(start, page.indexOf('</svg>', start));
      assert.ok(chart.includes('<polyline class="line s-0"') && chart.includes('<polyline class="line s-1"'), title);
      assert.ok(chart.includes('>small</text>') && chart.includes('>big</text>'), `${title}: the legend names the runs`);
    }
    const gap = SMALL.assessed.report.anyN?.points[1];
    assert.ok(gap);
    assert.ok(page.includes(`<title>small: gap at k=2 ${formatPoints(gap.gap)}</title>`));
  });

  it('a run that scored nothing: "—" and the reason in every verifier cell, never 0, and left off the charts with why', () => {
    const page = compareQualitySection([SMALL, UNSURE]).toString();
    const why = 'not measured: mc scored 0 of 64 samples: 64 unparsable';
    const quality = rowOf(page, QUALITY, 'unsure');
    assert.equal(quality.match(new RegExp(`<td class="unmeasured"><span class="value">—</span><div class="sub">${why}</div></td>`, 'g'))?.length, 7);
    assert.doesNotMatch(quality, /\d\.\d{4}/);
    const anyN = rowOf(page, ANY_N, 'unsure');
    assert.ok(anyN.includes(`<span class="value">—</span><div class="sub">${why}</div>`), 'the shortfall and the relative gap at N');
    assert.ok(anyN.includes('<div class="sub">not measured: the selector scored no sample</div>'), 'no bias-aware gap');
    assert.ok(page.includes(`<p class="sub">Not on the charts: unsure: ${why}.</p>`));
    assert.doesNotMatch(page, /class="line s-1"/, 'only the run that scored is drawn');
  });

  it('names runs of the same model by their run id, and escapes every name', () => {
    const page = compareQualitySection([SMALL, { ...BIG, model: 'small' }, { ...UNSURE, model: '<img src=x onerror=alert(1)>' }]).toString();
    assert.ok(page.includes('<th scope="row">small (r1)<') && page.includes('<th scope="row">small (r2)<'));
    assert.doesNotMatch(page, /<img/);
    assert.ok(page.includes('&lt;img src=x onerror=alert(1)&gt;'));
  });

  it('is part of the Compare Runs page, styled for the charts, and absent without a run that has a report', () => {
    const page = compareHtml(
      [
        { ...SMALL, tasks: 'x' },
        { ...BIG, tasks: 'x' },
      ],
      { cspSource: 'https://webview.test', nonce: 'abc' },
    );
    assert.ok(page.includes(QUALITY) && page.includes(ANY_N));
    assert.ok(page.includes('polyline.line{fill:none;stroke:currentColor;stroke-width:2}'));
    assert.doesNotMatch(compareHtml([{ runId: 'r9', model: 'm', tasks: 'x', error: 'no samples yet' }], { cspSource: 'https://webview.test', nonce: 'abc' }), /Can each verifier be believed/);
  });
});
