import assert from 'node:assert/strict';
import { revealLine, visibleLines } from '../../../webview/model/virtualWindow';

describe('webview virtual window', () => {
  it('renders the lines in view plus the overscan, clamped to the list', () => {
    // 24 px lines, a 240 px viewport scrolled to 2400 px: lines 100..109 visible.
    assert.deepEqual(visibleLines(2400, 240, 24, 100_000, 5), { first: 95, end: 115 });
    assert.deepEqual(visibleLines(0, 240, 24, 100_000, 5), { first: 0, end: 15 });
    assert.deepEqual(visibleLines(12, 240, 24, 100_000, 0), { first: 0, end: 11 });
    assert.deepEqual(visibleLines(1e9, 240, 24, 50, 5), { first: 44, end: 50 });
    assert.deepEqual(visibleLines(0, 240, 24, 0, 5), { first: 0, end: 0 });
    assert.deepEqual(visibleLines(-30, 240, 24, 3, 5), { first: 0, end: 3 });
  });

  it('keeps the DOM small at 100k lines anywhere in the list', () => {
    for (const top of [0, 123_456, 2_399_976]) {
      const { first, end } = visibleLines(top, 600, 24, 100_000, 8);
      assert.ok(end - first <= 600 / 24 + 1 + 16, `${end - first} lines at ${top}`);
    }
  });

  it('scrolls just enough to reveal a line', () => {
    assert.equal(revealLine(10, 0, 240, 24), 24);
    assert.equal(revealLine(5, 0, 240, 24), null);
    assert.equal(revealLine(2, 100, 240, 24), 48);
    assert.equal(revealLine(2, 100, 240, 24, 24), 24);
  });
});
