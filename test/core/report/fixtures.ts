// A small run computed by hand, shared by the report tests.
//
// Two tasks, four samples each, verifier "mc", filter "threshold 0.5" (keep score >= 0.5):
//   task a: correct T T F F, scores .9 .2 .8 .1 -> kept #0 #2; J(f|a) = 0.5,  J(f[w]|a) = 1/2
//   task b: correct T F F F, scores .7 .6 .3 .2 -> kept #0 #1; J(f|b) = 0.25, J(f[w]|b) = 1/2
// accuracy 3/8 = 0.375; filtered (1/2 + 1/2)/2 = 0.5; gap 0.125; relative gap (0/0.5 + 0.25/0.75)/2
// = 1/6; retention 4/8; confusion kept 2 correct + 2 wrong, dropped 1 correct + 3 wrong; precision
// 2/4; recall 2/3; AUROC: correct {.9,.2,.7} vs incorrect {.8,.1,.6,.3,.2} wins 5 + 1.5 + 4 = 10.5
// of 15 = 0.7. pass@k (unbiased, per task then mean): a 1/2, 5/6, 1, 1; b 1/4, 1/2, 3/4, 1.
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import type { HtmlReportInput, HtmlSampleRow } from '../../../src/core/report/html';
import { assessReport } from '../../../src/core/stats/assessment';
import { samplesCoverage } from '../../../src/core/stats/coverage';
import { computeReport } from '../../../src/core/stats/report';
import type { GapReport } from '../../../src/core/stats/types';

export function handReport(): GapReport {
  return {
    tasks: 2,
    samples: 8,
    scored: 8,
    verifier: 'mc',
    filter: 'threshold 0.5',
    accuracy: 0.375,
    filteredAccuracy: 0.5,
    gap: 0.125,
    relativeGap: 1 / 6,
    relativeGapExcludedTasks: 0,
    tasksNothingKept: 0,
    retention: 0.5,
    auroc: 0.7,
    confusion: { keptCorrect: 2, keptWrong: 2, droppedCorrect: 1, droppedWrong: 3 },
    precision: 0.5,
    recall: 2 / 3,
    ci: {
      level: 0.95,
      resamples: 1000,
      seed: 7,
      accuracy: [0.25, 0.5],
      filteredAccuracy: [0.5, 0.5],
      gap: [-0.0625, 0.25],
      relativeGap: [0, 1 / 3],
    },
    // The checker as the verifier under threshold 0.5 keeps exactly the correct samples: J = 1 in both
    // tasks (each has one), so the oracle gap is 1 − accuracy and its interval 1 − accuracy's, reversed.
    oracle: { filteredAccuracy: 1, gap: 0.625, relativeGap: 1, retention: 3 / 8, tasksNothingKept: 0, ci: { filteredAccuracy: [1, 1], gap: [0.5, 0.75], relativeGap: [1, 1] } },
    passAtK: [0.375, (5 / 6 + 1 / 2) / 2, 0.875, 1],
    majAtK: [0.375, 0.25, 0.5, 0.5],
    bestOfK: [0.375, 0.5, 0.5, 0.5],
    byDifficulty: [
      { range: [0, 0.5], tasks: 1, accuracy: 0.25, filteredAccuracy: 0.5, gap: 0.25 },
      { range: [0.5, 1], tasks: 1, accuracy: 0.5, filteredAccuracy: 0.5, gap: 0 },
    ],
    correlations: { pearson: { 'mc~cot-score': 0.25 }, spearman: { 'mc~cot-score': -0.5 } },
    perTask: [
      { task: 'a', samples: 4, accuracy: 0.5, filteredAccuracy: 0.5, kept: 2, nothingKept: false },
      { task: 'b', samples: 4, accuracy: 0.25, filteredAccuracy: 0.5, kept: 2, nothingKept: false },
    ],
    fewTasksWarning: 'only 2 tasks: the task-bootstrap interval is unreliable',
    ...qualityOfHandRun(),
  };
}

/** The verifier quality, any-N and finite-N parts, computed from the hand run (their arithmetic is tested in test/core/stats). */
function qualityOfHandRun(): Pick<GapReport, 'passAllK' | 'bestOfNShortfall' | 'verifierQuality' | 'anyN' | 'finiteN'> {
  const scored = handSamples().map((r) => ({ task: r.task, index: r.index, correct: r.correct, scores: { mc: r.score } }));
  const { passAllK, bestOfNShortfall, verifierQuality, anyN, finiteN } = computeReport(scored, {
    selector: parseSelector('mc'),
    filter: parseFilter('threshold:0.5'),
    bootstrap: { resamples: 1000, seed: 7, level: 0.95 },
  });
  return { passAllK, bestOfNShortfall, verifierQuality, anyN, finiteN };
}

export function row(task: string, index: number, correct: boolean, score: number | null, weight: number): HtmlSampleRow {
  return {
    task,
    index,
    question: `What is the answer to ${task}?`,
    gold: '42',
    text: `Reasoning for ${task}#${index}. The answer is ${correct ? 42 : 41}.`,
    extracted: correct ? '42' : '41',
    correct,
    gradeReason: correct ? '42 equals the gold 42' : '41 differs from the gold 42',
    score,
    weight,
    verifications: [{ verifier: 'mc', score, parse: score === null ? 'failed' : 'ok', raw: `Correct: ${score ?? '?'}` }],
  };
}

export function handSamples(): HtmlSampleRow[] {
  return [
    row('a', 0, true, 0.9, 1),
    row('a', 1, true, 0.2, 0),
    row('a', 2, false, 0.8, 1),
    row('a', 3, false, 0.1, 0),
    row('b', 0, true, 0.7, 1),
    row('b', 1, false, 0.6, 1),
    row('b', 2, false, 0.3, 0),
    row('b', 3, false, 0.2, 0),
  ];
}

export function handInput(): HtmlReportInput {
  return {
    title: 'run-2024-hand',
    generatedAt: '2025-01-02T03:04:05.000Z',
    context: [
      { label: 'model', value: 'qwen2-0.5b.gguf' },
      { label: 'n', value: '4' },
    ],
    assessed: assessedOf(handReport()),
    samples: handSamples(),
  };
}

/** The hand run's coverage (every sample scored by mc) around `report`: a complete run, not live. */
export function assessedOf(report: GapReport, live = false): HtmlReportInput['assessed'] {
  const scored = handSamples().map((r) => ({ task: r.task, index: r.index, correct: r.correct, scores: { mc: r.score } }));
  return assessReport('run', report, parseSelector('mc'), samplesCoverage(scored), live);
}

/** handInput with another report (coverage as in the hand run). */
export function inputWith(report: GapReport): HtmlReportInput {
  return { ...handInput(), assessed: assessedOf(report) };
}
