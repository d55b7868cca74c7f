import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRun, type RunData } from '../../../src/core/runs/runStore';
import { sampleKey } from '../../../src/core/runs/sampleKey';
import { toSftRecords } from '../../../src/core/runs/sftExport';
import { tempDir } from '../../helpers/cli';
import { generation, jsonl, newRun, TASKS } from './runFixtures';

describe('runs/sftExport', () => {
  let cleanup: () => void;
  let run: RunData;
  beforeEach(async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    const dir = await newRun(tmp.dir);
    appendFileSync(
      join(dir, 'samples.jsonl'),
      jsonl([generation('t2', 0, true, 'Paris.'), generation('t1', 1, true, 'It is 5.'), generation('t1', 0, false, 'It is 6.'), generation('q#3', 0, true, 'Seven ✓')]),
    );
    run = await readRun(dir);
  });
  afterEach(() => cleanup());

  it('exports the kept samples of a binary filter as chat records, in task then index order, without weights', () => {
    const weights = new Map([
      [sampleKey('t1', 0), 0],
      [sampleKey('t1', 1), 1],
      [sampleKey('t2', 0), 1],
      [sampleKey('q#3', 0), 1],
    ]);
    const records = toSftRecords(run, weights);
    assert.deepEqual(records.map((r) => JSON.stringify(r)), [
      '{"messages":[{"role":"user","content":"What is 2 + 3?"},{"role":"assistant","content":"It is 5."}],"meta":{"task":"t1","index":1}}',
      '{"messages":[{"role":"user","content":"What is the capital of France?"},{"role":"assistant","content":"Paris."}],"meta":{"task":"t2","index":0}}',
      `{"messages":[{"role":"user","content":${JSON.stringify(TASKS[2]?.question)}},{"role":"assistant","content":"Seven ✓"}],"meta":{"task":"q#3","index":0}}`,
    ]);
  });

  it('includes the weight when the weights are not binary, and drops zero and missing weights', () => {
    const weights = new Map([
      [sampleKey('t1', 0), 0.25],
      [sampleKey('t1', 1), 2.5],
      [sampleKey('t2', 0), 0],
    ]);
    const records = toSftRecords(run, weights);
    assert.deepEqual(records.map((r) => [r.meta.task, r.meta.index, r.weight]), [
      ['t1', 0, 0.25],
      ['t1', 1, 2.5],
    ]);
    assert.equal(records[0]?.messages[1]?.content, 'It is 6.');
  });

  it('exports nothing for an empty weight map, and rejects weights that are not finite and >= 0', () => {
    assert.deepEqual(toSftRecords(run, new Map()), []);
    assert.throws(() => toSftRecords(run, new Map([[sampleKey('t1', 0), Number.NaN]])), /weight NaN of "t1\\u00000" is not a finite number >= 0/);
    assert.throws(() => toSftRecords(run, new Map([[sampleKey('t1', 0), -1]])), /weight -1 of/);
  });
});
