import assert from 'node:assert/strict';
import { DisposableStore, type Disposable } from '../../src/extension/disposables';

/** A disposable that records, in `log`, each time it is disposed. */
function item(name: string, log: string[]): Disposable {
  return { dispose: () => log.push(name) };
}

describe('DisposableStore', () => {
  it('disposes what it holds once, in the order it was added', () => {
    const log: string[] = [];
    const store = new DisposableStore();
    store.add(item('a', log));
    store.add(item('b', log));
    store.dispose();
    store.dispose();
    assert.deepEqual(log, ['a', 'b']);
    assert.equal(store.isDisposed, true);
  });

  it('disposes at once what is added after it was disposed: its owner is gone', () => {
    const log: string[] = [];
    const store = new DisposableStore();
    store.dispose();
    const late = item('late', log);
    assert.equal(store.add(late), late);
    assert.deepEqual(log, ['late']);
    assert.equal(store.size, 0);
  });

  it('clear disposes everything held and stays usable; release forgets an item without disposing it', () => {
    const log: string[] = [];
    const store = new DisposableStore();
    store.add(item('a', log));
    const closed = store.add(item('closed elsewhere', log));
    store.release(closed);
    store.clear();
    assert.deepEqual(log, ['a']);
    store.add(item('b', log));
    assert.equal(store.size, 1);
    store.dispose();
    assert.deepEqual(log, ['a', 'b']);
  });

  it('disposes the rest when one dispose throws, then throws that error', () => {
    const log: string[] = [];
    const store = new DisposableStore();
    store.add({ dispose: () => { throw new Error('broken'); } });
    store.add(item('after', log));
    assert.throws(() => store.dispose(), /broken/);
    assert.deepEqual(log, ['after']);
  });
});
