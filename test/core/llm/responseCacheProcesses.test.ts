// The response cache shared by real processes: concurrent readers, writers and evictors, and a
// writer killed with SIGKILL in the middle of an entry.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { CHECK_SHARE, ResponseCache } from '../../../src/core/llm/responseCache';
import { clearCache, pruneCache } from '../../../src/core/llm/responseCacheFiles';
import { tempDir } from '../../helpers/cli';
import { ageFile, bytesOnDisk, entriesOnDisk, tempsOnDisk } from './cacheFolder';

const WORKER = join(__dirname, 'cacheWorker.ts');

function startWorker(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, output: () => output, exited };
}

describe('responseCache shared by processes', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
  });
  afterEach(() => cleanup());

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
      await new Promise((resolve) => setTimeout(resolve, 20));
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

  it('after kill -9 of a writer mid-entry, the opening check keeps its temporary file while it may still be written, and sweeps it once old', async function () {
    this.timeout(120_000);
    let orphan: string | undefined;
    for (let attempt = 0; attempt < 5 && orphan === undefined; attempt++) {
      const writer = startWorker(['write-big', dir]);
      await new Promise<void>((resolve, reject) => {
        writer.child.stdout?.on('data', (d: Buffer) => d.toString().includes('go') && resolve());
        void writer.exited.then(() => reject(new Error(`writer exited early: ${writer.output()}`)));
      });
      // Kill it as soon as it is inside a write (an entry takes it hundreds of milliseconds).
      while (tempsOnDisk(dir).length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
      writer.child.kill('SIGKILL');
      assert.equal((await writer.exited).signal, 'SIGKILL');
      orphan = tempsOnDisk(dir)[0]?.file;
    }
    assert.ok(orphan, 'no kill landed inside a write in 5 attempts');
    const entries = entriesOnDisk(dir).map((e) => e.file);
    assert.ok(entries.length > 0);

    await ResponseCache.open(dir).settled();
    assert.deepEqual(tempsOnDisk(dir).map((t) => t.file), [orphan], 'a temporary file modified just now was removed');

    ageFile(orphan, 6);
    await ResponseCache.open(dir).settled();
    assert.deepEqual(tempsOnDisk(dir), []);
    assert.deepEqual(entriesOnDisk(dir).map((e) => e.file), entries, 'complete entries were removed');
  });
});
