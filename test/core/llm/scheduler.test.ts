import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BackendError, RetriesExhaustedError, type GenerateRequest, type GenerateResult, type Usage } from '../../../src/core/llm/backend';
import { createOpenAIBackend } from '../../../src/core/llm/openaiBackend';
import { ResponseCache } from '../../../src/core/llm/responseCache';
import { createScheduler, type RetryInfo, type SchedulerOptions, type ScheduledBackend } from '../../../src/core/llm/scheduler';
import { defaultAnswer, startFakeOpenAI, type FakeOpenAI, type FakeOpenAIOptions } from '../../fixtures/openaiServer';

const MODEL = 'fake-model';
const sampling = { temperature: 0.8, topP: 0.95, maxTokens: 256 };

function expectedText(prompt: string, seed: number, i: number): string {
  const answer = defaultAnswer({ seq: 0, api: 'completions', model: MODEL, prompt, n: 1, choiceIndex: i, seed, temperature: 0.8, topP: 0.95, maxTokens: 256, stop: [], topLogprobs: undefined, body: {} });
  assert.ok('text' in answer);
  return answer.text;
}

function requestFor(i: number, n = 1): GenerateRequest {
  return { prompt: `Question ${i}: what is ${i} + 1?`, n, seed: 1000 + i, ...sampling };
}

