// What a run does with what its endpoint accepts (docs/providers.md, "Capabilities"): probed before
// the first call, recorded in run.json, requests worded for it, a verifier it cannot serve refused
// before anything exists, the capability cache. Real HTTP through the built CLI and the real SDK,
// against the fake server playing a reasoning model and Anthropic's OpenAI-compatible layer.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EndpointCapabilities } from '../../src/core/runs/endpointCapabilities';
import { readRun } from '../../src/core/runs/runStore';
import { runCli, tempDir } from '../helpers/cli';
import { assertCleanStderr, cleanEnv, dropVerifications, isTaskRequest, writeTasks } from '../helpers/runs';
import { fakeServersPerTest } from '../helpers/fakeServers';

const TASKS = 3;
const N = 2;

describe('endpoint capabilities in a run', function () {
  this.timeout(120000);
  let tmp: { dir: string; cleanup: () => void };
  let tasks: string;
  let runs = 0;
  const { serve, close } = fakeServersPerTest();
  before(() => {
    tmp = tempDir();
    tasks = join(tmp.dir, 'tasks.jsonl');
    writeTasks(tasks, TASKS);
  });
  after(() => tmp.cleanup());

  const env = (): NodeJS.ProcessEnv => cleanEnv(tmp.dir, { GAPLENS_CACHE_DIR: join(tmp.dir, 'cache') });
  async function run(model: string, extra: string[]): Promise<{ code: number | null; stderr: string; stdout: string; out: string }> {
    const out = join(tmp.dir, `run-${++runs}`);
    const res = await runCli(['run', '--tasks', tasks, '--model', model, '-n', String(N), '--out', out, '--no-cache', ...extra], { env: env() });
    return { ...res, out };
  }

  it('a reasoning model runs a full gap check with the CoT and tournament verifiers, worded for it and saying what it was not sent', async () => {
    const fake = await serve({ provider: 'reasoning' });
    const model = `openai:o-fake@${fake.url}`;
    const res = await run(model, ['--api', 'chat', '--verifier', 'cot-score,cot-binary,tournament']);
    assert.equal(res.code, 0, res.stderr);
    assertCleanStderr(res.stderr);
    assert.match(res.stderr, /temperature and top-p are not sent, since the endpoint refuses them/);
    assert.match(res.stderr, /token budgets go in max_completion_tokens/);

    const own = fake.requests.filter(isTaskRequest);
    assert.ok(own.length > 0);
    for (const r of own) {
      const body = r.body as Record<string, unknown>;
      assert.deepEqual([body.max_tokens, body.temperature, body.top_p, body.logprobs], [undefined, undefined, undefined, undefined], JSON.stringify(body));
      assert.equal(typeof body.max_completion_tokens, 'number');
      assert.equal(r.status, 200);
    }
    const data = await readRun(res.out);
    const caps = data.manifest.capabilities?.[model] as EndpointCapabilities;
    assert.equal(caps.tokenLimitParameter, 'max_completion_tokens');
    assert.deepEqual([caps.temperature, caps.topP, caps.topLogprobs], [false, false, null]);
    assert.ok(data.manifest.completedAt);
    assert.ok([...data.generations.values()].every(({ usage }) => usage?.reasoningTokens !== undefined && usage.reasoningTokens > 0 && usage.completionTokens >= usage.reasoningTokens));
    for (const byVerifier of data.verifications.values()) assert.deepEqual([...byVerifier.keys()].sort(), ['cot-binary', 'cot-score', 'tournament']);

    // The report does not claim the sampling settings the endpoint was never sent.
    const text = await runCli(['report', res.out], { env: env() });
    assert.match(text.stdout, /sampling temperature not sent \(the endpoint refuses it; its own applied\), top-p not sent .*max tokens 512 \(as max_completion_tokens\)/);
    const json = JSON.parse((await runCli(['report', res.out, '--json'], { env: env() })).stdout) as { samplingNotSent?: Record<string, string[]> };
    assert.deepEqual(json.samplingNotSent, { [model]: ['temperature', 'top-p'] });
  });

  it('mc on a reasoning model is refused before the run: the capability, the alternatives, exit 2, nothing created, no task sent', async () => {
    const fake = await serve({ provider: 'reasoning' });
    const model = `openai:o-fake@${fake.url}`;
    const res = await run(model, ['--api', 'chat', '--verifier', 'mc,cot-score']);
    assert.equal(res.code, 2, res.stderr);
    assertCleanStderr(res.stderr);
    assert.match(res.stderr, /cannot serve this verifier: mc: the endpoint returns no logprobs \(HTTP 400: Unsupported parameter: 'logprobs' is not supported with this model\.\)\. Pick a verifier that samples instead: cot-score, cot-binary, tournament/);
    assert.match(res.stderr, /gaplens doctor openai:o-fake@/);
    assert.equal(existsSync(res.out), false, 'the run folder was created');
    assert.ok(!fake.requests.some(isTaskRequest), 'a task was sent');
  });

  it("a verifier model's own capabilities decide its verifiers: mc by a model without logprobs is refused, mc by one with them verifies a generator without", async () => {
    const plain = await serve();
    const reasoning = await serve({ provider: 'reasoning' });
    const withLogprobs = `openai:fake@${plain.url}`;
    const without = `openai:o-fake@${reasoning.url}`;
    const refused = await run(withLogprobs, ['--api', 'chat', '--verifier-model', without, '--verifier', 'mc']);
    assert.equal(refused.code, 2, refused.stderr);
    assertCleanStderr(refused.stderr);
    assert.ok(refused.stderr.includes(`${without} cannot serve this verifier: mc@`), refused.stderr);
    assert.match(refused.stderr, /: the endpoint returns no logprobs \(HTTP 400: Unsupported parameter: 'logprobs'/);
    assert.equal(existsSync(refused.out), false, 'the run folder was created');
    assert.ok(![...plain.requests, ...reasoning.requests].some(isTaskRequest), 'a task was sent');

    const crossed = await run(without, ['--api', 'chat', '--verifier-model', withLogprobs, '--verifier', 'mc']);
    assert.equal(crossed.code, 0, crossed.stderr);
    const data = await readRun(crossed.out);
    assert.ok(data.manifest.completedAt);
    assert.deepEqual(Object.keys(data.manifest.capabilities ?? {}).sort(), [withLogprobs, without].sort(), 'both models probed and recorded');
    assert.equal(data.manifest.capabilities?.[without]?.topLogprobs, null);
    assert.equal(data.verifications.size, TASKS * N);
  });

  it('the completions API of a chat-only model is refused before the run, naming the chat API', async () => {
    const fake = await serve({ provider: 'reasoning' });
    const res = await run(`openai:o-fake@${fake.url}`, ['--verifier', 'cot-score']);
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /does not serve the completions API \(.*HTTP 404: This is a chat model.*\): use the chat API \(--api chat/);
    assert.equal(existsSync(res.out), false);
  });

  it("Anthropic's layer: one sample per request, CoT verifiers run, mc refused up front with the reason", async () => {
    const fake = await serve({ provider: 'anthropic' });
    const model = `openai:claude-fake@${fake.url}`;
    const refused = await run(model, ['--api', 'chat', '--verifier', 'mc']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /mc: the endpoint returns no logprobs \(answered without logprobs: it drops them silently\)/);

    const res = await run(model, ['--api', 'chat', '--verifier', 'cot-binary,cot-score']);
    assert.equal(res.code, 0, res.stderr);
    const own = fake.requests.filter(isTaskRequest);
    assert.ok(own.every((r) => r.status === 200 && ((r.body as { n?: number }).n ?? 1) === 1), 'a request asked for several choices');
    assert.equal(own.filter((r) => (r.body as { messages: { content: string }[] }).messages[0]?.content.includes('Answer')).length >= TASKS * N, true);
    const data = await readRun(res.out);
    assert.equal(data.generations.size, TASKS * N);
    assert.equal(data.manifest.capabilities?.[model]?.n, false);
  });

  it('keeps a probe for the next runs; --refresh-capabilities probes again; --no-cache neither reads nor writes it', async () => {
    const fake = await serve();
    const model = `openai:fake@${fake.url}`;
    const cached = ['--verifier', 'mc', '--cache', join(tmp.dir, 'responses')];
    const probes = (): number => fake.requests.filter((r) => !isTaskRequest(r)).length;

    assert.equal((await run(model, ['--verifier', 'mc'])).code, 0);
    assert.equal(existsSync(join(tmp.dir, 'cache', 'capabilities')), false, '--no-cache wrote the capability cache');
    const afterNoCache = probes();
    assert.equal(afterNoCache, 4, 'one combined request, then reasoning_effort, echo and prompt_logprobs');

    const first = await runCli(['run', '--tasks', tasks, '--model', model, '-n', '1', '--out', join(tmp.dir, 'c1'), ...cached], { env: env() });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(probes(), 2 * afterNoCache);
    assert.equal(readdirSync(join(tmp.dir, 'cache', 'capabilities')).filter((f) => f.endsWith('.json')).length, 1);
    const second = await runCli(['run', '--tasks', tasks, '--model', model, '-n', '1', '--out', join(tmp.dir, 'c2'), ...cached], { env: env() });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(probes(), 2 * afterNoCache, 'the cached probe was not used');
    const refreshed = await runCli(['run', '--tasks', tasks, '--model', model, '-n', '1', '--out', join(tmp.dir, 'c3'), '--refresh-capabilities', ...cached], { env: env() });
    assert.equal(refreshed.code, 0, refreshed.stderr);
    assert.equal(probes(), 3 * afterNoCache);
  });

  it('a resume records the probe, and refuses when the endpoint now refuses a sampling setting it took', async () => {
    const first = await serve();
    const port = Number(new URL(first.url).port);
    const model = `openai:fake@${first.url}`;
    const made = await run(model, ['--verifier', 'mc']);
    assert.equal(made.code, 0, made.stderr);
    assert.equal((await readRun(made.out)).manifest.capabilities?.[model]?.temperature, true);
    dropVerifications(made.out);
    await close(first);

    const refusing = await serve({
      port,
      respond: (req) => (req.body.temperature !== undefined && req.body.temperature !== 0 ? { status: 400, message: "Unsupported value: 'temperature' does not support this value." } : undefined),
    });
    const resumed = await runCli(['run', '--resume', made.out, '--no-cache', '--model', model], { env: env() });
    assert.equal(resumed.code, 1, resumed.stderr);
    assert.match(resumed.stderr, /refused nothing of the run's sampling settings when the run was probed .* and refuses temperature now/);
    assert.ok(!refusing.requests.some(isTaskRequest), 'a task was sent');
    assert.equal(existsSync(join(made.out, 'run.lock')), false, 'the lock was left behind');
  });
});
