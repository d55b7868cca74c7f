import assert from 'node:assert/strict';
import { runBracket, type Bracket } from '../../../src/core/verify/bracket';
import { createRng, type Rng } from '../../../src/core/util/random';

/** An rng under which `shuffled` keeps the order (Fisher–Yates swaps each item with itself), so brackets can be worked by hand. */
const keepOrder: Rng = { next: () => 0.999999, int: (n) => n - 1 };

/** Higher strength wins. */
const byStrength = (strength: number[]) => async (a: number, b: number) =>
  ({ winner: (strength[a] as number) > (strength[b] as number) ? ('a' as const) : ('b' as const), outcome: null });

function wins(bracket: Bracket<unknown>, n: number): number[] {
  return Array.from({ length: n }, (_, i) => bracket.matches.filter((m) => m.winner === i).length);
}

describe('verify/bracket', () => {
  it('plays a 4-entrant bracket worked by hand', async () => {
    // Round 1: 0 (3) beats 1 (1); 2 (4) beats 3 (2). Final: 2 beats 0.
    const bracket = await runBracket(4, keepOrder, byStrength([3, 1, 4, 2]));
    assert.equal(bracket.rounds, 2);
    assert.deepEqual(bracket.matches.map((m) => [m.round, m.a, m.b, m.winner]), [[1, 0, 1, 0], [1, 2, 3, 2], [2, 0, 2, 2]]);
    assert.deepEqual(bracket.byes, []);
    assert.deepEqual(wins(bracket, 4), [1, 0, 2, 0]);
  });

  it('plays a 5-entrant bracket worked by hand, with byes that are not wins', async () => {
    // Round 1: 4 sits out; 0 (5) beats 1 (1); 2 (4) beats 3 (2). Round 2 over [0, 2, 4]: 4 sits
    // out again; 0 beats 2. Round 3: 0 beats 4. Entrant 4 reaches the final without winning.
    const bracket = await runBracket(5, keepOrder, byStrength([5, 1, 4, 2, 3]));
    assert.equal(bracket.rounds, 3);
    assert.deepEqual(bracket.matches.map((m) => [m.round, m.a, m.b, m.winner]), [[1, 0, 1, 0], [1, 2, 3, 2], [2, 0, 2, 0], [3, 0, 4, 0]]);
    assert.deepEqual(bracket.byes, [{ round: 1, entrant: 4 }, { round: 2, entrant: 4 }]);
    assert.deepEqual(wins(bracket, 5), [3, 0, 1, 0, 0]);
  });

  it('has ⌈log2 n⌉ rounds and n − 1 matches, each survivor playing or sitting out once per round', async () => {
    for (let n = 0; n <= 40; n++) {
      const bracket = await runBracket(n, createRng(n), byStrength(Array.from({ length: n }, (_, i) => (i * 7) % 11)));
      const expectedRounds = n <= 1 ? 0 : Math.ceil(Math.log2(n));
      assert.equal(bracket.rounds, expectedRounds, `n = ${n}`);
      assert.equal(bracket.matches.length, Math.max(0, n - 1), `n = ${n}`);
      let alive = new Set(Array.from({ length: n }, (_, i) => i));
      for (let round = 1; round <= bracket.rounds; round++) {
        const played = bracket.matches.filter((m) => m.round === round);
        const byes = bracket.byes.filter((b) => b.round === round).map((b) => b.entrant);
        const seated = [...played.flatMap((m) => [m.a, m.b]), ...byes].sort((x, y) => x - y);
        assert.deepEqual(seated, [...alive].sort((x, y) => x - y), `n = ${n}, round ${round}`);
        assert.ok(byes.length === alive.size % 2);
        alive = new Set([...played.map((m) => m.winner), ...byes]);
      }
      assert.equal(alive.size, Math.min(n, 1));
    }
  });

  it('plays the matches of a round concurrently', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    await runBracket(8, createRng(1), async () => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return { winner: 'a', outcome: null };
    });
    assert.equal(maxInFlight, 4);
  });
});
