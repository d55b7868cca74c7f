import assert from 'node:assert/strict';
import { BackendError } from '../../../src/core/llm/backend';
import { BLOCK_STOP } from '../../../src/core/prompts/stop';
import { deriveSeed } from '../../../src/core/util/random';
import { createTournamentVerifier } from '../../../src/core/verify/tournament';
import type { Verification } from '../../../src/core/verify/verifier';
import { context, sampleIn, samples, task, valueIn, judged } from './fixtures';
import { lastField, ScriptedBackend } from './scriptedBackend';

interface MatchDetail {
  round: number;
  opponent: number;
  listedFirst: boolean;
  won: boolean;
  decidedBy: string;
  picks: (number | null)[];
  seeds: number[];
  parseErrors?: (string | null)[];
}

const matchesOf = (v: Verification | undefined): MatchDetail[] => (v?.detail?.matches ?? []) as MatchDetail[];
const bracketOf = (out: Verification[]): [number, number, number, boolean][] =>
  out.flatMap((v, i) => matchesOf(v).filter((m) => m.listedFirst).map((m) => [m.round, i, m.opponent, m.won] as [number, number, number, boolean]))
    .sort((x, y) => x[0] - y[0] || x[1] - y[1]);

/** A judge that prefers the larger claimed value, whichever side it is on. */
const fairJudge = (): ScriptedBackend =>
  new ScriptedBackend({
    generate: (prompt) => (valueIn(lastField(prompt, 'Response A:')) > valueIn(lastField(prompt, 'Response B:')) ? ' A is larger.\nBetter: A' : ' B is larger.\nBetter: B'),
  });

const single = createTournamentVerifier({ bothOrders: false });
const both = createTournamentVerifier({ bothOrders: true });

