// The fake OpenAI server is what every HTTP test and benchmark stands on: check that it does what
// its interface promises, in-process and as a standalone process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { startFakeOpenAI, type FakeOpenAI } from '../../fixtures/openaiServer';

async function post(url: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

describe('fake OpenAI server (test fixture)', () => {
  let fake: FakeOpenAI;
  afterEach(async () => {
    await fake?.close();
  });

  it('answers deterministically: choice i of seed s is the sample of seed s+i; temperature 0 is greedy', async () => {
    fake = await startFakeOpenAI();
    const ask = async (body: object): Promise<string[]> => (await post(`${fake.url}/completions`, { model: 'm', prompt: 'P', ...body })).json.choices.map((c: { text: string }) => c.text);
    const three = await ask({ n: 3, seed: 4, temperature: 1 });
    assert.deepEqual(await ask({ n: 3, seed: 4, temperature: 1 }), three);
    assert.deepEqual([...(await ask({ seed: 4, temperature: 1 })), ...(await ask({ seed: 5, temperature: 1 })), ...(await ask({ seed: 6, temperature: 1 }))], three);
    assert.ok(three.every((t) => /The answer is \d+\.$/.test(t)));
    assert.equal(new Set(await ask({ n: 4, seed: 4, temperature: 0 })).size, 1);
    const [cut] = await ask({ seed: 4, temperature: 1, stop: ['\n'] });
    assert.equal(cut, three[0]?.split('\n')[0]);
    const short = (await post(`${fake.url}/completions`, { model: 'm', prompt: 'P', seed: 4, max_tokens: 3 })).json.choices[0];
    assert.deepEqual([short.text, short.finish_reason], ['Let me work', 'length']);
  });

  it('gives a next-token distribution with " Correct" and " Incorrect" in both wire shapes', async () => {
    fake = await startFakeOpenAI();
    const completions = (await post(`${fake.url}/completions`, { model: 'm', prompt: 'V', max_tokens: 1, logprobs: 20 })).json.choices[0].logprobs;
    const top: Record<string, number> = completions.top_logprobs[0];
    assert.equal(Object.keys(top).length, 20);
    assert.ok(' Correct' in top && ' Incorrect' in top);
    const total = Object.values(top).reduce((s, lp) => s + Math.exp(lp), 0);
    assert.ok(total <= 1 && total > 0.99, `probabilities sum to ${total}`);
    const chat = (await post(`${fake.url}/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'V' }], max_tokens: 1, logprobs: true, top_logprobs: 20 })).json.choices[0].logprobs.content[0];
    assert.deepEqual(Object.fromEntries(chat.top_logprobs.map((t: { token: string; logprob: number }) => [t.token, t.logprob])), top);
    assert.equal(chat.token, completions.tokens[0]);
  });

  it('injects faults on the k-th request and on every k-th request, and counts in-flight requests', async () => {
    fake = await startFakeOpenAI({ faults: [{ on: 2, kind: '429', retryAfterSeconds: 3 }, { every: 3, kind: '500' }], latencyMs: 30 });
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${fake.url}/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', prompt: 'x' }) });
      statuses.push([res.status, res.headers.get('retry-after')]);
      await res.arrayBuffer();
    }
    assert.deepEqual(statuses, [[200, null], [429, '3'], [500, null], [200, null], [200, null], [500, null]]);
    await Promise.all([1, 2, 3].map(() => post(`${fake.url}/completions`, { model: 'm', prompt: 'x' })));
    assert.deepEqual({ ...fake.counters, maxInFlight: undefined }, { requests: 9, inFlight: 0, maxInFlight: undefined, ok: 5, faults: 4, errors: 0, rateLimited: 0, maxServing: 0 });
    assert.deepEqual(fake.requests.map((r) => r.outcome), ['ok', '429', '500', 'ok', 'ok', '500', 'ok', 'ok', '500']);
    await fake.close();
    // In-flight counting on a server slow enough that three concurrent requests surely overlap,
    // however busy the machine is.
    fake = await startFakeOpenAI({ latencyMs: 2000 });
    await Promise.all([1, 2, 3].map(() => post(`${fake.url}/completions`, { model: 'm', prompt: 'x' })));
    assert.deepEqual([fake.counters.maxInFlight, fake.counters.inFlight], [3, 0]);
  });

  it('serves at most its capacity at once: refuses the rest with a 429, or queues them', async () => {
    fake = await startFakeOpenAI({ latencyMs: 600, capacity: { concurrent: 2, beyond: 'reject', retryAfterMs: 40 } });
    const refused = await Promise.all([1, 2, 3].map(() => fetch(`${fake.url}/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', prompt: 'x' }) })));
    assert.deepEqual(refused.map((r) => r.status).sort(), [200, 200, 429]);
    assert.equal(refused.find((r) => r.status === 429)?.headers.get('retry-after-ms'), '40');
    await Promise.all(refused.map((r) => r.arrayBuffer()));
    assert.deepEqual([fake.counters.rateLimited, fake.counters.maxServing, fake.counters.ok], [1, 2, 2]);
    await fake.close();
    fake = await startFakeOpenAI({ latencyMs: 300, capacity: { concurrent: 2, beyond: 'queue' } });
    const started = Date.now();
    const queued = await Promise.all([1, 2, 3].map(async () => ({ status: (await post(`${fake.url}/completions`, { model: 'm', prompt: 'x' })).status, at: Date.now() - started })));
    assert.deepEqual(queued.map((q) => q.status), [200, 200, 200]);
    // The third waited for a place, then took its own latency.
    assert.ok(Math.max(...queued.map((q) => q.at)) >= 600, `answered after ${queued.map((q) => q.at).join(', ')} ms`);
    assert.deepEqual([fake.counters.rateLimited, fake.counters.maxServing], [0, 2]);
  });

  it('keeps a rate limit as a token bucket: an empty bucket is a 429 saying when the next token comes', async () => {
    fake = await startFakeOpenAI({ rateLimit: { perSecond: 10, burst: 2 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${fake.url}/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', prompt: 'x' }) });
      statuses.push([res.status, res.headers.get('retry-after-ms')]);
      await res.arrayBuffer();
    }
    assert.deepEqual(statuses.slice(0, 2), [[200, null], [200, null]]);
    assert.equal(statuses[2]?.[0], 429);
    const wait = Number(statuses[2]?.[1]);
    assert.ok(wait > 0 && wait <= 100, `retry-after-ms ${wait}`);
    await new Promise((r) => setTimeout(r, wait + 10));
    assert.equal((await post(`${fake.url}/completions`, { model: 'm', prompt: 'x' })).status, 200);
  });

  it('runs standalone: prints its URL as one JSON line and exits on SIGTERM', async function () {
    this.timeout(30_000);
    const repo = path.resolve(__dirname, '../../..');
    const child = spawn(path.join(repo, 'node_modules/.bin/tsx'), ['test/fixtures/openaiServer.ts', '--port', '0', '--latency-ms', '5', '--no-n', '--faults', '[{"on":1,"kind":"503"}]'], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const [line] = await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next().then((r) => [r.value as string]);
      const { url } = JSON.parse(line ?? '') as { url: string };
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      assert.equal((await post(`${url}/completions`, { model: 'm', prompt: 'x' })).status, 503);
      assert.equal((await post(`${url}/completions`, { model: 'm', prompt: 'x', n: 2 })).status, 400);
      assert.equal((await post(`${url}/completions`, { model: 'm', prompt: 'x' })).status, 200);
      assert.deepEqual(((await (await fetch(`${url}/models`)).json()) as { data: { id: string }[] }).data.map((m: { id: string }) => m.id), ['fake-model']);
      assert.deepEqual(await (await fetch(url.replace(/\/v1$/, '/_fake/counters'))).json(), { requests: 4, inFlight: 0, maxInFlight: 1, ok: 2, faults: 1, errors: 1, rateLimited: 0, maxServing: 0 });
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
  });
});
