// --executor batch end to end: the built CLI as a child process, the real openai SDK in it, the fake
// Files and Batches endpoints (test/fixtures/batchApi.ts) in this process.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBatchState } from '../../src/core/batch/batchState';
import { readRun } from '../../src/core/runs/runStore';
import { sampleKey } from '../../src/core/runs/sampleKey';
import type { FakeBatchOptions, FakeBatchPlan } from '../fixtures/batchApi';
import { runCli, tempDir } from '../helpers/cli';
import { BATCH, N, recordSet, runArgs, submissions } from '../helpers/batchRuns';
import { fakeServersPerTest } from '../helpers/fakeServers';
import { assertCleanStderr, cleanEnv, readRecords, writeTasks } from '../helpers/runs';
import { moneyText } from '../../src/core/cost/costText';

const TASKS = 4;

describe('gaplens run --executor batch', function () {
  this.timeout(120000);
  const servers = fakeServersPerTest();
  let dir: string;
  let cleanup: () => void;
  let tasks: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    tasks = join(dir, 'tasks.jsonl');
    writeTasks(tasks, TASKS);
    env = cleanEnv(dir);
  });
  afterEach(() => cleanup());

  async function online(verifiers: string): Promise<string[]> {
    const fake = await servers.serve();
    const out = join(dir, 'online');
    const res = await runCli(runArgs(fake, tasks, out, verifiers), { env });
    assert.equal(res.code, 0, res.stderr);
    return recordSet(out);
  }

  async function batch(verifiers: string, opts: FakeBatchOptions = {}, extra: string[] = []) {
    const fake = await servers.serve({ batch: opts });
    const out = join(dir, 'batch');
    const res = await runCli(runArgs(fake, tasks, out, verifiers, [...BATCH, ...extra]), { env });
    return { fake, out, res };
  }

  it('runs generation, mc, cot-score and the tournament in phases, with exactly the records of an online run', async () => {
    const verifiers = 'mc,cot-score,tournament';
    const expected = await online(verifiers);
    const pricing = join(dir, 'pricing.json');
    writeFileSync(pricing, JSON.stringify({ currency: 'USD', models: [{ model: 'fake-model', inputPerMTok: 2, outputPerMTok: 8, batchDiscount: 0.5 }] }));
    env = { ...env, GAPLENS_PRICING: pricing };
    const { fake, out, res } = await batch(verifiers);
    assert.equal(res.code, 0, res.stderr);
    assertCleanStderr(res.stderr);
    assert.deepEqual(await recordSet(out), expected);
    // No task's call went online: the only online requests are the capability probe's.
    assert.deepEqual(fake.requests.filter((r) => r.path.endsWith('completions') && JSON.stringify(r.body).includes('Variant')), []);
    // Every request in exactly one batch; phases: generation, then mc + cot-score + round 1, then round 2 of 4 samples.
    assert.ok([...submissions(fake).values()].every((n) => n === 1));
    const state = await readBatchState(out);
    assert.deepEqual([...new Set(state?.shards.map((s) => s.phase))], [1, 2, 3]);
    assert.ok(state?.shards.every((s) => s.status === 'completed' && s.requests <= 7 && s.results !== undefined));
    assert.deepEqual(state?.shards.filter((s) => s.phase === 1).reduce((n, s) => n + (s.stages.generation ?? 0), 0), TASKS);
    // The progress says the phases and their shards.
    assert.match(res.stderr, /batch phase 1 \(generation 4\): shards 0 to submit, 0 submitted, 0 in progress, 1 done, 0 failed; 4\/4 requests done/);
    assert.match(res.stderr, /batch phase 2 \(mc 16, cot-score 16, tournament 8\)/);
    assert.match(res.stderr, /batch phase 3 \(tournament 4\)/);
    // Priced at half the file's prices, from the usage the downloaded answers report.
    const usage = (state?.shards ?? []).reduce((t, s) => ({ p: t.p + (s.usage?.promptTokens ?? 0), c: t.c + (s.usage?.completionTokens ?? 0) }), { p: 0, c: 0 });
    assert.ok(usage.p > 0 && usage.c > 0);
    const cost = ((usage.p * 2 + usage.c * 8) / 1e6) * 0.5;
    assert.match(res.stderr, new RegExp(`batches so far ${moneyText(cost, 'USD').replace('.', '\\.')} at batch prices\n`));
    // The estimate is at the batch prices too, and nothing but the batches is said to be spent.
    assert.match(res.stderr, /cost ≤ \S+ USD at the prices of/);
    assert.doesNotMatch(res.stderr, /gaplens: spent /);
    const report = await runCli(['report', out, '--json'], { env });
    assert.equal(report.code, 0, report.stderr);
    const batchJson = (JSON.parse(report.stdout) as { batch: { phase: number; shards: Record<string, number>; requests: Record<string, number>; spend: { total: number } } }).batch;
    assert.equal(batchJson.phase, 3);
    assert.deepEqual(batchJson.shards, { toSubmit: 0, submitted: 0, inProgress: 0, done: 1, failed: 0 });
    assert.deepEqual(batchJson.requests, { total: 4, done: 4 });
    assert.ok(Math.abs(batchJson.spend.total - cost) < 1e-12);
  });

  it('takes results out of order and repeated, and asks again only for the lines that failed or never ran', async () => {
    const expected = await online('mc');
    const plans: Record<number, FakeBatchPlan> = {
      1: { reversed: true, duplicated: true },
      2: { end: 'expired', answered: 3 },
      3: { errorStatus: (_id, line) => (line === 2 ? 500 : undefined) },
    };
    const { fake, out, res } = await batch('mc', { plan: (k) => plans[k], pollsPerStatus: 3 });
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(await recordSet(out), expected);
    const created = fake.batches?.batches ?? [];
    const again = [...submissions(fake)].filter(([, n]) => n > 1).map(([id]) => id).sort();
    const expiredLines = (created[1]?.customIds ?? []).slice(3);
    const failedLine = created[2]?.customIds[1] as string;
    assert.deepEqual(again, [...expiredLines, failedLine].sort());
    assert.ok([...submissions(fake).values()].every((n) => n <= 2));
  });

  it('a request that keeps failing becomes its samples’ failure after --retries more batches; the rest of the run goes on', async () => {
    const failing = (_id: string, _line: number, body: Record<string, unknown>): number | undefined => (JSON.stringify(body).includes('Variant 0:') && body.n === N ? 503 : undefined);
    const { fake, out, res } = await batch('mc', { plan: () => ({ errorStatus: failing }) }, ['--retries', '2']);
    assert.equal(res.code, 1, res.stderr);
    assert.match(res.stderr, /4 sample stages failed at the model call/);
    const run = await readRun(out);
    assert.deepEqual([...run.failures.keys()].sort(), [0, 1, 2, 3].map((i) => sampleKey('q0', i)).sort());
    assert.equal(run.generations.size, (TASKS - 1) * N);
    assert.equal(run.verifications.size, (TASKS - 1) * N);
    // Its first batch and two more; every other request once.
    assert.deepEqual([...submissions(fake).values()].filter((n) => n > 1), [3]);
    // Each failure recorded once, whatever the number of phases after it.
    assert.equal(readRecords(out).filter((r) => r.type === 'failure').length, N);
  });

  it('a batch that fails stops the run with the API’s reason; the resume submits its requests again', async () => {
    const expected = await online('mc');
    const { fake, out, res } = await batch('mc', { plan: (k) => (k === 1 ? { end: 'failed' } : undefined) });
    assert.equal(res.code, 1);
    assertCleanStderr(res.stderr);
    assert.match(res.stderr, /a batch failed: batch-\d+ \(shard 0001\): invalid_request: the plan says this batch fails\. A resume submits their requests again\./);
    assert.match(res.stderr, new RegExp(`gaplens run --resume ${out}`));
    const resumed = await runCli(['run', '--resume', out, ...BATCH, '--no-cache'], { env });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(await recordSet(out), expected);
    assert.ok([...submissions(fake).values()].every((n) => n === 2 || n === 1));
  });

  it('waits for slow batches and slow polls past --timeout-ms: the per-call timeout is for online calls', async () => {
    const expected = await online('mc');
    // Every Files/Batches answer takes 400 ms and each batch needs 3 polls per status: a batch's
    // wait is seconds, each poll longer than the 250 ms each online call is given.
    const { fake, out, res } = await batch('mc', { answerDelayMs: 400, pollsPerStatus: 3 }, ['--timeout-ms', '250']);
    assert.equal(res.code, 0, res.stderr);
    assertCleanStderr(res.stderr);
    assert.deepEqual(await recordSet(out), expected);
    assert.ok((fake.batches?.calls.retrieve ?? 0) >= 9 * (fake.batches?.batches.length ?? 0));
    assert.ok([...submissions(fake).values()].every((n) => n === 1));
  });

  it('Azure OpenAI: files and batches at the resource’s /openai paths with api-version and api-key, lines naming the deployment; the records of an online Azure run', async () => {
    const azureEnv = { ...env, OPENAI_API_KEY: 'azure-key-7', OPENAI_API_VERSION: '2024-10-21' };
    const args = (fake: { origin: string }, out: string, extra: string[] = []): string[] =>
      ['run', '--tasks', tasks, '--model', `azure:gpt-4o-mini@${fake.origin}`, '--api', 'chat', '-n', String(N), '--verifier', 'mc', '--seed', '3', '--max-tokens', '32', '--verifier-max-tokens', '32', '--no-cache', '--out', out, ...extra];
    const reference = await servers.serve({ apiKey: 'azure-key-7', models: ['gpt-4o-mini'] });
    const online = await runCli(args(reference, join(dir, 'online')), { env: azureEnv });
    assert.equal(online.code, 0, online.stderr);

    const fake = await servers.serve({ apiKey: 'azure-key-7', models: ['gpt-4o-mini'], batch: {} });
    const out = join(dir, 'azure');
    const res = await runCli(args(fake, out, BATCH), { env: azureEnv });
    assert.equal(res.code, 0, res.stderr);
    assertCleanStderr(res.stderr);
    assert.deepEqual(await recordSet(out), await recordSet(join(dir, 'online')));
    const management = fake.requests.filter((r) => /^\/openai\/(files|batches)/.test(r.path));
    assert.ok(management.length > 0);
    for (const sent of management) {
      assert.equal(sent.query['api-version'], '2024-10-21', sent.path);
      assert.deepEqual([sent.headers['api-key'], sent.authorization], ['azure-key-7', undefined]);
    }
    // Nothing went to OpenAI's /v1 paths, nor to a deployment's batches.
    assert.deepEqual(fake.requests.filter((r) => r.path.startsWith('/v1/') || r.path.includes('/deployments/gpt-4o-mini/batches')).map((r) => r.path), []);
    for (const b of fake.batches?.batches ?? []) assert.equal(b.endpoint, '/chat/completions');
    const lines = [...(fake.batches?.files.values() ?? [])].filter((f) => f.purpose === 'batch').flatMap((f) => f.text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { url: string; body: { model: string } }));
    assert.ok(lines.length > 0 && lines.every((l) => l.url === '/chat/completions' && l.body.model === 'gpt-4o-mini'));
  });

  it('refuses --cost-limit: a batch is spent as a whole once submitted', async () => {
    const fake = await servers.serve({ batch: { pollsPerStatus: 1000 } });
    const limit = await runCli(runArgs(fake, tasks, join(dir, 'x'), 'mc', [...BATCH, '--cost-limit', '1']), { env });
    assert.equal(limit.code, 2);
    assert.match(limit.stderr, /--cost-limit applies to online runs only/);
  });
});
