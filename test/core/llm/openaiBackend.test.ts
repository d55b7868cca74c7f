import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PromptTooLongError, SeveralChoicesUnsupportedError, type GenerateRequest, type ModelBackend } from '../../../src/core/llm/backend';
import type { EndpointCapabilities } from '../../../src/core/runs/endpointCapabilities';
import { reasoningCapabilities } from './capabilityFixtures';
import { useFetchForEndpoints } from '../../../src/core/llm/openaiClient';
import { createScheduler, type ScheduledBackend, type SchedulerOptions } from '../../../src/core/llm/scheduler';
import { accountFromEnv, azureApiVersion, createOpenAIBackend, DEFAULT_AZURE_API_VERSION } from '../../../src/core/llm/openaiBackend';
import { backendRejection } from '../../helpers/backendRejection';
import { defaultAnswer, startFakeOpenAI, type FakeAnswer, type FakeOpenAI, type FakeOpenAIOptions, type FakeRequest } from '../../fixtures/openaiServer';

const MODEL = 'fake-model';
const sampling = { temperature: 0.8, topP: 0.95, maxTokens: 256 };

/** What the fake answers by default for choice `i` of a sampling request. */
function expectedText(prompt: string, seed: number, i: number, api: 'chat' | 'completions' = 'completions'): string {
  const req: FakeRequest = { seq: 0, api, model: MODEL, prompt, n: 1, choiceIndex: i, seed, temperature: 0.8, topP: 0.95, maxTokens: 256, stop: [], topLogprobs: undefined, body: {} };
  const answer = defaultAnswer(req);
  assert.ok('text' in answer);
  return answer.text;
}

function expectedTop(prompt: string): { token: string; logprob: number }[] {
  const answer = defaultAnswer({ seq: 0, api: 'completions', model: MODEL, prompt, n: 1, choiceIndex: 0, seed: undefined, temperature: 0, topP: 1, maxTokens: 1, stop: [], topLogprobs: 100, body: {} });
  assert.ok('top' in answer);
  return answer.top;
}

/** The backend as a run uses it: through the scheduler, which owns retries and the n fallback. */
function scheduled(backend: ModelBackend, opts: Partial<SchedulerOptions> = {}): ScheduledBackend {
  return createScheduler(backend, { concurrency: 4, baseDelayMs: 0, ...opts });
}

