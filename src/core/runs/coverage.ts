// Coverage of a run folder, counted from its records: of the tasks × n samples the run promises, how
// many are generated, and per verifier how many are scored, failed (by kind) or missing. Definitions:
// docs/statistics.md, "Coverage and what a number rests on".
import { CALL_FAILURE_KINDS, type CallFailureKind, type FailureRecord, type RunConfig, type Task, type VerificationRecord } from './records';
import { sampleKey } from './sampleKey';
import { recordVerdict, type VerdictRecords } from './drawnScores';
import { stageVerifier } from '../verify/draws';
import { VERIFIER_FAILURE_KINDS, zeroCounts, type GenerationCoverage, type RecordCoverage, type VerifierCoverage, type VerifierFailureKind } from '../stats/coverage';

const GENERATION = 'generation';

/** The records coverage is counted from: a run folder as read (RunData), or the extension's copy of one as its records stream in. */
export interface CoverageRecords extends VerdictRecords {
  manifest: { config: Pick<RunConfig, 'n' | 'verifiers' | 'verifications'> };
  tasks: readonly Pick<Task, 'id'>[];
  /** sampleKey -> anything: only presence counts. */
  generations: ReadonlyMap<string, unknown>;
  verifications: ReadonlyMap<string, ReadonlyMap<string, Pick<VerificationRecord, 'score' | 'failure'>>>;
  /** sampleKey -> stage -> the stage's current call failure (none where a record of the stage exists). */
  failures: ReadonlyMap<string, ReadonlyMap<string, Pick<FailureRecord, 'kind'>>>;
}

/** What coverage reads of each expected sample (task position `t` in tasks.jsonl, index `i` < n). */
export interface CoverageView {
  n: number;
  tasks: number;
  /** The verifiers to count, in order (verifierNames). */
  verifiers: readonly string[];
  generated(t: number, i: number): boolean;
  /** The current call failure of the generation, where there is no generation. */
  generationFailure(t: number, i: number): CallFailureKind | undefined;
  /** 'scored'; why not (a failure kind); or undefined: not tried yet. */
  verdict(t: number, i: number, verifier: string): 'scored' | VerifierFailureKind | undefined;
}

/**
 * Counts the expected samples (every task of tasks.jsonl, indices 0 … n−1). A verifier's counts are
 * over generated samples: a sample without a generation is missing for every verifier.
 */
export function runCoverage(run: CoverageRecords): RecordCoverage {
  const key = (t: number, i: number): string => sampleKey((run.tasks[t] as Pick<Task, 'id'>).id, i);
  return countCoverage({
    n: run.manifest.config.n,
    tasks: run.tasks.length,
    verifiers: verifierNames(run.manifest.config.verifiers, foundVerifiers(run)),
    generated: (t, i) => run.generations.has(key(t, i)),
    generationFailure: (t, i) => run.failures.get(key(t, i))?.get(GENERATION)?.kind,
    verdict(t, i, name) {
      // A record of the stage supersedes its call failure (the reader drops those), so at most one applies;
      // a verifier drawing several verifications per sample is scored once all of them are recorded.
      const verdict = recordVerdict(run, key(t, i), name);
      return verdict === undefined ? undefined : verdict.score !== null ? 'scored' : verdict.kind;
    },
  });
}

/** Coverage counted from a view of the run's samples (runCoverage's maps, or a run's columns). */
export function countCoverage(view: CoverageView): RecordCoverage {
  const { n } = view;
  const expected = view.tasks * n;
  const generations: GenerationCoverage = { expected, done: 0, failed: 0, failures: zeroCounts(CALL_FAILURE_KINDS), missing: 0 };
  const verifiers = new Map<string, VerifierCoverage>(
    view.verifiers.map((name) => [name, { expected, scored: 0, failed: 0, failures: zeroCounts(VERIFIER_FAILURE_KINDS), missing: 0 }]),
  );
  let tasksDone = 0;
  for (let t = 0; t < view.tasks; t++) {
    let generated = 0;
    for (let index = 0; index < n; index++) {
      if (!view.generated(t, index)) {
        const failure = view.generationFailure(t, index);
        if (failure) {
          generations.failed++;
          generations.failures[failure]++;
        }
        continue;
      }
      generated++;
      for (const [name, c] of verifiers) {
        const verdict = view.verdict(t, index, name);
        if (verdict === 'scored') c.scored++;
        else if (verdict !== undefined) {
          c.failed++;
          c.failures[verdict]++;
        }
      }
    }
    generations.done += generated;
    if (generated === n) tasksDone++;
  }
  generations.missing = expected - generations.done - generations.failed;
  for (const c of verifiers.values()) c.missing = expected - c.scored - c.failed;
  return { tasks: { expected: view.tasks, done: tasksDone }, generations, verifiers: Object.fromEntries(verifiers) };
}

/** Verifiers named in the records: of verifications and of call failures. */
function foundVerifiers(run: CoverageRecords): Set<string> {
  const found = new Set<string>();
  for (const byVerifier of run.verifications.values()) for (const name of byVerifier.keys()) found.add(name);
  for (const byStage of run.failures.values()) for (const stage of byStage.keys()) if (stage !== GENERATION) found.add(stageVerifier(stage));
  return found;
}

/** The configured verifiers in run.json order, then any other found in the records, in UTF-16 order. */
export function verifierNames(configured: readonly string[], found: Iterable<string>): string[] {
  const others = [...found].filter((name) => !configured.includes(name)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [...new Set(configured), ...others];
}
