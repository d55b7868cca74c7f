// The golden datasets: small and varied, each built to exercise one part of the statistics (ties,
// weighted filters, missing scores, a single task, nothing kept). The samples are generated here once
// and stored with the report (capture.ts); the test reads them back from the files, so a change to
// this generator cannot move the goldens.
import { parseFilter, parseSelector } from '../../../../src/core/filter/parse';
import { computeReport } from '../../../../src/core/stats/report';
import type { BootstrapOptions } from '../../../../src/core/stats/bootstrap';
import type { ScoredSample } from '../../../../src/core/stats/types';
import { createRng, type Rng } from '../../../../src/core/util/random';

export interface GoldenCase {
  name: string;
  /** What the dataset exercises. */
  about: string;
  selector: string;
  filter: string;
  bootstrap: BootstrapOptions;
  verifiers?: string[];
  samples: ScoredSample[];
}

export interface GoldenFile extends GoldenCase {
  /** computeReport's output through JSON (doubles round-trip exactly). */
  report: unknown;
}

export function goldenReport(c: GoldenCase): unknown {
  const report = computeReport(c.samples, {
    selector: parseSelector(c.selector),
    filter: parseFilter(c.filter),
    bootstrap: c.bootstrap,
    ...(c.verifiers ? { verifiers: c.verifiers } : {}),
  });
  // The goldens were captured before the oracle line and the verification curve existed; their own
  // tests (oracle.test.ts, verificationCurve.test.ts) hold them.
  const { oracle: _oracle, verificationCurve: _curve, ...captured } = report;
  return JSON.parse(JSON.stringify(captured)) as unknown;
}

/** A score, null (did not parse) or undefined (the sample has no such key). */
type ScoreOf = (rng: Rng, correct: boolean, task: number, index: number) => number | null | undefined;

/** Tasks of random difficulty; `perTask(t)` samples each, every verifier scored by its function. */
function generate(seed: string, tasks: number, perTask: (t: number) => number, verifiers: Record<string, ScoreOf>, answers: boolean): ScoredSample[] {
  const rng = createRng(seed);
  const samples: ScoredSample[] = [];
  for (let t = 0; t < tasks; t++) {
    const p = rng.next();
    for (let index = 0; index < perTask(t); index++) {
      const correct = rng.next() < p;
      const scores: Record<string, number | null> = {};
      for (const [name, score] of Object.entries(verifiers)) {
        const s = score(rng, correct, t, index);
        if (s !== undefined) scores[name] = s;
      }
      const sample: ScoredSample = { task: `task-${String(t).padStart(3, '0')}`, index, correct, scores };
      if (answers) sample.answer = correct ? 'right' : `wrong-${rng.int(3)}`;
      samples.push(sample);
    }
  }
  return samples;
}

const leaning = (rng: Rng, correct: boolean): number => Math.min(1, Math.max(0, (correct ? 0.6 : 0.4) + (rng.next() - 0.5) * 0.8));
const grid = (rng: Rng, correct: boolean): number => [0, 0.25, 0.5, 0.75, 1][Math.min(4, Math.floor((correct ? 1.5 : 0) + rng.next() * 3.5))] as number;

export function goldenCases(): GoldenCase[] {
  const bootstrap = { resamples: 200, seed: 7, level: 0.9 };
  return [
    {
      name: 'small',
      about: '40 tasks × 6, two continuous verifiers, answers, a threshold',
      selector: 'mc',
      filter: 'threshold:0.5',
      bootstrap,
      samples: generate('golden:small', 40, () => 6, { mc: leaning, judge: (rng) => rng.next() }, true),
    },
    {
      name: 'ties',
      about: '36 tasks × 8 on a five-point score grid (large tie blocks), quantile filter with the bias correction',
      selector: 'grid',
      filter: 'quantile:0.5',
      bootstrap: { resamples: 300, seed: 3, level: 0.95 },
      samples: generate('golden:ties', 36, () => 8, { grid, mc: leaning }, false),
    },
    {
      name: 'weighted',
      about: '50 tasks of 3–9 samples, exp:β weights on mean(mc,judge)',
      selector: 'mean(mc,judge)',
      filter: 'exp:0.2',
      bootstrap,
      samples: generate('golden:weighted', 50, (t) => 3 + (t % 7), { mc: leaning, judge: (rng, correct) => (correct ? 0.3 : 0) + 0.7 * rng.next() }, false),
    },
    {
      name: 'missing',
      about: 'scores null or absent, a task with no scored sample, a verifier known only from the run, and(…) topk',
      selector: 'and(mc,judge)',
      filter: 'topk:2',
      bootstrap,
      verifiers: ['mc', 'judge', 'never'],
      samples: generate('golden:missing', 32, () => 5, {
        mc: (rng, correct, t) => (t === 4 || rng.next() < 0.15 ? null : leaning(rng, correct)),
        judge: (rng, correct, t, index) => (t === 4 ? null : index === 3 ? undefined : grid(rng, correct)),
      }, true),
    },
    {
      name: 'one-task',
      about: 'a single task of 12 samples: every resample draws it',
      selector: 'mc',
      filter: 'quantile:0.75',
      bootstrap,
      samples: generate('golden:one', 1, () => 12, { mc: leaning }, true),
    },
    {
      name: 'nothing-kept',
      about: 'a threshold no score reaches in most tasks: zero kept falls back to J(f|x)',
      selector: 'mc',
      filter: 'threshold:0.95',
      bootstrap: { resamples: 150, seed: 11, level: 0.8 },
      samples: generate('golden:none', 33, () => 4, { mc: leaning }, false),
    },
  ];
}
