// Panel benchmark: the real bundle in headless Chromium under the extension's CSP, fed by the real
// panel host code from a run folder on disk, at 10k, 100k and 1M samples (N = 8, mc and cot-score;
// a finished run written by syntheticRun.ts in samples format 2, with the column cache its closing report leaves).
//   first paint, end to end — from the host's command (Open Run: RunModel.read of the run folder from
//                 disk, the coverage and the status bar's gap it computes on opening the panel, the
//                 snapshot messages, their serialization, the page's deserialization and delivery of
//                 those up to its progress — the tasks' questions follow, off this path, as snapshot.ts
//                 sends them) to the first frame that shows all the samples: stats header and table,
//                 laid out (the intervals and charts follow, off this path). Its parts: host read, host
//                 status, host snapshot, serialize (VS Code's webview.postMessage: JSON with the typed
//                 arrays as references, their buffers beside it, webviewTransport.ts), the page's
//                 deserialize (the workbench's JSON.parse putting the typed arrays back) and post (the
//                 send half of the structured clone into the webview's frame), and the page's share
//                 from posting the messages to that frame (receiving them, validating, storing, the
//                 statistics and the layout).
//   transfer    — the benchmark's own cost, not a user's: Playwright carries the serialized text and
//                 buffers (as base64) into the page over the DevTools protocol.
//                 VS Code copies the same bytes over its IPC instead, not measured here. The end-to-end
//                 figure leaves this out; firstPaintWithBenchmarkTransfer keeps it (the wall clock of the load).
//   re-filter   — from a slider move to the laid-out frame showing the recomputed stats and table
//   intervals   — from a slider move until the bootstrap intervals (1000 resamples) are shown too
//   longest task while the intervals are drawn — the longest main-thread task (Long Tasks API, ≥ 50 ms)
//                 between the re-filter frame and the intervals: what a slider drag would wait for
//   memory      — the host's heap and array buffers held by the run's model after a garbage collection (what an open
//                 panel keeps), the host process's peak RSS so far, and the page's JS heap after the
//                 first paint (after a garbage collection); the snapshot's bytes up to its progress
// Medians of RUNS page loads per size (re-filter: the median of 5 moves per load). Writes
// bench/results/panel.json.
// Run: npx tsx bench/panel/panelBench.ts [--runs 3] [--sizes 10000,100000,1000000] [--quick]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Page } from 'playwright-core';
import { LiveGap } from '../../src/core/pipeline/liveGap';
import { isComplete } from '../../src/core/stats/coverage';
import { readRunColumns } from '../../src/core/runs/runColumns';
import { RunModel } from '../../src/extension/panel/runModel';
import { snapshotMessages } from '../../src/extension/panel/snapshot';
import { buildBundle, launchBrowser, REPO, servePanel, tempDir } from '../../test/webview/browserHarness';
import { gitCommit } from '../lib/machine';
import { writeSyntheticRun } from './syntheticRun';
import { DESERIALIZE_IN_PAGE, serializedBytes, serializeMessages, type SerializedMessages } from './webviewTransport';

interface Args {
  runs: number;
  sizes: number[];
}

const N = 8;
const MILLION = 1_000_000;
const TARGETS = { firstPaintEndToEndMs: 1000, refilterMs: 100 };

interface TraceEvent {
  name: string;
  cat: string;
  /** Thread timestamp (µs): advances only while the thread runs. */
  tts?: number;
}

/** Main-thread CPU ms between two performance marks of a Chromium trace. */
function threadMsBetween(trace: Buffer, from: string, to: string): number {
  const parsed = JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const tts = (name: string): number => {
    const mark = events.find((e) => e.name === name && e.cat.includes('blink.user_timing'));
    if (mark?.tts === undefined) throw new Error(`the trace has no thread time for mark ${name}`);
    return mark.tts;
  };
  return (tts(to) - tts(from)) / 1000;
}