describe('verify/tournament', () => {
  it('scores rounds won / ⌈log2 n⌉ on a 4-sample bracket worked by hand', async () => {
    // Seed 42 pairs, in round 1, sample 2 (A, 20) with 0 (B, 10) and 3 (A, 40) with 1 (B, 30);
    // the final is 3 (A) against 2 (B). Wins: 0, 0, 1, 2 out of ⌈log2 4⌉ = 2 rounds.
    const out = judged(await single.verifyTask(task, samples([10, 30, 20, 40]), context(fairJudge(), 42)));
    assert.deepEqual(bracketOf(out), [[1, 2, 0, true], [1, 3, 1, true], [2, 3, 2, true]]);
    assert.deepEqual(out.map((v) => v.score), [0, 0, 0.5, 1]);
    assert.deepEqual(out.map((v) => v.detail?.roundsWon), [0, 0, 1, 2]);
    assert.ok(out.every((v) => v.parse === 'ok' && v.verifier === 'tournament' && v.detail?.rounds === 2));
  });

  it('scores a 5-sample bracket worked by hand, where a bye is not a win', async () => {
    // Seed 42, round 1: sample 0 sits out; 2 (40) beats 3 (20); 4 (30) beats 1 (10).
    // Round 2 over {0, 2, 4}: 4 sits out; 0 (50) beats 2. Round 3: 0 beats 4.
    // ⌈log2 5⌉ = 3 rounds, so the champion, with one bye, scores 2/3.
    const out = judged(await single.verifyTask(task, samples([50, 10, 40, 20, 30]), context(fairJudge(), 42)));
    assert.deepEqual(bracketOf(out), [[1, 2, 3, true], [1, 4, 1, true], [2, 0, 2, true], [3, 0, 4, true]]);
    assert.deepEqual(out.map((v) => v.score), [2 / 3, 0, 1 / 3, 0, 1 / 3]);
    assert.deepEqual(out.map((v) => v.detail?.byeRounds), [[1], [], [], [], [2]]);
    assert.deepEqual(out.map((v) => v.detail?.matchesPlayed), [2, 1, 2, 1, 2]);
  });

  it('gives every seed the same invariants: the best sample never loses, the worst never wins', async () => {
    for (let seed = 0; seed < 20; seed++) {
      const out = judged(await single.verifyTask(task, samples([10, 30, 20, 40]), context(fairJudge(), seed)));
      assert.deepEqual(out.map((v) => v.score as number).sort((x, y) => x - y), [0, 0, 0.5, 1], `seed ${seed}`);
      assert.equal(out[3]?.score, 1);
      assert.equal(out[0]?.score, 0);
    }
  });

  it('is deterministic for a seed, and the seed changes the pairing', async () => {
    const run = async (seed: number): Promise<Verification[]> => judged(await single.verifyTask(task, samples([1, 2, 3, 4, 5, 6, 7]), context(fairJudge(), seed)));
    assert.deepEqual(await run(7), await run(7));
    const brackets = new Set<string>();
    for (let seed = 0; seed < 8; seed++) brackets.add(JSON.stringify(bracketOf(await run(seed))));
    assert.ok(brackets.size > 1, 'different seeds pair differently');
  });

  it('asks with the tournament template, a per-match seed and the block stop, and records the prompts', async () => {
    const backend = fairJudge();
    const out = judged(await single.verifyTask(task, samples([10, 30], [4, 9]), context(backend, 5)));
    assert.equal(backend.generateRequests.length, 1);
    const req = backend.generateRequests[0];
    assert.ok(req);
    const [a, b] = [sampleIn(lastField(req.prompt, 'Response A:')), sampleIn(lastField(req.prompt, 'Response B:'))];
    assert.equal(req.seed, deriveSeed(5, task.id, 'tournament', 1, a, b));
    assert.deepEqual(req.stop, [BLOCK_STOP]);
    assert.equal(req.n, 1);
    assert.ok(req.prompt.endsWith(`Response B: sample-${b} says ${b === 4 ? 10 : 30}. The answer is ${b === 4 ? 10 : 30}.\nComparison:`));
    const header = `=== round 1: sample ${a} (A) vs sample ${b} (B) ===`;
    const answer = a === 9 ? ' A is larger.\nBetter: A' : ' B is larger.\nBetter: B';
    for (const v of out) {
      assert.equal(v.prompt, `${header}\n${req.prompt}`);
      assert.equal(v.raw, `${header}\n${answer}`);
    }
    assert.deepEqual(out.map((v) => v.score), [0, 1]);
    assert.deepEqual(matchesOf(out[1]).map((m) => m.opponent), [4]);
  });

  it('scores a lone sample 1 without asking, and an empty task with no results', async () => {
    const backend = fairJudge();
    const [v] = judged(await single.verifyTask(task, samples([3]), context(backend)));
    assert.equal(v?.score, 1);
    assert.equal(v?.detail?.rounds, 0);
    assert.equal(v?.prompt, '');
    assert.deepEqual(await single.verifyTask(task, [], context(backend)), []);
    assert.equal(backend.generateRequests.length, 0);
  });

  it('falls back to the sample listed first when the answer does not parse, and records the samples as unscored', async () => {
    const backend = new ScriptedBackend({ generate: () => ' Both look fine to me.' });
    const out = judged(await single.verifyTask(task, samples([10, 30, 20, 40]), context(backend, 42)));
    // Same pairing as the hand-worked 4-sample bracket; every match goes to the sample listed first.
    assert.deepEqual(bracketOf(out), [[1, 2, 0, true], [1, 3, 1, true], [2, 3, 2, true]]);
    // Scores resting on matches the model did not decide are not measurements.
    assert.ok(out.every((v) => v.parse === 'failed' && v.score === null && v.failure === 'unparsable'));
    assert.match(out[0]?.parseError ?? '', /could not be read in 1 of this sample's 1 match$/);
    assert.deepEqual(out.map((v) => v.detail?.unparsedMatches), [1, 1, 2, 2]);
    const m = matchesOf(out[0])[0];
    assert.equal(m?.decidedBy, 'fallback');
    assert.deepEqual(m?.picks, [null]);
    assert.match(m?.parseErrors?.[0] ?? '', /no 'Better: A' or 'Better: B'/);
  });

  it('with both orders, a judge that always says A is inconsistent in every match', async () => {
    const backend = new ScriptedBackend({ generate: () => 'Better: A' });
    const out = judged(await both.verifyTask(task, samples([10, 30, 20, 40]), context(backend, 42)));
    assert.equal(backend.generateRequests.length, 6, 'two asks per match, three matches');
    // The tie-break gives each match to the sample listed first: the same bracket as the fallback.
    assert.deepEqual(bracketOf(out), [[1, 2, 0, true], [1, 3, 1, true], [2, 3, 2, true]]);
    for (const v of out) {
      assert.equal(v.detail?.bothOrders, true);
      assert.equal(v.detail?.inconsistentMatches, v.detail?.matchesPlayed);
      assert.ok(matchesOf(v).every((m) => m.decidedBy === 'tie-break' && m.picks.length === 2 && m.picks[0] !== m.picks[1]));
    }
    // Each sample's record holds the prompts of both orders of each of its matches.
    assert.equal(out[3]?.prompt.match(/^=== round /gm)?.length, 4);
  });

  it('with both orders, counts inconsistent matches exactly', async () => {
    // Fair except when samples 3 and 1 meet: then it always answers A (position bias).
    const backend = new ScriptedBackend({
      generate: (prompt) => {
        const [a, b] = [lastField(prompt, 'Response A:'), lastField(prompt, 'Response B:')];
        if (new Set([sampleIn(a), sampleIn(b)]).has(3) && new Set([sampleIn(a), sampleIn(b)]).has(1)) return 'Better: A';
        return valueIn(a) > valueIn(b) ? 'Better: A' : 'Better: B';
      },
    });
    const out = judged(await both.verifyTask(task, samples([10, 30, 20, 40]), context(backend, 42)));
    // Seed 42 pairs 3 (listed first) with 1 in round 1, so 3 still wins it by the tie-break.
    assert.deepEqual(bracketOf(out), [[1, 2, 0, true], [1, 3, 1, true], [2, 3, 2, true]]);
    assert.deepEqual(out.map((v) => v.detail?.inconsistentMatches), [0, 1, 0, 1]);
    assert.deepEqual(out.map((v) => v.detail?.matchesPlayed), [1, 1, 2, 2]);
    const asks = backend.generateRequests.map((r) => [sampleIn(lastField(r.prompt, 'Response A:')), sampleIn(lastField(r.prompt, 'Response B:'))]);
    assert.deepEqual(asks.map((p) => p.join('-')).sort(), ['0-2', '1-3', '2-0', '2-3', '3-1', '3-2']);
    // A consistent judge agrees with itself in both orders and gives the single-order result.
    const fair = judged(await both.verifyTask(task, samples([10, 30, 20, 40]), context(fairJudge(), 42)));
    assert.deepEqual(fair.map((v) => v.detail?.inconsistentMatches), [0, 0, 0, 0]);
    assert.deepEqual(fair.map((v) => v.score), [0, 0, 0.5, 1]);
  });

  it('a match whose call failed leaves every sample of the bracket with that failure; a fatal error propagates', async () => {
    const failing = (failure: 'transient' | 'fatal'): ScriptedBackend =>
      new ScriptedBackend({
        generate: () => {
          throw new BackendError('http://127.0.0.1:1/v1: 500 after 3 retries; try again later', failure);
        },
      });
    const out = await single.verifyTask(task, samples([1, 2, 3]), context(failing('transient')));
    assert.deepEqual(out, [0, 1, 2].map(() => ({ verifier: 'tournament', callFailure: { kind: 'call-failed', message: 'http://127.0.0.1:1/v1: 500 after 3 retries; try again later' } })));
    await assert.rejects(single.verifyTask(task, samples([1, 2, 3]), context(failing('fatal'))), BackendError);
  });
});
