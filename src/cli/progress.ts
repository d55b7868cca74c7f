// Progress of a long job on stderr. On a terminal: one line redrawn in place, drawn as soon as the
// job starts and refreshed every second, so a slow first answer still shows the clock running. Not
// on a terminal (CI, `2> log`, a pipe): plain lines, no \r and no escape codes — the first at once,
// then at 25/50/75/100 % and at least every 10 s while it runs, so a log shows the job is alive.
// Detail lines (one per endpoint of a model served by several) go below the line on a terminal,
// redrawn with it, and after each plain line otherwise.
import { inertText } from '../core/util/inertText';

export interface Progress {
  /** `done` counts records so far, those of earlier sessions included; `extra` follows the counts. */
  update(done: number, extra?: string): void;
  /** Lines shown under the progress line from the next redraw on (replacing the previous ones). */
  details(lines: readonly string[]): void;
  /** A message on its own line; the progress line comes back below it. */
  log(message: string): void;
  /** Removes the terminal line and stops the clock; call it on success and on failure. */
  done(): void;
}

/** What progress needs of stderr (a fake one in tests). */
export interface ProgressStream {
  isTTY?: boolean;
  /** The terminal's width, if known: longer lines would wrap and break the redraw. */
  columns?: number;
  write(text: string): unknown;
}

/** Time, injectable so tests need not wait. */
export interface ProgressClock {
  now(): number;
  /** Calls `tick` every `ms` until the returned stop is called; must not keep the process alive. */
  every(ms: number, tick: () => void): () => void;
}

export interface ProgressOptions {
  stream?: ProgressStream;
  clock?: ProgressClock;
  /** Records already done when this session starts (a resumed run): shown at once, left out of the rate. */
  start?: number;
}

const REDRAW_MS = 1000;
/** Redrawing more often than this on every record only costs CPU. */
const MIN_REDRAW_MS = 100;
const PLAIN_EVERY_MS = 10_000;
const BAR_WIDTH = 24;

const systemClock: ProgressClock = {
  now: () => Date.now(),
  every(ms, tick) {
    const timer = setInterval(tick, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

/**
 * Progress over `total` records labelled `label` (e.g. "gap check"). With total 0 nothing is
 * drawn: the object only logs.
 */
export function createProgress(total: number, label: string, opts: ProgressOptions = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const clock = opts.clock ?? systemClock;
  const isTty = stream.isTTY === true;
  const start = opts.start ?? 0;
  const started = clock.now();
  let done = start;
  let extra = '';
  let detailLines: readonly string[] = [];
  let active = total > 0;
  /** Terminal rows drawn by the last redraw (the progress line and its details). */
  let drawnRows = 0;
  let lastDraw = -Infinity;
  let lastPlain = -Infinity;
  let lastQuarter = quarter(start, total);

  const status = (now: number): string => {
    const elapsed = (now - started) / 1000;
    const rate = elapsed > 0 ? (done - start) / elapsed : 0;
    const eta = done < total && rate > 0 ? `, eta ${formatSeconds(Math.ceil((total - done) / rate))}` : '';
    return `${done}/${total} records (${percent(done, total)}%), ${formatSeconds(elapsed)} elapsed${eta}${extra ? `  ${extra}` : ''}`;
  };
  const draw = (now: number): void => {
    const frac = Math.min(1, done / total);
    const bar = '█'.repeat(Math.round(frac * BAR_WIDTH)).padEnd(BAR_WIDTH, '░');
    const rows = [`${label} ${bar} ${status(now)}`, ...detailLines].map((row) => fitWidth(inertText(row), stream.columns));
    stream.write(`${eraseRows(drawnRows)}${rows.join('\n')}`);
    drawnRows = rows.length;
    lastDraw = now;
  };
  const printPlain = (now: number): void => {
    stream.write([`${label}: ${status(now)}`, ...detailLines].map((row) => `${inertText(row)}\n`).join(''));
    lastPlain = now;
  };
  const clear = (): void => {
    if (drawnRows > 0) stream.write(eraseRows(drawnRows));
    drawnRows = 0;
  };
  const tick = (): void => {
    if (!active) return;
    const now = clock.now();
    if (isTty) draw(now);
    else if (now - lastPlain >= PLAIN_EVERY_MS) printPlain(now);
  };
  const stopClock = active ? clock.every(REDRAW_MS, tick) : () => undefined;
  if (active) {
    if (isTty) draw(started);
    else printPlain(started);
  }

  return {
    update(count, more) {
      if (!active) return;
      done = count;
      extra = more ?? '';
      const now = clock.now();
      const q = quarter(done, total);
      const crossed = q > lastQuarter;
      lastQuarter = Math.max(lastQuarter, q);
      if (isTty) {
        if (crossed || now - lastDraw >= MIN_REDRAW_MS) draw(now);
      } else if (crossed || now - lastPlain >= PLAIN_EVERY_MS) {
        printPlain(now);
      }
    },
    details(lines) {
      detailLines = lines;
    },
    log(message) {
      clear();
      stream.write(`${inertText(message)}\n`);
      if (active && isTty) draw(clock.now());
    },
    done() {
      active = false;
      stopClock();
      clear();
    },
  };
}

/** Erases the rows drawn last and leaves the cursor at the start of the first (at least the current row). */
function eraseRows(rows: number): string {
  return `\r\x1b[2K${'\x1b[1A\x1b[2K'.repeat(Math.max(0, rows - 1))}`;
}

/** 0–4: how many of the 25/50/75/100 % marks `done` has reached. */
function quarter(done: number, total: number): number {
  return total > 0 ? Math.floor((4 * Math.min(done, total)) / total) : 0;
}

/** Rounded down, so 100 % means finished. */
function percent(done: number, total: number): number {
  return Math.floor((100 * Math.min(done, total)) / total);
}

/** Cut to the terminal's width (one column spare): a wrapped line could not be redrawn in place. */
function fitWidth(line: string, columns: number | undefined): string {
  if (columns === undefined || columns < 2) return line;
  const chars = [...line];
  return chars.length < columns ? line : `${chars.slice(0, columns - 2).join('')}…`;
}

function formatSeconds(s: number): string {
  if (s < 60) return `${Math.floor(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