function parseArgs(argv: string[]): Args {
  const quick = argv.includes('--quick');
  const at = (flag: string): string | undefined => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const runs = Number(at('--runs') ?? (quick ? 2 : 3));
  const sizes = (at('--sizes') ?? (quick ? '10000,100000' : `10000,100000,${MILLION}`)).split(',').map(Number);
  for (const x of [runs, ...sizes]) if (!Number.isSafeInteger(x) || x < 1) throw new Error('--runs and --sizes take positive integers');
  for (const x of sizes) if (x % N !== 0) throw new Error(`every size must be a multiple of N = ${N}`);
  return { runs, sizes };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

// In-page measurement code (runs in Chromium; plain JS in strings so this node program needs no DOM types).
// The messages arrive serialized as VS Code sends them; the page deserializes them as the workbench does
// and posts them into its own window, transferring the buffers, as the workbench posts into the
// webview's frame. A MutationObserver sees the render at the end of the task that made it (a polling
// timer could run only after the deferred work of that render), and the rAF it registers runs in the
// very next frame.
const MEASURE_FIRST_PAINT = `(serialized, expected) => new Promise((resolve) => {
  performance.mark('first-paint-start');
  const start = performance.now();
  const messages = (${DESERIALIZE_IN_PAGE})(serialized.text, serialized.buffers);
  const deserialized = performance.now();
  const done = () => {
    const count = document.querySelector('[data-role=table-count]')?.textContent;
    const accuracy = document.querySelector('[data-stat=accuracy]')?.textContent;
    const lines = document.querySelectorAll('.line.sample:not([hidden])').length;
    const all = [expected, expected.toLocaleString('en-US')].some((e) => count === e + ' of ' + e + ' samples');
    return all && accuracy && accuracy !== '—' && lines > 0;
  };
  const counts = new Set();
  let posted = 0;
  const observer = new MutationObserver(() => {
    counts.add(document.querySelector('[data-role=table-count]')?.textContent);
    if (!done()) return;
    observer.disconnect();
    // The next frame, with style and layout forced: what remains is rasterizing it.
    requestAnimationFrame(() => {
      document.body.getBoundingClientRect();
      performance.mark('first-paint-end');
      const end = performance.now();
      resolve({ page: end - start, deserialize: deserialized - start, post: posted - deserialized, renders: counts.size });
    });
  });
  observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  const buffersOf = (value, found) => {
    if (ArrayBuffer.isView(value)) found.add(value.buffer);
    else if (value && typeof value === 'object') for (const v of Object.values(value)) buffersOf(v, found);
    return found;
  };
  for (const m of messages) window.postMessage(m, '*', [...buffersOf(m, new Set())]);
  posted = performance.now();
})`;

// A fixed piece of plain JavaScript (10^5 small objects into per-key arrays, the shape of the panel's
// own loading work), timed in the same page: it says how fast this machine is at the moment. Expect
// roughly 10–20 ms on an idle laptop-class CPU (an estimate, not a measurement); more means contention.
const CALIBRATE = `(() => {
  const start = performance.now();
  const groups = new Map();
  for (let i = 0; i < 100000; i++) {
    const key = 'task-' + (i % 10000);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push({ task: key, index: i, correct: i % 3 === 0, score: (i % 97) / 97 });
  }
  return performance.now() - start;
})()`;

const MEASURE_REFILTER = `(position) => new Promise((resolve) => {
  const slider = document.querySelector('[data-role=filter-slider]');
  const before = document.querySelector('[data-stat=filteredAccuracy]').textContent + document.querySelector('[data-role=table-scroll]').textContent;
  const start = performance.now();
  slider.value = String(position);
  slider.dispatchEvent(new Event('input', { bubbles: true }));
  const after = document.querySelector('[data-stat=filteredAccuracy]').textContent + document.querySelector('[data-role=table-scroll]').textContent;
  const text = document.querySelector('[data-role=filter-text]').value;
  if (after === before || text !== 'quantile:' + position / 100) throw new Error('the slider move did not change the numbers: ' + JSON.stringify([text, before.slice(0, 200), after.slice(0, 200)]));
  requestAnimationFrame(() => {
    document.body.getBoundingClientRect();
    const refilter = performance.now() - start;
    const frameEnd = performance.now();
    let longestTask = 0;
    const longTasks = new PerformanceObserver((list) => {
      for (const task of list.getEntries()) if (task.startTime >= frameEnd) longestTask = Math.max(longestTask, task.duration);
    });
    longTasks.observe({ type: 'longtask', buffered: true });
    const waitIntervals = () => {
      const ci = document.querySelector('[data-stat-interval=gap]').textContent;
      if (ci && ci !== '[…]') {
        const intervals = performance.now() - start;
        for (const task of longTasks.takeRecords()) if (task.startTime >= frameEnd) longestTask = Math.max(longestTask, task.duration);
        longTasks.disconnect();
        resolve({ refilter, intervals, longestTask });
      } else setTimeout(waitIntervals, 1);
    };
    waitIntervals();
  });
})`;

/** One page load's numbers at one size. */
interface Load {
  endToEnd: number;
  withTransfer: number;
  hostRead: number;
  hostStatus: number;
  hostSnapshot: number;
  serialize: number;
  transfer: number;
  deserialize: number;
  post: number;
  page: number;
  pageCpu: number;
  refilter: number;
  intervals: number;
  longestTask: number;
  calibration: number;
  hostModelMiB: number;
  pageHeapMiB: number;
  messageMiB: number;
}

/** The host's heap after a full garbage collection (the bench runs without --expose-gc). */
const collect = ((): (() => void) => {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
})();

/** The JS heap and the array buffers outside it (the model's typed columns live there). */
function heapMiB(): number {
  collect();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return (heapUsed + arrayBuffers) / 2 ** 20;
}

async function pageHeapMiB(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  await cdp.detach();
  return usedSize / 2 ** 20;
}

/** Opens the run in a fresh page as the extension does on Open Run, and measures it. */
async function measureLoad(page: Page, browser: Awaited<ReturnType<typeof launchBrowser>>, url: string, dir: string, samples: number): Promise<Load> {
  await page.goto(url);
  await page.waitForFunction(() => (globalThis as unknown as { __posted: unknown[] }).__posted.length > 0);
  const calibration = (await page.evaluate(CALIBRATE)) as number;
  const before = heapMiB();
  await browser.startTracing(page, { categories: ['blink.user_timing'] });
  const t0 = performance.now();
  const { model, annotations } = await RunModel.read(dir);
  const tRead = performance.now();
  // What the host computes before it can answer the webview's 'ready' with the snapshot: Open Run's
  // progress (the coverage), and the status bar of the panel it makes active (the gap under its filter).
  const live = new LiveGap(model.summary.selector ?? 'mc', model.summary.filter);
  live.updateColumns(model.gapRows());
  if (live.reading().state !== 'measured' || !isComplete(model.coverage())) throw new Error('the run read is not complete and measured');
  const t1 = performance.now();
  const progress = { done: model.sampleCount, total: model.sampleCount, status: 'done' as const };
  const messages = snapshotMessages(model, { annotations, audit: { audit: null, cannotDraw: null }, runState: { coverage: model.coverage(), live: false }, progress });
  const t2 = performance.now();
  // The messages the first paint waits for: through the progress (the tasks' questions follow it, snapshot.ts).
  const paintedBy = messages.findIndex((m) => m.kind === 'notify' && m.method === 'progress') + 1;
  let serialized: SerializedMessages | null = serializeMessages(messages.slice(0, paintedBy));
  const t3 = performance.now();
  const messageMiB = serializedBytes(serialized) / 2 ** 20;
  // The benchmark's own transfer into the page, then the page takes the messages from there.
  // Buffers as base64 text, decoded in the page: Playwright's own typed-array arguments took 44 s for 30 MiB under load.
  const carried = { text: serialized.text, buffers: serialized.buffers.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64')) };
  await page.evaluate((s) => {
    const bytes = Uint8Array as unknown as { fromBase64(text: string): Uint8Array };
    (globalThis as unknown as { __snapshot: unknown }).__snapshot = { text: s.text, buffers: s.buffers.map((b) => bytes.fromBase64(b)) };
  }, carried);
  const t4 = performance.now();
  const painted = (await page.evaluate(`(${MEASURE_FIRST_PAINT})(window.__snapshot, ${samples})`)) as { page: number; deserialize: number; post: number; renders: number };
  const t5 = performance.now();
  const pageCpu = threadMsBetween(await browser.stopTracing(), 'first-paint-start', 'first-paint-end');
  serialized = null;
  // The rest of the snapshot, as the host posts it right after: the table's lines in view show their questions.
  await page.evaluate((m) => (globalThis as unknown as { __post(m: unknown[]): void }).__post(m), messages.slice(paintedBy) as unknown[]);
  await page.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }).document.querySelector('[data-role=table-scroll]')?.textContent.includes('Natalia') === true);
  messages.length = 0;
  const hostModelMiB = heapMiB() - before;
  // Let the deferred work of the first paint (intervals, charts, the filter sweep) finish first.
  await page.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }).document.querySelector('[data-chart=sweep] path') !== null, undefined, { timeout: 300_000 });
  const pageHeap = await pageHeapMiB(page);
  const moves: { refilter: number; intervals: number; longestTask: number }[] = [];
  // Each move crosses a multiple of 1/N: the kept share of every task's N = 8 samples changes.
  for (const position of [65, 80, 90, 55, 40]) moves.push(await page.evaluate(`(${MEASURE_REFILTER})(${position})`));
  const trouble = await page.evaluate(() => {
    const w = globalThis as unknown as { __violations: string[]; __errors: string[] };
    return [...w.__violations, ...w.__errors];
  });
  if (trouble.length > 0) throw new Error(`page trouble: ${trouble.join('; ')}`);
  // Used after the heap was measured: the model was alive then, as an open panel keeps it.
  if (model.sampleCount !== samples) throw new Error(`the panel read ${model.sampleCount} samples of ${samples}`);
  return {
    endToEnd: t3 - t0 + painted.page,
    withTransfer: t5 - t0,
    hostRead: tRead - t0, hostStatus: t1 - tRead, hostSnapshot: t2 - t1, serialize: t3 - t2, transfer: t4 - t3, deserialize: painted.deserialize, post: painted.post, page: painted.page, pageCpu,
    refilter: median(moves.map((m) => m.refilter)), intervals: median(moves.map((m) => m.intervals)), longestTask: Math.max(...moves.map((m) => m.longestTask)),
    calibration, hostModelMiB, pageHeapMiB: pageHeap, messageMiB,
  };
}

