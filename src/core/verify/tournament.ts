// The tournament verifier: a task's samples play a single-elimination bracket in which the model
// picks the better of two answers. A sample's score is the share of the bracket's rounds it won.
import type { Task } from '../tasks/task';
import { createRng, deriveSeed } from '../util/random';
import { runBracket, type Bracket, type BracketMatch } from './bracket';
import { parseBetter } from './markers';
import { generateOne, verifyPrompt } from './prompting';
import { PromptTooLongError } from '../llm/backend';
import { callFailureOf } from '../llm/callFailure';
import type { Verification, Verifier, VerifyContext, VerifyOutcome, VerifySample } from './verifier';
import type { MatchPrompt } from '../runs/records';
import { isPlainObject } from '../util/plainObject';

export interface TournamentOptions {
  /** Ask every match in both A/B orders, to expose the model's position bias. */
  bothOrders: boolean;
}

/** One question to the model: which of two samples (by position) is better, listed in this order. */
interface Ask {
  a: number;
  b: number;
  seed: number;
  prompt: string;
  raw: string;
  /** The position the model picked; null when its answer could not be parsed. */
  pick: number | null;
  parseError?: string;
  /** Set with parseError: the prompt did not fit, rather than the answer being unreadable. */
  tooLong?: true;
}

/**
 * How a match was decided: 'model' when every parsed answer picked the same sample; 'tie-break'
 * when the two orders picked different samples; 'fallback' when no answer parsed. In the last two
 * the sample listed first (as A in the first order) wins: the pairing order is random, so this
 * favours no sample, and it keeps the bracket reproducible.
 */
type Decision = 'model' | 'tie-break' | 'fallback';

interface MatchOutcome {
  asks: Ask[];
  decidedBy: Decision;
}

export function createTournamentVerifier(opts: TournamentOptions): Verifier {
  return {
    name: 'tournament',
    judgesTheGroup: true,
    async verifyTask(task: Task, samples: VerifySample[], ctx: VerifyContext): Promise<VerifyOutcome[]> {
      const rng = createRng(deriveSeed(ctx.seed, task.id, 'tournament'));
      let bracket: Bracket<MatchOutcome>;
      try {
        bracket = await runBracket(samples.length, rng, async (a, b, round) => {
          const orders = opts.bothOrders ? [[a, b], [b, a]] as const : [[a, b]] as const;
          const asks = await Promise.all(orders.map(([first, second]) => askModel(task, samples, ctx, first, second, round)));
          const { winner, decidedBy } = decide(a, asks);
          return { winner, outcome: { asks, decidedBy } };
        });
      } catch (err) {
        // A bracket with a match that never happened scores nobody: every sample's call failed.
        const callFailure = callFailureOf(err);
        if (callFailure === null) throw err;
        return samples.map(() => ({ verifier: 'tournament', callFailure }));
      }
      return samples.map((_, position) => verificationOf(position, samples, bracket, opts.bothOrders));
    },
  };
}

async function askModel(task: Task, samples: VerifySample[], ctx: VerifyContext, a: number, b: number, round: number): Promise<Ask> {
  const sampleA = samples[a] as VerifySample;
  const sampleB = samples[b] as VerifySample;
  const prompt = verifyPrompt(ctx, 'verify-tournament', task, { response_a: sampleA.text, response_b: sampleB.text });
  const seed = deriveSeed(ctx.seed, task.id, 'tournament', round, sampleA.index, sampleB.index);
  let generation;
  try {
    generation = await generateOne(ctx, prompt, seed);
  } catch (err) {
    // Two long responses may not fit the context together: the match is then decided like an
    // unreadable answer, and the reason is kept, rather than ending the run.
    if (err instanceof PromptTooLongError) return { a, b, seed, prompt, raw: '', pick: null, parseError: err.message, tooLong: true };
    throw err;
  }
  const parsed = parseBetter(generation.text);
  const ask = { a, b, seed, prompt, raw: generation.text };
  return parsed.ok ? { ...ask, pick: parsed.value === 'A' ? a : b } : { ...ask, pick: null, parseError: parsed.error };
}

function decide(listedFirst: number, asks: Ask[]): { winner: 'a' | 'b'; decidedBy: Decision } {
  const picks = asks.flatMap((ask) => (ask.pick === null ? [] : [ask.pick]));
  const [firstPick] = picks;
  if (firstPick === undefined) return { winner: 'a', decidedBy: 'fallback' };
  if (picks.some((p) => p !== firstPick)) return { winner: 'a', decidedBy: 'tie-break' };
  return { winner: firstPick === listedFirst ? 'a' : 'b', decidedBy: 'model' };
}