describe('openaiBackend', () => {
  const servers: FakeOpenAI[] = [];
  async function serve(opts: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
    const fake = await startFakeOpenAI(opts);
    servers.push(fake);
    return fake;
  }
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('names itself by api, model and base URL (trailing slash dropped)', async () => {
    const fake = await serve();
    assert.equal(createOpenAIBackend({ baseUrl: `${fake.url}/`, model: MODEL, api: 'chat' }).id, `openai:chat:${MODEL}@${fake.url}`);
  });

  for (const api of ['completions', 'chat'] as const) {
    describe(`${api} API`, () => {
      it('generates n samples in one request, in order, with the sampling parameters on the wire', async () => {
        const fake = await serve();
        const backend = createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api });
        const req: GenerateRequest = { prompt: 'What is 6 x 7?', n: 3, seed: 11, stop: ['\n\n'], ...sampling };
        const result = await backend.generate(req);
        assert.deepEqual(result.generations.map((g) => g.text), [0, 1, 2].map((i) => expectedText(req.prompt, 11, i, api)));
        assert.ok(result.generations.every((g) => g.finishReason === 'stop'));
        assert.equal(fake.requests.length, 1);
        const sent = fake.requests[0];
        assert.equal(sent?.path, api === 'chat' ? '/v1/chat/completions' : '/v1/completions');
        const wire = { model: MODEL, n: 3, temperature: 0.8, top_p: 0.95, max_tokens: 256, seed: 11, stop: ['\n\n'] };
        assert.deepEqual(sent?.body, api === 'chat' ? { ...wire, messages: [{ role: 'user', content: req.prompt }] } : { ...wire, prompt: req.prompt });
        // The fake counts whitespace-separated words as tokens.
        const words = (t: string): number => (t.match(/\s*\S+/g) ?? []).length;
        assert.deepEqual(result.usage, { promptTokens: 5, completionTokens: result.generations.reduce((s, g) => s + words(g.text), 0) });
        assert.equal(result.generations.reduce((s, g) => s + g.completionTokens, 0), result.usage.completionTokens);
      });

      it('returns the first token\'s top logprobs, most likely first', async () => {
        const fake = await serve();
        const backend = createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api });
        const result = await backend.nextToken({ prompt: 'Is 2+2=4 right? Answer:', topLogprobs: 5 });
        assert.deepEqual(result.top, expectedTop('Is 2+2=4 right? Answer:').slice(0, 5));
        assert.ok(result.top.some((t) => t.token === ' Correct') && result.top.some((t) => t.token === ' Incorrect'));
        const sent = fake.requests[0]?.body as Record<string, unknown>;
        assert.equal(sent.max_tokens, 1);
        assert.equal(sent.temperature, 0);
        if (api === 'chat') {
          assert.equal(sent.logprobs, true);
          assert.equal(sent.top_logprobs, 5);
        } else {
          assert.equal(sent.logprobs, 5);
        }
        assert.deepEqual(result.usage, { promptTokens: 4, completionTokens: 1 });
      });

      it('sorts top logprobs the server sent in another order', async () => {
        const top = [{ token: ' Incorrect', logprob: -2 }, { token: ' Correct', logprob: -0.2 }, { token: ' The', logprob: -3 }];
        const fake = await serve({ respond: () => ({ top }) });
        const backend = createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api });
        const result = await backend.nextToken({ prompt: 'p', topLogprobs: 3 });
        assert.deepEqual(result.top.map((t) => t.token), [' Correct', ' Incorrect', ' The']);
      });

      it('falls back to one scheduled request per sample (seeds seed+i) when the server rejects n, and remembers it', async () => {
        const fake = await serve({ supportsN: false });
        const notices: string[] = [];
        const backend = scheduled(createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api }), { onNotice: (m) => notices.push(m) });
        const req: GenerateRequest = { prompt: 'Q1', n: 3, seed: 100, ...sampling };
        const result = await backend.generate(req);
        // Same samples as a server that supports n gives: choice i of seed s is the sample of seed s+i.
        assert.deepEqual(result.generations.map((g) => g.text), [0, 1, 2].map((i) => expectedText('Q1', 100, i, api)));
        const bodies = fake.requests.map((r) => r.body as { n: number; seed: number });
        assert.deepEqual(bodies[0] && [bodies[0].n, bodies[0].seed], [3, 100]);
        assert.deepEqual(bodies.slice(1).map((b) => [b.n, b.seed]).sort(), [[1, 100], [1, 101], [1, 102]]);
        assert.deepEqual(fake.requests.map((r) => r.outcome), ['error', 'ok', 'ok', 'ok']);
        assert.equal(notices.length, 1);
        assert.match(notices[0] ?? '', /does not return several choices per request.*each sample is now requested on its own/);
        // Single requests report exact per-sample token counts.
        const words = (t: string): number => (t.match(/\s*\S+/g) ?? []).length;
        assert.deepEqual(result.generations.map((g) => g.completionTokens), result.generations.map((g) => words(g.text)));

        await backend.generate({ ...req, prompt: 'Q2', n: 2 });
        assert.deepEqual(fake.requests.slice(4).map((r) => (r.body as { n: number }).n), [1, 1]);
        assert.equal(backend.accounting().failures, 0, 'the refusal of n is not a failed call');
      });

      it('falls back when the server answers n > 1 with one choice twice in a row (it ignores n)', async () => {
        const fake = await serve({ ignoreN: true });
        const backend = scheduled(createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api }));
        const result = await backend.generate({ prompt: 'Q', n: 2, seed: 5, ...sampling });
        assert.deepEqual(result.generations.map((g) => g.text), [expectedText('Q', 5, 0, api), expectedText('Q', 5, 1, api)]);
        assert.deepEqual(fake.requests.map((r) => (r.body as { n: number }).n), [2, 2, 1, 1]);
      });

      it('one short answer is a bad answer that is asked again, and n stays on', async () => {
        let shortOnce = true;
        const fakeShort = await serve({
          respond: (r) => {
            if (r.seq === 1 && shortOnce) {
              shortOnce = false;
              return { rawBody: { choices: [{ index: 0, text: 'only one', finish_reason: 'stop' }] } };
            }
            return undefined;
          },
        });
        const backend = scheduled(createOpenAIBackend({ baseUrl: fakeShort.url, model: MODEL, api: 'completions' }));
        const first = await backend.generate({ prompt: 'Q', n: 2, seed: 5, ...sampling });
        assert.deepEqual(first.generations.map((g) => g.text), [expectedText('Q', 5, 0), expectedText('Q', 5, 1)]);
        await backend.generate({ prompt: 'Q2', n: 2, seed: 5, ...sampling });
        assert.deepEqual(fakeShort.requests.map((r) => (r.body as { n: number }).n), [2, 2, 2]);
        assert.equal(backend.accounting().retries, 1);
      });

      it('gives each sample of the fallback its own attempt and timeout', async () => {
        // Four answers of 150 ms in a row would never fit one 400 ms attempt.
        const fake = await serve({ supportsN: false, latencyMs: 150 });
        const backend = scheduled(createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api }), { timeoutMs: 400, maxRetries: 0 });
        const result = await backend.generate({ prompt: 'Q', n: 4, seed: 1, ...sampling });
        assert.equal(result.generations.length, 4);
        assert.equal(backend.accounting().failures, 0);
      });
    });
  }

  it('falls back on llama.cpp\'s HTTP 500 "Only one completion choice is allowed"', async () => {
    const fake = await serve({ respond: (r) => (r.n > 1 ? { status: 500, message: 'Only one completion choice is allowed' } : undefined) });
    const backend = scheduled(createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api: 'completions' }));
    const result = await backend.generate({ prompt: 'Q', n: 2, seed: 1, ...sampling });
    assert.deepEqual(result.generations.map((g) => g.text), [expectedText('Q', 1, 0), expectedText('Q', 1, 1)]);
  });

  it('sends the API key as a bearer token, and no Authorization header without one', async () => {
    const fake = await serve();
    await createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api: 'completions', apiKey: 'sk-test-123' }).generate({ prompt: 'Q', n: 1, ...sampling });
    await createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api: 'completions' }).generate({ prompt: 'Q', n: 1, ...sampling });
    assert.deepEqual(fake.requests.map((r) => r.authorization), ['Bearer sk-test-123', undefined]);
  });

  it('sends OpenAI-Organization and OpenAI-Project when given, and never reads them from the environment itself', async () => {
    const fake = await serve();
    await createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api: 'completions', apiKey: 'sk-1', organization: 'org-abc', project: 'proj_xyz' }).generate({ prompt: 'Q', n: 1, ...sampling });
    const saved = { org: process.env.OPENAI_ORG_ID, project: process.env.OPENAI_PROJECT_ID };
    process.env.OPENAI_ORG_ID = 'org-from-env';
    process.env.OPENAI_PROJECT_ID = 'proj-from-env';
    try {
      await createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api: 'completions' }).generate({ prompt: 'Q', n: 1, ...sampling });
    } finally {
      for (const [name, value] of [['OPENAI_ORG_ID', saved.org], ['OPENAI_PROJECT_ID', saved.project]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    assert.deepEqual(fake.requests.map((r) => [r.headers['openai-organization'], r.headers['openai-project']]), [['org-abc', 'proj_xyz'], [undefined, undefined]]);
  });

  it('reads OPENAI_ORG_ID, OPENAI_PROJECT_ID and OPENAI_API_VERSION for the caller that decides where they go', () => {
    assert.deepEqual(accountFromEnv({ OPENAI_ORG_ID: 'org-1', OPENAI_PROJECT_ID: 'proj-1' }), { organization: 'org-1', project: 'proj-1' });
    assert.deepEqual(accountFromEnv({ OPENAI_ORG_ID: '' }), {});
    assert.equal(azureApiVersion({ OPENAI_API_VERSION: '2025-04-01-preview' }), '2025-04-01-preview');
    assert.equal(azureApiVersion({}), DEFAULT_AZURE_API_VERSION);
  });

  describe('Azure OpenAI', () => {
    const azure = { apiVersion: '2024-10-21' };

    for (const api of ['completions', 'chat'] as const) {
      it(`${api}: calls the deployment's path with the api-version, the key in api-key and no Authorization`, async () => {
        const fake = await serve({ apiKey: 'azure-key-1', models: ['gpt-4o-mini'] });
        const backend = createOpenAIBackend({ baseUrl: `${fake.origin}/`, model: 'gpt-4o-mini', api, azure, apiKey: 'azure-key-1' });
        assert.equal(backend.id, `azure:${api}:gpt-4o-mini@${fake.origin}`);
        const result = await backend.generate({ prompt: 'What is 6 x 7?', n: 2, seed: 3, ...sampling });
        assert.deepEqual(result.generations.map((g) => g.text), [0, 1].map((i) => expectedText('What is 6 x 7?', 3, i, api)));
        const top = await backend.nextToken({ prompt: 'Is 2+2=4 right? Answer:', topLogprobs: 5 });
        assert.deepEqual(top.top, expectedTop('Is 2+2=4 right? Answer:').slice(0, 5));
        for (const sent of fake.requests) {
          assert.equal(sent.path, `/openai/deployments/gpt-4o-mini/${api === 'chat' ? 'chat/completions' : 'completions'}`);
          assert.deepEqual(sent.query, { 'api-version': '2024-10-21' });
          assert.equal(sent.headers['api-key'], 'azure-key-1');
          assert.equal(sent.authorization, undefined);
        }
      });
    }

    it('scores continuations exactly through the deployment too', async () => {
      const fake = await serve();
      const backend = createOpenAIBackend({ baseUrl: fake.origin, model: 'dep', api: 'completions', azure });
      const result = await backend.continuationLogprobs?.({ prompt: 'Is it right? Answer:', continuations: [' Correct', ' Incorrect'] });
      assert.ok(result && result.scores !== null, JSON.stringify(result));
      assert.ok(fake.requests.every((r) => r.path === '/openai/deployments/dep/completions'));
    });

    it('sends no api-key header without a key', async () => {
      const fake = await serve();
      await createOpenAIBackend({ baseUrl: fake.origin, model: 'dep', api: 'chat', azure }).generate({ prompt: 'Q', n: 1, ...sampling });
      assert.deepEqual([fake.requests[0]?.headers['api-key'], fake.requests[0]?.authorization], [undefined, undefined]);
    });

    it("a rejected key, an unknown deployment and a wrong endpoint say what to check, in Azure's terms, without the key", async () => {
      const fake = await serve({ apiKey: 'right-key', models: ['gpt-4o'] });
      const wrongKey = await backendRejection(createOpenAIBackend({ baseUrl: fake.origin, model: 'gpt-4o', api: 'chat', azure, apiKey: 'wrong-SECRET-key' }).generate({ prompt: 'Q', n: 1, ...sampling }));
      assert.equal(wrongKey.retryable, false);
      assert.match(wrongKey.message, /answered HTTP 401: Access denied due to invalid subscription key.* — the API key was rejected; check the API key in OPENAI_API_KEY \/ GAPLENS_API_KEY\./);
      assert.ok(!wrongKey.message.includes('wrong-SECRET-key'));
      const unknown = await backendRejection(createOpenAIBackend({ baseUrl: fake.origin, model: 'gpt-5', api: 'chat', azure, apiKey: 'right-key' }).generate({ prompt: 'Q', n: 1, ...sampling }));
      assert.equal(unknown.retryable, false);
      assert.ok(unknown.message.startsWith(`${fake.origin}/openai/deployments/gpt-5/chat/completions?api-version=2024-10-21 answered HTTP 404`), unknown.message);
      assert.ok(unknown.message.includes(`deployment "gpt-5" not found at ${fake.origin}; check the deployment name`), unknown.message);
      const open = await serve();
      const wrongPath = await backendRejection(createOpenAIBackend({ baseUrl: `${open.origin}/openai`, model: 'gpt-4o', api: 'chat', azure }).generate({ prompt: 'Q', n: 1, ...sampling }));
      assert.match(wrongPath.message, /HTTP 404: Resource not found — nothing is served there; check the endpoint \(https:\/\/RESOURCE\.openai\.azure\.com\)/);
    });
  });

  describe('errors', () => {
    it('a rejected API key: not retryable, says where to fix it, never shows the key', async () => {
      const fake = await serve({ apiKey: 'sk-right' });
      const secret = 'sk-wrong-SECRET-9f8e7d';
      for (const api of ['completions', 'chat'] as const) {
        const backend = createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api, apiKey: secret });
        for (const call of [backend.generate({ prompt: 'Q', n: 2, ...sampling }), backend.nextToken({ prompt: 'Q', topLogprobs: 2 })]) {
          const err = await backendRejection(call);
          assert.equal(err.retryable, false);
          assert.match(err.message, /HTTP 401/);
          assert.match(err.message, /OPENAI_API_KEY \/ GAPLENS_API_KEY/);
          assert.ok(err.message.includes(`${fake.url}/`), err.message);
          assert.ok(!err.message.includes(secret), `the key leaked: ${err.message}`);
        }
      }
      // The server did echo the key: the redaction is what kept it out.
      assert.ok(fake.requests.every((r) => r.authorization === `Bearer ${secret}`));
    });

    it("a prompt longer than the model's context: a PromptTooLongError, so verifiers can record it per sample", async () => {
      const fake = await serve({ respond: () => ({ status: 400, message: "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens." }) });
      const err = await backendRejection(createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api: 'completions' }).nextToken({ prompt: 'Q', topLogprobs: 2 }));
      assert.ok(err instanceof PromptTooLongError, String(err));
      assert.equal(err.retryable, false);
      assert.match(err.message, /maximum context length/);
    });

    it('an unknown model: not retryable, names the model and the URL', async () => {
      const fake = await serve({ models: ['served-model'] });
      const err = await backendRejection(createOpenAIBackend({ baseUrl: fake.url, model: 'nope-7b', api: 'chat' }).generate({ prompt: 'Q', n: 1, ...sampling }));
      assert.equal(err.retryable, false);
      assert.match(err.message, /HTTP 404/);
      assert.ok(err.message.includes(`model "nope-7b" not found at ${fake.url}`), err.message);
      assert.ok(err.message.includes(`GET ${fake.url}/models`), err.message);
    });

    it('a wrong base URL: not retryable, says to check it', async () => {
      const fake = await serve();
      const base = fake.url.replace(/\/v1$/, '/v2');
      const err = await backendRejection(createOpenAIBackend({ baseUrl: base, model: MODEL, api: 'completions' }).generate({ prompt: 'Q', n: 1, ...sampling }));
      assert.equal(err.retryable, false);
      assert.ok(err.message.includes(`${base}/completions answered HTTP 404`), err.message);
      assert.match(err.message, /check the base URL/);
    });

    it('a refused parameter (400) is not retryable and carries the server\'s words', async () => {
      const fake = await serve({ maxTopLogprobs: 5 });
      const err = await backendRejection(createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api: 'completions' }).nextToken({ prompt: 'Q', topLogprobs: 10 }));
      assert.equal(err.retryable, false);
      assert.match(err.message, /HTTP 400: logprobs must be at most 5, got 10/);
    });

    it('429 and 5xx are retryable, with the server-requested delay, after one attempt each (the SDK does not retry)', async () => {
      const fake = await serve({ faults: [{ on: 1, kind: '429', retryAfterSeconds: 2 }, { on: 2, kind: '503', retryAfterMs: 1500 }, { on: 3, kind: '500' }] });
      const backend = createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api: 'completions' });
      const seen = [];
      for (let i = 0; i < 3; i++) seen.push(await backendRejection(backend.generate({ prompt: 'Q', n: 1, ...sampling })));
      assert.deepEqual(seen.map((e) => [e.retryable, e.retryAfterMs]), [[true, 2000], [true, 1500], [true, undefined]]);
      assert.match(seen[0]?.message ?? '', /HTTP 429: Rate limit reached/);
      assert.equal(fake.requests.length, 3);
    });

    it("obeys the server's x-should-retry over the status: false ends the run, true asks again", async () => {
      const fake = await serve({
        respond: (r): FakeAnswer | undefined => r.prompt === 'quota'
          ? { status: 429, message: 'You exceeded your current quota, please check your plan and billing details.', headers: { 'x-should-retry': 'false' } }
          : r.prompt === 'busy' ? { status: 400, message: 'The engine is currently overloaded.', headers: { 'x-should-retry': 'true', 'retry-after': '3' } } : undefined,
      });
      const backend = createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api: 'completions' });
      const quota = await backendRejection(backend.generate({ prompt: 'quota', n: 1, ...sampling }));
      assert.equal(quota.failure, 'fatal');
      assert.match(quota.message, /answered HTTP 429: You exceeded your current quota.* — the server says a retry will not help \(x-should-retry: false\)\.$/);
      const busy = await backendRejection(backend.generate({ prompt: 'busy', n: 1, ...sampling }));
      assert.deepEqual([busy.failure, busy.retryAfterMs], ['transient', 3000]);
      assert.match(busy.message, /HTTP 400: The engine is currently overloaded\..* The server says a retry may help \(x-should-retry: true\)\.$/);
      // Through the scheduler: the quota error is one request and ends the call at once.
      const from = fake.requests.length;
      const err = await backendRejection(scheduled(backend).generate({ prompt: 'quota', n: 1, ...sampling }));
      assert.equal(err.retryable, false);
      assert.equal(fake.requests.length - from, 1);
    });

    it("cites the answer's x-request-id, so a provider's support can find the call", async () => {
      const fake = await serve({ requestIds: true, respond: () => ({ status: 500, message: 'The server had an error.' }) });
      const err = await backendRejection(createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api: 'completions' }).generate({ prompt: 'Q', n: 1, ...sampling }));
      assert.equal(err.message, `${fake.url}/completions answered HTTP 500: The server had an error. (x-request-id req_1)`);
    });

    it('a malformed answer fails clearly, naming the endpoint', async () => {
      const fake = await serve({ respond: () => ({ rawBody: { choices: [{ index: 0, txt: 'x' }] } }) });
      const err = await backendRejection(createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api: 'completions' }).generate({ prompt: 'Q', n: 1, ...sampling }));
      assert.equal(err.failure, 'bad-answer', 'asked again once, then that sample fails');
      assert.ok(err.message.startsWith(`${fake.url}/completions answered in an unexpected shape`), err.message);
      assert.match(err.message, /at choices\.0\.text/);
    });

    it('an answer without logprobs fails clearly', async () => {
      const fake = await serve({ respond: () => ({ text: ' Correct' }) });
      for (const api of ['completions', 'chat'] as const) {
        const err = await backendRejection(createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api }).nextToken({ prompt: 'Q', topLogprobs: 3 }));
        assert.equal(err.failure, 'bad-answer', 'asked again once, then that sample fails');
        assert.match(err.message, /returned no top logprobs for the first token/);
      }
    });

    it('more choices than asked for is an error', async () => {
      const fake = await serve({ respond: () => ({ rawBody: { choices: [{ index: 0, text: 'a' }, { index: 1, text: 'b' }] } }) });
      const err = await backendRejection(createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api: 'completions' }).generate({ prompt: 'Q', n: 1, ...sampling }));
      assert.match(err.message, /returned 2 choices for n=1/);
    });

  });

  // The node:http posters read answers by default; another fetch (the CLI's undici, behind a
  // proxy) goes through cappedFetch: both keep the same contract.
  for (const transport of ['the node:http posters', "Node's fetch"] as const) {
    describe(`reading answers over ${transport}`, () => {
      before(() => useFetchForEndpoints(transport === "Node's fetch" ? globalThis.fetch : undefined));
      after(() => useFetchForEndpoints(undefined));

      it("quotes error bodies of any shape, as the server sent them (vLLM's top-level message, an HTML page)", async () => {
        const bodies: [number, string, string][] = [[400, 'application/json', '{"object":"error","message":"vLLM says no","code":400}'], [502, 'text/html', '<html>Bad Gateway</html>']];
        const page = createServer((_req, res) => {
          const [status, type, body] = bodies.shift() as [number, string, string];
          res.writeHead(status, { 'content-type': type }).end(body);
        });
        await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
        try {
          const backend = createOpenAIBackend({ baseUrl: `http://127.0.0.1:${(page.address() as AddressInfo).port}/v1`, model: MODEL, api: 'completions' });
          const vllm = await backendRejection(backend.generate({ prompt: 'Q', n: 1, ...sampling }));
          assert.match(vllm.message, /answered HTTP 400: vLLM says no — the server refused the request/);
          const gateway = await backendRejection(backend.generate({ prompt: 'Q', n: 1, ...sampling }));
          assert.match(gateway.message, /answered HTTP 502: <html>Bad Gateway<\/html>$/);
          assert.equal(gateway.failure, 'transient');
        } finally {
          page.close();
        }
      });

      it('resets, truncated bodies and invalid JSON are retryable, and say what happened', async () => {
        const fake = await serve({ faults: [{ on: 1, kind: 'reset' }, { on: 2, kind: 'truncated' }, { on: 3, kind: 'invalid-json' }] });
        const backend = createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api: 'chat' });
        const endpoint = `${fake.url}/chat/completions`;
        const expected = [/^Could not reach .*: read ECONNRESET\./, /^.* cut its answer short: the connection closed after \d+ of \d+ body bytes/, /^.* sent a body that is not valid JSON/];
        for (const pattern of expected) {
          const err = await backendRejection(backend.generate({ prompt: 'Q', n: 1, ...sampling }));
          assert.equal(err.retryable, true, err.message);
          assert.ok(err.message.includes(endpoint), err.message);
          assert.match(err.message, pattern);
        }
        assert.equal((await backend.generate({ prompt: 'Q', n: 1, ...sampling })).generations.length, 1);
        await backend.close();
      });

      it('a refused connection is retryable and asks whether the server runs', async () => {
        const fake = await serve();
        await fake.close();
        const err = await backendRejection(createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api: 'completions' }).generate({ prompt: 'Q', n: 1, ...sampling }));
        assert.equal(err.retryable, true);
        assert.match(err.message, /Could not reach .*ECONNREFUSED.*Is the server running/);
      });

      it('a web page instead of JSON is a bad answer, naming the endpoint', async () => {
        const page = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Welcome</html>'));
        await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
        try {
          const base = `http://127.0.0.1:${(page.address() as AddressInfo).port}/v1`;
          const backend = createOpenAIBackend({ baseUrl: base, model: MODEL, api: 'chat' });
          const err = await backendRejection(backend.nextToken({ prompt: 'Q', topLogprobs: 2 }));
          assert.equal(err.failure, 'bad-answer', 'asked again once, then that sample fails');
          assert.equal(err.message, `${base}/chat/completions answered with text/html, not JSON; is it an OpenAI-compatible chat endpoint?`);
          await backend.close();
        } finally {
          page.close();
        }
      });

      it('an answer over the size cap fails that call as a bad answer, without reading it all', async () => {
        const fake = await serve({ respond: () => ({ text: 'x'.repeat(200_000) }) });
        const backend = createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api: 'completions', maxAnswerBytes: 50_000 });
        const err = await backendRejection(backend.generate({ prompt: 'Q', n: 1, ...sampling }));
        assert.equal(err.failure, 'bad-answer');
        assert.match(err.message, /sent an answer larger than the cap \(the answer's body passed 50000 bytes\); raise --max-answer-mb/);
      });

      it('a 600 MB answer fails that call as a bad answer without being read: announced, or sent without a length', async () => {
        let written = 0;
        const huge = createServer((req, res) => {
          const announced = req.url?.startsWith('/announced');
          res.writeHead(200, { 'content-type': 'application/json', ...(announced ? { 'content-length': String(600 * 1024 * 1024) } : {}) });
          const chunk = Buffer.alloc(64 * 1024, 0x20);
          // Writes until the client hangs up, as fast as the client reads.
          const pump = (): void => {
            while (!res.destroyed && written < 600 * 1024 * 1024) {
              written += chunk.length;
              if (!res.write(chunk)) return void res.once('drain', pump);
            }
          };
          res.on('close', () => undefined);
          pump();
        });
        await new Promise<void>((resolve) => huge.listen(0, '127.0.0.1', resolve));
        try {
          const base = `http://127.0.0.1:${(huge.address() as AddressInfo).port}`;
          // The default cap, 64 MiB: the announced length alone is enough to refuse the answer.
          const announced = await backendRejection(createOpenAIBackend({ baseUrl: `${base}/announced`, model: MODEL, api: 'completions' }).generate({ prompt: 'Q', n: 1, ...sampling }));
          assert.equal(announced.failure, 'bad-answer');
          assert.match(announced.message, /larger than the cap \(the answer's body passed 64 MiB\)/);
          assert.ok(written < 64 * 1024 * 1024, `the server wrote ${written} bytes`);
          written = 0;
          const streamed = await backendRejection(createOpenAIBackend({ baseUrl: `${base}/chunked`, model: MODEL, api: 'completions', maxAnswerBytes: 1024 * 1024 }).generate({ prompt: 'Q', n: 1, ...sampling }));
          assert.equal(streamed.failure, 'bad-answer');
          assert.match(streamed.message, /the answer's body passed 1 MiB/);
          // Socket buffers on both sides hold a few MB at most; the rest was never sent.
          assert.ok(written < 64 * 1024 * 1024, `the server wrote ${written} bytes`);
        } finally {
          huge.closeAllConnections();
          huge.close();
        }
      });

      it('rejects with the abort reason when the signal aborts mid-request', async () => {
        const fake = await serve({ faults: [{ on: 1, kind: 'hang' }] });
        const backend = createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api: 'completions' });
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 50);
        const started = Date.now();
        await assert.rejects(backend.generate({ prompt: 'Q', n: 1, ...sampling }, controller.signal), { name: 'AbortError' });
        assert.ok(Date.now() - started < 1000);
      });
    });
  }

  describe('with probed capabilities (docs/providers.md, "Capabilities")', () => {
    const reasoningCaps = (url: string): EndpointCapabilities => reasoningCapabilities(`openai:chat:${MODEL}@${url}`);

    it('a reasoning model: the budget as max_completion_tokens, no temperature or top_p, reasoning tokens in usage and shared out per choice', async () => {
      const fake = await serve({ provider: 'reasoning' });
      const backend = createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api: 'chat', capabilities: reasoningCaps(fake.url) });
      const result = await backend.generate({ prompt: 'What is 6 x 7?', n: 3, seed: 1, ...sampling });
      const sent = fake.requests[0]?.body as Record<string, unknown>;
      assert.deepEqual([sent.max_completion_tokens, sent.max_tokens, sent.temperature, sent.top_p], [256, undefined, undefined, undefined]);
      assert.equal(result.usage.reasoningTokens, 3 * 24);
      assert.deepEqual(result.generations.map((g) => g.reasoningTokens), [24, 24, 24]);
      assert.equal(result.generations.reduce((sum, g) => sum + g.completionTokens, 0), result.usage.completionTokens);
      // Known before any request: no logprobs to ask for.
      const refused = await backendRejection(backend.nextToken({ prompt: 'Judgement:', topLogprobs: 20 }));
      assert.equal(refused.failure, 'fatal');
      assert.match(refused.message, /returns no logprobs \(HTTP 400: Unsupported parameter: 'logprobs'.*pick a verifier that samples/);
      assert.equal(fake.requests.length, 1);
    });

    it('top logprobs asked for at most the probed limit; n known unsupported costs no request; prompt logprobs known, not probed again', async () => {
      const fake = await serve({ maxTopLogprobs: 5 });
      const caps: EndpointCapabilities = { ...reasoningCaps(fake.url), tokenLimitParameter: 'max_tokens', temperature: true, topP: true, n: false, topLogprobs: 5, promptLogprobs: 'prompt_logprobs', said: { n: 'HTTP 400: n must be 1' } };
      const backend = createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api: 'completions', capabilities: caps });
      const { top } = await backend.nextToken({ prompt: 'Judgement:', topLogprobs: 20 });
      assert.equal(top.length, 5);
      assert.equal((fake.requests[0]?.body as Record<string, unknown>).logprobs, 5);
      await assert.rejects(backend.generate({ prompt: 'Q', n: 2, ...sampling }), (err: unknown) => err instanceof SeveralChoicesUnsupportedError && /n must be 1/.test(err.message));
      assert.equal(fake.requests.length, 1);
      const scored = await backend.continuationLogprobs?.({ prompt: 'Judgement:', continuations: [' Correct'] });
      assert.ok(scored && scored.scores !== null);
      assert.deepEqual(fake.requests.slice(1).map((r) => (r.body as Record<string, unknown>).prompt_logprobs), [0], 'echo was probed although prompt_logprobs was known to work');
    });
  });
});