describe('scheduler', () => {
  const servers: FakeOpenAI[] = [];
  const tmpDirs: string[] = [];
  async function setup(server: FakeOpenAIOptions, sched: Omit<SchedulerOptions, 'concurrency'> & { concurrency?: number } = {}, apiKey?: string): Promise<{ fake: FakeOpenAI; backend: ScheduledBackend }> {
    const fake = await startFakeOpenAI(server);
    servers.push(fake);
    const inner = createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api: 'completions', ...(apiKey ? { apiKey } : {}) });
    return { fake, backend: createScheduler(inner, { concurrency: 4, baseDelayMs: 5, maxDelayMs: 50, ...sched }) };
  }
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    for (const dir of tmpDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers every call exactly once with the right content under 429s, 5xx, hangs, resets and broken bodies', async () => {
    // The bad answer comes first: no retry of another fault can be that request, and a call whose
    // retry after a transient failure met it would fail (its attempts count against the bad
    // answer's single retry) — a matter of timing, not of the scheduler's correctness.
    const faults = [
      { on: 1, kind: 'invalid-json' },
      { on: 3, kind: '429', retryAfterMs: 20 },
      { on: 5, kind: '500' },
      { on: 7, kind: 'hang' },
      { on: 8, kind: 'reset' },
      { on: 9, kind: 'truncated' },
      { every: 13, kind: '503' },
    ] as const;
    const retries: RetryInfo[] = [];
    const { fake, backend } = await setup({ faults: [...faults], latencyMs: 5 }, { concurrency: 8, timeoutMs: 500, onRetry: (info) => retries.push(info) });
    const calls = 50;
    const results = await Promise.all(Array.from({ length: calls }, (_, i) => backend.generate(requestFor(i, 2))));

    results.forEach((result, i) => {
      const req = requestFor(i, 2);
      assert.deepEqual(result.generations.map((g) => g.text), [0, 1].map((j) => expectedText(req.prompt, req.seed ?? 0, j)));
    });
    // The server completed each prompt's request exactly once; every other request was a fault.
    const okPrompts = fake.requests.filter((r) => r.outcome === 'ok').map((r) => (r.body as { prompt: string }).prompt).sort();
    assert.deepEqual(okPrompts, Array.from({ length: calls }, (_, i) => requestFor(i).prompt).sort());
    const faulted = fake.requests.filter((r) => r.outcome !== 'ok');
    assert.ok(faulted.length >= 9, `only ${faulted.length} faults were injected`);
    assert.equal(fake.requests.length, calls + faulted.length);
    assert.ok(faulted.every((r) => ['429', '500', '503', 'hang', 'reset', 'truncated', 'invalid-json'].includes(r.outcome)));

    const acc = backend.accounting();
    assert.equal(acc.requests, fake.counters.requests);
    assert.equal(acc.retries, faulted.length);
    assert.equal(retries.length, faulted.length);
    assert.equal(acc.failures, 0);
    assert.equal(acc.cacheHits, 0);
    assert.equal(acc.completionTokens, results.reduce((s, r) => s + r.usage.completionTokens, 0));
    assert.equal(acc.promptTokens, results.reduce((s, r) => s + r.usage.promptTokens, 0));
  });

  it('waits at least the Retry-After the server asked for', async () => {
    const retries: RetryInfo[] = [];
    const { fake, backend } = await setup({ faults: [{ on: 1, kind: '429', retryAfterSeconds: 1 }] }, { baseDelayMs: 1, onRetry: (info) => retries.push(info) });
    const started = Date.now();
    const result = await backend.generate(requestFor(0));
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 1000, `retried after ${elapsed} ms`);
    assert.equal(result.generations[0]?.text, expectedText(requestFor(0).prompt, 1000, 0));
    assert.equal(fake.counters.requests, 2);
    assert.equal(retries.length, 1);
    assert.ok((retries[0]?.delayMs ?? 0) >= 1000);
    assert.match(retries[0]?.message ?? '', /HTTP 429.*retry 1 of 6 in 1\.0 s/);
  });

  it('times out a hanging attempt and retries it', async () => {
    const retries: RetryInfo[] = [];
    const { fake, backend } = await setup({ faults: [{ on: 1, kind: 'hang' }] }, { timeoutMs: 200, onRetry: (info) => retries.push(info) });
    const started = Date.now();
    await backend.nextToken({ prompt: 'Is it right?', topLogprobs: 2 });
    assert.ok(Date.now() - started >= 200);
    assert.deepEqual(fake.requests.map((r) => r.outcome), ['hang', 'ok']);
    assert.match(retries[0]?.error.message ?? '', /did not answer within 200 ms/);
    // The timed-out request was cancelled, not left hanging on the server.
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(fake.counters.inFlight, 0);
  });

  it('says how many attempts were made, against which endpoint, and the last error when retries run out', async () => {
    const { fake, backend } = await setup({ faults: [{ every: 1, kind: '500' }] }, { maxRetries: 2 });
    await assert.rejects(backend.generate(requestFor(0)), (err: unknown) => {
      assert.ok(err instanceof BackendError);
      assert.equal(err.retryable, false);
      assert.equal(err.message, `generate on openai:completions:${MODEL}@${fake.url} failed after 3 attempts; the last error: ${fake.url}/completions answered HTTP 500: The server had an error while processing your request.`);
      return true;
    });
    assert.equal(fake.counters.requests, 3);
    assert.deepEqual(backend.accounting(), { requests: 3, cacheHits: 0, retries: 2, failures: 1, promptTokens: 0, completionTokens: 0 });
  });

  it('asks a bad answer again once, then fails the call as a bad answer', async () => {
    const { fake, backend } = await setup({ respond: () => ({ rawBody: { choices: [{ index: 0, txt: 'x' }] } }) }, { maxRetries: 6 });
    await assert.rejects(backend.generate(requestFor(0)), (err: unknown) => {
      assert.ok(err instanceof RetriesExhaustedError);
      assert.equal(err.failure, 'bad-answer');
      assert.equal(err.retryable, false);
      assert.match(err.message, /failed after 2 attempts; the last error: .*answered in an unexpected shape/);
      return true;
    });
    assert.equal(fake.counters.requests, 2);
  });

  it('gives up on timeouts too, naming them', async () => {
    const { backend } = await setup({ faults: [{ every: 1, kind: 'hang' }] }, { maxRetries: 1, timeoutMs: 100 });
    await assert.rejects(backend.generate(requestFor(0)), /failed after 2 attempts; the last error: openai:completions:.* did not answer within 100 ms/);
  });

  it('does not retry what cannot succeed', async () => {
    const { fake, backend } = await setup({ models: ['other-model'] });
    await assert.rejects(backend.generate(requestFor(0)), /model "fake-model" not found/);
    assert.equal(fake.counters.requests, 1);
    assert.equal(backend.accounting().failures, 1);
  });

  it('never shows the API key, even after retries', async () => {
    const secret = 'sk-live-DO-NOT-SHOW-1234';
    const { backend } = await setup({ apiKey: 'sk-other' }, {}, secret);
    await assert.rejects(backend.generate(requestFor(0)), (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.ok(!err.message.includes(secret), err.message);
      assert.match(err.message, /OPENAI_API_KEY/);
      return true;
    });
    // A 5xx whose body echoes the key, retried until the attempts run out.
    const { backend: echoing } = await setup({ respond: () => ({ status: 503, message: `overloaded while serving key ${secret}` }) }, { maxRetries: 1 }, secret);
    await assert.rejects(echoing.generate(requestFor(1)), (err: unknown) => err instanceof Error && /failed after 2 attempts/.test(err.message) && !err.message.includes(secret));
  });

  it('never has more than `concurrency` requests in flight, and serves them in order', async () => {
    for (const concurrency of [1, 4]) {
      const { fake, backend } = await setup({ latencyMs: 15 }, { concurrency });
      await Promise.all(Array.from({ length: 24 }, (_, i) => backend.generate(requestFor(i))));
      assert.equal(fake.counters.maxInFlight, concurrency);
      if (concurrency === 1) assert.deepEqual(fake.requests.map((r) => (r.body as { prompt: string }).prompt), Array.from({ length: 24 }, (_, i) => requestFor(i).prompt));
    }
  });

  it('rejects queued and in-flight calls promptly when the caller aborts, and sends nothing after', async () => {
    const { fake, backend } = await setup({ faults: [{ every: 1, kind: 'hang' }] }, { concurrency: 2 });
    const controller = new AbortController();
    const calls = Array.from({ length: 6 }, (_, i) => backend.generate(requestFor(i), controller.signal));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(fake.counters.inFlight, 2);
    const abortedAt = Date.now();
    controller.abort();
    const outcomes = await Promise.allSettled(calls);
    assert.ok(Date.now() - abortedAt < 200, `took ${Date.now() - abortedAt} ms`);
    for (const outcome of outcomes) {
      assert.equal(outcome.status, 'rejected');
      assert.equal((outcome as PromiseRejectedResult).reason.name, 'AbortError');
    }
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(fake.counters.requests, 2);
    assert.equal(fake.counters.inFlight, 0, 'the in-flight HTTP requests were not cancelled');
    assert.equal(backend.accounting().failures, 0);
    await assert.rejects(backend.generate(requestFor(9), controller.signal), { name: 'AbortError' });
    assert.equal(fake.counters.requests, 2);
  });

  it('stops waiting out a backoff when the caller aborts', async () => {
    const { backend } = await setup({ faults: [{ on: 1, kind: '429', retryAfterSeconds: 30 }] });
    const controller = new AbortController();
    const call = backend.generate(requestFor(0), controller.signal);
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    await assert.rejects(call, { name: 'AbortError' });
    assert.ok(Date.now() - started < 1000);
  });

  it('with a cache, a second identical run sends no request at all', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gaplens-'));
    tmpDirs.push(dir);
    const { fake, backend } = await setup({}, { cache: new ResponseCache(dir) });
    const run = async (b: ScheduledBackend): Promise<unknown[]> => Promise.all([
      ...Array.from({ length: 10 }, (_, i) => b.generate(requestFor(i, 3))),
      ...Array.from({ length: 10 }, (_, i) => b.nextToken({ prompt: `verify ${i}`, topLogprobs: 5 })),
    ]);
    const first = await run(backend);
    assert.equal(fake.counters.requests, 20);
    // Closing the scheduler closes its cache: what it stored is written for the next one to read.
    await backend.close();

    const again = createScheduler(createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api: 'completions' }), { concurrency: 4, cache: new ResponseCache(dir) });
    const second = await run(again);
    assert.equal(fake.counters.requests, 20);
    assert.deepEqual(second, first);
    assert.deepEqual(again.accounting(), { requests: 0, cacheHits: 20, retries: 0, failures: 0, promptTokens: 0, completionTokens: 0 });

    // Anything that changes the answer misses: another seed, another api.
    await again.generate({ ...requestFor(0, 3), seed: 7 });
    await again.close();
    const chat = createScheduler(createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api: 'chat' }), { concurrency: 1, cache: new ResponseCache(dir) });
    await chat.generate(requestFor(0, 3));
    assert.equal(fake.counters.requests, 22);
  });

  it('tells onUsage the usage the server reported for each answered call, never for a failed attempt or a cache hit', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gaplens-'));
    tmpDirs.push(dir);
    const told: Usage[] = [];
    const { fake, backend } = await setup({ faults: [{ on: 1, kind: '500' }], cachedTokens: () => 2 }, { cache: new ResponseCache(dir), onUsage: (u) => told.push(u) });
    await backend.generate(requestFor(0, 2));
    await backend.nextToken({ prompt: 'verify 0', topLogprobs: 5 });
    await backend.generate(requestFor(0, 2)); // from the cache
    const answered = fake.requests.filter((r) => r.outcome === 'ok');
    assert.equal(fake.requests.length, 3, 'a 500, then the two answered calls');
    assert.deepEqual(told, answered.map((r) => ({ promptTokens: r.usage?.promptTokens, completionTokens: r.usage?.completionTokens, cachedPromptTokens: 2 })));
    const { promptTokens, completionTokens } = backend.accounting();
    assert.deepEqual({ promptTokens, completionTokens }, { promptTokens: (told[0]?.promptTokens ?? 0) + (told[1]?.promptTokens ?? 0), completionTokens: (told[0]?.completionTokens ?? 0) + (told[1]?.completionTokens ?? 0) });
  });

  it('does not cache failures', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gaplens-'));
    tmpDirs.push(dir);
    const { fake, backend } = await setup({ faults: [{ on: 1, kind: '500' }] }, { cache: new ResponseCache(dir), maxRetries: 0 });
    await assert.rejects(backend.generate(requestFor(0)));
    const result: GenerateResult = await backend.generate(requestFor(0));
    assert.equal(result.generations[0]?.text, expectedText(requestFor(0).prompt, 1000, 0));
    assert.equal(fake.counters.requests, 2);
  });

  it('wraps continuation scoring like every call: retried, counted, cached', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gaplens-'));
    tmpDirs.push(dir);
    const retries: RetryInfo[] = [];
    const { fake, backend } = await setup({ faults: [{ on: 2, kind: '503' }] }, { cache: new ResponseCache(dir), onRetry: (info) => retries.push(info) });
    const req = { prompt: 'Is 2 + 2 = 4?\nJudgement:', continuations: [' Correct', ' Incorrect'] };
    const first = await backend.continuationLogprobs?.(req);
    assert.ok(first?.scores, 'scored');
    assert.deepEqual(retries.map((r) => r.method), ['continuationLogprobs']);
    // The first call probes both ways at once: four requests, the second (echo of the second continuation) failed with a 503; then the whole call again.
    assert.equal(fake.counters.requests, 8);
    assert.deepEqual(backend.accounting(), { requests: 2, cacheHits: 0, retries: 1, failures: 0, ...first.usage });
    const again = await backend.continuationLogprobs?.(req);
    assert.deepEqual(again, first);
    assert.equal(fake.counters.requests, 8);
    assert.equal(backend.accounting().cacheHits, 1);
  });

  it('offers continuation scoring only when the backend has it', async () => {
    const fake = await startFakeOpenAI();
    servers.push(fake);
    const chat = createScheduler(createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api: 'chat' }), { concurrency: 1 });
    assert.equal(chat.continuationLogprobs, undefined);
  });

  it('rejects nonsensical options', () => {
    const inner = createOpenAIBackend({ baseUrl: 'http://127.0.0.1:1/v1', model: MODEL, api: 'completions' });
    assert.throws(() => createScheduler(inner, { concurrency: 0 }), /concurrency must be a positive integer/);
    assert.throws(() => createScheduler(inner, { concurrency: 2, maxRetries: -1 }), /maxRetries/);
    assert.throws(() => createScheduler(inner, { concurrency: 2, timeoutMs: 0 }), /timeoutMs/);
  });
});
