import assert from 'node:assert/strict';
import fc from 'fast-check';
import { auroc } from '../../../src/core/stats/auroc';
import { MISSING_SCORE } from '../../../src/core/filter/columns';
import { assertClose, scoreArb } from './fixtures';

describe('auroc', () => {
  it('matches hand values', () => {
    // correct scores 0.8, 0.4; wrong 0.4, 0.1 → pairs: (0.8>0.4)=1 (0.8>0.1)=1 (0.4=0.4)=½ (0.4>0.1)=1 → 3.5/4
    assertClose(auroc(Float64Array.of(0.8, 0.4, 0.4, 0.1), Uint8Array.of(1, 1, 0, 0)), 3.5 / 4);
    // a null correct sample loses to every real wrong score and ties with a null wrong one:
    // correct [null, 0.5], wrong [0.2, null] → (−∞ vs 0.2)=0 (−∞ vs −∞)=½ (0.5>0.2)=1 (0.5>−∞)=1 → 2.5/4
    assertClose(auroc(Float64Array.of(MISSING_SCORE, 0.5, 0.2, MISSING_SCORE), Uint8Array.of(1, 1, 0, 0)), 2.5 / 4);
    assert.equal(auroc(Float64Array.of(0.1, 0.2), Uint8Array.of(1, 1)), null);
    assert.equal(auroc(Float64Array.of(0.1), Uint8Array.of(0)), null);
  });

  it('equals the pairwise definition', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(scoreArb, fc.boolean()), { minLength: 1, maxLength: 40 }), (rows) => {
        const scores = Float64Array.from(rows, ([s]) => s ?? MISSING_SCORE);
        const correct = Uint8Array.from(rows, ([, c]) => (c ? 1 : 0));
        let wins = 0;
        let pairs = 0;
        rows.forEach(([, ci], i) => rows.forEach(([, cj], j) => {
          if (!ci || cj) return;
          pairs++;
          wins += (scores[i] as number) > (scores[j] as number) ? 1 : scores[i] === scores[j] ? 0.5 : 0;
        }));
        const value = auroc(scores, correct);
        if (pairs === 0) assert.equal(value, null);
        else assertClose(value, wins / pairs);
      }),
    );
  });
});
