import assert from 'node:assert/strict';
import { ConcurrencyLimiter } from '../../../src/core/llm/concurrencyLimiter';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('concurrencyLimiter', () => {
  it('admits up to the limit at once, then hands slots over in FIFO order', async () => {
    const limiter = new ConcurrencyLimiter(2);
    const order: number[] = [];
    const waits = Array.from({ length: 5 }, (_, i) => limiter.acquire().then(() => order.push(i)));
    await tick();
    assert.deepEqual(order, [0, 1]);
    limiter.release();
    await tick();
    assert.deepEqual(order, [0, 1, 2]);
    limiter.release();
    limiter.release();
    await Promise.all(waits);
    assert.deepEqual(order, [0, 1, 2, 3, 4]);
  });

  it('puts urgent waiters first', async () => {
    const limiter = new ConcurrencyLimiter(1);
    await limiter.acquire();
    const order: string[] = [];
    const a = limiter.acquire().then(() => order.push('a'));
    const b = limiter.acquire(undefined, true).then(() => order.push('urgent'));
    limiter.release();
    limiter.release();
    await Promise.all([a, b]);
    assert.deepEqual(order, ['urgent', 'a']);
  });

  it('drops an aborted waiter without disturbing the others', async () => {
    const limiter = new ConcurrencyLimiter(1);
    await limiter.acquire();
    const controller = new AbortController();
    const order: string[] = [];
    const first = limiter.acquire().then(() => order.push('first'));
    const aborted = limiter.acquire(controller.signal);
    const last = limiter.acquire().then(() => order.push('last'));
    controller.abort();
    await assert.rejects(aborted, { name: 'AbortError' });
    limiter.release();
    limiter.release();
    await Promise.all([first, last]);
    assert.deepEqual(order, ['first', 'last']);
    // Both slots were given back: a new holder gets in at once.
    limiter.release();
    await limiter.acquire();
    await assert.rejects(limiter.acquire(controller.signal), { name: 'AbortError' });
  });

  it('handles many waiters in linear time', async () => {
    const limiter = new ConcurrencyLimiter(64);
    let done = 0;
    const started = Date.now();
    const all = Array.from({ length: 100_000 }, () => limiter.acquire().then(() => { done++; limiter.release(); }));
    await Promise.all(all);
    assert.equal(done, 100_000);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });

  it('rejects a limit that is not a positive integer', () => {
    assert.throws(() => new ConcurrencyLimiter(0), /positive integer/);
    assert.throws(() => new ConcurrencyLimiter(1.5), /positive integer/);
  });
});
