import assert from 'node:assert/strict';
import { runInSlices, type SliceScheduler } from '../../../webview/model/slices';

/** A scheduler whose clock moves only when a step says so, and whose later-queue the test runs by hand. */
function fakeScheduler(): SliceScheduler & { time: number; queue: (() => void)[]; runNext(): void } {
  const s = {
    time: 0,
    queue: [] as (() => void)[],
    now: () => s.time,
    later: (fn: () => void) => void s.queue.push(fn),
    runNext: () => (s.queue.shift() as () => void)(),
  };
  return s;
}

describe('work in slices', () => {
  it('runs steps until the budget is spent, yields, and finishes in a later slice', () => {
    const scheduler = fakeScheduler();
    const steps: number[] = [];
    let finished = 0;
    runInSlices(
      () => {
        steps.push(scheduler.time);
        scheduler.time += 3;
        return steps.length === 5;
      },
      () => finished++,
      scheduler,
      8,
    );
    assert.deepEqual(steps, [], 'nothing runs in the caller\'s task');
    scheduler.runNext();
    // 3 steps reach the 8 ms budget (0, 3, 6 → 9 ms): then the slice yields.
    assert.deepEqual(steps, [0, 3, 6]);
    assert.equal(scheduler.queue.length, 1);
    assert.equal(finished, 0);
    scheduler.runNext();
    assert.deepEqual(steps, [0, 3, 6, 9, 12]);
    assert.equal(finished, 1);
    assert.equal(scheduler.queue.length, 0);
  });

  it('stops at the next slice when cancelled, without finishing', () => {
    const scheduler = fakeScheduler();
    let steps = 0;
    let finished = 0;
    const job = runInSlices(
      () => {
        steps++;
        scheduler.time += 10;
        return false;
      },
      () => finished++,
      scheduler,
      8,
    );
    scheduler.runNext();
    assert.equal(steps, 1);
    job.cancel();
    scheduler.runNext();
    assert.equal(steps, 1);
    assert.equal(scheduler.queue.length, 0);
    assert.equal(finished, 0);
  });
});