function verificationOf(position: number, samples: VerifySample[], bracket: Bracket<MatchOutcome>, bothOrders: boolean): Verification {
  const indexOf = (p: number): number => (samples[p] as VerifySample).index;
  const own = bracket.matches.filter((m) => m.a === position || m.b === position);
  const won = own.filter((m) => m.winner === position).length;
  const asks = own.flatMap((m) => m.outcome.asks.map((ask) => ({ round: m.round, ask })));
  const header = (round: number, ask: Ask): string => matchHeader(round, indexOf(ask.a), indexOf(ask.b));
  const fallbacks = own.filter((m) => m.outcome.decidedBy === 'fallback');
  const unparsed = fallbacks.length;
  const tooLong = fallbacks.every((m) => m.outcome.asks.every((ask) => ask.tooLong === true));
  // A match no answer decided went to the sample listed first by rule, not by the model's
  // judgement: a score resting on one is not a measurement (docs/statistics.md, coverage).
  const measured = unparsed === 0;
  return {
    verifier: 'tournament',
    // One sample is the whole field: nothing beats it.
    ...(measured
      ? { score: bracket.rounds === 0 ? 1 : won / bracket.rounds, parse: 'ok' as const }
      : {
          score: null,
          parse: 'failed' as const,
          parseError: `${tooLong ? 'the prompt did not fit the context' : "the model's pick could not be read"} in ${unparsed} of this sample's ${own.length} match${own.length === 1 ? '' : 'es'}`,
          failure: tooLong ? ('prompt-too-long' as const) : ('unparsable' as const),
        }),
    prompt: joinMatches(asks.map(({ round, ask }) => ({ header: header(round, ask), text: ask.prompt }))),
    raw: joinMatches(asks.map(({ round, ask }) => ({ header: header(round, ask), text: ask.raw }))),
    detail: {
      bothOrders,
      rounds: bracket.rounds,
      roundsWon: won,
      byeRounds: bracket.byes.filter((b) => b.entrant === position).map((b) => b.round),
      matchesPlayed: own.length,
      inconsistentMatches: own.filter((m) => m.outcome.decidedBy === 'tie-break').length,
      unparsedMatches: unparsed,
      matches: own.map((m) => matchDetail(m, position, indexOf)),
    },
  };
}

/** The line above each match in a sample's tournament prompt and raw output: the samples by index. */
export function matchHeader(round: number, a: number, b: number): string {
  return `=== round ${round}: sample ${a} (A) vs sample ${b} (B) ===`;
}

/** A sample's matches as one text: each under its header, separated by a blank line. */
export function joinMatches(matches: readonly { header: string; text: string }[]): string {
  return matches.map(({ header, text }) => `${header}\n${text}`).join('\n\n');
}

/**
 * The questions a sample's tournament prompt holds, in order, read back from its `detail`: per
 * match, the sample listed first is A, and with both orders the reversed order follows. A run's
 * verification record names its prompt by these (runs/verificationPrompts.ts); null when the
 * detail is not a tournament's.
 */
export function askedMatches(detail: Record<string, unknown> | undefined, index: number): MatchPrompt[] | null {
  const matches = detail?.['matches'];
  if (!Array.isArray(matches) || typeof detail?.['bothOrders'] !== 'boolean') return null;
  const asked: MatchPrompt[] = [];
  for (const m of matches as unknown[]) {
    if (!isPlainObject(m) || typeof m['round'] !== 'number' || typeof m['opponent'] !== 'number' || typeof m['listedFirst'] !== 'boolean') return null;
    const [a, b] = m['listedFirst'] ? [index, m['opponent']] : [m['opponent'], index];
    asked.push({ round: m['round'], values: { response_a: a, response_b: b } });
    if (detail['bothOrders']) asked.push({ round: m['round'], values: { response_a: b, response_b: a } });
  }
  return asked;
}

function matchDetail(m: BracketMatch<MatchOutcome>, position: number, indexOf: (p: number) => number): Record<string, unknown> {
  return {
    round: m.round,
    opponent: indexOf(m.a === position ? m.b : m.a),
    listedFirst: m.a === position,
    won: m.winner === position,
    decidedBy: m.outcome.decidedBy,
    // Per order asked: the sample index the model picked, null when its answer was unreadable.
    picks: m.outcome.asks.map((ask) => (ask.pick === null ? null : indexOf(ask.pick))),
    seeds: m.outcome.asks.map((ask) => ask.seed),
    ...(m.outcome.asks.some((ask) => ask.parseError) ? { parseErrors: m.outcome.asks.map((ask) => ask.parseError ?? null) } : {}),
  };
}
