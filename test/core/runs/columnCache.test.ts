import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendAnnotation } from '../../../src/core/runs/annotations';
import { COLUMN_CACHE_FILE, EDGE_BYTES } from '../../../src/core/runs/columnCache';
import { columnsCoverage, columnsPool, readRunColumns, type ColumnReadOptions, type RunColumns } from '../../../src/core/runs/runColumns';
import { createRunFolder, updateManifest } from '../../../src/core/runs/runStore';
import { tempDir } from '../../helpers/cli';
import { drawn, drawnRun, failure, generation, jsonl, manifest, newRun, TASKS, verification } from './runFixtures';

/** Everything a reader gets from the columns, comparable with deepEqual (the run folder's path left out). */
function seen(cols: RunColumns, dir = cols.dir): unknown {
  const { rowOf: _rowOf, dir: _dir, warnings, ...columns } = cols;
  return {
    columns,
    warnings: warnings.map((w) => w.split(dir).join('RUN')),
    pool: columnsPool(cols),
    corrected: columnsPool(cols, { checkerCorrected: true }),
    coverage: columnsCoverage(cols),
  };
}

/** Reads the run with its column cache, returning what the reader was told about the cache too. */
async function cachedRead(dir: string, opts: ColumnReadOptions = {}): Promise<{ cols: RunColumns; told: string[]; debug: string[] }> {
  const told: string[] = [];
  const debug: string[] = [];
  const cols = await readRunColumns(dir, { ...opts, onWarning: (m) => told.push(m), onDebug: (m) => debug.push(m) });
  // Warnings of the run are in cols.warnings as well; what is told only is the cache's.
  return { cols, told: told.filter((m) => !cols.warnings.includes(m)), debug };
}

const fullRead = (dir: string, opts: ColumnReadOptions = {}): Promise<RunColumns> => readRunColumns(dir, { ...opts, columnCache: false });

