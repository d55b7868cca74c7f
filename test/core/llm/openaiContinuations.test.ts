import assert from 'node:assert/strict';
import { PromptTooLongError, type ContinuationResult, type ModelBackend } from '../../../src/core/llm/backend';
import { createOpenAIBackend } from '../../../src/core/llm/openaiBackend';
import { backendRejection } from '../../helpers/backendRejection';
import { defaultAnswer, startFakeOpenAI, type FakeAnswer, type FakeOpenAI, type FakeOpenAIOptions } from '../../fixtures/openaiServer';

const MODEL = 'fake-model';
// An astral character counts as one code point on the server and two UTF-16 units in JS.
const PROMPT = 'Question: is 😀 + 2 = 4?\nResponse: yes.\nJudgement:';
const LABELS = [' Correct', ' Incorrect'];

/** The fake's next-token logprob of `token` after `prefix`: what nextToken reports there. */
function fakeLogprob(prefix: string, token: string): number {
  const answer = defaultAnswer({ seq: 0, api: 'completions', model: MODEL, prompt: prefix, n: 1, choiceIndex: 0, seed: undefined, temperature: 0, topP: 1, maxTokens: 1, stop: [], topLogprobs: 100, body: {} });
  const listed = 'top' in answer ? answer.top.find((t) => t.token === token) : undefined;
  assert.ok(listed, `the fake lists ${token}`);
  return listed.logprob;
}

function score(backend: ModelBackend, prompt: string, continuations: string[] = LABELS): Promise<ContinuationResult> {
  assert.ok(backend.continuationLogprobs, 'a completions backend scores continuations');
  return backend.continuationLogprobs({ prompt, continuations });
}

const bodies = (fake: FakeOpenAI): Record<string, unknown>[] => fake.requests.map((r) => r.body as Record<string, unknown>);