function label(samples: number): string {
  return samples >= MILLION ? `${samples / MILLION}M` : `${samples / 1000}k`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // The code measured: the tree as the benchmark starts.
  const commit = gitCommit(REPO);
  const dir = tempDir();
  const server = await servePanel(await buildBundle(dir));
  const browser = await launchBrowser();
  const perSize: { samples: number; fileMiB: number; loads: Load[]; hostPeakRssMiB: number }[] = [];
  try {
    for (const samples of args.sizes) {
      const started = performance.now();
      const run = await writeSyntheticRun(path.join(dir, `run-${samples}`), samples / N, N);
      // As `gaplens run` leaves a finished run: its closing report wrote the column cache (docs/run-format.md).
      await readRunColumns(run.dir);
      process.stderr.write(`${label(samples)}: wrote the run folder (${(run.bytes / 2 ** 20).toFixed(0)} MiB samples.jsonl) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
      const loads: Load[] = [];
      for (let i = 0; i < args.runs; i++) {
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        const load = await measureLoad(page, browser, server.url, run.dir, samples);
        await page.close();
        loads.push(load);
        const f = (x: number): string => x.toFixed(0);
        process.stderr.write(
          `${label(samples)} run ${i + 1}/${args.runs}: calibration ${f(load.calibration)} ms, first paint end to end ${f(load.endToEnd)} ms ` +
            `(host read ${f(load.hostRead)}, status ${f(load.hostStatus)}, snapshot ${f(load.hostSnapshot)}, serialize ${f(load.serialize)}, ` +
            `page ${f(load.page)}: deserialize ${f(load.deserialize)}, post ${f(load.post)}, main-thread CPU ${f(load.pageCpu)}); ` +
            `with the benchmark's transfer ${f(load.withTransfer)} ms (transfer ${f(load.transfer)} ms of ${load.messageMiB.toFixed(1)} MiB), ` +
            `re-filter ${load.refilter.toFixed(1)} ms, intervals ${f(load.intervals)} ms (longest task meanwhile ${f(load.longestTask)} ms), ` +
            `host model ${f(load.hostModelMiB)} MiB, page heap ${f(load.pageHeapMiB)} MiB\n`,
        );
      }
      perSize.push({ samples, fileMiB: run.bytes / 2 ** 20, loads, hostPeakRssMiB: process.resourceUsage().maxRSS / 1024 });
      fs.rmSync(run.dir, { recursive: true, force: true });
    }
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const medianMs: Record<string, number> = {};
  const memoryMiB: Record<string, number> = {};
  const all: Record<string, number[]> = {};
  const timed: (keyof Load)[] = ['endToEnd', 'withTransfer', 'hostRead', 'hostStatus', 'hostSnapshot', 'serialize', 'transfer', 'deserialize', 'post', 'page', 'pageCpu', 'refilter', 'intervals', 'longestTask'];
  const names: Partial<Record<keyof Load, string>> = {
    endToEnd: 'firstPaintEndToEnd', withTransfer: 'firstPaintWithBenchmarkTransfer', transfer: 'benchmarkTransfer', deserialize: 'pageDeserialize', post: 'pagePost',
    page: 'firstPaintPagePart', pageCpu: 'firstPaintPageMainThreadCpu', intervals: 'refilterWithIntervals', longestTask: 'longestTaskWhileIntervals',
  };
  for (const { samples, loads, hostPeakRssMiB, fileMiB } of perSize) {
    for (const key of timed) {
      medianMs[`${names[key] ?? key} ${label(samples)}`] = round(median(loads.map((l) => l[key])));
      all[`${names[key] ?? key} ${label(samples)}`] = loads.map((l) => round(l[key]));
    }
    memoryMiB[`hostModel ${label(samples)}`] = round(median(loads.map((l) => l.hostModelMiB)));
    memoryMiB[`pageJsHeap ${label(samples)}`] = round(median(loads.map((l) => l.pageHeapMiB)));
    memoryMiB[`hostPeakRss ${label(samples)}`] = round(hostPeakRssMiB);
    memoryMiB[`samplesFile ${label(samples)}`] = round(fileMiB);
    memoryMiB[`firstPaintMessages ${label(samples)}`] = round(median(loads.map((l) => l.messageMiB)));
  }
  const largest = label(Math.max(...args.sizes));
  const endToEnd = medianMs[`firstPaintEndToEnd ${largest}`] as number;
  const refilter = medianMs[`refilter ${largest}`] as number;
  const result = {
    benchmark: 'panel',
    date: new Date().toISOString(),
    machine: {
      commit,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      loadAverage1m: Number(os.loadavg()[0]?.toFixed(2)),
      /** Scheduling niceness of the benchmark and the Chromium it starts (negative: favoured over other work). */
      niceness: os.getPriority(),
      node: process.version,
      // See CALIBRATE: roughly 10–20 ms expected on an idle laptop-class CPU.
      calibrationMedianMs: round(median(perSize.flatMap((p) => p.loads.map((l) => l.calibration)))),
    },
    workload: { sizes: args.sizes, samplesPerTask: N, verifiers: ['mc', 'cot-score'], samplesFormat: 2, bootstrapResamples: 1000 },
    runs: args.runs,
    medianMs,
    memoryMiB,
    targetsMs: { [`firstPaintEndToEnd ${largest}Ms`]: TARGETS.firstPaintEndToEndMs, [`refilter ${largest}Ms`]: TARGETS.refilterMs },
    meetsTargets: { [`firstPaintEndToEnd ${largest}`]: endToEnd <= TARGETS.firstPaintEndToEndMs, [`refilter ${largest}`]: refilter <= TARGETS.refilterMs },
    allMs: all,
  };
  const out = path.join(REPO, 'bench/results/panel.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(JSON.stringify({ medianMs, memoryMiB }) + '\n');
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
