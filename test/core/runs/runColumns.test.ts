import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendAnnotation } from '../../../src/core/runs/annotations';
import { runCoverage } from '../../../src/core/runs/coverage';
import { columnsCoverage, columnsPool, readRunColumns } from '../../../src/core/runs/runColumns';
import { readRun } from '../../../src/core/runs/runStore';
import { toScoredSamples } from '../../../src/core/runs/scoredSamples';
import { buildPool } from '../../../src/core/stats/pool';
import { tempDir } from '../../helpers/cli';
import { failure, generation, jsonl, newRun, verification } from './runFixtures';

describe('runs/runColumns', () => {
  let parent: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir: parent, cleanup } = tempDir()));
  afterEach(() => cleanup());

  /** Every record shape readRun has a rule for: out of order, duplicates, failures before and after their stage, an orphan, an index ≥ n, a torn tail. */
  async function awkwardRun(): Promise<string> {
    const dir = await newRun(parent);
    writeFileSync(
      join(dir, 'samples.jsonl'),
      jsonl([
        failure('t2', 0, 'generation', 'call-failed'),
        generation('t2', 0, false),
        verification('t2', 0, 'mc', 0.25),
        failure('t2', 1, 'generation', 'prompt-too-long'),
        generation('t1', 1, true),
        { ...generation('t1', 0, false), grade: { correct: false, extracted: null, normalized: null, reason: 'no answer found' } },
        { ...generation('t1', 1, false, 'a duplicate: the earliest is kept') },
        failure('t1', 1, 'cot-score'),
        verification('t1', 1, 'cot-score', null),
        { ...verification('t1', 0, 'cot-score', null), failure: 'labels-absent' },
        verification('t1', 1, 'mc', 0.9),
        verification('t1', 1, 'mc', 0.1),
        verification('t1', 0, 'mc', 0),
        failure('t1', 0, 'mc'),
        failure('t1', 2, 'mc', 'call-failed'),
        generation('t1', 2, true),
        verification('q#3', 3, 'mc', 0.5),
        generation('q#3', 7, true),
        verification('q#3', 7, 'judge', 0.75),
        generation('q#3', 0, true),
        failure('q#3', 0, 'cot-score', 'call-failed'),
      ]) + '{"v":1,"type":"generation","task":"t1","ind',
    );
    return dir;
  }

  it('reads every record rule as readRun does: the same pool, coverage and warnings', async () => {
    const dir = await awkwardRun();
    const run = await readRun(dir);
    const cols = await readRunColumns(dir);
    assert.deepEqual(columnsPool(cols), buildPool(toScoredSamples(run)));
    assert.deepEqual(columnsCoverage(cols), runCoverage(run));
    assert.deepEqual(cols.warnings, run.warnings);
    assert.equal(cols.warnings.length, 4, 'the torn line, both kinds of duplicate and the orphan are each warned about');
  });

  it('honours human review as toScoredSamples does, with --checker-corrected only', async () => {
    const dir = await awkwardRun();
    await appendAnnotation(dir, { task: 't1', index: 1, human: 'incorrect', note: '' });
    await appendAnnotation(dir, { task: 't2', index: 0, cause: 'checker-wrong', note: '' });
    const run = await readRun(dir);
    const cols = await readRunColumns(dir);
    const corrected = columnsPool(cols, { checkerCorrected: true });
    assert.deepEqual(corrected, buildPool(toScoredSamples(run, { checkerCorrected: true })));
    assert.notDeepEqual(corrected.correct, columnsPool(cols).correct);
  });

  it('keeps the byte offset of each generation line, not the record', async () => {
    const dir = await awkwardRun();
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
    assert.deepEqual(columnsPool(cols), buildPool([]));
    assert.deepEqual(columnsCoverage(cols), runCoverage(await readRun(dir)));
  });
});
