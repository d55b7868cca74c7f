// The capability probe against the real fake server (docs/providers.md, "Capabilities"): what it
// concludes from each kind of server, and how few requests it spends.
import assert from 'node:assert/strict';
import { BackendError } from '../../../src/core/llm/backend';
import { probeCapabilities, type ProbeOutcome } from '../../../src/core/llm/openaiCapabilityProbe';
import { openOpenAIEndpoint } from '../../../src/core/llm/openaiEndpoint';
import type { FakeOpenAI, FakeOpenAIOptions } from '../../fixtures/openaiServer';
import { fakeServersPerTest } from '../../helpers/fakeServers';
import { capabilities } from './capabilityFixtures';

describe('openaiCapabilityProbe', () => {
  const servers = fakeServersPerTest();

  async function probe(opts: FakeOpenAIOptions, api: 'chat' | 'completions'): Promise<{ outcome: ProbeOutcome; fake: FakeOpenAI }> {
    const fake = await servers.serve(opts);
    const endpoint = openOpenAIEndpoint({ baseUrl: fake.url, model: 'm', api });
    try {
      return { outcome: await probeCapabilities(endpoint, { now: () => new Date('2026-12-01T00:00:00Z') }), fake };
    } finally {
      endpoint.close();
    }
  }
  const capsOf = (outcome: ProbeOutcome) => {
    assert.ok('capabilities' in outcome, JSON.stringify(outcome));
    return outcome.capabilities;
  };

  it('a server that takes everything: one combined request, then together one with reasoning_effort and one each way of prompt logprobs (completions)', async () => {
    const { outcome, fake } = await probe({}, 'completions');
    assert.deepEqual(capsOf(outcome), capabilities(`openai:completions:m@${fake.url}`));
    const [combined, ...rest] = fake.requests.map((r) => r.body as Record<string, unknown>);
    assert.equal(fake.requests.length, 4);
    assert.deepEqual([combined?.max_tokens, combined?.temperature, combined?.top_p, combined?.n, combined?.logprobs], [1, 0.5, 0.5, 2, 20]);
    assert.deepEqual(rest.map((b) => ('reasoning_effort' in b ? `reasoning_effort=${String(b.reasoning_effort)}` : 'echo' in b ? 'echo' : 'prompt_logprobs' in b ? 'prompt_logprobs' : '?')).sort(), ['echo', 'prompt_logprobs', 'reasoning_effort=low']);
  });

  it('costs two round trips: what follows the combined request is in flight at once, also the n asked again', async () => {
    const { outcome, fake } = await probe({ latencyMs: 100, ignoreN: true }, 'completions');
    assert.equal(capsOf(outcome).n, false);
    // n again, reasoning_effort, echo and prompt_logprobs: one after another, one would be in flight at a time.
    assert.equal(fake.counters.maxInFlight, 4);
    assert.equal(fake.requests.length, 5);
  });

  it('a request of the second round that fails stops the others, even one waiting to be asked again, and its error is the one reported', async () => {
    // echo fails for a passing reason, with a long wait before it may be asked again; reasoning_effort, asked again sooner, then fails for good.
    let efforts = 0;
    const fake = await servers.serve({
      respond: (req) => {
        if ('echo' in req.body) return { status: 503, message: 'busy', headers: { 'retry-after-ms': '15000' } };
        if ('reasoning_effort' in req.body) return efforts++ === 0 ? { status: 503, message: 'busy', headers: { 'retry-after-ms': '100' } } : { status: 401, message: 'no effort for this key' };
        return undefined;
      },
    });
    const endpoint = openOpenAIEndpoint({ baseUrl: fake.url, model: 'm', api: 'completions' });
    const started = performance.now();
    try {
      await assert.rejects(probeCapabilities(endpoint), (err: Error) => err instanceof BackendError && /no effort for this key/.test(err.message));
    } finally {
      endpoint.close();
    }
    assert.ok(performance.now() - started < 5000, 'the echo request waited out its retry-after instead of stopping');
    assert.equal(fake.requests.filter((r) => 'echo' in (r.body as Record<string, unknown>)).length, 1, 'echo was asked again after the probe failed');
  });

  it('on chat: two requests, and prompt logprobs are not asked for', async () => {
    const { outcome, fake } = await probe({}, 'chat');
    assert.equal(capsOf(outcome).promptLogprobs, null);
    assert.equal(fake.requests.length, 2);
    assert.deepEqual([(fake.requests[0]?.body as Record<string, unknown>).logprobs, (fake.requests[0]?.body as Record<string, unknown>).top_logprobs], [true, 20]);
  });

  it('a reasoning model: renames the budget, drops temperature, top_p and logprobs one refusal at a time, keeping the server\'s words', async () => {
    const { outcome, fake } = await probe({ provider: 'reasoning' }, 'chat');
    const caps = capsOf(outcome);
    assert.deepEqual([caps.tokenLimitParameter, caps.temperature, caps.topP, caps.topLogprobs, caps.n, caps.reasoningEffort], ['max_completion_tokens', false, false, null, true, true]);
    assert.match(caps.said.temperature ?? '', /^HTTP 400: Unsupported value: 'temperature' does not support 0\.5/);
    assert.equal(fake.requests.filter((r) => r.status === 400).length, 4);
  });

  it('the completions endpoint of a chat model: the API is refused, nothing else probed', async () => {
    const { outcome, fake } = await probe({ provider: 'reasoning' }, 'completions');
    assert.ok('apiRefused' in outcome);
    assert.match(outcome.apiRefused, /\/v1\/completions answered HTTP 404: This is a chat model/);
    assert.equal(fake.requests.length, 1);
  });

  it('a refused top_logprobs count: the limit the message states; without one, 5 then 1', async () => {
    assert.equal(capsOf((await probe({ maxTopLogprobs: 8 }, 'chat')).outcome).topLogprobs, 8);
    const unstated = await probe({ respond: (req) => ((req.topLogprobs ?? 0) > 5 ? { status: 400, message: 'logprobs: too many' } : undefined) }, 'completions');
    assert.equal(capsOf(unstated.outcome).topLogprobs, 5);
  });

  it('n ignored: concluded only when a second request is answered with one choice too', async () => {
    const ignoring = capsOf((await probe({ ignoreN: true }, 'chat')).outcome);
    assert.equal(ignoring.n, false);
    assert.match(ignoring.said.n ?? '', /answered n=2 with 1 choice, twice: it ignores n/);
    let short = true;
    const once = await probe({ respond: (req) => (req.n > 1 && short ? ((short = false), { rawBody: { choices: [{ index: 0, message: { role: 'assistant', content: 'OK' }, finish_reason: 'stop' }] } }) : undefined) }, 'chat');
    assert.equal(capsOf(once.outcome).n, true);
  });

  it('a refusal it cannot pin on a parameter fails the probe with the server\'s words; a passing failure is asked again', async () => {
    await assert.rejects(probe({ respond: () => ({ status: 400, message: 'Organization has no access to this model.' }) }, 'chat'), (err: unknown) => err instanceof BackendError && err.failure === 'fatal' && /Organization has no access/.test(err.message));
    const flaky = await probe({ faults: [{ on: 1, kind: '503' }] }, 'chat');
    assert.equal(capsOf(flaky.outcome).topLogprobs, 20);
    assert.equal(flaky.fake.requests.length, 3);
  });
});
