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
    assert.deepEqual({ ...fake.counters, maxInFlight: undefined }, { requests: 9, inFlight: 0, maxInFlight: undefined, ok: 5, faults: 4, errors: 0 });
    assert.deepEqual(fake.requests.map((r) => r.outcome), ['ok', '429', '500', 'ok', 'ok', '500', 'ok', 'ok', '500']);
    await fake.close();
    // In-flight counting on a server slow enough that three concurrent requests surely overlap,
    // however busy the machine is.
    fake = await startFakeOpenAI({ latencyMs: 2000 });
    await Promise.all([1, 2, 3].map(() => post(`${fake.url}/completions`, { model: 'm', prompt: 'x' })));
    assert.deepEqual([fake.counters.maxInFlight, fake.counters.inFlight], [3, 0]);
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
      assert.deepEqual(await (await fetch(url.replace(/\/v1$/, '/_fake/counters'))).json(), { requests: 4, inFlight: 0, maxInFlight: 1, ok: 2, faults: 1, errors: 1 });
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
  });
});
