// A resumed run's finished tasks are most of it: the execution and its cost estimate must not read
// their generations back from samples.jsonl (executionRecords.ts keeps only their offsets).
import assert from 'node:assert/strict';
import { estimateRun } from '../../../src/core/cost/estimate';
import { runGapCheck, type DoneWork } from '../../../src/core/pipeline/gapCheck';
import type { ModelBackend } from '../../../src/core/llm/backend';
import type { RunConfig } from '../../../src/core/runs/records';
import { loadTemplates } from '../../../src/core/prompts/load';
import type { Task } from '../../../src/core/tasks/task';
import { createVerifier } from '../../../src/core/verify/index';

const CONFIG: RunConfig = { tasks: 'test', model: 'openai:fake@http://127.0.0.1:9/v1', api: 'completions', n: 3, verifiers: ['mc', 'cot-score'], filter: 'quantile:0.8', temperature: 0.7, topP: 0.9, maxTokens: 64, verifierTemperature: 0.7, verifierMaxTokens: 64, seed: 0, concurrency: 4 };
const TASKS: Task[] = ['a', 'b'].map((id) => ({ id, question: `${id}?`, answer: '1', grader: 'numeric' }));

/** Everything done (sample b#2's generation failed in this execution); reading a generation is a failure of the test. */
const allDone: DoneWork = {
  hasGeneration: (task, index) => !(task === 'b' && index === 2),
  generation: (task, index) => assert.fail(`read the generation of ${task}#${index}`),
  hasVerification: () => true,
  failedNow: (task, index, stage) => task === 'b' && index === 2 && stage === 'generation',
};

describe('pipeline: finished tasks', () => {
  it('a pass over tasks with nothing left asks no model and reads no generation', async () => {
    const backend = new Proxy({}, { get: (_, key) => (key === 'id' ? 'untouchable' : () => assert.fail(`called the model: ${String(key)}`)) }) as ModelBackend;
    const done: string[] = [];
    await runGapCheck({
      config: CONFIG,
      tasks: TASKS,
      backend,
      templates: loadTemplates(),
      verifiers: [createVerifier('mc'), createVerifier('cot-score')],
      existing: allDone,
      append: () => assert.fail('appended a record'),
      onEvent: (e) => void (e.type === 'task-done' && done.push(e.task)),
    });
    assert.deepEqual(done.sort(), ['a', 'b'], 'each task is still reported done');
  });

  it('the cost estimate of a run with every sample done reads no generation and counts no call', () => {
    // An estimate comes before the execution, so no call has failed in it: every sample is generated.
    const existing = { ...allDone, hasGeneration: () => true };
    const estimate = estimateRun({ config: CONFIG, tasks: TASKS, templates: loadTemplates(), existing, verifiers: CONFIG.verifiers });
    assert.deepEqual([estimate.tasks, estimate.stages], [0, []]);
  });
});
