import assert from 'node:assert/strict';
import { parseBetter, parseScore, parseVerdict } from '../../../src/core/verify/markers';

describe('verify/markers', () => {
  it('reads the last Verdict, any case, with emphasis and punctuation around it', () => {
    assert.deepEqual(parseVerdict('Verdict: correct'), { ok: true, value: 'correct' });
    assert.deepEqual(parseVerdict('At first: Verdict: correct. On a second look the sum is 190.\nVERDICT: Incorrect.'), { ok: true, value: 'incorrect' });
    assert.deepEqual(parseVerdict('**Verdict:** "correct"'), { ok: true, value: 'correct' });
    assert.deepEqual(parseVerdict('verdict:incorrect!'), { ok: true, value: 'incorrect' });
  });

  it('rejects verdict words other than correct/incorrect, and a missing verdict', () => {
    const yes = parseVerdict('Verdict: yes');
    assert.equal(yes.ok, false);
    assert.match(yes.ok ? '' : yes.error, /last 'Verdict:' is followed by 'yes'/);
    // The last marker counts even when an earlier one was readable.
    assert.equal(parseVerdict('Verdict: correct\nVerdict: unsure').ok, false);
    assert.equal(parseVerdict('Verdict: correctly done').ok, false);
    const none = parseVerdict('The response is correct.');
    assert.match(none.ok ? '' : none.error, /no 'Verdict: correct' or 'Verdict: incorrect'/);
  });

  it('reads the last Score as a whole number from 1 to 10', () => {
    assert.deepEqual(parseScore('Score: 3 at first, but then\nScore: 8'), { ok: true, value: 8 });
    assert.deepEqual(parseScore('score: 10.'), { ok: true, value: 10 });
    assert.deepEqual(parseScore('Score: 1'), { ok: true, value: 1 });
    assert.deepEqual(parseScore('Score: 7/10'), { ok: true, value: 7 });
    assert.deepEqual(parseScore('Score: **9**'), { ok: true, value: 9 });
  });

  it('rejects scores out of range, fractional or missing', () => {
    for (const text of ['Score: 0', 'Score: 11', 'Score: 7.5', 'Score: -3', 'Score: 4/5', 'Score: high', 'Score: 8\nScore: 12']) {
      const r = parseScore(text);
      assert.equal(r.ok, false, text);
      assert.match(r.ok ? '' : r.error, /not a whole number from 1 to 10/, text);
    }
    const none = parseScore('I would rate it 8.');
    assert.match(none.ok ? '' : none.error, /no 'Score: N'/);
  });

  it('reads the last Better: A|B, also written "Response B"', () => {
    assert.deepEqual(parseBetter('Better: A'), { ok: true, value: 'A' });
    assert.deepEqual(parseBetter('Better: b.'), { ok: true, value: 'B' });
    assert.deepEqual(parseBetter('Better: A? No.\nBetter: Response B'), { ok: true, value: 'B' });
    assert.equal(parseBetter('Better: both').ok, false);
    assert.equal(parseBetter('Better: AB').ok, false);
    assert.equal(parseBetter('A is better').ok, false);
  });
});
