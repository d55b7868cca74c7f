// The response cache shared by real processes: concurrent writers, readers and evictors, a writer
// killed with SIGKILL in the middle of a record, and a writer that exits without closing.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { join } from 'node:path';
import { CHECK_SHARE, ResponseCache } from '../../../src/core/llm/responseCache';
import { clearCache, pruneCache } from '../../../src/core/llm/responseCacheFiles';
import { tempDir } from '../../helpers/cli';
import { bytesOnDisk, packsOnDisk, readPack, tempsOnDisk } from './cacheFolder';
import { bigValue, workerKey, writtenValue } from './cacheWorker';

const WORKER = join(__dirname, 'cacheWorker.ts');

interface Worker {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when the worker has printed a line matching `pattern`. */
  printed: (pattern: RegExp) => Promise<void>;
}

function startWorker(args: string[]): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const onData = (d: Buffer): void => {
    output += d.toString();
    for (const w of waiters) if (w.pattern.test(output)) w.resolve();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const printed = (pattern: RegExp): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (pattern.test(output)) resolve();
      waiters.push({ pattern, resolve });
      void exited.then(() => (pattern.test(output) ? resolve() : reject(new Error(`worker exited without printing ${pattern}: ${output}`))));
    });
  return { child, output: () => output, exited, printed };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Watches the pack grow (a file grows page by page while a big write copies it in) and sends
 * SIGKILL as soon as its end is inside a record, i.e. while the writer is in the middle of
 * appending it; Linux stops a write at the next page when a fatal signal is pending. Whether the
 * kill landed in time is for the caller to find out from the file.
 */
function killInsideAWrite(child: ChildProcess, pack: string): void {
  const fd = fs.openSync(pack, 'r');
  const header = Buffer.alloc(40);
  let end = 16;
  const deadline = Date.now() + 30_000;
  try {
    while (Date.now() < deadline) {
      const size = fs.fstatSync(fd).size;
      if (size <= end) continue;
      if (size >= end + 40) {
        fs.readSync(fd, header, 0, 40, end);
        const length = 40 + header.readUInt32LE(0);
        if (end + length <= size) {
          end += length;
          continue;
        }
      }
      break;
    }
  } finally {
    child.kill('SIGKILL');
    fs.closeSync(fd);
  }
}

describe('responseCache shared by processes', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
  });
  afterEach(() => cleanup());

  it('two processes writing at once, to overlapping keys, each into its own pack: a new process reads every entry of both', async function () {
    this.timeout(120_000);
    const workers = [startWorker(['write', dir, '0', '3000', 'close']), startWorker(['write', dir, '1500', '4500', 'close'])];
    for (const w of workers) {
      assert.equal((await w.exited).code, 0, w.output());
      assert.equal(w.output(), 'done\n');
    }
    assert.equal(packsOnDisk(dir).length, 2);
    const reader = new ResponseCache(dir);
    for (let i = 0; i < 4500; i++) assert.deepEqual(await reader.get(workerKey(i)), writtenValue(i), `entry ${i}`);
    await reader.close();
  });

  it('a process that exits without closing its cache (process.exit right after the last store) loses none of its answers', async function () {
    this.timeout(60_000);
    const writer = startWorker(['write', dir, '0', '500', 'exit']);
    assert.equal((await writer.exited).code, 0, writer.output());
    const reader = new ResponseCache(dir);
    for (let i = 0; i < 500; i++) assert.deepEqual(await reader.get(workerKey(i)), writtenValue(i), `entry ${i}`);
    await reader.close();
  });

  it('answers another live process appends become hits here within seconds, without reopening', async function () {
    this.timeout(60_000);
    const reader = ResponseCache.open(dir);
    assert.equal(await reader.get(workerKey(7)), undefined);
    const holder = startWorker(['hold', dir, '7']);
    try {
      await holder.printed(/^ready$/m);
      let got: unknown;
      for (let tries = 0; tries < 50 && got === undefined; tries++) {
        await sleep(200);
        got = await reader.get(workerKey(7));
      }
      assert.deepEqual(got, writtenValue(7));
    } finally {
      holder.child.kill('SIGKILL');
      await holder.exited;
      await reader.close();
    }
  });

  it('after kill -9 of a writer in the middle of a record, a new process reads every complete record and nothing of the torn one; the next writer goes on', async function () {
    this.timeout(180_000);
    let torn: { pack: string; flushed: number } | undefined;
    for (let attempt = 0; attempt < 8 && torn === undefined; attempt++) {
      const attemptDir = join(dir, `attempt-${attempt}`);
      const writer = startWorker(['write-big', attemptDir]);
      await writer.printed(/^flushed 1$/m);
      killInsideAWrite(writer.child, (packsOnDisk(attemptDir)[0] as { file: string }).file);
      assert.equal((await writer.exited).signal, 'SIGKILL');
      const flushed = Math.max(...[...writer.output().matchAll(/^flushed (\d+)$/gm)].map((m) => Number(m[1])));
      const [pack] = packsOnDisk(attemptDir);
      assert.ok(pack, writer.output());
      const onDisk = readPack(pack.file);
      // Every record the writer said it appended is complete on disk.
      assert.ok(onDisk.records.length >= flushed + 1, `${onDisk.records.length} complete records, ${flushed + 1} appended`);
      const reader = new ResponseCache(attemptDir);
      for (let i = 0; i <= flushed + 1; i++) {
        const got = await reader.get(workerKey(i));
        if (i < onDisk.records.length) assert.equal(got, bigValue(i), `entry ${i}`);
        else assert.equal(got, undefined, `entry ${i} was torn, yet read`);
      }
      await reader.close();
      if (onDisk.tailBytes > 0) torn = { pack: pack.file, flushed };
    }
    assert.ok(torn, 'no kill landed inside a record in 8 attempts');
    const attemptDir = join(torn.pack, '..');
    const next = new ResponseCache(attemptDir);
    await next.set(workerKey(1000), 'after the crash');
    await next.close();
    const reader = new ResponseCache(attemptDir);
    assert.equal(await reader.get(workerKey(1000)), 'after the crash');
    assert.equal(await reader.get(workerKey(0)), bigValue(0));
    await reader.close();
  });

  it('two processes reading, writing and evicting one cache, while a third prunes and clears it, see only hits of the right value and misses', async function () {
    this.timeout(120_000);
    const maxBytes = 512 * 1024;
    const workers = [1, 2].map((seed) => startWorker(['churn', dir, String(seed), '3000', String(maxBytes)]));
    let running = true;
    void Promise.all(workers.map((w) => w.exited)).then(() => (running = false));
    let sweeps = 0;
    while (running) {
      await pruneCache(dir, maxBytes / 4);
      if (sweeps % 5 === 4) await clearCache(dir);
      sweeps++;
      await sleep(20);
    }
    for (const w of workers) {
      const { code } = await w.exited;
      assert.equal(code, 0, w.output());
      const [ok, hits] = w.output().trim().split(' ');
      assert.equal(ok, 'ok', w.output());
      assert.ok(Number(hits) > 0, `no hits at all: ${w.output()}`);
    }
    assert.ok(sweeps > 5, `only ${sweeps} prune passes ran alongside the workers`);
    // Each worker's last interval may be unchecked (two per process at most, each ending one entry past it).
    const used = bytesOnDisk(dir);
    assert.ok(used <= maxBytes + 2 * 2 * (CHECK_SHARE * maxBytes + 12_288), `${used} bytes left, limit ${maxBytes}`);
    assert.deepEqual(tempsOnDisk(dir), []);
  });
});
