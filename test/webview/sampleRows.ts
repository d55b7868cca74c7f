// Typed builders of panel test data: tasks and sample rows as the host sends them, and the same
// samples as the statistics see them (for computeReport as the reference).
import { runCoverage } from '../../src/core/runs/coverage';
import type { CallFailureKind } from '../../src/core/runs/records';
import { sampleKey } from '../../src/core/runs/sampleKey';
import type { RecordCoverage } from '../../src/core/stats/coverage';
import type { ScoredSample } from '../../src/core/stats/types';
import { createRng } from '../../src/core/util/random';
import type { SampleRow, TaskInfo, VerificationRow } from '../../src/protocol/panelProtocol';

export interface RowOptions {
  tasks: number;
  /** Samples per task. */
  n: number;
  verifiers: readonly string[];
  seed: number;
  /** Share of verifications whose output did not parse (score null). */
  parseFailures?: number;
}

/** Deterministic synthetic run: task difficulty varies, scores lean towards correctness so the filter has something to find. */
export function buildRows(options: RowOptions): { tasks: TaskInfo[]; rows: SampleRow[] } {
  const rng = createRng(options.seed);
  const tasks: TaskInfo[] = [];
  const rows: SampleRow[] = [];
  const width = String(options.tasks - 1).length;
  for (let t = 0; t < options.tasks; t++) {
    const id = `task-${String(t).padStart(width, '0')}`;
    const gold = String(10 + t);
    tasks.push({ id, question: `What is ${t} + 10?`, gold: [gold], grader: 'numeric' });
    const difficulty = rng.next();
    for (let i = 0; i < options.n; i++) {
      const correct = rng.next() > difficulty;
      const answer = correct ? gold : String(rng.int(5) + t);
      rows.push(sampleRow(id, i, correct, answer, options.verifiers.map((v) => verification(v, correct, rng.next(), rng.next() < (options.parseFailures ?? 0)))));
    }
  }
  return { tasks, rows };
}

export function sampleRow(task: string, index: number, correct: boolean | null, answer: string | null, verifications: VerificationRow[], text?: string): SampleRow {
  return {
    task,
    index,
    text: text ?? `Let me think. ${answer === null ? 'I do not know.' : `The answer is ${answer}.`}`,
    correct,
    extracted: answer,
    normalized: answer,
    gradeReason: correct === null ? 'no gold answer' : correct ? `${answer} equals the gold answer` : `${answer} differs from the gold answer`,
    verifications,
  };
}

function verification(verifier: string, correct: boolean, u: number, failed: boolean): VerificationRow {
  if (failed) return { verifier, score: null, parse: 'failed', failure: 'unparsable', parseError: 'no score in the output', prompt: `Verify (${verifier})`, raw: 'I am not sure.' };
  // Rounded like a real verifier's output, so ties occur (quantile and top-k must break them the same way).
  const score = Math.round((correct ? 0.35 + 0.65 * u : 0.75 * u) * 100) / 100;
  return { verifier, score, parse: 'ok', prompt: `Verify (${verifier})`, raw: `score ${score}` };
}

/** The rows as the statistics see them; `flip` names samples counted with the verdict flipped. */
export function toScored(rows: readonly SampleRow[], flip: ReadonlySet<string> = new Set()): ScoredSample[] {
  return rows
    .filter((r) => r.correct !== null)
    .map((r) => {
      const scores: Record<string, number | null> = {};
      for (const v of r.verifications) scores[v.verifier] = v.score;
      const correct = r.correct === true;
      return { task: r.task, index: r.index, correct: flip.has(`${r.task}#${r.index}`) ? !correct : correct, scores, answer: r.normalized };
    });
}

/**
 * What the host's RunModel counts of these rows (core's runCoverage): `tasks` × `n` expected samples,
 * the rows generated, their verifications and call failures, plus samples whose generation failed.
 */
export function coverageOf(
  tasks: readonly TaskInfo[],
  rows: readonly SampleRow[],
  config: { n: number; verifiers: string[] },
  generationFailures: readonly { task: string; index: number; kind: CallFailureKind }[] = [],
): RecordCoverage {
  const generations = new Map(rows.map((r) => [sampleKey(r.task, r.index), r]));
  const verifications = new Map(rows.map((r) => [sampleKey(r.task, r.index), new Map(r.verifications.map((v) => [v.verifier, v]))]));
  const failures = new Map<string, Map<string, { kind: CallFailureKind }>>(rows.map((r) => [sampleKey(r.task, r.index), new Map((r.callFailures ?? []).map((f) => [f.stage, f]))]));
  for (const f of generationFailures) failures.set(sampleKey(f.task, f.index), new Map([['generation', f]]));
  return runCoverage({ manifest: { config }, tasks, generations, verifications, failures });
}
