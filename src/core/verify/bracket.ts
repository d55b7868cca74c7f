// Single-elimination brackets with seeded random pairing; what a match is, is up to the caller.
import { shuffled, type Rng } from '../util/random';

export interface BracketMatch<T> {
  /** 1-based. */
  round: number;
  /** Entrant positions; `a` is the one listed first. */
  a: number;
  b: number;
  winner: number;
  /** Whatever the match reported, kept as evidence. */
  outcome: T;
}

export interface Bracket<T> {
  /** Rounds played: ⌈log2 n⌉ for n entrants (0 for one entrant). */
  rounds: number;
  matches: BracketMatch<T>[];
  /** Entrants that sat a round out because the field was odd. A bye is not a win. */
  byes: { round: number; entrant: number }[];
}

export type PlayMatch<T> = (a: number, b: number, round: number) => Promise<{ winner: 'a' | 'b'; outcome: T }>;

/**
 * Plays entrants 0..n−1 to a single winner. Each round the survivors are shuffled with `rng` and
 * paired in that order; with an odd number the last one gets a bye. Re-drawing every round
 * spreads byes instead of handing all of them to one entrant. The matches of a round are played
 * concurrently, and every round halves the field (rounding up), so there are ⌈log2 n⌉ rounds.
 */
export async function runBracket<T>(entrants: number, rng: Rng, play: PlayMatch<T>): Promise<Bracket<T>> {
  const matches: BracketMatch<T>[] = [];
  const byes: Bracket<T>['byes'] = [];
  let alive = Array.from({ length: entrants }, (_, i) => i);
  let round = 0;
  while (alive.length > 1) {
    round++;
    const order = shuffled(alive, rng);
    const bye = order.length % 2 === 1 ? order.pop() : undefined;
    const pairs = Array.from({ length: order.length / 2 }, (_, i) => [order[2 * i] as number, order[2 * i + 1] as number] as const);
    const played = await Promise.all(
      pairs.map(async ([a, b]) => {
        const { winner, outcome } = await play(a, b, round);
        return { round, a, b, winner: winner === 'a' ? a : b, outcome };
      }),
    );
    matches.push(...played);
    alive = played.map((m) => m.winner);
    if (bye !== undefined) {
      byes.push({ round, entrant: bye });
      alive.push(bye);
    }
  }
  return { rounds: round, matches, byes };
}
