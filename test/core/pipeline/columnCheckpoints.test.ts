// The column cache written at checkpoints while a run appends (columnCheckpoints.ts): fed each record
// as SampleLog writes its line, it must hold what a read of the same lines leaves — duplicates, call
// failures before and after their stage's record, draws, orphans and a score of −0 included.
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ColumnCheckpoints, checkpointBytes, checkpointStart, CHECKPOINT_BYTES, type CheckpointStart } from '../../../src/core/pipeline/columnCheckpoints';
import type { PreparedRun } from '../../../src/core/pipeline/runSession';
import { COLUMN_CACHE_FILE } from '../../../src/core/runs/columnCache';
import { ColumnStore, columnsCoverage, columnsPool, readColumnStore, readRunColumns, type RunColumns } from '../../../src/core/runs/runColumns';
import type { SampleRecord } from '../../../src/core/runs/records';
import { createRunFolder, readManifest } from '../../../src/core/runs/runStore';
import { SampleLog } from '../../../src/core/runs/sampleLog';
import { SCAN_START } from '../../../src/core/runs/sampleRecords';
import { UserError } from '../../../src/core/util/errors';
import { tempDir } from '../../helpers/cli';
import { drawn, failure, generation, jsonl, manifest, TASKS, verification } from '../runs/runFixtures';

const RECORDS: SampleRecord[] = [
  failure('t2', 0, 'generation', 'call-failed'),
  generation('t1', 0, true),
  verification('t1', 0, 'mc', 0.9),
  drawn('t1', 0, 'cot-score', 0, 0.2),
  failure('t1', 0, 'mc'),
  generation('t1', 1, false),
  verification('t1', 1, 'mc', -0),
  { ...failure('t1', 1, 'cot-score', 'call-failed'), draw: 1 },
  generation('t1', 0, false, 'a duplicate'),
  verification('t1', 0, 'mc', 0.1),
  drawn('t1', 1, 'cot-score', 1, null),
  drawn('t1', 0, 'cot-score', 1, 0.8),
  generation('t2', 0, true),
  verification('q#3', 2, 'mc', 0.5),
  generation('q#3', 7, true),
  drawn('t2', 0, 'cot-score', 2, 0.7),
  verification('t2', 0, 'mc', 0.4),
];

/** Everything a reader gets from the columns, comparable with deepEqual. */
function seen(cols: RunColumns): unknown {
  const { rowOf: _rowOf, dir, warnings, ...columns } = cols;
  return { columns, warnings: warnings.map((w) => w.split(dir).join('RUN')), pool: columnsPool(cols), coverage: columnsCoverage(cols) };
}