describe('runs/columnCache', () => {
  let parent: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir: parent, cleanup } = tempDir()));
  afterEach(() => cleanup());

  const cacheFile = (dir: string): string => join(dir, COLUMN_CACHE_FILE);
  const samples = (dir: string): string => join(dir, 'samples.jsonl');

  /** Asserts that reading with the cache gives exactly what a full read gives, and that the cache was used without a word. */
  async function assertSameAsFullRead(dir: string): Promise<void> {
    const { cols, told } = await cachedRead(dir);
    assert.deepEqual(told, []);
    assert.deepEqual(seen(cols), seen(await fullRead(dir)));
  }

  it('writes the cache on a full read, and then reads only appended lines: the same columns, pool, coverage and warnings', async () => {
    const dir = await newRun(parent);
    writeFileSync(
      samples(dir),
      jsonl([
        failure('t2', 0, 'generation', 'call-failed'),
        generation('t1', 0, true),
        verification('t1', 0, 'mc', 0.9),
        verification('t1', 0, 'mc', 0.2),
        failure('t1', 0, 'cot-score'),
        // An orphan so far: its generation comes in the appended lines.
        verification('t1', 1, 'mc', 0.4),
        // An orphan for good.
        verification('q#3', 2, 'mc', 0.5),
        generation('q#3', 7, true),
      ]),
    );
    const first = await cachedRead(dir);
    assert.ok(existsSync(cacheFile(dir)), 'a full read writes the cache');
    assert.match(readFileSync(join(dir, '.cache', '.gitignore'), 'utf8'), /^\*$/m, 'git leaves the cache out');
    assert.deepEqual(seen(first.cols), seen(await fullRead(dir)));
    const written = readFileSync(cacheFile(dir));

    appendFileSync(
      samples(dir),
      jsonl([
        generation('t1', 1, false),
        generation('t1', 0, false, 'a duplicate of a generation before the cache'),
        verification('t1', 0, 'mc', 0.1),
        verification('t1', 0, 'cot-score', 0.3),
        generation('t2', 0, true),
        verification('t2', 0, 'judge', 0.6),
        failure('t2', 0, 'mc', 'call-failed'),
        generation('q#3', 9, false),
      ]),
    );
    await assertSameAsFullRead(dir);
    assert.ok(readFileSync(cacheFile(dir)).equals(written), 'a short tail does not rewrite the cache: it was loaded and used');
    const { warnings } = await fullRead(dir);
    assert.ok(warnings.some((w) => w.includes('ignored 1 duplicate generation') && w.includes('line 10')), 'duplicate counts carry over the cached prefix');
    assert.ok(warnings.some((w) => w.includes('ignored 2 duplicate verification') && w.includes('first duplicate at line 4')), warnings.join('\n'));
    assert.ok(warnings.some((w) => w.includes('verifications of 1 sample without a generation record (first at line 7)')), warnings.join('\n'));
  });

  it('of a finished run (a row for every sample, whose arrays the store takes over): the same columns, and records after it still add rows', async () => {
    const dir = join(parent, 'finished');
    const tasks = Array.from({ length: 256 }, (_, t) => ({ id: `t${t}`, question: `What is ${t}?`, answer: String(t), grader: 'numeric' as const }));
    await createRunFolder(dir, manifest(), tasks);
    const records = tasks.flatMap((task, t) => [0, 1, 2, 3].flatMap((i) => [generation(task.id, i, (t + i) % 3 === 0), verification(task.id, i, 'mc', ((t * 4 + i) % 10) / 10), failure(task.id, i, 'cot-score')]));
    writeFileSync(samples(dir), jsonl(records));
    assert.equal((await cachedRead(dir)).cols.rows, 1024, '256 tasks × n = 4: as many rows as the store starts with');
    await assertSameAsFullRead(dir);
    appendFileSync(samples(dir), jsonl([verification('t7', 2, 'cot-score', 0.5), generation('t9', 4, true), verification('t9', 4, 'mc', 0.3), generation('t9', 0, false, 'a duplicate')]));
    await assertSameAsFullRead(dir);
    assert.equal((await cachedRead(dir)).cols.rows, 1025, 'an index ≥ n grows the adopted arrays');
  });

  it('of a verifier drawing several verifications: the draws and their aggregate, before and after appends', async () => {
    const dir = await drawnRun(parent);
    await cachedRead(dir);
    assert.ok(existsSync(cacheFile(dir)));
    await assertSameAsFullRead(dir);
    appendFileSync(samples(dir), jsonl([drawn('t1', 3, 'cot-score', 1, 0.6), generation('q#3', 3, true), drawn('q#3', 3, 'cot-score', 0, 0.2), drawn('t1', 0, 'cot-score', 1, 0.1)]));
    await assertSameAsFullRead(dir);
  });

  it('a torn last line after the cache: dropped as a full read drops it, and repaired by the reader about to append', async () => {
    const dir = await newRun(parent);
    writeFileSync(samples(dir), jsonl([generation('t1', 0, true), verification('t1', 0, 'mc', 0.5)]));
    await cachedRead(dir);
    appendFileSync(samples(dir), jsonl([generation('t1', 1, false)]) + '{"v":1,"type":"generation","task":"t1","ind');
    await assertSameAsFullRead(dir);
    const copy = join(parent, 'copy');
    cpSync(dir, copy, { recursive: true });
    const repaired = await cachedRead(dir, { repair: true });
    assert.deepEqual(repaired.told, []);
    assert.deepEqual(seen(repaired.cols), seen(await fullRead(copy, { repair: true })));
    assert.equal(readFileSync(samples(dir), 'utf8'), readFileSync(samples(copy), 'utf8'), 'the same repair');
    appendFileSync(samples(dir), jsonl([verification('t1', 1, 'mc', 0.7)]));
    await assertSameAsFullRead(dir);
  });

  it('reads annotations afresh: a label added after the cache counts', async () => {
    const dir = await newRun(parent);
    writeFileSync(samples(dir), jsonl([generation('t1', 0, true), verification('t1', 0, 'mc', 0.5), generation('t2', 0, false)]));
    await cachedRead(dir);
    await appendAnnotation(dir, { task: 't1', index: 0, human: 'incorrect', note: '' });
    const { cols } = await cachedRead(dir);
    assert.equal(cols.annotations.length, 1);
    assert.deepEqual([...columnsPool(cols, { checkerCorrected: true }).correct], [0, 0]);
    await assertSameAsFullRead(dir);
  });

  describe('a cache it cannot trust: one warning, a full read, and a cache that is good again', () => {
    async function cachedRun(): Promise<string> {
      const dir = await newRun(parent);
      writeFileSync(samples(dir), jsonl([generation('t1', 0, true), verification('t1', 0, 'mc', 0.5), generation('t2', 1, false), verification('t2', 1, 'mc', 0.25)]));
      await cachedRead(dir);
      assert.ok(existsSync(cacheFile(dir)));
      return dir;
    }

    async function assertFallsBack(dir: string, reason: RegExp): Promise<void> {
      const { cols, told } = await cachedRead(dir);
      assert.equal(told.length, 1, told.join('\n'));
      assert.ok(told[0]?.startsWith(`${cacheFile(dir)}: column cache not used (`), told[0]);
      assert.match(told[0] as string, reason);
      assert.ok(!(told[0] as string).includes('\n'));
      assert.deepEqual(seen(cols), seen(await fullRead(dir)));
      await assertSameAsFullRead(dir);
    }

    const flip = (file: string, at: (size: number) => number): void => {
      const bytes = readFileSync(file);
      const i = at(bytes.length);
      bytes[i] = (bytes[i] as number) ^ 0x40;
      writeFileSync(file, bytes);
    };

    it('a flipped bit in its columns', async () => {
      const dir = await cachedRun();
      flip(cacheFile(dir), (size) => size - 40);
      await assertFallsBack(dir, /checksum/);
    });

    it('a changed header that still describes columns of the same size', async () => {
      const dir = await cachedRun();
      const bytes = readFileSync(cacheFile(dir));
      const text = bytes.toString('latin1').replace('"answers":["0","1"]', '"answers":["1","0"]');
      assert.notEqual(text, bytes.toString('latin1'));
      writeFileSync(cacheFile(dir), Buffer.from(text, 'latin1'));
      await assertFallsBack(dir, /checksum/);
    });

    it('a truncated file', async () => {
      const dir = await cachedRun();
      truncateSync(cacheFile(dir), readFileSync(cacheFile(dir)).length - 8);
      await assertFallsBack(dir, /not the size/);
    });

    it('a file cut inside its header, an empty file, a foreign file', async () => {
      for (const [bytes, reason] of [
        [(b: Buffer) => b.subarray(0, 40), /truncated header|corrupt header/],
        [() => Buffer.alloc(0), /not a Gap Lens column cache/],
        [() => Buffer.from('{"hello": "world"}\n'), /not a Gap Lens column cache/],
      ] as const) {
        const dir = await cachedRun();
        writeFileSync(cacheFile(dir), bytes(readFileSync(cacheFile(dir))));
        await assertFallsBack(dir, reason);
        rmSync(dir, { recursive: true });
      }
    });

    it('a header whose counts disagree with its columns', async () => {
      const dir = await cachedRun();
      const bytes = readFileSync(cacheFile(dir));
      const text = bytes.toString('latin1').replace('"rows":2', '"rows":3');
      assert.notEqual(text, bytes.toString('latin1'));
      writeFileSync(cacheFile(dir), Buffer.from(text, 'latin1'));
      await assertFallsBack(dir, /not the size/);
    });

    it('values out of range under a checksum that holds (what a faulty writer would leave)', async () => {
      const dir = await cachedRun();
      const bytes = readFileSync(cacheFile(dir));
      const headerEnd = 20 + bytes.readUInt32LE(16);
      const body = Math.ceil(headerEnd / 8) * 8;
      // The first column is each row's task position: a task the run does not have.
      bytes.writeInt32LE(TASKS.length, body);
      const content = bytes.subarray(0, bytes.length - 32);
      writeFileSync(cacheFile(dir), Buffer.concat([content, createHash('sha256').update(content).digest()]));
      await assertFallsBack(dir, /row 0: names no sample of the run/);
    });

    it('the cache of another run', async () => {
      const dir = await cachedRun();
      const other = join(parent, 'other');
      await createRunFolder(other, { ...manifest(), id: 'another-run' }, TASKS);
      cpSync(samples(dir), samples(other));
      mkdirSync(join(other, '.cache'));
      cpSync(cacheFile(dir), cacheFile(other));
      await assertFallsBack(other, /another run/);
    });

    it('a run.json whose samples per task changed', async () => {
      const dir = await cachedRun();
      await updateManifest(dir, (m) => ({ ...m, config: { ...m.config, n: 8 } }));
      await assertFallsBack(dir, /run\.json/);
    });

    it('but not a run.json that only changed what the columns do not depend on', async () => {
      const dir = await cachedRun();
      const written = readFileSync(cacheFile(dir));
      await updateManifest(dir, (m) => ({ ...m, completedAt: '2026-11-25T00:00:00.000Z' }));
      await assertSameAsFullRead(dir);
      assert.ok(readFileSync(cacheFile(dir)).equals(written));
    });

    it('a samples.jsonl that no longer starts with the bytes the cache covers: rewritten, or cut shorter', async () => {
      const dir = await cachedRun();
      const text = readFileSync(samples(dir), 'utf8');
      writeFileSync(samples(dir), text.replace('"mc","score":0.5', '"mc","score":0.7'));
      await assertFallsBack(dir, /no longer starts with/);
      writeFileSync(samples(dir), text.slice(0, text.indexOf('\n') + 1));
      await assertFallsBack(dir, /no longer starts with/);
    });
  });

  it('an edit inside a long covered prefix, away from both ends, goes unseen until the cache is bypassed or deleted (docs/run-format.md)', async () => {
    const dir = await newRun(parent);
    const records = [];
    for (let i = 0; i < 1500; i++) records.push(generation('t1', i, i % 2 === 0), verification('t1', i, 'mc', 0.25));
    writeFileSync(samples(dir), jsonl(records));
    assert.ok(readFileSync(samples(dir)).length > 4 * EDGE_BYTES);
    await cachedRead(dir);
    const text = readFileSync(samples(dir), 'utf8');
    const middle = text.indexOf('"index":750,"verifier":"mc","score":0.25');
    assert.ok(middle > 2 * EDGE_BYTES);
    writeFileSync(samples(dir), text.slice(0, middle) + '"index":750,"verifier":"mc","score":0.75' + text.slice(middle + '"index":750,"verifier":"mc","score":0.75'.length));
    const scoreOf = (cols: RunColumns): number => cols.verifiers.get('mc')?.score[cols.rowOf(0, 750)] as number;
    assert.equal(scoreOf((await cachedRead(dir)).cols), 0.25, 'the cache still holds the old score');
    assert.equal(scoreOf(await fullRead(dir)), 0.75, 'columnCache: false reads every line');
    rmSync(join(dir, '.cache'), { recursive: true });
    assert.equal(scoreOf((await cachedRead(dir)).cols), 0.75, 'without the cache, every line is read');
  });

  it('a folder the cache cannot be written to: the read works, and says why only through onDebug', async () => {
    const dir = await newRun(parent);
    writeFileSync(samples(dir), jsonl([generation('t1', 0, true), verification('t1', 0, 'mc', 0.5)]));
    // A file where the cache folder would be: as unwritable as a read-only folder, even to root.
    writeFileSync(join(dir, '.cache'), 'not a folder');
    const { cols, told, debug } = await cachedRead(dir);
    assert.deepEqual(told, []);
    assert.equal(debug.length, 1, debug.join('\n'));
    assert.match(debug[0] as string, /column cache not written \(E[A-Z]+\)/);
    assert.deepEqual(seen(cols), seen(await fullRead(dir)));
    assert.equal(readFileSync(join(dir, '.cache'), 'utf8'), 'not a folder');
  });

  it('a writer removes the temp files writers killed mid-write left, not one another writer is writing now', async () => {
    const dir = await newRun(parent);
    writeFileSync(samples(dir), jsonl([generation('t1', 0, true)]));
    mkdirSync(join(dir, '.cache'));
    const stale = join(dir, '.cache', 'columns.bin.4242-0123abcd.tmp');
    const live = join(dir, '.cache', 'columns.bin.4343-89abcdef.tmp');
    const other = join(dir, '.cache', 'notes.tmp');
    for (const file of [stale, live, other]) writeFileSync(file, 'half a cache');
    const hourAgo = new Date(Date.now() - 3600_000);
    utimesSync(stale, hourAgo, hourAgo);
    utimesSync(other, hourAgo, hourAgo);
    await cachedRead(dir);
    assert.ok(existsSync(cacheFile(dir)));
    assert.deepEqual([existsSync(stale), existsSync(live), existsSync(other)], [false, true, true]);
  });

  it('columnCache: false neither reads nor writes it', async () => {
    const dir = await newRun(parent);
    writeFileSync(samples(dir), jsonl([generation('t1', 0, true)]));
    await fullRead(dir);
    assert.equal(existsSync(join(dir, '.cache')), false);
  });
});
