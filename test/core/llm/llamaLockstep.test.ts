import assert from 'node:assert/strict';
import { Lockstep } from '../../../src/core/llm/llamaLockstep';

/** Whether a promise has settled once pending callbacks have run. */
async function settled(promise: Promise<void> | undefined): Promise<boolean> {
  if (promise === undefined) return true;
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('Lockstep', () => {
  it('never holds a lone member', () => {
    const step = new Lockstep();
    const a = step.join();
    for (let i = 0; i < 3; i++) assert.equal(a.arrive(), undefined);
    a.leave();
  });

  it('holds every member until the last one arrives, step after step', async () => {
    const step = new Lockstep();
    const [a, b] = [step.join(), step.join()];
    assert.equal(a.arrive(), undefined, 'a member counts from its first arrival: b has not arrived yet');
    const b1 = b.arrive();
    assert.equal(await settled(b1), false, 'b waits for a');
    assert.equal(a.arrive(), undefined, 'the last to arrive goes on at once');
    assert.equal(await settled(b1), true);
    const a2 = a.arrive();
    assert.equal(await settled(a2), false);
    assert.equal(b.arrive(), undefined);
    assert.equal(await settled(a2), true);
  });

  it('makes a newcomer wait for the step in progress, and the others wait for it from then on', async () => {
    const step = new Lockstep();
    const [a, b, c] = [step.join(), step.join(), step.join()];
    a.arrive();
    const b0 = b.arrive();
    a.arrive();
    assert.equal(await settled(b0), true);
    const c1 = c.arrive();
    const a1 = a.arrive();
    assert.deepEqual(await Promise.all([settled(c1), settled(a1)]), [false, false]);
    assert.equal(b.arrive(), undefined);
    assert.deepEqual(await Promise.all([settled(c1), settled(a1)]), [true, true]);
    const waits = [a.arrive(), b.arrive()];
    assert.deepEqual(await Promise.all(waits.map(settled)), [false, false]);
    assert.equal(c.arrive(), undefined);
    assert.deepEqual(await Promise.all(waits.map(settled)), [true, true]);
  });

  it('lets the others go when the member they wait for leaves', async () => {
    const step = new Lockstep();
    const [a, b] = [step.join(), step.join()];
    a.arrive();
    const wait = b.arrive();
    assert.equal(await settled(wait), false);
    a.leave();
    assert.equal(await settled(wait), true);
    assert.equal(b.arrive(), undefined, 'alone now');
  });

  it('ignores a sample that leaves without ever arriving, and a second leave', async () => {
    const step = new Lockstep();
    const [a, b, c] = [step.join(), step.join(), step.join()];
    c.leave();
    a.arrive();
    const wait = b.arrive();
    a.leave();
    a.leave();
    assert.equal(await settled(wait), true);
    assert.equal(b.arrive(), undefined);
  });
});
