// Verification compute (`--verifications K`, docs/statistics.md "Verification compute"): K sampled
// verifications per sample, each with its own seed (so its own response-cache entry), aggregated
// into the one score the statistics read — the mean of the scores, the majority of the verdicts.
import { deriveSeed } from '../util/random';
import { isCallFailure, type BaseVerifierName, type Verifier, type VerifyContext } from './verifier';

/** The most verifications per sample a run takes: the k-curve enumerates subsets of the draws. */
export const MAX_VERIFICATIONS = 16;

/** How a verifier's draws become one score: cot-score's 1–10 by their mean, cot-binary's verdicts by majority. */
export type Aggregate = 'mean' | 'majority';

/** The verifiers that sample their judgement, and so can draw several: mc reads logprobs (every draw would be the same), the tournament is a bracket over the whole task. */
export const DRAWN_VERIFIERS: Readonly<Partial<Record<BaseVerifierName, Aggregate>>> = { 'cot-score': 'mean', 'cot-binary': 'majority' };

/** Why `--verifications K` cannot apply to these verifiers at this verifier temperature, or null when it can. */
export function verificationsRefusal(bases: readonly BaseVerifierName[], k: number, verifierTemperature: number): string | null {
  if (!Number.isInteger(k) || k < 1 || k > MAX_VERIFICATIONS) return `--verifications must be an integer from 1 to ${MAX_VERIFICATIONS}, got ${k}`;
  if (k === 1) return null;
  const refused = bases.filter((b) => DRAWN_VERIFIERS[b] === undefined);
  if (refused.length > 0) {
    const why = refused.map((b) => (b === 'mc' ? 'mc scores from logprobs without sampling, so every draw would be the same' : `${b} judges a bracket of the whole task, not one sample`)).join('; ');
    return `--verifications ${k} needs verifiers that sample their judgement (${Object.keys(DRAWN_VERIFIERS).join(', ')}): ${why}. Run ${refused.join(', ')} without --verifications (gaplens reverify RUN --verifier ${refused.join(',')} adds ${refused.length === 1 ? 'it' : 'them'} to the run)`;
  }
  if (verifierTemperature === 0) return `--verifications ${k} with --verifier-temperature 0 would draw the same greedy verification ${k} times: give a verifier temperature above 0`;
  return null;
}

/**
 * The seed of one verification of a sample. Draw 0 (or none) has the seed a run of one verification
 * uses, so such a run's cached answers serve the first draw of a run with more.
 */
export function drawSeed(ctx: Pick<VerifyContext, 'seed' | 'draw'>, task: string, index: number, verifier: string): number {
  const draw = ctx.draw ?? 0;
  return draw === 0 ? deriveSeed(ctx.seed, task, index, verifier) : deriveSeed(ctx.seed, task, index, verifier, 'draw', draw);
}

/**
 * The key of one stage of a sample in memory (never written to a file): the verifier, and for its
 * draw d ≥ 1 the verifier, a NUL and d — a separator no verifier name in a run folder uses.
 */
export function stageKey(verifier: string, draw: number | undefined): string {
  return draw === undefined || draw === 0 ? verifier : `${verifier}\u0000${draw}`;
}

/** The verifier a stage key names (stageKey's inverse, without the draw). */
export function stageVerifier(stage: string): string {
  const at = stage.lastIndexOf('\u0000');
  return at === -1 ? stage : stage.slice(0, at);
}

/** The draw a stage key names (stageKey's inverse, without the verifier): 0 for a verifier's only or first. */
export function stageDraw(stage: string): number {
  const at = stage.lastIndexOf('\u0000');
  return at === -1 ? 0 : Number(stage.slice(at + 1));
}

/** `verifier` drawing verification `draw` of each sample: its context says which, its records say so. */
export function atDraw(verifier: Verifier, draw: number): Verifier {
  return {
    name: verifier.name,
    judgesTheGroup: verifier.judgesTheGroup,
    draw,
    verifyTask: async (task, samples, ctx) => (await verifier.verifyTask(task, samples, { ...ctx, draw })).map((outcome) => (isCallFailure(outcome) ? outcome : { ...outcome, draw })),
  };
}

/**
 * One score from a sample's scored draws (in draw order; none: null, not scored). mean: their
 * arithmetic mean. majority: 1 when more draws say correct (score ≥ ½) than incorrect, 0 when fewer,
 * ½ on a tie — no majority, ranked between the two.
 */
export function aggregateScores(scores: ArrayLike<number>, aggregate: Aggregate): number | null {
  const k = scores.length;
  if (k === 0) return null;
  if (aggregate === 'mean') {
    let sum = 0;
    for (let i = 0; i < k; i++) sum += scores[i] as number;
    return sum / k;
  }
  let correct = 0;
  for (let i = 0; i < k; i++) if ((scores[i] as number) >= 0.5) correct++;
  return correct * 2 > k ? 1 : correct * 2 < k ? 0 : 0.5;
}

/**
 * The aggregate of a verifier named as records carry it (`cot-score@big` aggregates as cot-score).
 * Read from the name here rather than through verify/index, which the panel's bundle cannot load.
 */
export function aggregateOf(verifier: string): Aggregate {
  return DRAWN_VERIFIERS[(verifier.split('@')[0] ?? '') as BaseVerifierName] ?? 'mean';
}
