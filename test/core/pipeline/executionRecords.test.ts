import assert from 'node:assert/strict';
import { ExecutionRecords } from '../../../src/core/pipeline/executionRecords';
import type { Task } from '../../../src/core/tasks/task';
import { readRunColumns } from '../../../src/core/runs/runColumns';
import { readRun } from '../../../src/core/runs/runStore';
import { tempDir } from '../../helpers/cli';
import { awkwardRun, drawnRun, failure, generation, TASKS, verification } from '../runs/runFixtures';
import { drawStages } from '../../../src/core/runs/drawnScores';
import { stageKey } from '../../../src/core/verify/draws';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SampleLog } from '../../../src/core/runs/sampleLog';
import { RUN_FILES } from '../../../src/core/runs/runStore';
import { sampleKey } from '../../../src/core/runs/sampleKey';
import { UserError } from '../../../src/core/util/errors';

describe('pipeline/executionRecords', () => {
  const tasks: Task[] = ['a', 'b'].map((id) => ({ id, question: `${id}?`, answer: '1', grader: 'numeric' }));
  const sampleMaps = (records: ReturnType<typeof generation | typeof verification>[]) => {
    const generations = new Map();
    const verifications = new Map<string, Map<string, unknown>>();
    for (const r of records) {
      const key = `${r.task}\u0000${r.index}`;
      if (r.type === 'generation') generations.set(key, r);
      else verifications.set(key, (verifications.get(key) ?? new Map()).set(r.verifier, r));
    }
    return { generations, verifications } as never;
  };

  it('knows what is on file, and holds the generations only of tasks that are not complete', () => {
    const done = [0, 1].flatMap((i) => [generation('a', i, true), verification('a', i, 'mc', 0.5)]);
    const records = ExecutionRecords.fromRecords(tasks, 2, ['mc'], sampleMaps([...done, generation('b', 0, false), generation('b', 7, true)]));
    assert.equal(records.hasGeneration('a', 1), true);
    assert.equal(records.hasVerification('a', 1, 'mc'), true);
    assert.equal(records.hasVerification('a', 1, 'cot-score'), false);
    assert.equal(records.generation('a', 0), undefined, 'a complete task needs none of its texts');
    assert.deepEqual(records.generation('b', 0), generation('b', 0, false));
    assert.equal(records.hasGeneration('b', 1), false);
    assert.equal(records.hasGeneration('b', 7), false, 'an index beyond n is never asked for');
    // The quick answer for a finished task: every sample generated and judged by every stage asked about.
    assert.equal(records.hasEveryRecord('a', ['mc']), true);
    assert.equal(records.hasEveryRecord('a', ['mc', 'cot-score']), false, 'a stage the execution does not run');
    assert.equal(records.hasEveryRecord('b', []), false, 'b#1 has no generation');
    assert.equal(records.hasEveryRecord('c', []), false, 'not a task of the run');
  });

  it('adds what the execution appends, and lets go of a task once it is done in this execution', () => {
    const records = ExecutionRecords.fromRecords(tasks, 2, ['mc'], null);
    records.add(generation('b', 1, true));
    records.add(failure('b', 0, 'generation'));
    records.add(verification('b', 1, 'mc', 0.25));
    assert.equal(records.hasGeneration('b', 1), true);
    assert.equal(records.hasVerification('b', 1, 'mc'), true);
    assert.equal(records.failedNow('b', 0, 'generation'), true);
    assert.equal(records.failedNow('b', 1, 'generation'), false);
    assert.deepEqual(records.generation('b', 1), generation('b', 1, true));
    records.taskDone('b');
    assert.equal(records.generation('b', 1), undefined);
    assert.equal(records.hasGeneration('b', 1), true, 'presence stays');
  });

  it('from columns, knows exactly what it does from the records of the same folder, and reads each generation from the file', async () => {
    const { dir: parent, cleanup } = tempDir();
    try {
      const dir = await awkwardRun(parent);
      const n = 4;
      const run = await readRun(dir);
      for (const verifiers of [['mc', 'cot-score'], ['mc'], ['judge']]) {
        const fromRecords = ExecutionRecords.fromRecords(TASKS, n, verifiers, run);
        const fromColumns = ExecutionRecords.fromColumns(await readRunColumns(dir), verifiers);
        const state = (records: ExecutionRecords) =>
          TASKS.flatMap((t) =>
            [0, 1, 2, 3, 7].map((i) => ({
              sample: `${t.id}#${i}`,
              generated: records.hasGeneration(t.id, i),
              verified: verifiers.map((v) => records.hasVerification(t.id, i, v)),
            })),
          );
        assert.deepEqual(state(fromColumns), state(fromRecords), `verifiers ${verifiers.join(',')}`);
        for (const t of TASKS) {
          for (const i of [0, 1, 2, 3, 7]) {
            const onFile = i < n ? run.generations.get(sampleKey(t.id, i)) : undefined;
            assert.deepEqual(fromColumns.generation(t.id, i), onFile, `${t.id}#${i}`);
          }
        }
      }
    } finally {
      cleanup();
    }
  });

  it('holds what an execution appends as the line it was written to, and says so when the file changed under it', async () => {
    const { dir: parent, cleanup } = tempDir();
    try {
      const dir = await drawnRun(parent);
      const records = ExecutionRecords.fromColumns(await readRunColumns(dir), ['mc']);
      const log = await SampleLog.open(dir);
      const fresh = { ...generation('t2', 3, true), text: 'a generation appended by this execution' };
      const line = await log.append(fresh);
      records.add(fresh, line);
      await log.close();
      assert.deepEqual(records.generation('t2', 3), fresh, 'read back from its line');
      const file = path.join(dir, RUN_FILES.samples);
      writeFileSync(file, readFileSync(file).subarray(0, line));
      assert.throws(() => records.generation('t2', 3), (err: Error) => err instanceof UserError && err.message.startsWith(`${file}: byte `) && err.message.endsWith('; resume the run again'));
    } finally {
      cleanup();
    }
  });

  it('from columns, knows each draw of a verifier drawing several, as it does from the records', async () => {
    const { dir: parent, cleanup } = tempDir();
    try {
      const dir = await drawnRun(parent);
      const stages = drawStages({ verifications: { 'cot-score': 2 } }, ['mc', 'cot-score']);
      assert.deepEqual(stages, ['mc', 'cot-score', stageKey('cot-score', 1)]);
      const fromRecords = ExecutionRecords.fromRecords(TASKS, 4, stages, await readRun(dir));
      const fromColumns = ExecutionRecords.fromColumns(await readRunColumns(dir), stages);
      const state = (records: ExecutionRecords) =>
        TASKS.flatMap((t) => [0, 1, 2, 3].map((i) => ({ sample: `${t.id}#${i}`, generation: records.generation(t.id, i), verified: stages.map((s) => records.hasVerification(t.id, i, s)) })));
      assert.deepEqual(state(fromColumns), state(fromRecords));
      // t1#3 has draw 0 only, t1#2 a failed call for draw 1, t2#1 draw 1 only: a resume writes the draws missing.
      assert.deepEqual(['t1#3', 't1#2', 't2#1', 't1#0'].map((s) => state(fromColumns).find((x) => x.sample === s)?.verified.slice(1)), [
        [true, false],
        [true, false],
        [false, true],
        [true, true],
      ]);
    } finally {
      cleanup();
    }
  });
});
