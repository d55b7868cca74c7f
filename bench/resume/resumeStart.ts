// How soon `gaplens run --resume` of a large run killed at 90 % asks for work, without running the
// run first: the scale benchmark's resume point (bench/benchmarks/scale.ts) takes the better part
// of an hour to reach at 1M samples, this minutes to prepare and seconds a measurement.
//
//   npx tsx bench/resume/resumeStart.ts prepare DIR [--samples 1000000]
//   npx tsx bench/resume/resumeStart.ts measure DIR --cli A/dist/cli.js --cli B/dist/cli.js [--reps 5]
//   npx tsx bench/resume/resumeStart.ts restore DIR   (the folder as prepare left it, e.g. to profile a resume by hand)
//
// prepare writes a finished synthetic run (bench/panel/syntheticRun.ts: GSM8K-shaped tasks, N = 8,
// mc and cot-score, on the chat API), cuts samples.jsonl at a line at 90 % of its size and leaves the
// column cache a checkpoint 16 MiB before the cut leaves (GAPLENS_CHECKPOINT_MIB's default): the
// cache is written by reading the file's first bytes, which gives the same cache as a checkpoint
// there (docs/run-format.md, "At checkpoints"), then the last 16 MiB are put back.
//
// measure starts the fake OpenAI server (L = 20 ms) and resumes the folder with each CLI in turn,
// alternating the order every repetition, restoring the folder before each: the time until the server
// saw its first request (the capability probe), until it saw the first request after the probe's
// (the first work request), the CPU time the process had used by then (what a loaded machine does not
// blur: wall times here move by seconds with other processes' load), and its peak RSS then and 3 s
// later (VmHWM), with the load.
// The process is killed 3 s after its first work request: what comes later is the run's own pace.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, appendFileSync, openSync, readSync, closeSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readColumnStore } from '../../src/core/runs/runColumns';
import { COLUMN_CACHE_FILE } from '../../src/core/runs/columnCache';
import { updateManifest } from '../../src/core/runs/runStore';
import { LOCK_FILE } from '../../src/core/runs/runLock';
import { startFakeServer, type FakeServerProcess } from '../lib/fakeServerProcess';
import { startProcess } from '../lib/processRun';
import { writeSyntheticRun } from '../panel/syntheticRun';

const N = 8;
const CUT_AT = 0.9;
const CHECKPOINT_BYTES = 16 * 2 ** 20;
const LATENCY_MS = 20;
/** Requests the capability probe sends the fake server: the combined one (its n answered as asked) and the reasoning-effort one. */
const PROBE_REQUESTS = 2;
const AFTER_FIRST_WORK_MS = 3000;
const MODEL = 'openai:bench-model';

/** What prepare leaves next to the run folder, to restore it before every measurement. */
interface Pristine {
  samplesBytes: number;
  cachedBytes: number;
}

const pristineDir = (dir: string): string => `${dir}.pristine`;

