import assert from 'node:assert/strict';
import fc from 'fast-check';
import { majAtKCurve } from '../../../src/core/stats/majAtK';

describe('majAtKCurve', () => {
  it('votes over the first k samples, ties to the earliest answer, nulls never win', () => {
    // Task 1: answers [null, b, a, a, b, b, null], correct [0,0,1,1,0,0,0]
    //   k1 no vote → 0 | k2 b → 0 | k3 a:1 b:1, b first → 0 | k4 a:2 → 1 | k5 a:2 b:2, b first → 0 | k6 b:3 → 0 | k7 → 0
    // Task 2: answers [x, y, y, x, z, z, z], correct [1,0,0,1,0,0,0]
    //   k1 x → 1 | k2 tie, x first → 1 | k3 y:2 → 0 | k4 x:2 y:2 → x → 1 | k5 → 1 | k6 x,y,z all 2 → x → 1 | k7 z:3 → 0
    const answers = [null, 'b', 'a', 'a', 'b', 'b', null, 'x', 'y', 'y', 'x', 'z', 'z', 'z'];
    const correct = Uint8Array.of(0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0);
    assert.deepEqual(majAtKCurve(answers, correct, Int32Array.of(0, 7, 14), 7), [0.5, 0.5, 0, 1, 0.5, 0.5, 0]);
  });

  it('judges the winner by the first sample that gave that answer', () => {
    // answers [a, a]: correct [1, 0] → the vote is correct (first "a" is correct)
    assert.deepEqual(majAtKCurve(['a', 'a'], Uint8Array.of(1, 0), Int32Array.of(0, 2), 2), [1, 1]);
  });
});

describe('majAtKCurve against a direct recount', () => {
  it('equals counting the first k answers from scratch for every k', () => {
    const answer = fc.option(fc.constantFrom('a', 'b', 'c'), { nil: null, freq: 4 });
    fc.assert(
      fc.property(fc.array(fc.tuple(answer, fc.boolean()), { minLength: 1, maxLength: 12 }), (rows) => {
        const answers = rows.map(([a]) => a);
        const correct = Uint8Array.from(rows, ([, c]) => (c ? 1 : 0));
        const curve = majAtKCurve(answers, correct, Int32Array.of(0, rows.length), rows.length);
        for (let k = 1; k <= rows.length; k++) {
          const counts = new Map<string, number>();
          answers.slice(0, k).forEach((a) => a !== null && counts.set(a, (counts.get(a) ?? 0) + 1));
          const top = Math.max(0, ...counts.values());
          // earliest first occurrence among the answers with the top count
          const winner = answers.slice(0, k).find((a) => a !== null && counts.get(a) === top);
          const expected = winner === undefined ? 0 : correct[answers.indexOf(winner)];
          assert.equal(curve[k - 1], expected, `k=${k}`);
        }
      }),
    );
  });
});
