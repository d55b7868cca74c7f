import assert from 'node:assert/strict';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { DEFAULT_SAMPLE_LIMITS, renderHtmlReport, type HtmlReportInput, type HtmlSampleRow } from '../../../src/core/report/html';
import { assessReport } from '../../../src/core/stats/assessment';
import { samplesCoverage, type RecordCoverage } from '../../../src/core/stats/coverage';
import { computeReport } from '../../../src/core/stats/report';
import type { ScoredSample } from '../../../src/core/stats/types';
import { UserError } from '../../../src/core/util/errors';
import { weightSummary } from '../../../src/core/report/weightTerms';
import { assessedOf, handInput, handReport, handSamples, inputWith, row } from './fixtures';
import { ALLOWED_TAGS, balanceProblems, tags } from './markupCheck';

/** The value and detail line of the summary card with this label. */
function card(page: string, label: string): { value: string; detail: string } {
  const escaped = label.replace(/[()[\]|.*+?]/g, '\\$&');
  const m = new RegExp(`>${escaped}</div><div class="value">(.*?)</div><div class="detail">(.*?)</div>`).exec(page);
  assert.ok(m, `no card "${label}"`);
  return { value: m[1] ?? '', detail: m[2] ?? '' };
}

/** The markup of one top-level section. */
function section(page: string, id: string): string {
  const start = page.indexOf(`<section id="${id}">`);
  assert.ok(start >= 0, `no section ${id}`);
  // Top-level sections contain only task sections, which are not followed by "\n<section id=".
  const end = page.indexOf('\n<section id="', start + 1);
  return page.slice(start, end === -1 ? page.indexOf('</main>') : end);
}

