// Coverage of a run folder, counted from its records: of the tasks × n samples the run promises, how
// many are generated, and per verifier how many are scored, failed (by kind) or missing. Definitions:
// docs/statistics.md, "Coverage and what a number rests on".
import { CALL_FAILURE_KINDS, type FailureRecord, type RunConfig, type Task, type VerificationRecord } from './records';
import { sampleKey } from './sampleKey';
import { VERIFIER_FAILURE_KINDS, zeroCounts, type GenerationCoverage, type RecordCoverage, type VerifierCoverage } from '../stats/coverage';

const GENERATION = 'generation';

/** The records coverage is counted from: a run folder as read (RunData), or the extension's copy of one as its records stream in. */
export interface CoverageRecords {
  manifest: { config: Pick<RunConfig, 'n' | 'verifiers'> };
  tasks: readonly Pick<Task, 'id'>[];
  /** sampleKey -> anything: only presence counts. */
  generations: ReadonlyMap<string, unknown>;
  verifications: ReadonlyMap<string, ReadonlyMap<string, Pick<VerificationRecord, 'score' | 'failure'>>>;
  /** sampleKey -> stage -> the stage's current call failure (none where a record of the stage exists). */
  failures: ReadonlyMap<string, ReadonlyMap<string, Pick<FailureRecord, 'kind'>>>;
}

/**
 * Counts the expected samples (every task of tasks.jsonl, indices 0 … n−1). A verifier's counts are
 * over generated samples: a sample without a generation is missing for every verifier.
 */
export function runCoverage(run: CoverageRecords): RecordCoverage {
  const n = run.manifest.config.n;
  const expected = run.tasks.length * n;
  const generations: GenerationCoverage = { expected, done: 0, failed: 0, failures: zeroCounts(CALL_FAILURE_KINDS), missing: 0 };
  const verifiers = new Map<string, VerifierCoverage>(
    verifierNames(run).map((name) => [name, { expected, scored: 0, failed: 0, failures: zeroCounts(VERIFIER_FAILURE_KINDS), missing: 0 }]),
  );
  let tasksDone = 0;
  for (const task of run.tasks) {
    let generated = 0;
    for (let index = 0; index < n; index++) {
      const key = sampleKey(task.id, index);
      const failures = run.failures.get(key);
      if (!run.generations.has(key)) {
        const failure = failures?.get(GENERATION);
        if (failure) {
          generations.failed++;
          generations.failures[failure.kind]++;
        }
        continue;
      }
      generated++;
      const verdicts = run.verifications.get(key);
      for (const [name, c] of verifiers) {
        const record = verdicts?.get(name);
        if (record !== undefined && record.score !== null) {
          c.scored++;
          continue;
        }
        // A record of the stage supersedes its call failure (the reader drops those), so at most one applies.
        const kind = record !== undefined ? (record.failure ?? 'unparsable') : failures?.get(name)?.kind;
        if (kind === undefined) continue;
        c.failed++;
        c.failures[kind]++;
      }
    }
    generations.done += generated;
    if (generated === n) tasksDone++;
  }
  generations.missing = expected - generations.done - generations.failed;
  for (const c of verifiers.values()) c.missing = expected - c.scored - c.failed;
  return { tasks: { expected: run.tasks.length, done: tasksDone }, generations, verifiers: Object.fromEntries(verifiers) };
}

/** The configured verifiers in run.json order, then any other found in the records, in UTF-16 order. */
function verifierNames(run: CoverageRecords): string[] {
  const configured = run.manifest.config.verifiers;
  const found = new Set<string>();
  for (const byVerifier of run.verifications.values()) for (const name of byVerifier.keys()) found.add(name);
  for (const byStage of run.failures.values()) for (const stage of byStage.keys()) if (stage !== GENERATION) found.add(stage);
  const others = [...found].filter((name) => !configured.includes(name)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [...new Set(configured), ...others];
}
