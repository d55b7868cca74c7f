import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers/cli';
import { formatAmount, formatEss } from '../../src/core/report/numbers';
import { createRng } from '../../src/core/util/random';

interface Line {
  task: string;
  correct: boolean;
  scores: Record<string, number | null>;
}

/**
 * Hand-computed case (the arithmetic is in the comments of each expectation):
 *   task A: correct 1,0,1,0  mc 0.9,0.2,0.8,0.1   J(f|A) = 0.5
 *   task B: correct 0,0      mc 0.5,0.7           J(f|B) = 0
 *   task C: correct 1,1,1    mc 0.2,0.6,0.4       J(f|C) = 1
 */
const HAND: Line[] = [
  ...[[1, 0.9], [0, 0.2], [1, 0.8], [0, 0.1]].map(([c, s]) => ({ task: 'A', correct: c === 1, scores: { mc: s as number } })),
  ...[[0, 0.5], [0, 0.7]].map(([c, s]) => ({ task: 'B', correct: c === 1, scores: { mc: s as number } })),
  ...[[1, 0.2], [1, 0.6], [1, 0.4]].map(([c, s]) => ({ task: 'C', correct: c === 1, scores: { mc: s as number } })),
];

async function report(lines: Line[], filter: string, verifier = 'mc'): Promise<Record<string, unknown>> {
  return JSON.parse(await reportText(lines, filter, verifier, ['--json'])) as Record<string, unknown>;
}

async function reportText(lines: Line[], filter: string, verifier = 'mc', extra: string[] = []): Promise<string> {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'scores.jsonl');
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const res = await runCli(['report', '--samples', file, '--verifier', verifier, '--filter', filter, ...extra]);
    assert.equal(res.code, 0, res.stderr);
    return res.stdout;
  } finally {
    cleanup();
  }
}

const close = (actual: unknown, expected: number, what: string): void => {
  assert.equal(typeof actual, 'number', `${what} is not a number`);
  assert.ok(Math.abs((actual as number) - expected) <= 1e-9, `${what}: ${String(actual)} != ${expected}`);
};

