// A model served by several endpoints (src/core/llm/endpointPool.ts under the scheduler,
// docs/run-format.md "Several endpoints"), against real fake servers on 127.0.0.1: a task's calls
// stay on one endpoint; a server that goes away has its calls moved without losing or repeating
// one; each endpoint's limit finds its capacity; the ceiling holds over all of them; a server that
// comes back is probed and used again; the answers are cached under the pool's id, not by endpoint.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADAPTIVE_RULE } from '../../../src/core/llm/adaptiveLimit';
import { RetriesExhaustedError, type ModelBackend } from '../../../src/core/llm/backend';
import { DOWN_AFTER, EndpointPool, type PoolOptions } from '../../../src/core/llm/endpointPool';
import { createOpenAIBackend } from '../../../src/core/llm/openaiBackend';
import { ResponseCache } from '../../../src/core/llm/responseCache';
import { createPoolScheduler, type ScheduledBackend, type SchedulerOptions } from '../../../src/core/llm/scheduler';
import { defaultAnswer, startFakeOpenAI, type FakeOpenAI, type FakeOpenAIOptions } from '../../fixtures/openaiServer';

const MODEL = 'fake-model';
const sampling = { temperature: 0.8, topP: 0.95, maxTokens: 256 };

function expectedText(prompt: string, seed: number): string {
  const answer = defaultAnswer({ seq: 0, api: 'completions', model: MODEL, prompt, n: 1, choiceIndex: 0, seed, temperature: 0.8, topP: 0.95, maxTokens: 256, stop: [], topLogprobs: undefined, body: {} });
  assert.ok('text' in answer);
  return answer.text;
}

/** Task i's calls: one generation, then `checks` logprob calls, all through one task view. */
async function runTask(backend: ScheduledBackend, i: number, checks = 2): Promise<string> {
  const task = backend.forTask?.() ?? assert.fail('a pooled backend offers forTask');
  const prompt = `Task ${i}: what is ${i} + 1?`;
  const result = await task.generate({ prompt, n: 1, seed: i, ...sampling });
  await Promise.all(Array.from({ length: checks }, (_, j) => task.nextToken({ prompt: `Task ${i}: check ${j}`, topLogprobs: 5 })));
  return result.generations[0]?.text ?? '';
}

/** Runs tasks 0..count-1 with `workers` at a time; returns each task's generated text. */
async function runTasks(backend: ScheduledBackend, count: number, workers: number, checks = 2): Promise<string[]> {
  const texts: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < count) {
        const i = next++;
        texts[i] = await runTask(backend, i, checks);
      }
    }),
  );
  return texts;
}

/** The task a request to a fake server belongs to ("Task 12: …"). */
function taskOf(body: unknown): number {
  const prompt = (body as { prompt?: unknown }).prompt;
  const match = typeof prompt === 'string' ? /^Task (\d+):/.exec(prompt) : null;
  return match ? Number(match[1]) : -1;
}

