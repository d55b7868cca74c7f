import assert from 'node:assert/strict';
import { createThrottle, LIVE_TIMING, type Clock } from '../../../webview/model/throttle';

/** A clock the test moves by hand. */
function fakeClock(): Clock & { advance(ms: number): void } {
  let now = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 1;
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = nextId++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout: (id) => void (timers = timers.filter((t) => t.id !== id)),
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        now = due.at;
        due.fn();
      }
      now = end;
    },
  };
}

function gaps(runs: number[]): number[] {
  return runs.slice(1).map((t, i) => t - (runs[i] as number));
}

describe('webview throttle', () => {
  it('shows a live stream (a batch every 250 ms) at most 4 times a second, each batch soon after it came', () => {
    const clock = fakeClock();
    const runs: number[] = [];
    const throttle = createThrottle(() => runs.push(clock.now()), LIVE_TIMING, clock);
    for (let batch = 0; batch < 8; batch++) {
      // A few messages per batch, 1 ms apart.
      for (let m = 0; m < 3; m++) {
        throttle.schedule();
        clock.advance(1);
      }
      clock.advance(247);
    }
    assert.equal(runs.length, 8);
    assert.ok(gaps(runs).every((g) => g >= 250), `gaps ${gaps(runs)}`);
    assert.ok(runs.every((t, i) => t - i * 250 <= 40), `runs ${runs}`);
  });

  it('paints a burst of messages once, after the last', () => {
    const clock = fakeClock();
    const runs: number[] = [];
    const throttle = createThrottle(() => runs.push(clock.now()), LIVE_TIMING, clock);
    for (let i = 0; i < 50; i++) {
      throttle.schedule();
      clock.advance(8);
    }
    assert.equal(throttle.pending, true);
    clock.advance(1000);
    assert.deepEqual(runs, [49 * 8 + 30]);
  });

  it('still shows a flood without pauses, at least once a second and at most 4 times', () => {
    const clock = fakeClock();
    const runs: number[] = [];
    const throttle = createThrottle(() => runs.push(clock.now()), LIVE_TIMING, clock);
    for (let i = 0; i < 2500; i++) {
      throttle.schedule();
      clock.advance(2);
    }
    clock.advance(1000);
    assert.ok(runs.length >= 5 && runs.length <= 20, `${runs.length} runs in 5 s`);
    assert.ok(gaps(runs).every((g) => g >= 250 && g <= 1001), `gaps ${gaps(runs)}`);
    assert.ok((runs[runs.length - 1] as number) >= 4998, 'the last update is shown');
  });

  it('flush runs a pending update now; cancel drops it', () => {
    const clock = fakeClock();
    let runs = 0;
    const throttle = createThrottle(() => runs++, LIVE_TIMING, clock);
    throttle.schedule();
    assert.equal(runs, 0);
    throttle.flush();
    assert.equal(runs, 1);
    assert.equal(throttle.pending, false);
    clock.advance(1000);
    assert.equal(runs, 1);
    throttle.schedule();
    throttle.cancel();
    clock.advance(1000);
    assert.equal(runs, 1);
  });
});
