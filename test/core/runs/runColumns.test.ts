import assert from 'node:assert/strict';
import { MISSING_SCORE } from '../../../src/core/filter/columns';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendAnnotation } from '../../../src/core/runs/annotations';
import { runCoverage } from '../../../src/core/runs/coverage';
import { columnsCoverage, columnsPool, readRunColumns, type ColumnsPool } from '../../../src/core/runs/runColumns';
import type { SamplePool } from '../../../src/core/stats/pool';
import { readRun } from '../../../src/core/runs/runStore';
import { toScoredSamples } from '../../../src/core/runs/scoredSamples';
import { buildPool } from '../../../src/core/stats/pool';
import { tempDir } from '../../helpers/cli';
import { awkwardRun, drawnRun, failure, generation, jsonl, newRun, verification } from './runFixtures';

/** The pool without its checker verdicts, once they are checked: the uncorrected pool's verdicts (its own without review). */
function samplePool({ checkerCorrect, ...pool }: ColumnsPool, uncorrected = pool.correct): SamplePool {
  assert.deepEqual(checkerCorrect, uncorrected);
  return pool;
}

describe('runs/runColumns', () => {
  let parent: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir: parent, cleanup } = tempDir()));
  afterEach(() => cleanup());

  const awkward = (): Promise<string> => awkwardRun(parent);

  it('reads every record rule as readRun does: the same pool, coverage and warnings', async () => {
    const dir = await awkward();
    const run = await readRun(dir);
    const cols = await readRunColumns(dir);
    assert.deepEqual(samplePool(columnsPool(cols)), buildPool(toScoredSamples(run)));
    assert.deepEqual(columnsCoverage(cols), runCoverage(run));
    assert.deepEqual(cols.warnings, run.warnings);
    assert.equal(cols.warnings.length, 4, 'the torn line, both kinds of duplicate and the orphan are each warned about');
  });

  it('of a verifier drawing several verifications, reads the aggregate as readRun does, and keeps each draw', async () => {
    const dir = await drawnRun(parent);
    const run = await readRun(dir);
    const cols = await readRunColumns(dir);
    const { draws, ...pool } = samplePool(columnsPool(cols));
    assert.deepEqual(pool, buildPool(toScoredSamples(run)));
    assert.deepEqual(columnsCoverage(cols), runCoverage(run));
    assert.deepEqual(cols.warnings, run.warnings);
    // Pool rows in task order: t1#0..3, t2#0..2. The aggregate is the mean once both draws are in.
    assert.deepEqual([...(pool.columns.get('cot-score') ?? [])], [0.5, 0.3, MISSING_SCORE, MISSING_SCORE, MISSING_SCORE, MISSING_SCORE, 0.1]);
    assert.deepEqual(
      draws?.get('cot-score')?.map((d) => [...d]),
      [
        [0.2, MISSING_SCORE, MISSING_SCORE, MISSING_SCORE, MISSING_SCORE, MISSING_SCORE, 0.1],
        [0.8, 0.3, MISSING_SCORE, MISSING_SCORE, MISSING_SCORE, MISSING_SCORE, 0.1],
      ],
    );
  });

  it('honours human review as toScoredSamples does, with --checker-corrected only', async () => {
    const dir = await awkward();
    await appendAnnotation(dir, { task: 't1', index: 1, human: 'incorrect', note: '' });
    await appendAnnotation(dir, { task: 't2', index: 0, cause: 'checker-wrong', note: '' });
    const run = await readRun(dir);
    const cols = await readRunColumns(dir);
    const corrected = samplePool(columnsPool(cols, { checkerCorrected: true }), columnsPool(cols).correct);
    assert.deepEqual(corrected, buildPool(toScoredSamples(run, { checkerCorrected: true })));
    assert.notDeepEqual(corrected.correct, columnsPool(cols).correct);
  });

  it('keeps the byte offset of each generation line, not the record', async () => {
    const dir = await awkward();
    const cols = await readRunColumns(dir);
    const text = readFileSync(join(dir, 'samples.jsonl'), 'utf8');
    const offset = cols.generation[cols.rowOf(0, 1)] as number;
    assert.deepEqual(JSON.parse(text.slice(offset, text.indexOf('\n', offset))), generation('t1', 1, true));
    assert.equal(cols.generation[cols.rowOf(1, 1)], -1, 'a sample with only a failed generation has no offset');
  });

  it('has no samples and no pool rows for a run without records', async () => {
    const dir = await newRun(parent);
    appendFileSync(join(dir, 'samples.jsonl'), '');
    const cols = await readRunColumns(dir);
    assert.equal(cols.rows, 0);
    assert.deepEqual(samplePool(columnsPool(cols)), buildPool([]));
    assert.deepEqual(columnsCoverage(cols), runCoverage(await readRun(dir)));
  });
});