describe('openaiBackend continuationLogprobs (completions servers with prompt logprobs)', () => {
  const servers: FakeOpenAI[] = [];
  async function serve(opts: FakeOpenAIOptions = {}): Promise<{ fake: FakeOpenAI; backend: ModelBackend }> {
    const fake = await startFakeOpenAI(opts);
    servers.push(fake);
    return { fake, backend: createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api: 'completions' }) };
  }
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('scores each continuation with echo + logprobs, reading the tokens after the prompt by text offset', async () => {
    const { fake, backend } = await serve();
    const result = await score(backend, PROMPT);
    assert.ok(result.scores);
    assert.deepEqual(result.scores, LABELS.map((c) => ({ continuation: c, logprob: fakeLogprob(PROMPT, c), tokens: [{ token: c, logprob: fakeLogprob(PROMPT, c) }] })));
    // The first call probes both ways at once (one round trip); echo, the first of them, is used.
    assert.deepEqual(bodies(fake), [
      ...LABELS.map((c) => ({ model: MODEL, prompt: PROMPT + c, max_tokens: 1, temperature: 0, echo: true, logprobs: 1 })),
      ...LABELS.map((c) => ({ model: MODEL, prompt: PROMPT + c, max_tokens: 1, temperature: 0, prompt_logprobs: 0 })),
    ]);
    // The fake counts words as tokens: the prompt's 10 and the continuation's per request, and one generated token each; every request of the probe counts.
    assert.deepEqual(result.usage, { promptTokens: 4 * 11, completionTokens: 4 });
    await score(backend, PROMPT);
    assert.deepEqual(bodies(fake).slice(4).map((b) => b.echo), [true, true], 'later calls go straight to echo');
  });

  it('sums the logprobs of a continuation of several tokens, and leaves out the generated token', async () => {
    const { backend } = await serve();
    const result = await score(backend, PROMPT, [' Correct answer']);
    const tokens = result.scores?.[0]?.tokens ?? [];
    assert.deepEqual(tokens.map((t) => t.token), [' Correct', ' answer']);
    assert.equal(result.scores?.[0]?.logprob, (tokens[0]?.logprob ?? NaN) + (tokens[1]?.logprob ?? NaN));
    assert.equal(tokens[0]?.logprob, fakeLogprob(PROMPT, ' Correct'));
  });

  it('uses vLLM\'s prompt_logprobs when echo is refused, and sends later calls straight there', async () => {
    const { fake, backend } = await serve({ echo: 'refused' });
    const first = await score(backend, PROMPT);
    assert.deepEqual(first.scores?.map((s) => s.logprob), LABELS.map((c) => fakeLogprob(PROMPT, c)));
    const second = await score(backend, PROMPT);
    assert.ok(second.scores);
    // The continuations of a call are asked together, so the probe asks each way for both.
    assert.deepEqual(bodies(fake).map((b) => ('echo' in b ? 'echo' : 'prompt_logprobs' in b ? `prompt_logprobs=${String(b.prompt_logprobs)}` : '?')), [
      'echo', 'echo', 'prompt_logprobs=0', 'prompt_logprobs=0', 'prompt_logprobs=0', 'prompt_logprobs=0',
    ]);
    assert.deepEqual(fake.requests.map((r) => r.status), [400, 400, 200, 200, 200, 200]);
  });

  it('counts the usage of every request of the probe, those of a way that did not work too, with the cached prompt tokens', async () => {
    // Echo ignored: the server answers (and a provider bills) those requests, without logprobs.
    const { fake, backend } = await serve({ echo: 'ignored', cachedTokens: () => 3 });
    const result = await score(backend, PROMPT);
    assert.ok(result.scores);
    const reported = fake.requests.map((r) => r.usage);
    assert.equal(reported.length, 4, 'two requests per way');
    const total = (pick: (u: NonNullable<(typeof reported)[number]>) => number): number => reported.reduce((sum, u) => sum + (u ? pick(u) : NaN), 0);
    assert.deepEqual(result.usage, { promptTokens: total((u) => u.promptTokens), completionTokens: total((u) => u.completionTokens), cachedPromptTokens: 4 * 3 });
  });

  for (const how of ['refused', 'ignored'] as const) {
    it(`falls back for the rest of the run when the server ${how} both ways, probing once`, async () => {
      const { fake, backend } = await serve({ echo: how, promptLogprobs: how });
      // Calls that arrive while the first one probes wait for its outcome instead of probing too.
      const results = await Promise.all(Array.from({ length: 5 }, (_, i) => score(backend, `${PROMPT.slice(0, -11)} ${i}\nJudgement:`)));
      for (const result of results) {
        assert.equal(result.scores, null);
        const reason = 'unavailable' in result ? result.unavailable : '';
        assert.match(reason, new RegExp(`^${fake.url}/completions does not return prompt logprobs: `));
        assert.match(reason, how === 'refused' ? /echo with logprobs was refused \(HTTP 400: Setting 'echo'.*prompt_logprobs was refused \(HTTP 400: Unrecognized request argument supplied: prompt_logprobs\)/ : /echo with logprobs returned no logprobs of the echoed prompt; prompt_logprobs returned no logprobs/);
      }
      assert.equal(fake.requests.length, 4, 'one probe per way, of both continuations at once');
      await score(backend, PROMPT);
      assert.equal(fake.requests.length, 4, 'no request once the server is known not to score prompts');
    });
  }

  it('says, for that call only, when the server merges the prompt\'s end with the continuation', async () => {
    const { backend } = await serve();
    const merged = await score(backend, PROMPT, ['Correct']);
    assert.equal(merged.scores, null);
    assert.match('unavailable' in merged ? merged.unavailable : '', /tokenizes the end of the prompt together with the start of "Correct"/);
    assert.ok((await score(backend, PROMPT)).scores, 'the next call scores');
  });

  it('keeps a context overflow a PromptTooLongError, not a sign that echo is unsupported', async () => {
    const { fake, backend } = await serve({ respond: (r) => (r.body.echo === true ? { status: 400, message: "This model's maximum context length is 4096 tokens." } : undefined) });
    const error = await backendRejection(score(backend, PROMPT));
    assert.ok(error instanceof PromptTooLongError, error.message);
    // Nothing was concluded from it (though prompt_logprobs answered, echo comes first): the next call asks echo again.
    const before = fake.requests.length;
    assert.ok((await backendRejection(score(backend, PROMPT))) instanceof PromptTooLongError);
    assert.ok(bodies(fake).slice(before).some((b) => b.echo === true), 'echo was not asked again');
  });

  it('probes again after a probe that failed for a passing reason', async () => {
    const { fake, backend } = await serve({ faults: [{ on: 1, kind: '503' }] });
    const error = await backendRejection(score(backend, PROMPT));
    assert.ok(error.retryable, error.message);
    assert.ok((await score(backend, PROMPT)).scores);
    assert.equal((fake.requests[1]?.body as Record<string, unknown>).echo, true);
  });

  it('fails clearly when a server that echoed logprobs stops doing so', async () => {
    let echoing = true;
    const { backend } = await serve({ respond: (r) => (echoing || r.body.echo !== true ? undefined : { rawBody: { choices: [{ index: 0, text: r.prompt, logprobs: null }] } }) });
    assert.ok((await score(backend, PROMPT)).scores);
    echoing = false;
    const error = await backendRejection(score(backend, PROMPT));
    assert.equal(error.failure, 'bad-answer');
    assert.match(error.message, /completions: echo with logprobs returned no logprobs of the echoed prompt, though earlier answers had them/);
  });

  const malformed: [string, (text: string) => FakeAnswer, RegExp][] = [
    ['offsets that are not numbers', (text) => ({ rawBody: { choices: [{ index: 0, text, logprobs: { tokens: ['a', ' b'], token_logprobs: [null, -1], text_offset: [0, '1'] } }] } }), /expected an integer offset >= 0 at choices\.0\.logprobs\.text_offset\.1, got a string/],
    ['fewer logprobs than tokens', (text) => ({ rawBody: { choices: [{ index: 0, text, logprobs: { tokens: ['a', ' b'], token_logprobs: [null], text_offset: [0, 1] } }] } }), /expected 2 entries, one per token at choices\.0\.logprobs\.token_logprobs/],
    ['a null logprob after the first token', (text) => ({ rawBody: { choices: [{ index: 0, text, logprobs: { tokens: ['a', ' b'], token_logprobs: [null, null], text_offset: [0, 1] } }] } }), /expected a number at choices\.0\.logprobs\.token_logprobs\.1, got null/],
    ['offsets going backwards', (text) => ({ rawBody: { choices: [{ index: 0, text, logprobs: { tokens: ['a', ' b'], token_logprobs: [null, -1], text_offset: [3, 1] } }] } }), /expected an integer offset >= 3 at choices\.0\.logprobs\.text_offset\.1/],
    ['no choices', () => ({ rawBody: { choices: [] } }), /expected an object at choices\.0, got undefined/],
  ];
  for (const [what, answer, message] of malformed) {
    it(`names the endpoint and the field when an echo answer has ${what}`, async () => {
      const { fake, backend } = await serve({ respond: (r) => (r.body.echo === true ? answer(r.prompt) : undefined) });
      const error = await backendRejection(score(backend, PROMPT));
      assert.equal(error.failure, 'bad-answer');
      assert.ok(error.message.startsWith(`${fake.url}/completions answered in an unexpected shape`), error.message);
      assert.match(error.message, message);
    });
  }

  it('names the field when a prompt_logprobs entry is malformed', async () => {
    const bad = { rawBody: { choices: [{ index: 0, text: 'x', prompt_logprobs: [null, { 17: { logprob: 'high', decoded_token: ' b' } }] }] } };
    const { backend } = await serve({ echo: 'refused', respond: (r) => ('prompt_logprobs' in r.body ? bad : undefined) });
    const error = await backendRejection(score(backend, PROMPT));
    assert.match(error.message, /expected a number at choices\.0\.prompt_logprobs\.1\.17\.logprob, got a string/);
  });

  it('treats prompt_logprobs entries listing other tokens besides the prompt\'s as unusable', async () => {
    const { backend } = await serve({
      echo: 'refused',
      respond: (r) => ('prompt_logprobs' in r.body ? { rawBody: { choices: [{ index: 0, text: 'x', prompt_logprobs: [null, { 1: { logprob: -1, decoded_token: ' b' }, 2: { logprob: -2, decoded_token: ' c' } }] }] } } : undefined),
    });
    const result = await score(backend, PROMPT);
    assert.equal(result.scores, null);
  });

  it('rejects an empty prompt or continuation without a request', async () => {
    const { fake, backend } = await serve();
    for (const [prompt, continuations] of [['', LABELS], [PROMPT, []], [PROMPT, ['']]] as const) {
      const error = await backendRejection(score(backend, prompt, [...continuations]));
      assert.ok(!error.retryable);
    }
    assert.equal(fake.requests.length, 0);
  });

  it('is not offered on the chat API, which has no prompt logprobs', async () => {
    const fake = await startFakeOpenAI();
    servers.push(fake);
    assert.equal(createOpenAIBackend({ baseUrl: fake.url, model: MODEL, api: 'chat' }).continuationLogprobs, undefined);
  });
});