async function prepare(dir: string, samples: number): Promise<void> {
  if (existsSync(dir)) throw new Error(`${dir} exists`);
  const t0 = performance.now();
  await writeSyntheticRun(dir, samples / N, N, 0, { api: 'chat' });
  const file = path.join(dir, 'samples.jsonl');
  const cut = lineEndAfter(file, Math.floor(CUT_AT * statSync(file).size));
  // A run smaller than a checkpoint has none: the cache then covers nothing and is not written.
  const cached = cut > CHECKPOINT_BYTES ? lineEndAfter(file, cut - CHECKPOINT_BYTES) : 0;
  const rest = readRange(file, cached, cut);
  truncateSync(file, cached);
  await updateManifest(dir, ({ completedAt: _done, ...m }) => m);
  await readColumnStore(dir, { repair: false });
  appendFileSync(file, rest);
  mkdirSync(pristineDir(dir));
  copyFileSync(path.join(dir, 'run.json'), path.join(pristineDir(dir), 'run.json'));
  copyFileSync(path.join(dir, COLUMN_CACHE_FILE), path.join(pristineDir(dir), 'columns.bin'));
  const pristine: Pristine = { samplesBytes: cut, cachedBytes: cached };
  writeFileSync(path.join(pristineDir(dir), 'pristine.json'), JSON.stringify(pristine));
  console.log(`${dir}: ${samples} samples cut at ${cut} bytes, the cache covering ${cached}, in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

/** The offset just past the first line end at or after `at`. */
function lineEndAfter(file: string, at: number): number {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1 << 16);
    for (let pos = at; ; pos += buf.length) {
      const got = readSync(fd, buf, 0, buf.length, pos);
      if (got === 0) throw new Error(`${file}: no line end after ${at}`);
      const nl = buf.subarray(0, got).indexOf(10);
      if (nl !== -1) return pos + nl + 1;
    }
  } finally {
    closeSync(fd);
  }
}

function readRange(file: string, from: number, to: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(to - from);
    readSync(fd, buf, 0, buf.length, from);
    return buf;
  } finally {
    closeSync(fd);
  }
}

/** The folder as prepare left it: the cut samples.jsonl, its run.json and cache, no lock or temp file. */
function restore(dir: string): void {
  const pristine = JSON.parse(readFileSync(path.join(pristineDir(dir), 'pristine.json'), 'utf8')) as Pristine;
  truncateSync(path.join(dir, 'samples.jsonl'), pristine.samplesBytes);
  copyFileSync(path.join(pristineDir(dir), 'run.json'), path.join(dir, 'run.json'));
  rmSync(path.join(dir, path.dirname(COLUMN_CACHE_FILE)), { recursive: true, force: true });
  mkdirSync(path.join(dir, path.dirname(COLUMN_CACHE_FILE)));
  copyFileSync(path.join(pristineDir(dir), 'columns.bin'), path.join(dir, COLUMN_CACHE_FILE));
  rmSync(path.join(dir, LOCK_FILE), { force: true });
}

interface Start {
  cli: string;
  probeS: number;
  firstWorkS: number;
  cpuAtFirstWorkS: number;
  rssAtFirstWorkMiB: number;
  peakRssMiB: number;
  load: number;
}

async function measureOnce(dir: string, cli: string, server: FakeServerProcess): Promise<Start> {
  restore(dir);
  const load = loadavg()[0] as number;
  const before = (await server.counters()).requests;
  const started = startProcess(process.execPath, [cli, 'run', '--resume', dir, '--model', `${MODEL}@${server.url}`, '--no-cache', '--json'], {});
  const t0 = performance.now();
  const pid = started.child.pid as number;
  let exited = false;
  void started.finished.then(() => (exited = true));
  let probeS = NaN;
  let firstWorkS = NaN;
  let rssAtFirstWorkMiB = NaN;
  let cpuAtFirstWorkS = NaN;
  while (!exited && Number.isNaN(firstWorkS)) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const seen = (await server.counters()).requests - before;
    const s = (performance.now() - t0) / 1000;
    if (seen > 0 && Number.isNaN(probeS)) probeS = s;
    if (seen > PROBE_REQUESTS) {
      firstWorkS = s;
      rssAtFirstWorkMiB = peakRssMiB(pid);
      cpuAtFirstWorkS = cpuSeconds(pid);
    }
  }
  if (exited) throw new Error(`${cli} exited before its first work request:\n${(await started.finished).stderr.slice(-2000)}`);
  await new Promise((resolve) => setTimeout(resolve, AFTER_FIRST_WORK_MS));
  const peak = peakRssMiB(pid);
  started.child.kill('SIGKILL');
  await started.finished;
  return { cli, probeS, firstWorkS, cpuAtFirstWorkS, rssAtFirstWorkMiB, peakRssMiB: peak, load };
}

/** User + system CPU time the process has used so far (Linux: /proc/PID/stat's utime and stime, in clock ticks of 10 ms). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The process's peak resident set so far (Linux). */
function peakRssMiB(pid: number): number {
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(hwm?.[1] ?? NaN) / 1024;
}

async function measure(dir: string, clis: string[], reps: number): Promise<void> {
  const server = await startFakeServer(process.cwd(), { latencyMs: LATENCY_MS });
  const results: Start[] = [];
  try {
    for (let rep = 0; rep < reps; rep++) {
      const order = rep % 2 === 0 ? clis : [...clis].reverse();
      for (const cli of order) {
        const r = await measureOnce(dir, cli, server);
        results.push(r);
        console.log(`rep ${rep + 1} ${cli}: probe ${r.probeS.toFixed(2)} s, first work request ${r.firstWorkS.toFixed(2)} s (CPU ${r.cpuAtFirstWorkS.toFixed(2)} s), peak RSS ${r.rssAtFirstWorkMiB.toFixed(0)} MiB then, ${r.peakRssMiB.toFixed(0)} MiB 3 s later (load ${r.load.toFixed(2)})`);
      }
    }
  } finally {
    await server.stop();
    restore(dir);
  }
  for (const cli of clis) {
    const mine = results.filter((r) => r.cli === cli);
    const med = (f: (r: Start) => number): string => median(mine.map(f)).toFixed(2);
    console.log(`median ${cli}: probe ${med((r) => r.probeS)} s, first work request ${med((r) => r.firstWorkS)} s (CPU ${med((r) => r.cpuAtFirstWorkS)} s), peak RSS ${med((r) => r.peakRssMiB)} MiB, load ${med((r) => r.load)}`);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { samples: { type: 'string', default: '1000000' }, cli: { type: 'string', multiple: true }, reps: { type: 'string', default: '5' } },
  });
  const [command, dir] = positionals;
  if (dir === undefined) throw new Error('usage: resumeStart.ts prepare|measure|restore DIR');
  if (command === 'prepare') await prepare(path.resolve(dir), Number(values.samples));
  else if (command === 'restore') restore(path.resolve(dir));
  else if (command === 'measure') await measure(path.resolve(dir), (values.cli ?? ['dist/cli.js']).map((c) => path.resolve(c)), Number(values.reps));
  else throw new Error(`unknown command ${command}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exit(1);
});
