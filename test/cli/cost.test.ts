// Cost in a real CLI run against the real fake server (docs/cost.md): the estimate before it
// (and --estimate instead of it), the live spend, and --cost-limit stopping it cleanly, resumably.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers/cli';
import { assertCleanStderr, assertNoDuplicates, assertResumeHint, cleanEnv, isTaskRequest, readRecords, readRunJson, writeTasks } from '../helpers/runs';
import { startFakeOpenAI, type FakeOpenAI, type FakeUsage } from '../fixtures/openaiServer';

// Per token: 1 USD a prompt token, 0.5 a cached one, 2 a completion token: every spend is a whole number of cents.
const PRICES = { inputPerMTok: 1e6, cachedInputPerMTok: 0.5e6, outputPerMTok: 2e6 };

function costOf(u: FakeUsage | undefined): number {
  assert.ok(u, 'a request answered without usage');
  return (u.promptTokens - u.cachedTokens) * 1 + u.cachedTokens * 0.5 + u.completionTokens * 2;
}

/**
 * What a run's own requests cost: the capability probe before the run (a few one-token requests,
 * docs/providers.md) is not part of the live spend (docs/cost.md).
 */
function runCost(fake: FakeOpenAI): number[] {
  return fake.requests.filter(isTaskRequest).map((r) => costOf(r.usage));
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

describe('gaplens run: cost', function () {
  this.timeout(120000);
  let tmp: { dir: string; cleanup: () => void };
  let fake: FakeOpenAI;
  let env: NodeJS.ProcessEnv;
  let tasks: string;
  beforeEach(async () => {
    tmp = tempDir();
    fake = await startFakeOpenAI({ cachedTokens: () => 2 });
    const pricing = join(tmp.dir, 'pricing.json');
    writeFileSync(pricing, JSON.stringify({ currency: 'USD', note: 'test prices', models: [{ model: 'fake', ...PRICES }] }, null, 2));
    env = cleanEnv(tmp.dir, { GAPLENS_PRICING: pricing });
    tasks = join(tmp.dir, 'tasks.jsonl');
    writeTasks(tasks, 6);
  });
  afterEach(async () => {
    await fake.close();
    tmp.cleanup();
  });

  const runArgs = (out: string, ...more: string[]): string[] => ['run', '--tasks', tasks, '--model', `openai:fake@${fake.url}`, '-n', '2', '--out', out, '--no-cache', ...more];

  it('prints the estimate, then the live spend, which is the usage the server reported times the prices', async () => {
    const out = join(tmp.dir, 'run');
    const res = await runCli(runArgs(out, '--verifier', 'mc,cot-score'), { env });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /gaplens: estimate for 6 tasks × 2 samples on openai:fake@\S+ — upper bounds, without retries:\n/);
    assert.match(res.stderr, /gaplens: {3}cost ≤ \d+\.\d\d USD at the prices of \S+pricing\.json\n/);
    const spent = sum(runCost(fake));
    assert.ok(res.stderr.includes(`gaplens: spent ${spent.toFixed(2)} USD\n`), `no "spent ${spent.toFixed(2)} USD" in: ${res.stderr}`);
    // The progress line shows it as it goes; at 100 % it is the whole.
    const shown = [...res.stderr.matchAll(/gap check: .* spent (\d+\.\d\d) USD\n/g)].map((m) => Number(m[1]));
    assert.ok(shown.length >= 2, res.stderr);
    assert.ok(shown.every((s, i) => i === 0 || s >= (shown[i - 1] as number)));
    assert.equal(shown.at(-1), spent);
    // The bound holds.
    const bound = Number(/cost ≤ (\d+\.\d\d) USD/.exec(res.stderr)?.[1]);
    assert.ok(spent <= bound, `spent ${spent} over the bound ${bound}`);
  });

  it("a reasoning model's reasoning tokens are priced as completion tokens, in the live spend and within the estimate's bound", async () => {
    await fake.close();
    fake = await startFakeOpenAI({ provider: 'reasoning' });
    const res = await runCli(runArgs(join(tmp.dir, 'run'), '--api', 'chat', '--verifier', 'cot-score'), { env });
    assert.equal(res.code, 0, res.stderr);
    const own = fake.requests.filter(isTaskRequest);
    const reasoning = sum(own.map((r) => r.usage?.reasoningTokens ?? 0));
    assert.ok(reasoning > 0, 'the server reported no reasoning tokens');
    // completion_tokens holds the reasoning tokens (OpenAI bills them as output): priced at 2 each.
    const spent = sum(runCost(fake));
    assert.ok(res.stderr.includes(`gaplens: spent ${spent.toFixed(2)} USD\n`), `no "spent ${spent.toFixed(2)} USD" in: ${res.stderr}`);
    const bound = Number(/cost ≤ (\d+\.\d\d) USD/.exec(res.stderr)?.[1]);
    assert.ok(spent <= bound, `spent ${spent} over the bound ${bound}`);
  });

  it('--cost-limit stops cleanly at the limit, no request after, exit 3; a resume with a new limit completes the run', async () => {
    const out = join(tmp.dir, 'run');
    const limit = 600;
    // One call at a time, one request per call: the stop can be checked to the request.
    const res = await runCli(runArgs(out, '--verifier', 'cot-score', '--concurrency', '1', '--cost-limit', String(limit)), { env });
    assert.equal(res.code, 3, res.stderr);
    assertCleanStderr(res.stderr);
    assert.match(res.stderr, new RegExp(`gaplens: stopped at the cost limit \\(--cost-limit\\): spent \\d+\\.\\d\\d USD, the limit is ${limit} USD; everything finished so far is saved in ${out}; continue with: gaplens run --resume ${out} --cost-limit AMOUNT \\(a resume counts its spend from zero\\)\\n$`));
    assertResumeHint(res.stderr, out);
    const costs = runCost(fake);
    const before = sum(costs.slice(0, -1));
    const total = before + (costs.at(-1) ?? 0);
    assert.ok(before < limit && total >= limit, `the last request (${fake.requests.length}) should be the one that reached ${limit}: ${before} then ${total}`);
    assert.ok(res.stderr.includes(`spent ${total.toFixed(2)} USD, the limit`), res.stderr);
    assert.equal(readRunJson(out).completedAt, undefined);
    const kept = readRecords(out);
    assert.ok(kept.length > 0 && kept.length < 6 * 2 * 2, `${kept.length} records`);
    assertNoDuplicates(kept);

    const resumed = await runCli(['run', '--resume', out, '--no-cache', '--cost-limit', '100000'], { env });
    assert.equal(resumed.code, 0, resumed.stderr);
    // The resume's estimate is of what is left: no generation call for a task that has its samples.
    const generated = new Set(kept.filter((r) => r.type === 'generation').map((r) => r.task)).size;
    assert.match(resumed.stderr, new RegExp(`gaplens: {3}generation {2}${6 - generated} calls? \\(≤ ${2 * (6 - generated)} requests\\)`));
    assert.ok(readRunJson(out).completedAt);
    assertNoDuplicates(readRecords(out));
    assert.equal(readRecords(out).length, 6 * 2 * 2);
  });

  it('--estimate prints the estimate and exits: no folder, no request; with --json on stdout', async () => {
    const out = join(tmp.dir, 'run');
    const runsDir = join(tmp.dir, 'runs');
    const res = await runCli([...runArgs(out, '--verifier', 'mc,tournament'), '--estimate'], { env });
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, '');
    assert.match(res.stderr, /^gaplens: estimate for 6 tasks × 2 samples on openai:fake@\S+ — upper bounds, without retries:\ngaplens: {3}generation {2}6 calls \(≤ 12 requests\), ≤ [\d,]+ prompt \+ ≤ 6,144 completion tokens\ngaplens: {3}mc {10}12 calls \(≤ 38 requests\)/);
    const json = await runCli([...runArgs(out, '--verifier', 'mc,tournament', '--runs-dir', runsDir), '--estimate', '--json'].filter((a) => a !== '--out' && a !== out), { env });
    assert.equal(json.code, 0, json.stderr);
    const parsed = JSON.parse(json.stdout) as { estimate: { stages: { stage: string; calls: number; maxPromptTokens: number; maxCompletionTokens: number }[] }; cost: { total: number; currency: string } };
    assert.deepEqual(parsed.estimate.stages.map((s) => [s.stage, s.calls]), [['generation', 6], ['mc', 12], ['tournament', 6]]);
    const tokens = parsed.estimate.stages.reduce((sum, s) => sum + s.maxPromptTokens + 2 * s.maxCompletionTokens, 0);
    assert.deepEqual([parsed.cost.total, parsed.cost.currency], [tokens, 'USD']);
    assert.equal(fake.counters.requests, 0);
    assert.ok(!existsSync(out) && !existsSync(runsDir));
  });

  it('--cost-limit for a model without a price is a usage error before anything is created', async () => {
    const out = join(tmp.dir, 'run');
    const res = await runCli(runArgs(out, '--cost-limit', '5'), { env: { ...env, GAPLENS_PRICING: join(tmp.dir, 'none.json') } });
    assert.equal(res.code, 2, res.stderr);
    assert.equal(res.stderr, `gaplens: --cost-limit needs the price of every model the run calls, and there is no pricing file (${join(tmp.dir, 'none.json')}); add an entry (docs/cost.md) or leave the limit out\n`);
    for (const bad of ['0', '-1', 'ten']) {
      const refused = await runCli(runArgs(out, '--cost-limit', bad), { env });
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, /--cost-limit/);
    }
    assert.equal(fake.counters.requests, 0);
    assert.ok(!existsSync(out));
    assert.deepEqual(readdirSync(tmp.dir).sort(), ['no-config.json', 'pricing.json', 'tasks.jsonl'].filter((f) => existsSync(join(tmp.dir, f))).sort());
  });

  it('a server that does not report usage makes the spend unknown, and a cost limit stop the run before the next call', async () => {
    await fake.close();
    // Answers without a "usage" field, as some servers give.
    fake = await startFakeOpenAI({ respond: (req) => ({ rawBody: { choices: Array.from({ length: req.n }, (_, i) => ({ index: i, text: ' 42', finish_reason: 'stop' })) } }) });
    const plain = await runCli(runArgs(join(tmp.dir, 'plain'), '--verifier', 'cot-score'), { env });
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stderr, /\ngaplens: cost unknown: openai:fake@\S+ answered without saying how many tokens it used\n/);
    assert.doesNotMatch(plain.stderr, /spent/);

    const out = join(tmp.dir, 'limited');
    const requests = fake.requests.filter(isTaskRequest).length;
    const limited = await runCli(runArgs(out, '--verifier', 'cot-score', '--concurrency', '1', '--cost-limit', '100'), { env });
    assert.equal(limited.code, 1, limited.stderr);
    assert.match(limited.stderr, /gaplens: the cost limit cannot be kept: openai:fake@\S+ answered without saying how many tokens it used; run without a cost limit\n/);
    assertResumeHint(limited.stderr, out);
    assert.equal(fake.requests.filter(isTaskRequest).length, requests + 1, 'one call, then the stop');
  });

  it('a malformed pricing file stops the run before anything is created, naming the file, the line and the field', async () => {
    const pricing = join(tmp.dir, 'pricing.json');
    writeFileSync(pricing, '{\n  "currency": "USD",\n  "models": [\n    {"model": "fake", "inputPerMTok": 1, "outputPerMTok": "2"}\n  ]\n}\n');
    const out = join(tmp.dir, 'run');
    const res = await runCli(runArgs(out), { env });
    assert.equal(res.code, 1, res.stderr);
    assert.equal(res.stderr, `gaplens: the pricing file has a problem (docs/cost.md):\n${pricing}:4: "models[0].outputPerMTok" must be a price per million tokens, a number ≥ 0 (got "2")\n`);
    assert.ok(!existsSync(out));
  });
});
