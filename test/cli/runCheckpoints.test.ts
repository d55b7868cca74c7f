// The column cache kept at checkpoints while `gaplens run` executes (docs/run-format.md, "The column
// cache"): a run killed with SIGKILL after a checkpoint leaves a cache of a prefix of samples.jsonl,
// its resume parses only the lines after it, and the reports are byte for byte those of a full read.
import assert from 'node:assert/strict';
import { cpSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync, closeSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, startCli, type CliResult } from '../helpers/cli';
import { folderAndServerPerSuite } from '../helpers/fakeServers';
import { assertCleanStderr, cleanEnv, waitFor, writeTasks } from '../helpers/runs';

const TASKS = 50;
const N = 6;
/** The cache's edges (columnCache.ts EDGE_BYTES) are hashed: a line between them is trusted unread. */
const EDGE = 64 * 1024;

/** The header of a column cache file (its layout: docs/run-format.md). */
function cacheHeader(dir: string): { covered: { bytes: number; lines: number } } | null {
  const file = join(dir, '.cache', 'columns.bin');
  if (!existsSync(file)) return null;
  try {
    const bytes = readFileSync(file);
    return JSON.parse(bytes.toString('utf8', 20, 20 + bytes.readUInt32LE(16))) as { covered: { bytes: number; lines: number } };
  } catch {
    return null; // caught mid-rename
  }
}

describe('the column cache at run checkpoints: kill -9, then --resume', function () {
  this.timeout(180000);
  // Slow enough that the run is still writing when the test kills it (about 10 s of calls at 4 at once).
  const suite = folderAndServerPerSuite({ latencyMs: 100 });
  // Checkpoints every 24 KiB, so a small run has many.
  const env = (): NodeJS.ProcessEnv => cleanEnv(suite.dir, { GAPLENS_CHECKPOINT_MIB: '0.0234375' });
  let killed: string;

  before(async () => {
    const tasks = join(suite.dir, 'tasks.jsonl');
    writeTasks(tasks, TASKS);
    killed = join(suite.dir, 'killed');
    const run = startCli(['run', '--tasks', tasks, '--model', `openai:fake@${suite.server.url}`, '-n', String(N), '--verifier', 'mc', '--out', killed, '--no-cache', '--concurrency', '4'], { env: env() });
    // Past a checkpoint whose prefix has a middle no edge hash covers.
    await waitFor(() => (cacheHeader(killed)?.covered.bytes ?? 0) > 3 * EDGE, 90000, 'a checkpoint of more than 192 KiB');
    run.child.kill('SIGKILL');
    const res = await run.done;
    assert.equal(res.code, null, `the run finished before it could be killed; the test needs a slower server:\n${res.stderr}`);
  });

  const report = (dir: string, ...more: string[]): Promise<CliResult> => runCli(['report', dir, '--json', ...more], { env: env() });
  const resume = (dir: string): Promise<CliResult> => runCli(['run', '--resume', dir, '--no-cache', '--json'], { env: env() });

  it('leaves a cache of a prefix of whole lines, which a report reads to the same bytes as a full read', async () => {
    const header = cacheHeader(killed);
    assert.ok(header !== null);
    const samples = readFileSync(join(killed, 'samples.jsonl'));
    assert.ok(header.covered.bytes <= samples.length);
    assert.equal(samples[header.covered.bytes - 1], 0x0a, 'the cache ends on a line boundary');
    assert.equal(samples.subarray(0, header.covered.bytes).toString('utf8').split('\n').length - 1, header.covered.lines);
    const copy = join(suite.dir, 'reported');
    cpSync(killed, copy, { recursive: true });
    const cached = await report(copy);
    const full = await report(copy, '--no-column-cache');
    assert.equal(cached.stdout, full.stdout);
    assert.equal(cached.stderr, full.stderr);
  });

  it('resumes parsing only the lines after the checkpoint', async () => {
    const dir = join(suite.dir, 'poisoned');
    cpSync(killed, dir, { recursive: true });
    const covered = (cacheHeader(dir) as { covered: { bytes: number } }).covered.bytes;
    // A line wholly between the hashed edges, made invalid at its length: a full read fails on it.
    const text = readFileSync(join(dir, 'samples.jsonl'), 'utf8').slice(0, covered);
    const start = text.indexOf('\n', EDGE) + 1;
    const end = text.indexOf('\n', start);
    assert.ok(end < covered - EDGE, 'the run wrote lines of the expected size');
    const fd = openSync(join(dir, 'samples.jsonl'), 'r+');
    writeSync(fd, `{"type":"poison"${' '.repeat(end - start - 17)}}`, start);
    closeSync(fd);
    assert.match((await report(dir, '--no-column-cache')).stderr, /unknown record type "poison"/, 'a full read sees the poisoned line');
    const resumed = await resume(dir);
    assert.equal(resumed.code, 0, `the resume read the prefix the cache covers:\n${resumed.stderr}`);
    assert.equal(JSON.parse(resumed.stdout).samples, TASKS * N);
  });

  it('resumes to the report of a full read, byte for byte, and with the cache folder unwritable still runs', async () => {
    for (const unwritable of [false, true]) {
      const dir = join(suite.dir, unwritable ? 'unwritable' : 'resumed');
      cpSync(killed, dir, { recursive: true });
      // A file where the cache folder is: as unwritable as a read-only folder, even to root.
      if (unwritable) {
        rmSync(join(dir, '.cache'), { recursive: true });
        writeFileSync(join(dir, '.cache'), '');
      }
      const resumed = await resume(dir);
      assert.equal(resumed.code, 0, resumed.stderr);
      assertCleanStderr(resumed.stderr);
      assert.doesNotMatch(resumed.stderr, /column cache/);
      const full = await report(dir, '--no-column-cache');
      assert.equal(full.code, 0, full.stderr);
      assert.equal(resumed.stdout, full.stdout, 'the report at the end of the resume');
      assert.equal((await report(dir)).stdout, full.stdout);
      assert.equal(statSync(join(dir, '.cache')).isFile(), unwritable);
    }
  });
});
