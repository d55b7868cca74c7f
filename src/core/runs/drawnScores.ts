// A verifier that draws K verifications per sample (`--verifications K`) has one score per sample
// for the statistics: the aggregate of its draws, once every draw is recorded (docs/statistics.md,
// "Verification compute"). Shared by every reader of a run, records (readRun) and columns alike.
import { aggregateOf, aggregateScores, stageKey } from '../verify/draws';
import type { VerifierFailureKind } from '../stats/coverage';
import type { FailureRecord, RunConfig, VerificationRecord } from './records';

/** How many verifications of each sample the run draws for this verifier (1 unless `config.verifications` says more). */
export function drawCount(config: Pick<RunConfig, 'verifications'>, verifier: string): number {
  return config.verifications?.[verifier] ?? 1;
}

/** The stages (verify/draws.ts stageKey) of these verifiers: one per verification each draws of a sample. */
export function drawStages(config: Pick<RunConfig, 'verifications'>, verifiers: readonly string[]): string[] {
  return verifiers.flatMap((name) => Array.from({ length: drawCount(config, name) }, (_, draw) => stageKey(name, draw)));
}

/** A sample's verdict of one verifier, all its draws together: scored; failed (recorded: every draw failed to parse; else: a draw's call failed); or undefined, not verified yet. */
export type DrawnVerdict = { score: number } | { score: null; kind: VerifierFailureKind; recorded: boolean } | undefined;

/**
 * The verdict of a sample's K draws, given per draw its record's score and failure (undefined: no
 * record) and, where there is no record, the kind of the draw's current call failure. With every
 * draw recorded: the aggregate of the scored draws (verify/draws.ts), or failed with the first draw's
 * failure kind when none scored. Otherwise failed with the first call failure among the draws without
 * a record, or undefined: a score rests on all K draws.
 */
export function drawnVerdict(
  verifier: string,
  records: readonly (Pick<VerificationRecord, 'score' | 'failure'> | undefined)[],
  callFailure: (draw: number) => VerifierFailureKind | undefined,
): DrawnVerdict {
  if (records.every((r) => r !== undefined)) {
    const scores = records.flatMap((r) => (r?.score === null || r === undefined ? [] : [r.score]));
    if (scores.length > 0) return { score: records.length === 1 ? (scores[0] as number) : (aggregateScores(scores, aggregateOf(verifier)) as number) };
    return { score: null, kind: records[0]?.failure ?? 'unparsable', recorded: true };
  }
  for (let draw = 0; draw < records.length; draw++) {
    const kind = records[draw] === undefined ? callFailure(draw) : undefined;
    if (kind !== undefined) return { score: null, kind, recorded: false };
  }
  return undefined;
}

/** What a run read as records holds of a sample's verifications and call failures (RunData's maps, or the panel's copy). */
export interface VerdictRecords {
  manifest: { config: Pick<RunConfig, 'verifications'> };
  verifications: ReadonlyMap<string, ReadonlyMap<string, Pick<VerificationRecord, 'score' | 'failure'>>>;
  draws?: ReadonlyMap<string, ReadonlyMap<string, Pick<VerificationRecord, 'score' | 'failure'>>>;
  failures: ReadonlyMap<string, ReadonlyMap<string, Pick<FailureRecord, 'kind'>>>;
}

/** The verdict of `verifier` on the sample `key` from records: drawnVerdict over its draws. */
export function recordVerdict(run: VerdictRecords, key: string, verifier: string): DrawnVerdict {
  const k = drawCount(run.manifest.config, verifier);
  const records = Array.from({ length: k }, (_, draw) => (draw === 0 ? run.verifications.get(key)?.get(verifier) : run.draws?.get(key)?.get(stageKey(verifier, draw))));
  return drawnVerdict(verifier, records, (draw) => run.failures.get(key)?.get(stageKey(verifier, draw))?.kind);
}
