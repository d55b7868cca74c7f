// A gap check on models served by several endpoints (docs/run-format.md, "Several endpoints"): the
// run controller's pass (runGapCheck) gives each task its own route, so a task's generation and its
// verifications — by the run's model and by another model's verifier alike — each stay on one
// endpoint of their model, against real fake servers.
import assert from 'node:assert/strict';
import { ExecutionRecords } from '../../../src/core/pipeline/executionRecords';
import type { SampleRecord } from '../../../src/core/runs/records';
import { EndpointPool } from '../../../src/core/llm/endpointPool';
import { createOpenAIBackend } from '../../../src/core/llm/openaiBackend';
import { createPoolScheduler, type ScheduledBackend } from '../../../src/core/llm/scheduler';
import { runGapCheck } from '../../../src/core/pipeline/gapCheck';
import { loadTemplates } from '../../../src/core/prompts/load';
import type { Task } from '../../../src/core/tasks/task';
import { createVerifier, onModel } from '../../../src/core/verify/index';
import { startFakeOpenAI, type FakeOpenAI } from '../../fixtures/openaiServer';

const TASKS = 40;
const N = 4;

describe('task routes through a gap check', function () {
  this.timeout(60000);
  const servers: FakeOpenAI[] = [];
  const backends: ScheduledBackend[] = [];
  after(async () => {
    await Promise.all(backends.map((b) => b.close()));
    await Promise.all(servers.map((s) => s.close()));
  });

  async function fleet(model: string, count: number): Promise<{ fakes: FakeOpenAI[]; backend: ScheduledBackend }> {
    const fakes = await Promise.all(Array.from({ length: count }, (_, i) => startFakeOpenAI({ latencyMs: 5 + 10 * i })));
    servers.push(...fakes);
    const pool = new EndpointPool(fakes.map((f) => ({ url: f.url, backend: createOpenAIBackend({ baseUrl: f.url, model, api: 'completions' }) })), { ceiling: 32, adaptive: true });
    const backend = createPoolScheduler(`openai:completions:${model}`, pool, {});
    backends.push(backend);
    return { fakes, backend };
  }

  /** Which endpoints received requests about each task ("Variant i:" in the prompt). */
  function endpointsPerTask(fakes: FakeOpenAI[]): Map<number, Set<number>> {
    const byTask = new Map<number, Set<number>>();
    fakes.forEach((fake, s) => {
      for (const r of fake.requests) {
        const match = /Variant (\d+):/.exec(String((r.body as { prompt?: unknown }).prompt));
        if (match) byTask.set(Number(match[1]), (byTask.get(Number(match[1])) ?? new Set()).add(s));
      }
    });
    return byTask;
  }

  it("keeps each task's calls on one endpoint of each model, the run's and a cross-verifier's", async () => {
    const own = await fleet('fake', 3);
    const other = await fleet('big', 2);
    const tasks: Task[] = Array.from({ length: TASKS }, (_, i) => ({ id: `q${i}`, question: `Variant ${i}: what is ${40 - i} + ${2 + i}?`, answer: '42', grader: 'numeric' }));
    const records: SampleRecord[] = [];
    await runGapCheck({
      config: { tasks: 'test', model: 'openai:fake@pool', api: 'completions', n: N, verifiers: ['mc', 'cot-score@big'], filter: 'quantile:0.8', temperature: 0.7, topP: 0.9, maxTokens: 64, verifierTemperature: 0.7, verifierMaxTokens: 64, seed: 0, concurrency: 8 },
      tasks,
      backend: own.backend,
      templates: loadTemplates(),
      verifiers: [createVerifier('mc'), onModel(createVerifier('cot-score'), 'cot-score@big', other.backend)],
      existing: ExecutionRecords.fromRecords(tasks, N, ['mc', 'cot-score@big'], null),
      append: async (record) => {
        records.push(record);
      },
    });
    assert.equal(records.filter((r) => r.type === 'failure').length, 0);
    assert.equal(records.length, TASKS * N * 3);
    for (const { fakes } of [own, other]) {
      const routes = endpointsPerTask(fakes);
      assert.equal(routes.size, TASKS);
      assert.deepEqual([...routes].filter(([, set]) => set.size > 1).map(([task]) => task), [], 'tasks whose calls went to more than one endpoint');
      fakes.forEach((fake, s) => assert.ok(fake.counters.ok > 0, `endpoint ${s} took no task`));
    }
  });
});
