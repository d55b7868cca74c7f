import assert from 'node:assert/strict';
import { createProgress, type ProgressClock, type ProgressStream } from '../../src/cli/progress';

/** A clock the test moves by hand; `every` timers fire as time passes them. */
function fakeClock(): ProgressClock & { advance(ms: number): void; timers(): number } {
  let t = 0;
  const timers: { ms: number; next: number; tick: () => void; stopped: boolean }[] = [];
  return {
    now: () => t,
    every(ms, tick) {
      const timer = { ms, next: t + ms, tick, stopped: false };
      timers.push(timer);
      return () => void (timer.stopped = true);
    },
    advance(ms) {
      const end = t + ms;
      for (;;) {
        const due = timers.filter((x) => !x.stopped && x.next <= end).sort((a, b) => a.next - b.next)[0];
        if (!due) break;
        t = due.next;
        due.next += due.ms;
        due.tick();
      }
      t = end;
    },
    timers: () => timers.filter((x) => !x.stopped).length,
  };
}

function fakeStream(isTTY: boolean, columns?: number): ProgressStream & { writes: string[] } {
  const writes: string[] = [];
  return { isTTY, ...(columns !== undefined ? { columns } : {}), writes, write: (text: string) => writes.push(text) };
}

const REDRAW = '\r\x1b[2K';