describe('gaplens report --samples (exact statistics)', function () {
  this.timeout(30000);

  it('quantile:0.5 on the hand-computed case', async () => {
    const r = await report(HAND, 'quantile:0.5');
    for (const key of ['tasks', 'samples', 'accuracy', 'filteredAccuracy', 'gap', 'relativeGap', 'retention', 'auroc', 'ci']) assert.ok(key in r, `missing ${key}`);
    assert.equal(r.tasks, 3);
    assert.equal(r.samples, 9);
    close(r.accuracy, (0.5 + 0 + 1) / 3, 'accuracy');
    // A: sorted 0.1,0.2,0.8,0.9, h=1.5 -> 0.2+0.5*(0.8-0.2)=0.5: keeps 0.9,0.8 (both correct) -> 1
    // B: sorted 0.5,0.7, h=0.5 -> 0.6: keeps 0.7 (wrong) -> 0
    // C: sorted 0.2,0.4,0.6, h=1 -> 0.4: keeps 0.6,0.4 -> 1
    close(r.filteredAccuracy, 2 / 3, 'filteredAccuracy');
    close(r.gap, 2 / 3 - 0.5, 'gap');
    // relGap over A and B (C has J=1): A (1-0.5)/(1-0.5)=1, B (0-0)/1=0 -> 0.5
    close(r.relativeGap, 0.5, 'relativeGap');
    assert.equal(r.relativeGapExcludedTasks, 1);
    close(r.retention, 5 / 9, 'retention');
    // correct scores 0.9,0.8,0.2,0.6,0.4 vs wrong 0.2,0.1,0.5,0.7: wins 4+4+1.5+3+2 = 14.5 of 20
    close(r.auroc, 14.5 / 20, 'auroc');
  });

  it('threshold:0.5 on the hand-computed case', async () => {
    const r = await report(HAND, 'threshold:0.5');
    // A keeps 0.9,0.8 -> 1; B keeps 0.5,0.7 -> 0; C keeps 0.6 -> 1
    close(r.filteredAccuracy, 2 / 3, 'filteredAccuracy');
    close(r.gap, 1 / 6, 'gap');
    close(r.retention, 5 / 9, 'retention');
    assert.deepEqual(r.confusion, { keptCorrect: 3, keptWrong: 2, droppedCorrect: 2, droppedWrong: 2 });
  });

  it('verifier quality, any N, pass^k and finite N on the hand-computed case (threshold:0.5), in JSON and text', async () => {
    const r = (await report(HAND, 'threshold:0.5')) as Record<string, any>;
    const [mc] = r.verifierQuality as Record<string, any>[];
    assert.deepEqual([mc?.selector, mc?.samples, mc?.scored, mc?.measured, mc?.partial], ['mc', 9, 9, true, false]);
    // (s − c)²: correct .9 .8 .2 .6 .4 → .01 .04 .64 .16 .36; wrong .2 .1 .5 .7 → .04 .01 .25 .49: 2/9.
    close(mc?.brier, 2 / 9, 'brier');
    // Bins: .1 (w) .1; .2 (½ correct) 2·.3; .4 (c) .6; .5 (w) .5; .6 (c) .4; .7 (w) .7; .8 (c) .2; .9 (c) .1 → 3.2/9.
    close(mc?.ece, 3.2 / 9, 'ece');
    assert.equal(mc?.reliability.length, 10);
    assert.deepEqual(mc?.reliability[2], { lo: 0.2, hi: 0.3, count: 2, meanScore: 0.2, accuracy: 0.5 });
    assert.equal(mc?.riskCoverage.length, 9);
    for (const key of ['aurc', 'aurcOptimal', 'aurcRandom', 'rmsce']) assert.equal(typeof mc?.[key], 'number', key);
    // Kept 3 correct + 2 wrong, dropped 2 + 2: specificity ½, F1 6/10, balanced accuracy (3/5 + ½)/2.
    assert.deepEqual(mc?.atFilter, { filter: 'threshold:0.5', confusion: { keptCorrect: 3, keptWrong: 2, droppedCorrect: 2, droppedWrong: 2 }, precision: 0.6, recall: 0.6, specificity: 0.5, balancedAccuracy: 0.55, f1: 0.6 });
    assert.deepEqual(Object.keys(mc?.ci ?? {}), ['brier', 'ece', 'rmsce', 'aurc', 'specificity', 'balancedAccuracy', 'f1']);
    // pass^2: A C(2,2)/C(4,2) = 1/6, B 0, C 1 → 7/18. pass@2 = best-of-2 = 11/18: no shortfall.
    close(r.passAllK[1], 7 / 18, 'pass^2');
    close(r.bestOfNShortfall, 0, 'shortfall');
    // k = 2: A keeps .9c .8c of 4 (none kept w.p. 1/6) → 5/6; B keeps .5w .7w → 0; C keeps .6c of 3, the rest correct → 1.
    assert.deepEqual(r.anyN.points.map((p: { k: number }) => p.k), [1, 2]);
    close(r.anyN.points[1].filteredAccuracy, 11 / 18, 'any-N filtered at k = 2');
    close(r.anyN.points[1].gap, 11 / 18 - 0.5, 'any-N gap at k = 2');
    assert.deepEqual(r.finiteN, {
      samplesPerTask: 2,
      warning: 'few samples per task for threshold:0.5 (N = 2 < 32): at small N its filtered accuracy is biased and the interval of the gap may miss the gap of unlimited samples',
      biasCorrected: null,
      biasCorrectedUnavailable: 'offered for quantile filters only, not threshold:0.5',
    });

    const text = await reportText(HAND, 'threshold:0.5', 'mc', ['--bootstrap', '0']);
    const lines = text.split('\n');
    assert.ok(lines.includes('warning: few samples per task for threshold:0.5 (N = 2 < 32): at small N its filtered accuracy is biased and the interval of the gap may miss the gap of unlimited samples'), text);
    assert.ok(lines.includes('  pass^k   @1 50.00 %  @2 38.89 %   (all k correct)'), text);
    assert.ok(lines.includes('  bias-aware gap           — (offered for quantile filters only, not threshold:0.5)'), text);
    assert.ok(lines.includes('    gap                   0.00 pp  +11.11 pp'), text);
    assert.ok(lines.includes('    mc  scored 9 of 9'), text);
    assert.ok(lines.some((l) => l.startsWith('      calibration   Brier 0.2222 [0.2222, 0.2222]  ECE 0.3556 [0.3556, 0.3556]  RMSCE ')), text);
    assert.ok(lines.includes('      at threshold:0.5  specificity 0.5000 [0.5000, 0.5000]  balanced accuracy 0.5500 [0.5500, 0.5500]  F1 0.6000 [0.6000, 0.6000]'), text);
  });

  it('exp:0.1 speaks of weights and the Kish effective sample size, not kept/dropped (hand-computed)', async () => {
    // w = exp((s − the task's best score) / 0.1). A: 0.9 ✓, 0.2 ✗, 0.8 ✓, 0.1 ✗; B: 0.5 ✗, 0.7 ✗; C: 0.2 ✓, 0.6 ✓, 0.4 ✓.
    const e = (x: number): number => Math.exp(x);
    const onCorrect = [1, e(-1), e(-4), 1, e(-2)];
    const onWrong = [e(-7), e(-8), e(-2), 1];
    const all = [...onCorrect, ...onWrong];
    const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
    const ess = sum(all) ** 2 / sum(all.map((w) => w * w));
    const text = await reportText(HAND, 'exp:0.1', 'mc', ['--bootstrap', '50']);
    assert.ok(
      text.includes(`  weights: on correct ${formatAmount(sum(onCorrect))}, on incorrect ${formatAmount(sum(onWrong))}   effective sample size ${formatEss(ess, 9)} (Kish)\n`),
      text,
    );
    // Before, every weight > 0 counted as kept: "kept: 5 correct, 4 wrong   dropped: 0 correct, 0 wrong".
    assert.doesNotMatch(text, /^ {2}kept:/m);
  });

  it('exp:0.1 in the HTML report: the filter decisions are the weights and their Kish effective sample size, as in the text', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, 'scores.jsonl');
      const html = join(dir, 'report.html');
      writeFileSync(file, HAND.map((l) => JSON.stringify(l)).join('\n') + '\n');
      const res = await runCli(['report', '--samples', file, '--verifier', 'mc', '--filter', 'exp:0.1', '--bootstrap', '50', '--html', html]);
      assert.equal(res.code, 0, res.stderr);
      const text = await reportText(HAND, 'exp:0.1', 'mc', ['--bootstrap', '50']);
      const [, onCorrect, onWrong, ess] = /weights: on correct (\S+), on incorrect (\S+) {3}effective sample size (\S+ of \d+) \(Kish\)/.exec(text) ?? [];
      assert.ok(ess, text);
      const page = readFileSync(html, 'utf8');
      const decisions = page.slice(page.indexOf('<h3>Filter decisions</h3>'), page.indexOf('</section>', page.indexOf('<h3>Filter decisions</h3>')));
      assert.ok(decisions.includes(`>weight on correct</th><td>${onCorrect}</td>`), decisions);
      assert.ok(decisions.includes(`>weight on incorrect</th><td class="bad">${onWrong}</td>`), decisions);
      assert.ok(decisions.includes(`>effective sample size (Kish)</th><td>${ess}</td>`), decisions);
      // Before, every weight > 0 counted as kept: a kept row of 5 correct and 4 incorrect.
      assert.doesNotMatch(decisions, /<th>kept<\/th>/);
    } finally {
      cleanup();
    }
  });

  it('topk:1 on the hand-computed case', async () => {
    const r = await report(HAND, 'topk:1');
    // A 0.9 correct, B 0.7 wrong, C 0.6 correct
    close(r.filteredAccuracy, 2 / 3, 'filteredAccuracy');
    close(r.retention, 3 / 9, 'retention');
  });

  it('a filter that keeps nothing falls back to J(f|x) and is counted', async () => {
    const r = await report(HAND, 'threshold:0.95');
    close(r.filteredAccuracy, 0.5, 'filteredAccuracy');
    close(r.gap, 0, 'gap');
    assert.equal(r.tasksNothingKept, 3);
  });

  it('partial coverage: the statistics as run, each marked partial (hand-computed)', async () => {
    // A: correct 1,0,1,0  mc 0.9, null, 0.3, 0.6 → threshold:0.5 keeps #0 ✓ #3 ✗: J = ½, J[w] = ½
    // B: correct 0,1      mc 0.8, (absent)     → keeps #0 ✗:          J = ½, J[w] = 0
    // accuracy ½, filtered ¼, gap −¼, retention 3/6; mc scored 4 of 6 (1 unparsable, 1 missing)
    const lines: Line[] = [
      { task: 'A', correct: true, scores: { mc: 0.9 } },
      { task: 'A', correct: false, scores: { mc: null } },
      { task: 'A', correct: true, scores: { mc: 0.3 } },
      { task: 'A', correct: false, scores: { mc: 0.6 } },
      { task: 'B', correct: false, scores: { mc: 0.8 } },
      { task: 'B', correct: true, scores: {} },
    ];
    const r = await report(lines, 'threshold:0.5');
    close(r.accuracy, 0.5, 'accuracy');
    close(r.filteredAccuracy, 0.25, 'filteredAccuracy');
    close(r.gap, -0.25, 'gap');
    close(r.retention, 0.5, 'retention');
    assert.equal(r.scored, 4);
    assert.equal(r.complete, true, 'a samples file counts as complete');
    assert.equal(r.live, false);
    const coverage = r.coverage as { selector: Record<string, unknown>; verifiers: Record<string, Record<string, unknown>> };
    assert.deepEqual(coverage.selector, { selector: 'mc', verifiers: ['mc'], samples: 6, scored: 4, measured: true, partial: true });
    assert.equal(coverage.verifiers.mc?.failed, 1);
    assert.equal(coverage.verifiers.mc?.missing, 1);
    const text = await reportText(lines, 'threshold:0.5', 'mc', ['--bootstrap', '0']);
    const partial = '  (partial: mc scored 4 of 6)';
    assert.ok(text.split('\n')[1] === 'coverage mc: 4 of 6 scored (1 unparsable, 1 missing)', text);
    assert.ok(text.includes(`  filtered accuracy        25.00 %  95 % CI n/a (0 resamples)${partial}\n`), text);
    assert.ok(text.includes(`  gap                      −25.00 pp  95 % CI n/a (0 resamples)${partial}\n`), text);
    assert.ok(text.includes(`  retention                50.00 %   AUROC 0.5000${partial}\n`), text);
    assert.ok(text.includes(`  kept: 1 correct, 2 wrong   dropped: 2 correct, 1 wrong   precision 33.33 %  recall 33.33 %${partial}\n`), text);
    assert.match(text, /no conclusion: mc scored 4 of 6 samples \(needs ≥ 95 %\); 2 tasks \(needs ≥ 30\); the gap has no 95 % bootstrap interval \(0 resamples\)/);
  });

  it('draws a conclusion only when it is supported: 30 tasks, all scored, an interval above 0', async () => {
    // Every task: 2 correct scored 0.9, 2 wrong scored 0.1 → threshold:0.5 keeps the correct ones; gap +½ in every resample.
    const lines: Line[] = Array.from({ length: 30 }, (_, t) => [0.9, 0.9, 0.1, 0.1].map((mc, i) => ({ task: `t${t}`, correct: i < 2, scores: { mc } }))).flat();
    const text = await reportText(lines, 'threshold:0.5');
    assert.match(text, /\n {2}gap is positive: filtering by this verifier adds signal on these tasks\n$/);
    assert.doesNotMatch(text, /warning: only/);
    const r = await report(lines, 'threshold:0.5');
    assert.deepEqual(r.conclusion, { verdict: 'positive', reasons: [] });
    assert.equal(r.fewTasksWarning, null);
    // The same with 29 tasks: no verdict, and the few-tasks warning.
    const few = await reportText(lines.slice(4), 'threshold:0.5');
    assert.match(few, /^warning: only 29 tasks: the task-bootstrap interval is unreliable$/m);
    assert.match(few, /\n {2}no conclusion: 29 tasks \(needs ≥ 30\)\n$/);
  });

  it('matches an independent reference implementation on random data', async () => {
    const rng = createRng('report-reference');
    const lines: Line[] = [];
    for (let t = 0; t < 40; t++) {
      const n = 1 + rng.int(8);
      const p = rng.next();
      for (let i = 0; i < n; i++) {
        // Scores on a coarse grid so ties and equal-to-threshold cases happen.
        lines.push({ task: `t${t}`, correct: rng.next() < p, scores: { mc: rng.int(11) / 10 } });
      }
    }
    for (const filter of ['quantile:0.5', 'quantile:0.8', 'threshold:0.5', 'topk:1', 'topk:3']) {
      const r = await report(lines, filter);
      const ref = referenceStats(lines, filter);
      for (const key of Object.keys(ref) as (keyof typeof ref)[]) close(r[key], ref[key], `${filter} ${key}`);
    }
  });
});

