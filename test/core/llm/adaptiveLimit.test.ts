// The per-endpoint limit of a pool (src/core/llm/adaptiveLimit.ts, docs/run-format.md "Several
// endpoints"), driven by simulated endpoints: answers in rounds of `slots` calls, as an endpoint
// that answers everything in one round trip would.
import assert from 'node:assert/strict';
import { ADAPTIVE_RULE, AdaptiveLimit, median } from '../../../src/core/llm/adaptiveLimit';

const CEILING = 1000;

/** Drives `limit` for `rounds` round trips; `answer(inFlight)` says whether a call is answered (or refused) and how long it took. */
function simulate(limit: AdaptiveLimit, rounds: number, answer: (inFlight: number, i: number) => { ok: true; ms: number } | { ok: false }): number[] {
  let seq = 0;
  const slots: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const inFlight = limit.slots;
    slots.push(inFlight);
    const sent = Array.from({ length: inFlight }, () => ++seq);
    sent.forEach((s, i) => {
      const a = answer(inFlight, i);
      if (a.ok) limit.answered(s, seq, 'nextToken', a.ms, true, CEILING);
      else limit.overloaded(s, seq);
    });
  }
  return slots;
}

describe('adaptiveLimit', () => {
  it('starts at the initial limit and holds it until one latency window is measured, then doubles per round trip', () => {
    const limit = new AdaptiveLimit(CEILING);
    const slots = simulate(limit, 9, () => ({ ok: true, ms: 100 }));
    const hold = ADAPTIVE_RULE.latencyWindow / ADAPTIVE_RULE.initial;
    assert.deepEqual(slots.slice(0, hold), Array(hold).fill(ADAPTIVE_RULE.initial));
    // From the answer that completes the window on, every answer that found the limit in use adds one.
    const start = ADAPTIVE_RULE.initial + 1;
    assert.deepEqual(slots.slice(hold, hold + 4), [start, 2 * start, 4 * start, 8 * start]);
  });

  it('finds a capacity that refuses calls beyond it, and then probes it rarely', () => {
    const capacity = 12;
    const limit = new AdaptiveLimit(CEILING);
    let refusals = 0;
    const slots = simulate(limit, 400, (inFlight, i) => {
      if (i < capacity) return { ok: true, ms: 100 };
      refusals++;
      return { ok: false };
    });
    const settled = slots.slice(100);
    // A cut comes at capacity + 1 at the most, and takes the limit to decrease × that.
    const lowest = Math.floor(ADAPTIVE_RULE.decrease * (capacity + 1));
    assert.ok(settled.every((s) => s >= lowest && s <= capacity + 1), `limits after settling: ${[...new Set(settled)].join(', ')}`);
    // Most of the time it sits within one of the capacity.
    assert.ok(settled.filter((s) => s >= capacity - 1).length >= settled.length * 0.7, `limits after settling: ${settled.join(', ')}`);
    // Near the level of the last cut it grows a tenth as fast: about one refusal per 10 round trips.
    const refusalRounds = settled.filter((s) => s > capacity).length;
    assert.ok(refusalRounds <= settled.length / 5, `${refusalRounds} of ${settled.length} round trips met a refusal`);
    assert.ok(refusals < 400, `${refusals} refusals`);
  });

  it('after a cut, climbs halfway back to just under the level of the cut per round trip', () => {
    const capacity = 40;
    const limit = new AdaptiveLimit(CEILING);
    const slots = simulate(limit, 200, (inFlight, i) => (i < capacity ? { ok: true, ms: 100 } : { ok: false }));
    // A cut once slow start's overshoot is over: from just over the capacity.
    const firstCut = slots.findIndex((s, r) => r > 40 && s < (slots[r - 1] as number));
    assert.ok(firstCut > 0, `no cut: ${slots.join(', ')}`);
    // 0.7 × 41 ≈ 28 back to capacity − 1 = 39: +5, +3, +1.4, … — a handful of round trips, where
    // one per round trip took eleven.
    const back = slots.slice(firstCut).findIndex((s) => s >= capacity - 1);
    assert.ok(back >= 0 && back <= 5, `round trips back to ${capacity - 1}: ${back} (${slots.slice(firstCut, firstCut + 15).join(', ')})`);
  });

  it('does not cut for one slow latency window (a pause of the client), and cuts for two in a row', () => {
    const limit = new AdaptiveLimit(CEILING);
    let seq = 0;
    const window = (ms: number): void => {
      for (let i = 0; i < ADAPTIVE_RULE.latencyWindow; i++) limit.answered(++seq, seq, 'nextToken', ms, false, CEILING);
    };
    window(100);
    const before = limit.slots;
    window(100 * ADAPTIVE_RULE.latencyFactor + 50);
    window(100);
    assert.equal(limit.slots, before, 'one slow window cut the limit');
    window(100 * ADAPTIVE_RULE.latencyFactor + 50);
    window(100 * ADAPTIVE_RULE.latencyFactor + 50);
    assert.equal(limit.slots, Math.max(1, Math.floor(before * ADAPTIVE_RULE.decrease)));
  });

  it('cuts once for the refusals of calls sent together, and again for calls sent after the cut', () => {
    const limit = new AdaptiveLimit(CEILING);
    simulate(limit, 10, () => ({ ok: true, ms: 10 }));
    const before = limit.slots;
    // Three refusals of attempts 1..3 that were all in flight when the first came back.
    limit.overloaded(1001, 1003);
    limit.overloaded(1002, 1003);
    limit.overloaded(1003, 1003);
    assert.equal(limit.slots, Math.floor(before * ADAPTIVE_RULE.decrease));
    // Slow start leaves a whole number, so the cuts are exact.
    limit.overloaded(1004, 1004);
    assert.equal(limit.slots, Math.floor(before * ADAPTIVE_RULE.decrease * ADAPTIVE_RULE.decrease));
  });

  it('stops growing where latency doubles on an endpoint that queues calls beyond its capacity', () => {
    const capacity = 8;
    const limit = new AdaptiveLimit(CEILING);
    const slots = simulate(limit, 300, (inFlight) => ({ ok: true, ms: 100 * Math.max(1, inFlight / capacity) }));
    // Slow start ends at the first answer 1.5 × slower than the baseline: one doubling past it at the most.
    assert.ok(Math.max(...slots) <= 2.5 * capacity + 1, `limits: ${slots.slice(0, 20).join(', ')}`);
    const settled = slots.slice(100);
    // A window of answers may complete a round after the limit passed 2 × capacity.
    assert.ok(Math.max(...settled) <= ADAPTIVE_RULE.latencyFactor * capacity + 2, `limits after settling: ${[...new Set(settled)].join(', ')}`);
    assert.ok(Math.min(...settled) >= capacity, `limits after settling: ${[...new Set(settled)].join(', ')}`);
  });

  it('never grows beyond its cap, and does not grow when its slots are not all in use', () => {
    const limit = new AdaptiveLimit(CEILING);
    let seq = 0;
    for (let i = 0; i < 200; i++) limit.answered(++seq, seq, 'generate', 50, true, 6);
    assert.equal(limit.slots, 6);
    const idle = new AdaptiveLimit(CEILING);
    for (let i = 0; i < 200; i++) idle.answered(++seq, seq, 'generate', 50, false, CEILING);
    assert.equal(idle.slots, ADAPTIVE_RULE.initial);
  });

  it('restarts at the initial limit, at least one', () => {
    const limit = new AdaptiveLimit(CEILING);
    simulate(limit, 12, () => ({ ok: true, ms: 10 }));
    assert.ok(limit.slots > ADAPTIVE_RULE.initial);
    limit.restart(CEILING);
    assert.equal(limit.slots, ADAPTIVE_RULE.initial);
    limit.restart(0);
    assert.equal(limit.slots, 1);
  });

  it('takes the median of the middle two for an even count', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
  });
});
