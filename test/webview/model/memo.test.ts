import assert from 'node:assert/strict';
import { memoize } from '../../../webview/model/memo';

describe('webview memoize', () => {
  it('recomputes only when an argument changes identity', () => {
    let calls = 0;
    const f = memoize((a: object, b: number) => ({ calls: ++calls, a, b }));
    const x = {};
    const first = f(x, 1);
    assert.equal(f(x, 1), first);
    assert.notEqual(f({}, 1), first);
    assert.equal(calls, 2);
    f(x, 2);
    f(x, NaN);
    f(x, NaN);
    assert.equal(calls, 4);
  });
});