/** Deliberately naive restatement of the definitions (docs/statistics.md). */
function referenceStats(lines: Line[], filter: string) {
  const [kind, arg] = filter.split(':') as [string, string];
  const x = Number(arg);
  const tasks = new Map<string, Line[]>();
  for (const l of lines) tasks.set(l.task, [...(tasks.get(l.task) ?? []), l]);
  let acc = 0, facc = 0, rel = 0, relN = 0, kept = 0;
  for (const group of tasks.values()) {
    const s = group.map((l) => l.scores.mc as number);
    const c = group.map((l): number => (l.correct ? 1 : 0));
    let keep: boolean[];
    if (kind === 'threshold') keep = s.map((v) => v >= x);
    else if (kind === 'quantile') {
      const sorted = [...s].sort((a, b) => a - b);
      const h = (sorted.length - 1) * x;
      const lo = sorted[Math.floor(h)] as number, hi = sorted[Math.ceil(h)] as number;
      const thr = lo + (h - Math.floor(h)) * (hi - lo);
      keep = s.map((v) => v >= thr);
    } else {
      const order = s.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, x).map(([, i]) => i);
      keep = s.map((_, i) => order.includes(i));
    }
    const j = c.reduce((a, b) => a + b, 0) / c.length;
    const k = keep.filter(Boolean).length;
    const jw = k === 0 ? j : c.reduce((a, ci, i) => a + (keep[i] ? ci : 0), 0) / k;
    acc += j; facc += jw; kept += k;
    if (j < 1) { rel += (jw - j) / (1 - j); relN++; }
  }
  const T = tasks.size;
  return { accuracy: acc / T, filteredAccuracy: facc / T, gap: facc / T - acc / T, relativeGap: rel / relN, retention: kept / lines.length };
}