describe('renderHtmlReport', () => {
  describe('numbers of a hand-computed report', () => {
    const page = renderHtmlReport(handInput());

    it('shows the headline statistics with fixed precision and their intervals', () => {
      assert.deepEqual(card(page, 'Accuracy J(f)'), { value: '37.50 %', detail: '95 % CI [25.00, 50.00] %' });
      assert.deepEqual(card(page, 'Filtered accuracy J(f[w])'), { value: '50.00 %', detail: '95 % CI n/a (every resample gives the same value)' });
      assert.deepEqual(card(page, 'Gap'), { value: '+12.50 pp', detail: '95 % CI [−6.25, +25.00] pp' });
      assert.deepEqual(card(page, 'Relative gap'), { value: '+16.67 %', detail: '95 % CI [0.00, +33.33] %' });
      assert.equal(card(page, 'Retention').value, '50.00 %');
      assert.equal(card(page, 'AUROC').value, '0.7000');
      assert.equal(card(page, 'Precision').value, '50.00 %');
      assert.equal(card(page, 'Recall').value, '66.67 %');
      assert.deepEqual(card(page, 'Tasks with nothing kept'), { value: '0', detail: 'of 2 tasks' });
      assert.equal(card(page, 'Excluded from relative gap').value, '0');
      assert.match(page, /2 tasks, 8 samples \(8 scored\) · verifier <code>mc<\/code> · filter <code>threshold 0\.5<\/code> · 95 % intervals from 1000 bootstrap resamples \(seed 7\)/);
    });

    it('shows the confusion counts with row and column totals', () => {
      const summary = section(page, 'summary');
      assert.ok(summary.includes('<tr><th>kept</th><td>2</td><td class="bad">2</td><td>4</td></tr>'));
      assert.ok(summary.includes('<tr><th>dropped</th><td class="bad">1</td><td>3</td><td>4</td></tr>'));
      assert.ok(summary.includes('<tr><th>total</th><td>3</td><td>5</td><td>8</td></tr>'));
    });

    it('lists every k of pass@k, pass^k, maj@k and best-of-k and draws them', () => {
      const k = section(page, 'k');
      // pass^k: a has 2 of 4 correct, b 1 of 4: pass^2 = (C(2,2)/C(4,2) + 0)/2 = 1/12; pass^3 = pass^4 = 0.
      assert.ok(k.includes('<tr><td>1</td><td>37.50 %</td><td>37.50 %</td><td>37.50 %</td><td>37.50 %</td></tr>'));
      assert.ok(k.includes('<tr><td>2</td><td>66.67 %</td><td>8.33 %</td><td>25.00 %</td><td>50.00 %</td></tr>'));
      assert.ok(k.includes('<tr><td>4</td><td>100.00 %</td><td>0.00 %</td><td>50.00 %</td><td>50.00 %</td></tr>'));
      assert.equal((k.match(/<polyline /g) ?? []).length, 4);
      assert.ok(k.includes('<title>pass@k at k=3: 0.8750</title>'));
    });

    it('shows the difficulty bins, the last one closed', () => {
      const d = section(page, 'difficulty');
      assert.ok(d.includes('<td class="text">[0, 0.5)</td><td>1</td><td>25.00 %</td><td>50.00 %</td><td>+25.00 pp</td>'));
      assert.ok(d.includes('<td class="text">[0.5, 1]</td><td>1</td><td>50.00 %</td><td>50.00 %</td><td>0.00 pp</td>'));
    });

    it('shows correlations signed', () => {
      const c = section(page, 'correlations');
      assert.ok(c.includes('<code>mc~cot-score</code></td><td>+0.2500</td><td>−0.5000</td>'));
    });

    it('shows each task with its gap and kept count, linked to its samples', () => {
      const t = section(page, 'tasks');
      assert.ok(t.includes('<a href="#task-0"><code>a</code></a></td><td>4</td><td>50.00 %</td><td>50.00 %</td><td>0.00 pp</td><td>2</td>'));
      assert.ok(t.includes('<a href="#task-1"><code>b</code></a></td><td>4</td><td>25.00 %</td><td>50.00 %</td><td>+25.00 pp</td><td>2</td>'));
    });

    it('bins the scores into a histogram split by correctness', () => {
      const s = section(page, 'scores');
      assert.ok(s.includes('<svg class="chart"'));
      // 0.2 holds a's correct #1 and b's incorrect #3; 0.9 holds a's correct #0.
      assert.ok(s.includes('<td class="text">[0.2, 0.25)</td><td>1</td><td>1</td>'));
      assert.ok(s.includes('<td class="text">[0.9, 0.95)</td><td>1</td><td>0</td>'));
      assert.ok(s.includes('<td class="text">[0.95, 1]</td><td>0</td><td>0</td>'));
      assert.equal((s.match(/<rect class="bar-ok"/g) ?? []).length, 20);
    });

    it('shows the context, title and generation time escaped but readable', () => {
      assert.ok(page.includes('<title>Gap Lens report: run-2024-hand</title>'));
      assert.ok(page.includes('<dt>model</dt><dd>qwen2-0.5b.gguf</dd>'));
      assert.ok(page.includes('Generated 2025-01-02T03:04:05.000Z'));
    });

    it('marks kept-but-wrong and dropped-but-correct samples', () => {
      const s = section(page, 'samples');
      assert.equal((s.match(/<details class="sample disagreement">/g) ?? []).length, 3);
      assert.equal((s.match(/<details class="sample">/g) ?? []).length, 5);
      assert.equal((s.match(/<span class="badge warn">kept but wrong<\/span>/g) ?? []).length, 2);
      assert.equal((s.match(/<span class="badge warn">dropped but correct<\/span>/g) ?? []).length, 1);
      assert.ok(s.includes('4 samples · 2 correct · kept 2 <span class="badge warn">1 kept but wrong</span> <span class="badge warn">1 dropped but correct</span>'));
      assert.ok(s.includes('<section class="task has-disagreement" id="task-1">'));
    });

    it('shows each sample’s generation, answer, grader reason and verifier output', () => {
      const s = section(page, 'samples');
      assert.ok(s.includes('<pre>\nReasoning for b#1. The answer is 41.</pre>'));
      assert.ok(s.includes('<dt>Extracted answer</dt><dd><code>41</code></dd><dt>Grader</dt><dd>41 differs from the gold 42</dd>'));
      assert.ok(s.includes('<p><code>mc</code> score 0.6000 · parse ok</p>\n<pre>\nCorrect: 0.6</pre>'));
      assert.ok(s.includes('<summary><span>#1</span><span class="bad">✗ incorrect</span><span>score 0.6000</span><span>weight 1</span>'));
    });

    it('is balanced markup made only of the expected tags', () => {
      assert.deepEqual(balanceProblems(page), []);
      for (const tag of tags(page)) assert.ok(ALLOWED_TAGS.has(tag.name), tag.source);
      assert.ok(page.startsWith('<!doctype html>\n<html lang="en">'));
      assert.ok(page.trimEnd().endsWith('</html>'));
    });

    it('declares a strict content security policy and loads nothing external', () => {
      assert.ok(
        page.includes(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`),
      );
      assert.doesNotMatch(page, /<script|<link|<img|<iframe|src=|url\(|@import/i);
      // The only links are in-page anchors.
      for (const m of page.matchAll(/href="([^"]*)"/g)) assert.match(m[1] ?? '', /^#[a-z]+(-\d+)?$/);
    });
  });

  describe('untrusted strings', () => {
    const IMG = '<img src=x onerror=alert(1)>';
    const SCRIPT = '</script><script>alert(1)</script>';
    const ATTR = '"><svg onload=alert(1)>';
    const hostile = (s: string): HtmlSampleRow => ({
      ...row(`task ${s}`, 0, false, 0.5, 1),
      question: `Q ${s}`,
      gold: `G ${s}`,
      text: `T ${s}`,
      extracted: `E ${s}`,
      gradeReason: `R ${s}`,
      verifications: [{ verifier: `V ${s}`, score: 0.5, parse: 'ok', raw: `W ${s}` }],
    });
    const input = (): HtmlReportInput => {
      const base = handInput();
      return {
        ...base,
        title: `title ${IMG}`,
        context: [{ label: `label ${SCRIPT}`, value: `value ${ATTR}` }],
        assessed: assessedOf({
          ...base.assessed.report,
          verifier: `verifier ${ATTR}`,
          filter: `filter ${SCRIPT}`,
          correlations: { pearson: { [`${IMG}~x`]: 0.1 }, spearman: {} },
          perTask: [IMG, SCRIPT, ATTR].map((s) => ({ task: `task ${s}`, samples: 1, accuracy: 0, filteredAccuracy: 0, kept: 1, nothingKept: false })),
        }),
        samples: [hostile(IMG), hostile(SCRIPT), hostile(ATTR)],
      };
    };
    const page = renderHtmlReport(input());

    it('never emits a script element', () => {
      assert.equal(page.toLowerCase().indexOf('<script'), -1);
    });

    it('lets every "<" start only one of the report’s own tags, with no event handler', () => {
      for (const m of page.matchAll(/</g)) {
        const rest = page.slice(m.index, m.index + 40);
        if (rest.startsWith('<!doctype html>')) continue;
        const tag = /^<\/?([a-z][a-z0-9-]*)[\s>/]/.exec(rest);
        assert.ok(tag && ALLOWED_TAGS.has(tag[1] ?? ''), `unexpected markup: ${rest}`);
      }
      for (const tag of tags(page)) {
        assert.doesNotMatch(tag.source, /\son[a-z]+\s*=/i, tag.source);
        assert.equal((tag.source.match(/"/g) ?? []).length % 2, 0, `unbalanced quotes in ${tag.source}`);
      }
      assert.deepEqual(balanceProblems(page), []);
    });

    it('shows every hostile string escaped, wherever it was put', () => {
      const img = '&lt;img src=x onerror=alert(1)&gt;';
      const script = '&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;';
      const attr = '&quot;&gt;&lt;svg onload=alert(1)&gt;';
      for (const where of ['Q', 'G', 'T', 'E', 'R', 'V', 'W']) {
        assert.ok(page.includes(`${where} ${img}`), `${where} img`);
        assert.ok(page.includes(`${where} ${script}`), `${where} script`);
        assert.ok(page.includes(`${where} ${attr}`), `${where} attr`);
      }
      assert.ok(page.includes(`<title>Gap Lens report: title ${img}</title>`));
      assert.ok(page.includes(`<dt>label ${script}</dt><dd>value ${attr}</dd>`));
      assert.ok(page.includes(`<code>verifier ${attr}</code>`));
      assert.ok(page.includes(`<code>filter ${script}</code>`));
      assert.ok(page.includes(`<code>${img}~x</code>`));
      assert.ok(page.includes(`<a href="#task-2"><code>task ${attr}</code></a>`));
      assert.ok(page.includes(`<h3><code>task ${img}</code></h3>`));
    });

    it('escapes quotes and apostrophes too', () => {
      const p = renderHtmlReport({ ...handInput(), title: `it's "quoted" & <b>` });
      assert.ok(p.includes('<h1>Gap Lens report: it&#39;s &quot;quoted&quot; &amp; &lt;b&gt;</h1>'));
    });
  });

  describe('missing values', () => {
    it('shows undefined statistics as a dash that says why', () => {
      const report = handReport();
      const page = renderHtmlReport(
        inputWith({
          ...report,
          relativeGap: null,
          relativeGapExcludedTasks: 2,
          auroc: null,
          precision: null,
          recall: null,
          confusion: { keptCorrect: 0, keptWrong: 0, droppedCorrect: 8, droppedWrong: 0 },
          ci: { ...report.ci, relativeGap: null },
          correlations: { pearson: { 'mc~cot-score': null }, spearman: {} },
          passAtK: [1],
        }),
      );
      const dash = (why: RegExp): RegExp => new RegExp(`<span class="na" title="${why.source}">—</span>`);
      const rel = card(page, 'Relative gap');
      assert.match(rel.value, dash(/undefined: every task has J\(f\|x\) = 1[^"]*/));
      assert.match(rel.detail, /^95 % CI <span class="na" title="undefined: every task has J\(f\|x\) = 1/);
      assert.match(card(page, 'AUROC').value, dash(/undefined: the pool has no incorrect sample to rank/));
      assert.match(card(page, 'Precision').value, dash(/undefined: the filter kept no sample[^"]*/));
      assert.match(card(page, 'Recall').value, dash(/undefined: there is no correct sample[^"]*/));
      assert.equal(card(page, 'Excluded from relative gap').value, '2');
      const c = section(page, 'correlations');
      assert.match(c, /<td><span class="na" title="undefined: a verifier’s scores are constant[^"]*">—<\/span><\/td><td><span class="na" title="not computed for this pair">—<\/span><\/td>/);
      const k = section(page, 'k');
      assert.ok(k.includes('<tr><td>2</td><td><span class="na" title="pass@k was not computed for k = 2">—</span></td><td>8.33 %</td><td>25.00 %</td><td>50.00 %</td></tr>'));
    });

    it('explains a missing AUROC by the missing class', () => {
      const report = handReport();
      const page = renderHtmlReport(inputWith({ ...report, auroc: null, confusion: { keptCorrect: 0, keptWrong: 3, droppedCorrect: 0, droppedWrong: 5 } }));
      assert.ok(card(page, 'AUROC').value.includes('title="undefined: the pool has no correct sample to rank"'));
    });

    it('shows a sample without a score or an answer, and leaves it out of the histogram', () => {
      const sample: HtmlSampleRow = { ...row('a', 0, false, null, 0), extracted: null };
      const page = renderHtmlReport({ ...handInput(), samples: [sample] });
      const s = section(page, 'samples');
      assert.ok(s.includes('<span>score <span class="na" title="no score: the selected verifier’s output could not be parsed or is missing; filters rank it lowest">—</span></span>'));
      assert.ok(s.includes('<span>answer <span class="na" title="no final answer was found in the generation">—</span></span>'));
      assert.ok(s.includes('<code>mc</code> score <span class="na" title="no score: this verifier’s output could not be parsed">—</span> · parse <span class="bad">failed</span>'));
      const scores = section(page, 'scores');
      assert.ok(scores.includes('<p class="empty">No sample has a score.</p>'));
      assert.ok(scores.includes('Not in the chart: 1 sample without a score (0 correct, 1 incorrect)'));
      assert.ok(!scores.includes('<svg'));
    });

    it('says "no per-sample data" when built from statistics alone', () => {
      const { samples: _, ...noSamples } = handInput();
      const page = renderHtmlReport(noSamples);
      for (const id of ['scores', 'samples']) {
        const s = section(page, id);
        assert.ok(s.includes('No per-sample data'), id);
        assert.ok(!s.includes('<svg') && !s.includes('<details'), id);
      }
      // Without samples no task has an anchor to link to.
      assert.ok(section(page, 'tasks').includes('<td class="text"><code>a</code></td>'));
      assert.deepEqual(balanceProblems(page), []);
    });

    it('keeps a generation’s leading newline', () => {
      const page = renderHtmlReport({ ...handInput(), samples: [{ ...row('a', 0, true, 1, 1), text: '\nfirst line' }] });
      assert.ok(page.includes('<pre>\n\nfirst line</pre>'));
    });
  });

  describe('size limit of the per-sample section', () => {
    const tasksOf = (count: number, perTask: number): HtmlSampleRow[] =>
      Array.from({ length: count * perTask }, (_, i) => row(`t${Math.floor(i / perTask)}`, i % perTask, true, 1, 1));

    it('shows whole tasks up to the task limit and says how many were left out', () => {
      const page = renderHtmlReport({ ...handInput(), samples: tasksOf(3, 4), sampleLimits: { tasks: 2, samples: 100 } });
      const s = section(page, 'samples');
      assert.equal((s.match(/<section class="task/g) ?? []).length, 2);
      assert.equal((s.match(/<details class="sample/g) ?? []).length, 8);
      assert.ok(
        s.includes(
          '<p class="note">Showing the samples of the first 2 of 3 tasks (8 of 12 samples); 1 task (4 samples) left out to keep this file small (limit: 2 tasks or 100 samples).',
        ),
      );
    });

    it('stops before the task that would pass the sample limit, but always shows one task', () => {
      const s1 = section(renderHtmlReport({ ...handInput(), samples: tasksOf(3, 4), sampleLimits: { tasks: 10, samples: 11 } }), 'samples');
      assert.equal((s1.match(/<section class="task/g) ?? []).length, 2);
      assert.ok(s1.includes('first 2 of 3 tasks (8 of 12 samples); 1 task (4 samples) left out'));
      const s2 = section(renderHtmlReport({ ...handInput(), samples: tasksOf(2, 4), sampleLimits: { tasks: 10, samples: 1 } }), 'samples');
      assert.equal((s2.match(/<section class="task/g) ?? []).length, 1);
      assert.ok(s2.includes('first 1 of 2 tasks (4 of 8 samples); 1 task (4 samples) left out'));
    });

    it('adds no note when everything fits', () => {
      const page = renderHtmlReport({ ...handInput(), samples: tasksOf(3, 4), sampleLimits: { tasks: 3, samples: 12 } });
      assert.ok(!page.includes('class="note"'));
    });

    it('caps at 500 tasks by default', () => {
      assert.deepEqual(DEFAULT_SAMPLE_LIMITS, { tasks: 500, samples: 10_000 });
      const page = renderHtmlReport({ ...handInput(), samples: tasksOf(501, 1) });
      const s = section(page, 'samples');
      assert.equal((s.match(/<section class="task/g) ?? []).length, 500);
      assert.ok(s.includes('first 500 of 501 tasks (500 of 501 samples); 1 task (1 sample) left out'));
    });

    it('rejects a limit that is not a positive integer', () => {
      for (const sampleLimits of [{ tasks: 0, samples: 10 }, { tasks: 5, samples: 1.5 }]) {
        assert.throws(() => renderHtmlReport({ ...handInput(), sampleLimits }), (e: unknown) => e instanceof UserError && /must be a positive integer/.test(e.message));
      }
    });
  });
});

describe('renderHtmlReport under a weighted filter (exp:β, docs/statistics.md "Weighted filters")', () => {
  // The hand run's samples with fractional weights. ✓ a0 1, a1 0.25, b0 0.75 -> weight on correct 2;
  // ✗ a2 0.5, a3 0, b1 0.5, b2 0.25, b3 0 -> weight on incorrect 1.25. Σw = 3.25, Σw² = 2.1875,
  // Kish n_eff = 3.25² / 2.1875 = 4.83 of 8. Task a: Σw 1.75, Σw² 1.3125, n_eff 2.33 of 4.
  // Disagreements at w ≥ ½: weighted but wrong a2, b1; down-weighted but correct a1. b2 (w 0.25,
  // wrong) is no disagreement, though as "w > 0 is kept" it was "kept but wrong".
  const weightsOf: Record<string, number[]> = { a: [1, 0.25, 0.5, 0], b: [0.75, 0.5, 0.25, 0] };
  const samples = handSamples().map((r) => ({ ...r, weight: weightsOf[r.task]?.[r.index] as number }));
  const inputPage = (filter: string): string => renderHtmlReport({ ...inputWith({ ...handReport(), filter }), samples: handSamples() });
  const page = renderHtmlReport({
    ...inputWith({ ...handReport(), filter: 'exp:0.1' }),
    samples,
    weights: weightSummary(samples.map((r) => [r.weight, r.correct] as const)),
  });

  it('shows the weight on correct and on incorrect samples and the Kish effective sample size, not kept/dropped counts', () => {
    const summary = section(page, 'summary');
    assert.ok(summary.includes('>weight on correct</th><td>2</td></tr>'), summary);
    assert.ok(summary.includes('>weight on incorrect</th><td class="bad">1.2500</td></tr>'), summary);
    assert.ok(summary.includes('>effective sample size (Kish)</th><td>4.8 of 8</td></tr>'), summary);
    assert.doesNotMatch(summary, /<th>(kept|dropped)<\/th>/);
    // Precision and recall count samples as kept (w > 0): left out, as in the CLI text.
    assert.doesNotMatch(summary, />(Precision|Recall)</);
    assert.match(section(inputPage('threshold:0.5'), 'summary'), />Precision</, 'a binary filter still shows them');
  });

  it('decides disagreements at w ≥ ½ and names them in the weights’ words; tasks show Σw and their ESS', () => {
    const s = section(page, 'samples');
    assert.equal((s.match(/<span class="badge warn">weighted but wrong<\/span>/g) ?? []).length, 2);
    assert.equal((s.match(/<span class="badge warn">down-weighted but correct<\/span>/g) ?? []).length, 1);
    assert.doesNotMatch(s, /kept but wrong|dropped but correct/);
    assert.ok(s.includes('4 samples · 2 correct · Σw 1.7500 · ESS 2.3 of 4 <span class="badge warn">1 weighted but wrong</span> <span class="badge warn">1 down-weighted but correct</span>'), s);
    assert.ok(s.includes('Show only disagreements (weighted but wrong, down-weighted but correct)'));
    assert.ok(section(page, 'tasks').includes('<th>gap</th><th title="the sum of the task\'s filter weights">Σw</th>'), section(page, 'tasks'));
  });
});

describe('renderHtmlReport: what the numbers rest on', () => {
  const mc = parseSelector('mc');
  const scoredRun = (scores: (number | null)[]): ScoredSample[] => scores.map((s, i) => ({ task: `t${i % 2}`, index: Math.floor(i / 2), correct: i % 3 === 0, scores: { mc: s } }));
  const pageOf = (samples: ScoredSample[], records: RecordCoverage, live = false): string => {
    const report = computeReport(samples, { selector: mc, filter: parseFilter('threshold:0.5'), bootstrap: { resamples: 20, seed: 0, level: 0.95 } });
    return renderHtmlReport({ title: 't', generatedAt: 'now', context: [], assessed: assessReport('run', report, mc, records, live) });
  };

  it('shows every verifier statistic as a dash with the reason when nothing was scored', () => {
    const samples = scoredRun([null, null, null, null]);
    const page = pageOf(samples, samplesCoverage(samples));
    const why = 'not measured: mc scored 0 of 4 samples: 4 unparsable';
    for (const label of ['Filtered accuracy J(f[w])', 'Gap', 'Relative gap', 'Retention', 'AUROC', 'Precision', 'Recall', 'Tasks with nothing kept']) {
      const c = card(page, label);
      assert.equal(c.value, `<span class="na" title="${why}">—</span>`, label);
    }
    assert.equal(card(page, 'Gap').detail, why);
    assert.equal(card(page, 'Accuracy J(f)').value, '50.00 %');
    assert.ok(section(page, 'summary').includes(`<p class="empty">${why}</p>`), 'no confusion table');
    assert.ok(section(page, 'k').includes(`<p>best-of-k: ${why}</p>`));
    assert.ok(section(page, 'tasks').includes(`<p>J(f[w]|x), gap and kept: ${why}</p>`));
    assert.ok(section(page, 'anyn').includes(`<p>the gap at every N: ${why}</p>`));
    const quality = section(page, 'quality');
    assert.equal((quality.match(new RegExp(`<span class="na" title="${why}">—</span>`, 'g')) ?? []).length, 7, 'every quality statistic of mc');
    assert.ok(quality.includes('<p class="empty">No score has a value: nothing to draw.</p>'));
    assert.ok(page.includes('<p class="conclusion">no conclusion: mc scored 0 of 4 samples (needs ≥ 95 %); 2 tasks (needs ≥ 30); the gap has no 95 % interval (not measured)</p>'));
    assert.deepEqual(balanceProblems(page), []);
  });

  it('marks every verifier statistic partial, and puts run state, coverage and few tasks in the banner at the top', () => {
    const samples = scoredRun([0.9, 0.2, null, 0.7]);
    const records = samplesCoverage(samples);
    const page = pageOf(samples, { ...records, tasks: { expected: 3, done: 2 }, generations: { ...records.generations, expected: 6, missing: 2 } }, true);
    const badge = '<span class="badge warn">partial: mc scored 3 of 4</span>';
    for (const label of ['Filtered accuracy J(f[w])', 'Gap', 'Retention', 'AUROC', 'Precision', 'Recall']) assert.ok(card(page, label).detail.endsWith(badge), label);
    assert.ok(!card(page, 'Accuracy J(f)').detail.includes('partial'));
    const top = page.slice(page.indexOf('<h1>'), page.indexOf('<nav>'));
    assert.ok(top.includes('<div class="banner warn" role="status" data-role="coverage">'));
    assert.ok(top.includes('<p>incomplete: 2 of 3 tasks, 4 of 6 samples generated</p>'));
    assert.ok(top.includes("<p>live: a writer holds the run&#39;s lock and is still adding records</p>"));
    assert.ok(top.includes('<p>mc: 3 of 4 scored (1 unparsable)</p>'));
    assert.ok(top.includes('<p>only 2 tasks: the task-bootstrap interval is unreliable</p>'));
    assert.ok(top.includes('no conclusion: the run is incomplete (2 of 3 tasks generated); the run is live (a writer is still adding records);'));
    assert.ok(section(page, 'summary').includes('<span class="badge warn">only 2 tasks: the task-bootstrap interval is unreliable</span>'));
    assert.ok(section(page, 'quality').includes(`<td class="text"><code>mc</code> ${badge}</td><td>3 of 4</td>`));
  });
});

describe('renderHtmlReport: verifier quality, any N, finite N (the hand run at threshold:0.5)', () => {
  const page = renderHtmlReport(handInput());

  it('shows each score’s calibration, ranking and filter quality with intervals, and draws them', () => {
    // mc of the hand run: correct .9 .2 .7, wrong .8 .1 .6 .3 .2. Brier (.01 + .64 + .09 + .64 + .01 + .36 + .09 + .04)/8 = 0.235.
    // ECE: bins .1 (1 wrong) .1; .2 (1 of 2 correct) 2·.3; .3 .3; .6 .6; .7 (correct) .3; .8 .8; .9 (correct) .1 → 2.8/8 = 0.35.
    // threshold:0.5 keeps .9c .8w .7c .6w: specificity 3/5, F1 4/7, balanced accuracy (2/3 + 3/5)/2.
    const quality = section(page, 'quality');
    const row = /<tr><td class="text"><code>mc<\/code><\/td><td>8 of 8<\/td>(.*?)<\/tr>/.exec(quality)?.[1] ?? '';
    const values = [...row.matchAll(/<td[^>]*>([\d.]+)<div class="muted">\[[\d.]+, [\d.]+\]<\/div><\/td>/g)].map((m) => m[1]);
    assert.deepEqual([values[0], values[1], values[4], values[5], values[6]], ['0.2350', '0.3500', '0.6000', '0.6333', '0.5714']);
    assert.equal(values.length, 7);
    assert.ok(quality.includes('<title>Reliability: mean score against share correct per score bin</title>'));
    assert.ok(quality.includes('<title>mc [0.9, 1): 1 samples, mean score 0.9000, 1.0000 correct</title>'));
    assert.ok(quality.includes('<title>Risk against coverage</title>'));
    assert.ok(quality.includes('<summary>Reliability bins of <code>mc</code></summary>'));
    assert.deepEqual(balanceProblems(quality), []);
  });

  it('lists the gap at every k with how it was computed, the best-of-N shortfall and the finite-N block', () => {
    // k = 2 by the closed form: a keeps .9c .8w of 4 (dropped .2c .1w), none kept w.p. 1/6 → 5/6·½ + 1/6·½ = ½;
    // b keeps .7c .6w (dropped .3w .2w) → 5/6·½ = 5/12. Filtered (½ + 5/12)/2 = 11/24, gap 11/24 − 3/8 = 1/12;
    // relative (0 + (5/12 − ¼)/¾)/2 = 1/9.
    const anyN = section(page, 'anyn');
    assert.ok(anyN.includes('<tr><td>2</td><td>45.83 %</td><td>+8.33 pp</td><td>+11.11 %</td><td class="text">exact</td></tr>'));
    assert.ok(anyN.includes('<title>Gap against samples per task</title>'));
    // pass@4 = 1 and best-of-4 = 1: each task's best-scored sample (.9, .7) is correct.
    assert.ok(anyN.includes('Best-of-N shortfall (pass@4 − best-of-4, not the gap): 0.00 pp — '));
    assert.ok(anyN.includes('<p><span class="badge warn">few samples per task for threshold:0.5 (N = 4 &lt; 32):'));
    assert.ok(anyN.includes('(offered for quantile filters only, not threshold:0.5)'));
    const top = page.slice(page.indexOf('<h1>'), page.indexOf('<nav>'));
    assert.ok(top.includes('<p>few samples per task for threshold:0.5 (N = 4 &lt; 32): at small N its filtered accuracy is biased'));
  });
});