describe('endpoint pool', function () {
  this.timeout(60000);
  const servers: FakeOpenAI[] = [];
  const backends: ScheduledBackend[] = [];
  afterEach(async () => {
    await Promise.all(backends.splice(0).map((b) => b.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function serve(count: number, opts: FakeOpenAIOptions | ((i: number) => FakeOpenAIOptions) = {}): Promise<FakeOpenAI[]> {
    const started = await Promise.all(Array.from({ length: count }, (_, i) => startFakeOpenAI(typeof opts === 'function' ? opts(i) : opts)));
    servers.push(...started);
    return started;
  }

  function pooled(fakes: readonly FakeOpenAI[], pool: Partial<PoolOptions> = {}, sched: Omit<SchedulerOptions, 'concurrency'> = {}, wrap: (b: ModelBackend) => ModelBackend = (b) => b): ScheduledBackend {
    const endpoints = fakes.map((f) => ({ url: f.url, backend: wrap(createOpenAIBackend({ baseUrl: f.url, model: MODEL, api: 'completions' })) }));
    const backend = createPoolScheduler(`openai:completions:${MODEL}`, new EndpointPool(endpoints, { ceiling: 64, adaptive: true, ...pool }), { baseDelayMs: 5, maxDelayMs: 50, ...sched });
    backends.push(backend);
    return backend;
  }

  it('keeps every call of a task on one endpoint, retries after 429 included, and spreads the tasks over all endpoints', async () => {
    const fakes = await serve(3, (i) => ({ latencyMs: 10 + 10 * i, ...(i === 1 ? { faults: [{ every: 5, kind: '429' as const, retryAfterMs: 5 }] } : {}) }));
    const backend = pooled(fakes);
    const texts = await runTasks(backend, 90, 24);
    texts.forEach((text, i) => assert.equal(text, expectedText(`Task ${i}: what is ${i} + 1?`, i)));
    const endpointsOfTask = new Map<number, Set<number>>();
    fakes.forEach((fake, s) => {
      for (const r of fake.requests) endpointsOfTask.set(taskOf(r.body), (endpointsOfTask.get(taskOf(r.body)) ?? new Set()).add(s));
    });
    const split = [...endpointsOfTask].filter(([, set]) => set.size > 1).map(([task]) => task);
    assert.deepEqual(split, [], 'tasks whose calls went to more than one endpoint');
    assert.ok(fakes[1]?.requests.some((r) => r.outcome === '429'), 'no 429 was injected');
    fakes.forEach((fake, s) => assert.ok(fake.counters.ok > 0, `endpoint ${s} took no task`));
    assert.equal(backend.accounting().failures, 0);
  });

  it('moves the calls of a server that goes away to the others: every call answered once, none failed, no more calls to it', async () => {
    const fakes = await serve(3, { latencyMs: 15 });
    const notices: string[] = [];
    const backend = pooled(fakes, { onNotice: (m) => notices.push(m) }, { maxRetries: 0 });
    const [, gone] = fakes as [FakeOpenAI, FakeOpenAI, FakeOpenAI];
    let closedAfter = -1;
    const closing = (async () => {
      while (gone.counters.ok < 20) await new Promise((r) => setTimeout(r, 5));
      closedAfter = gone.counters.requests;
      await gone.close();
    })();
    // No retries at all: a call would fail if moving it used one.
    const texts = await runTasks(backend, 150, 30);
    await closing;
    texts.forEach((text, i) => assert.equal(text, expectedText(`Task ${i}: what is ${i} + 1?`, i)));
    assert.equal(backend.accounting().failures, 0);
    assert.equal(gone.counters.requests, closedAfter, 'the closed server was called after it closed');
    // Each generation was completed exactly once by some server (a call cut off by the close was asked again elsewhere).
    const generated = fakes.flatMap((f) => f.requests.filter((r) => r.outcome === 'ok' && r.status === 200 && (r.body as { max_tokens?: number }).max_tokens === 256).map((r) => taskOf(r.body)));
    const completed = new Map<number, number>();
    for (const t of generated) completed.set(t, (completed.get(t) ?? 0) + 1);
    assert.deepEqual([...Array(150).keys()].filter((t) => !completed.has(t)), [], 'tasks never generated');
    const figures = backend.endpointFigures?.() ?? [];
    assert.equal(figures[1]?.state, 'down');
    assert.ok(notices.some((m) => m.startsWith(`${gone.url} gave no answer ${DOWN_AFTER} times in a row`) && m.includes('its tasks move to the other endpoints')), notices.join('\n'));
  });

  it('finds each server\'s capacity, with a bounded number of 429s and no failed call', async () => {
    const capacities = [3, 6];
    const fakes = await serve(2, (i) => ({ latencyMs: 30, logRequests: false, capacity: { concurrent: capacities[i] ?? 1, beyond: 'reject' } }));
    const backend = pooled(fakes);
    const tasks = 300;
    await runTasks(backend, tasks, 40);
    const calls = tasks * 3;
    const refused = fakes.reduce((sum, f) => sum + f.counters.rateLimited, 0);
    assert.equal(backend.accounting().failures, 0);
    assert.ok(refused <= calls / 10, `${refused} 429s for ${calls} calls`);
    const limits = (backend.endpointFigures?.() ?? []).map((f) => f.limit);
    limits.forEach((limit, i) => {
      const capacity = capacities[i] ?? 0;
      // Cut at capacity + 1 at the most, to decrease × that at the least.
      assert.ok(limit >= Math.floor(ADAPTIVE_RULE.decrease * (capacity + 1)) && limit <= capacity + 1, `endpoint ${i}: limit ${limit}, capacity ${capacity}`);
    });
  });

  it('does not hand the places of refused calls to new tasks: a server that refuses at once draws no more tasks than it answers', async () => {
    // Fixed limits of 8 each; A serves 2 at once and refuses the rest with an immediate 429, B serves all.
    const fakes = await serve(2, (i) => ({ latencyMs: 20, logRequests: true, ...(i === 0 ? { capacity: { concurrent: 2, beyond: 'reject' as const } } : {}) }));
    const backend = pooled(fakes, { adaptive: false, ceiling: 16 }, { maxRetries: 100, baseDelayMs: 20, maxDelayMs: 40 });
    const tasks = 200;
    await runTasks(backend, tasks, 32, 1);
    assert.equal(backend.accounting().failures, 0);
    const [a] = fakes as [FakeOpenAI, FakeOpenAI];
    const tasksOnA = new Set(a.requests.filter((r) => r.outcome === 'ok').map((r) => taskOf(r.body))).size;
    // A answers 2 calls per round trip and B 8: A's fair share is a fifth. A released place would
    // go to the next new task at once and be refused again: A would take most of them.
    assert.ok(tasksOnA <= tasks * 0.35, `${tasksOnA} of ${tasks} tasks went to the server that refuses`);
    assert.ok(a.counters.rateLimited > 0, 'the server never refused a call');
  });

  it('keeps the calls in flight over all endpoints within the ceiling', async () => {
    const fakes = await serve(3, { latencyMs: 10, logRequests: false });
    let inFlight = 0;
    let most = 0;
    const counting = (b: ModelBackend): ModelBackend => ({
      ...b,
      nextToken: async (req, signal) => {
        most = Math.max(most, ++inFlight);
        try {
          return await b.nextToken(req, signal);
        } finally {
          inFlight--;
        }
      },
    });
    const backend = pooled(fakes, { ceiling: 10 }, {}, counting);
    await runTasks(backend, 200, 60, 6);
    assert.ok(most <= 10, `${most} calls in flight at once`);
    assert.ok(most >= 6, `only ${most} calls in flight at once: the limits did not grow`);
  });

  it('probes a down server again and gives it tasks once it answers', async () => {
    const fakes = await serve(2, { latencyMs: 5 });
    const notices: string[] = [];
    // Fixed limits of 4 each: with 8 tasks at a time the server that answered all along is full, so
    // the one that came back gets tasks as it frees slots (adaptive limits could let the first take all).
    const backend = pooled(fakes, { onNotice: (m) => notices.push(m), firstProbeMs: 50, maxProbeMs: 100, adaptive: false, ceiling: 8 });
    const [, flaky] = fakes as [FakeOpenAI, FakeOpenAI];
    const port = (new URL(flaky.url).port);
    await flaky.close();
    await runTasks(backend, 30, 8);
    assert.equal(backend.endpointFigures?.()[1]?.state, 'down');
    const back = await startFakeOpenAI({ latencyMs: 5, port: Number(port) });
    servers.push(back);
    await new Promise((r) => setTimeout(r, 150));
    await runTasks(backend, 60, 8);
    // More than the probe's task (its first call and its two checks).
    assert.ok(back.counters.ok > 3 * 5, `the server that came back answered ${back.counters.ok} calls`);
    assert.equal(backend.endpointFigures?.()[1]?.state, 'up');
    assert.ok(notices.some((m) => m === `${flaky.url} answers again; it takes tasks again`), notices.join('\n'));
    assert.equal(backend.accounting().failures, 0);
  });

  it('fails calls after their retries, as one endpoint would, when no endpoint answers', async () => {
    const fakes = await serve(2);
    const backend = pooled(fakes, {}, { maxRetries: 2 });
    await Promise.all(fakes.map((f) => f.close()));
    await assert.rejects(backend.forTask?.().generate({ prompt: 'Task 0: x', n: 1, seed: 0, ...sampling }) ?? Promise.resolve(), (err: unknown) => {
      assert.ok(err instanceof RetriesExhaustedError, String(err));
      assert.match(err.message, /Could not reach/);
      return true;
    });
    // The first attempt, its move to the other endpoint (free), and the two retries it had.
    assert.deepEqual({ requests: backend.accounting().requests, failures: backend.accounting().failures }, { requests: 4, failures: 1 });
  });

  it('reports answers per second over the last 5 whole seconds, not the second under way', async () => {
    let now = 1_000_000;
    const [fake] = (await serve(1)) as [FakeOpenAI];
    const pool = new EndpointPool([{ url: fake.url, backend: createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api: 'completions' }) }], { ceiling: 4, adaptive: false, clock: () => now });
    // 10 answers a second for 10.9 s: the second under way has 9 so far.
    for (let k = 0; k < 109; k++) {
      now = 1_000_000 + 100 * k;
      const slot = await pool.acquire({ endpoint: undefined }, undefined, false);
      pool.release(slot, { kind: 'answered', method: 'nextToken', latencyMs: 50, steps: 1 });
    }
    now = 1_010_950;
    assert.equal(pool.figures()[0]?.callsPerSecond, 10);
    // In the first seconds: the answers since the start.
    now = 1_000_000;
    const fresh = new EndpointPool([{ url: fake.url, backend: createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api: 'completions' }) }], { ceiling: 4, adaptive: false, clock: () => now });
    for (let k = 0; k < 30; k++) fresh.release(await fresh.acquire({ endpoint: undefined }, undefined, false), { kind: 'answered', method: 'nextToken', latencyMs: 50, steps: 1 });
    now = 1_002_000;
    assert.equal(fresh.figures()[0]?.callsPerSecond, 15);
    for (const p of [pool, fresh]) {
      p.close();
      await Promise.all(p.endpoints.map((e) => e.backend.close()));
    }
  });

  it('caches answers under the pool\'s id: another list of the model\'s endpoints finds them all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gaplens-pool-'));
    try {
      const [a, b, c] = (await serve(3)) as [FakeOpenAI, FakeOpenAI, FakeOpenAI];
      const cache = new ResponseCache(dir);
      const texts = await runTasks(pooled([a, b], {}, { cache }), 20, 4);
      const again = pooled([c, b], {}, { cache });
      assert.deepEqual(await runTasks(again, 20, 4), texts);
      assert.equal(again.accounting().requests, 0);
      assert.equal(again.accounting().cacheHits, 60);
      assert.equal(c.counters.requests, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