describe('cli/progress', () => {
  describe('not on a terminal', () => {
    it('prints a plain line at once, at every quarter, and every 10 s while nothing happens', () => {
      const clock = fakeClock();
      const stream = fakeStream(false);
      const progress = createProgress(4, 'gap check', { stream, clock });
      assert.deepEqual(stream.writes, ['gap check: 0/4 records (0%), 0s elapsed\n']);
      clock.advance(2000);
      progress.update(1, 'acc 100.0%');
      clock.advance(21000);
      progress.update(2);
      progress.update(3);
      progress.update(4);
      progress.done();
      clock.advance(60000);
      assert.deepEqual(stream.writes, [
        'gap check: 0/4 records (0%), 0s elapsed\n',
        'gap check: 1/4 records (25%), 2s elapsed, eta 6s  acc 100.0%\n',
        'gap check: 1/4 records (25%), 12s elapsed, eta 36s  acc 100.0%\n',
        'gap check: 1/4 records (25%), 22s elapsed, eta 1m06s  acc 100.0%\n',
        'gap check: 2/4 records (50%), 23s elapsed, eta 23s\n',
        'gap check: 3/4 records (75%), 23s elapsed, eta 8s\n',
        'gap check: 4/4 records (100%), 23s elapsed\n',
      ]);
      assert.equal(clock.timers(), 0, 'done() stops the clock');
    });

    it('prints the detail lines after each plain line, as they were last given', () => {
      const clock = fakeClock();
      const stream = fakeStream(false);
      const progress = createProgress(4, 'gap check', { stream, clock });
      progress.details(['  http://a/v1  up  3/4 in flight']);
      progress.update(1);
      progress.done();
      assert.deepEqual(stream.writes, ['gap check: 0/4 records (0%), 0s elapsed\n', 'gap check: 1/4 records (25%), 0s elapsed\n  http://a/v1  up  3/4 in flight\n']);
    });

    it('prints no more often than every 10 s between quarters, however fast records come', () => {
      const clock = fakeClock();
      const stream = fakeStream(false);
      const progress = createProgress(1000, 'gap check', { stream, clock });
      for (let done = 1; done <= 1000; done++) {
        clock.advance(100);
        progress.update(done);
      }
      progress.done();
      // 100 s: the first line, one every 10 s, and the four quarters (25 s, 50 s, 75 s, 100 s).
      const percents = stream.writes.map((w) => Number(/\((\d+)%\)/.exec(w)?.[1]));
      assert.ok(stream.writes.length >= 11 && stream.writes.length <= 14, stream.writes.join(''));
      for (const p of [0, 25, 50, 75, 100]) assert.ok(percents.includes(p), `${p}% missing in ${stream.writes.join('')}`);
      assert.ok(stream.writes.every((w) => !/[\r\x1b]/.test(w) && w.endsWith('\n')));
    });

    it('counts a resumed run\'s earlier records in the total but not in the rate', () => {
      const clock = fakeClock();
      const stream = fakeStream(false);
      const progress = createProgress(4, 'gap check', { stream, clock, start: 2 });
      clock.advance(5000);
      progress.update(3);
      assert.deepEqual(stream.writes, ['gap check: 2/4 records (50%), 0s elapsed\n', 'gap check: 3/4 records (75%), 5s elapsed, eta 5s\n']);
    });

    it('with nothing to count, only logs: no line, no clock', () => {
      const clock = fakeClock();
      const stream = fakeStream(false);
      const logger = createProgress(0, '', { stream, clock });
      logger.log('gaplens: run folder x');
      assert.deepEqual(stream.writes, ['gaplens: run folder x\n']);
      assert.equal(clock.timers(), 0);
    });
  });

  describe('on a terminal', () => {
    it('draws the line at once and keeps its clock running while no record comes', () => {
      const clock = fakeClock();
      const stream = fakeStream(true, 120);
      const progress = createProgress(4, 'gap check', { stream, clock });
      assert.deepEqual(stream.writes, [`${REDRAW}gap check ${'░'.repeat(24)} 0/4 records (0%), 0s elapsed`]);
      clock.advance(3000);
      assert.equal(stream.writes.length, 4);
      assert.equal(stream.writes.at(-1), `${REDRAW}gap check ${'░'.repeat(24)} 0/4 records (0%), 3s elapsed`);
      progress.update(1, 'acc 100.0%');
      assert.equal(stream.writes.at(-1), `${REDRAW}gap check ${'█'.repeat(6)}${'░'.repeat(18)} 1/4 records (25%), 3s elapsed, eta 9s  acc 100.0%`);
      clock.advance(50);
      progress.update(1, 'acc 100.0%');
      assert.equal(stream.writes.length, 5, 'no redraw within 100 ms');
      progress.done();
      assert.equal(stream.writes.at(-1), REDRAW);
      clock.advance(10000);
      assert.equal(stream.writes.length, 6);
    });

    it('writes a log line above the bar and draws the bar again', () => {
      const clock = fakeClock();
      const stream = fakeStream(true);
      const progress = createProgress(2, 'verifying', { stream, clock });
      progress.log('gaplens: retrying');
      assert.deepEqual(stream.writes.slice(1), [REDRAW, 'gaplens: retrying\n', `${REDRAW}verifying ${'░'.repeat(24)} 0/2 records (0%), 0s elapsed`]);
    });

    it('draws detail lines under the bar, erases every row of them on the next redraw, and on done', () => {
      const clock = fakeClock();
      const stream = fakeStream(true, 120);
      const progress = createProgress(4, 'gap check', { stream, clock });
      progress.details(['  http://a/v1  up', '  http://b/v1  DOWN']);
      clock.advance(1000);
      const bar = `gap check ${'░'.repeat(24)} 0/4 records (0%), 1s elapsed`;
      assert.equal(stream.writes.at(-1), `${REDRAW}${bar}\n  http://a/v1  up\n  http://b/v1  DOWN`);
      progress.details(['  http://a/v1  up']);
      clock.advance(1000);
      // Up two rows from the last detail line, erasing each, then the new block.
      assert.equal(stream.writes.at(-1), `${REDRAW}\x1b[1A\x1b[2K\x1b[1A\x1b[2Kgap check ${'░'.repeat(24)} 0/4 records (0%), 2s elapsed\n  http://a/v1  up`);
      progress.done();
      assert.equal(stream.writes.at(-1), `${REDRAW}\x1b[1A\x1b[2K`);
    });

    it('keeps the line within the terminal width, so the redraw does not leave wrapped rows', () => {
      const stream = fakeStream(true, 30);
      createProgress(4, 'gap check', { stream, clock: fakeClock() }).done();
      const line = (stream.writes[0] ?? '').slice(REDRAW.length);
      assert.equal([...line].length, 29);
      assert.ok(line.endsWith('…'));
    });
  });

  it('shows escape sequences in messages and extra text instead of sending them to the terminal', () => {
    for (const isTTY of [true, false]) {
      const stream = fakeStream(isTTY);
      const progress = createProgress(2, 'gap check', { stream, clock: fakeClock() });
      progress.update(1, 'acc \x1b[31m50%\x1b[0m');
      progress.log('gaplens: server said \x1b]0;pwned\x07\x1b[2J');
      progress.done();
      const content = stream.writes.map((w) => (w.startsWith(REDRAW) ? w.slice(REDRAW.length) : w)).join('');
      assert.doesNotMatch(content, /[\x1b\x07]/);
      assert.ok(content.includes('gaplens: server said \\u001b]0;pwned\\u0007\\u001b[2J\n'), content);
      assert.ok(content.includes('acc \\u001b[31m50%\\u001b[0m'), content);
    }
  });
});