describe('pipeline/columnCheckpoints', () => {
  let parent: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir: parent, cleanup } = tempDir()));
  afterEach(() => cleanup());

  /** A run folder (cot-score drawn twice) whose samples.jsonl holds `before`, and a checkpointer going on from a read of it. */
  async function runFrom(name: string, before: SampleRecord[]): Promise<{ dir: string; start: CheckpointStart }> {
    const dir = join(parent, name);
    const base = manifest();
    await createRunFolder(dir, { ...base, config: { ...base.config, verifierTemperature: 0.7, verifications: { 'cot-score': 2 } } }, TASKS);
    const run = { dir, manifest: await readManifest(dir), tasks: TASKS };
    if (before.length === 0) return { dir, start: { run, store: new ColumnStore(TASKS, 4, run.manifest.config.verifications), from: SCAN_START } };
    writeFileSync(join(dir, 'samples.jsonl'), jsonl(before));
    const read = await readColumnStore(dir, { columnCache: false });
    return { dir, start: { run, store: read.store, from: read.scan.end } };
  }

  it('leaves, after every prefix of appends, a cache that a reader uses to the columns of a full read', async () => {
    // From an empty file (a new run) and from a read of the first records (a resume; no orphan among them).
    for (const from of [0, 3]) {
      for (let k = from + 1; k <= RECORDS.length; k++) {
        const { dir, start } = await runFrom(`run-${from}-${k}`, RECORDS.slice(0, from));
        const debug: string[] = [];
        // A checkpoint after every line: 1 byte apart, and a clock that stands still (each checkpoint takes no time).
        const checkpoints = new ColumnCheckpoints(start, { warn: (m) => debug.push(m), debug: (m) => debug.push(m) }, 1, () => 0);
        const log = await SampleLog.open(dir, { onWritten: checkpoints.onWritten });
        for (const record of RECORDS.slice(from, k)) await log.append(record);
        await log.close();
        await checkpoints.finish();
        assert.deepEqual(debug, []);
        const cache = readFileSync(join(dir, COLUMN_CACHE_FILE));
        const covered = (JSON.parse(cache.toString('utf8', 20, 20 + cache.readUInt32LE(16))) as { covered: { bytes: number } }).covered.bytes;
        assert.equal(covered, statSync(join(dir, 'samples.jsonl')).size, `after ${k} records the last checkpoint covers the file`);
        const told: string[] = [];
        const cached = await readRunColumns(dir, { onWarning: (m) => told.push(m) });
        assert.deepEqual(seen(cached), seen(await readRunColumns(dir, { columnCache: false })), `after ${k} records from ${from}`);
        assert.deepEqual(told.filter((m) => m.includes('column cache')), [], 'the cache was used');
      }
    }
  });

  it("leaves a resume's read of a long tail past the cache to its first checkpoint, which writes the cache at the execution's first line; any other read writes it", async () => {
    const { dir } = await runFrom('run', RECORDS.slice(0, 3));
    await readColumnStore(dir);
    const file = join(dir, 'samples.jsonl');
    const coveredBytes = (): number => {
      const cache = readFileSync(join(dir, COLUMN_CACHE_FILE));
      return (JSON.parse(cache.toString('utf8', 20, 20 + cache.readUInt32LE(16))) as { covered: { bytes: number } }).covered.bytes;
    };
    const first = coveredBytes();
    assert.equal(first, statSync(file).size);
    // 9 MiB past the cache: more than a read parses before it writes the cache anew (8 MiB).
    appendFileSync(file, jsonl(Array.from({ length: 90 }, (_, i) => generation('t1', 10 + i, true, 'x'.repeat(100 * 1024)))));
    // As prepareResume reads the run for an execution.
    const { store, scan, ...read } = await readColumnStore(dir, { repair: true, deferCacheWrite: true });
    assert.equal(coveredBytes(), first, "the resume's read leaves the cache as it was");
    assert.equal(scan.cached, first);
    const prepared = { dir, tasks: TASKS, columns: { ...store.columns(), ...read }, read: { store, manifest: read.manifest, scan } } as Pick<PreparedRun, 'dir' | 'tasks' | 'columns' | 'read'> as PreparedRun;
    const start = checkpointStart(prepared, await readManifest(dir), () => undefined) as CheckpointStart;
    const checkpoints = new ColumnCheckpoints(start, { warn: () => undefined, debug: () => undefined }, 8 * 2 ** 20);
    const log = await SampleLog.open(dir, { onWritten: checkpoints.onWritten });
    await log.append(generation('t2', 1, true));
    await log.close();
    await checkpoints.finish();
    assert.equal(coveredBytes(), statSync(file).size, 'the first checkpoint, at the first line appended, covers the file');
    appendFileSync(file, jsonl(Array.from({ length: 90 }, (_, i) => generation('t1', 100 + i, true, 'x'.repeat(100 * 1024)))));
    assert.equal((await readColumnStore(dir)).scan.cached, statSync(file).size);
    assert.equal(coveredBytes(), statSync(file).size, 'a reader that does not append writes it');
  });

  it('writes no checkpoint until its size has been appended, and stops at a line it did not expect', async () => {
    const { dir, start } = await runFrom('run', []);
    const debug: string[] = [];
    const checkpoints = new ColumnCheckpoints(start, { warn: (m) => debug.push(m), debug: (m) => debug.push(m) }, 10 * 2 ** 20);
    const log = await SampleLog.open(dir, { onWritten: checkpoints.onWritten });
    for (const record of RECORDS) await log.append(record);
    await log.close();
    await checkpoints.finish();
    assert.equal(statSync(join(dir, 'samples.jsonl'), { throwIfNoEntry: false }) !== undefined, true);
    assert.equal(statSync(join(dir, COLUMN_CACHE_FILE), { throwIfNoEntry: false }), undefined, 'less than 10 MiB appended: no checkpoint');

    const other = await runFrom('other', RECORDS.slice(0, 2));
    const stopped = new ColumnCheckpoints(other.start, { warn: (m) => debug.push(m), debug: (m) => debug.push(m) }, 1);
    stopped.onWritten([{ record: RECORDS[2] as SampleRecord, offset: 0 }], 100);
    assert.match(debug.join('\n'), /checkpoints stopped \(a line at byte 0, expected one at \d+\)/);
  });

  it('takes its size from GAPLENS_CHECKPOINT_MIB, and refuses a value that is not a positive number', () => {
    assert.equal(checkpointBytes({}), CHECKPOINT_BYTES);
    assert.equal(checkpointBytes({ GAPLENS_CHECKPOINT_MIB: '0.5' }), 2 ** 19);
    for (const bad of ['0', '-1', 'lots']) assert.throws(() => checkpointBytes({ GAPLENS_CHECKPOINT_MIB: bad }), UserError);
  });
});
