// How a run meets failing model calls (docs/run-format.md, "Failures and when a run stops"), with
// the real CLI against the real fake server: a fatal error stops every call at once; a stray bad
// answer is asked again and costs nothing; a sample whose calls keep failing is recorded as that
// sample's failure while the rest goes on; a failing endpoint ends the run after 10 in a row.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readRun } from '../../src/core/runs/runStore';
import { runCli, tempDir } from '../helpers/cli';
import { assertCleanStderr, assertResumeHint, cleanEnv, isAboutTask, isTaskPrompt, isTaskRequest, readRecords, readRunJson, writeTasks } from '../helpers/runs';
import { startFakeOpenAI, type FakeOpenAI, type FakeOpenAIOptions } from '../fixtures/openaiServer';

describe('gaplens run: failing model calls', function () {
  this.timeout(60000);
  let tmp: { dir: string; cleanup: () => void };
  let server: FakeOpenAI | undefined;
  before(() => (tmp = tempDir()));
  after(() => tmp.cleanup());
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function serve(opts: FakeOpenAIOptions): Promise<FakeOpenAI> {
    server = await startFakeOpenAI(opts);
    return server;
  }

  function runArgs(name: string, tasks: number, url: string, extra: string[] = [], n = 2): { out: string; args: string[] } {
    const file = join(tmp.dir, `${name}.jsonl`);
    writeTasks(file, tasks);
    const out = join(tmp.dir, name);
    return { out, args: ['run', '--tasks', file, '--model', `openai:fake@${url}`, '-n', String(n), '--verifier', 'mc', '--out', out, '--no-cache', ...extra] };
  }

  it('stops every call at the first fatal error: no request after it, no retry line after the failure', async () => {
    const FATAL_FROM = 20;
    const LATENCY_MS = 150;
    const arrivals = new Map<number, number>();
    const fake = await serve({
      latencyMs: LATENCY_MS,
      respond: (req) => {
        if (!arrivals.has(req.seq)) arrivals.set(req.seq, Date.now());
        if (req.seq < FATAL_FROM) return undefined;
        // Calls in flight alongside the fatal one fail transiently, which would be retried.
        return req.seq % 2 === 0 ? { status: 401, message: 'Incorrect API key provided: sk-wrong.' } : { status: 503, message: 'overloaded' };
      },
    });
    const { out, args } = runArgs('fatal', 120, fake.url, ['--concurrency', '8', '--retries', '4']);
    const res = await runCli(args, { env: cleanEnv(tmp.dir) });
    const ended = Date.now();

    assert.equal(res.code, 1, res.stderr);
    assert.match(res.stderr, /Incorrect API key provided/);
    assertResumeHint(res.stderr, out);
    assertCleanStderr(res.stderr);
    // The first 401 was answered LATENCY_MS after it arrived; the client aborts every call when it
    // reads it, so only requests already on their way may still arrive.
    const firstFatal = Math.min(...[...arrivals].filter(([seq]) => seq >= FATAL_FROM && seq % 2 === 0).map(([, at]) => at)) + LATENCY_MS;
    const late = [...arrivals].filter(([, at]) => at > firstFatal + 1000).map(([seq]) => seq);
    assert.deepEqual(late, [], `requests that arrived after the fatal answer (of ${fake.counters.requests})`);
    assert.ok(ended - firstFatal < 10000, 'the run did not end within 10 s of the fatal answer');
    const lines = res.stderr.split('\n');
    const failureLine = lines.findIndex((l) => l.includes('Incorrect API key provided'));
    assert.deepEqual(lines.slice(failureLine).filter((l) => /retry \d+ of/.test(l)), [], 'retry lines after the failure');
    // The records finished before the failure are kept.
    assert.ok(readRecords(out).some((r) => r.type === 'generation'), 'no record kept');
  });

  it('finishes in one go when two answers are not JSON and 1 verification in 50 lacks logprobs', async () => {
    let verifications = 0;
    let noLogprobs = 0;
    const fake = await serve({
      // Two answers cut short, early and together: their retries come 0.1–0.5 s later, after both
      // faults, so a retry cannot meet another fault, which `every: 50` allowed now and then.
      faults: [{ on: 10, kind: 'invalid-json' }, { on: 11, kind: 'invalid-json' }],
      respond: (req) => {
        if (req.topLogprobs === undefined || ++verifications % 50 !== 25) return undefined;
        noLogprobs++;
        return { text: ' Correct' };
      },
    });
    const { out, args } = runArgs('flaky', 40, fake.url, ['--concurrency', '8']);
    const res = await runCli(args, { env: cleanEnv(tmp.dir) });

    assert.equal(res.code, 0, res.stderr);
    assertCleanStderr(res.stderr);
    assert.ok(fake.counters.faults >= 2 && noLogprobs >= 1, `the server sent ${fake.counters.faults} non-JSON and ${noLogprobs} logprob-less answers`);
    assert.ok(readRunJson(out).completedAt, 'run.json has no completedAt');
    const run = await readRun(out);
    assert.equal(run.failures.size, 0);
    assert.equal(run.generations.size, 80);
    assert.equal(run.verifications.size, 80);
  });

  it('records a sample whose answer is always bad as its failure, finishes the rest, and a resume completes it', async () => {
    const BAD_TASK = 3;
    let broken = true;
    const fake = await serve({
      // Every logprob request of that task's verifications (mc's exact scoring and top-k alike) gets a broken answer.
      respond: (req) => (broken && req.topLogprobs !== undefined && isAboutTask(req, BAD_TASK) ? { rawBody: { choices: [] } } : undefined),
    });
    const { out, args } = runArgs('badSample', 12, fake.url, ['--concurrency', '4']);
    const res = await runCli(args, { env: cleanEnv(tmp.dir) });

    assert.equal(res.code, 1, res.stderr);
    assert.match(res.stderr, /2 sample stages failed at the model call/);
    assertResumeHint(res.stderr, out);
    assertCleanStderr(res.stderr);
    const failures = readRecords(out).filter((r) => r.type === 'failure');
    assert.deepEqual(failures.map((f) => `${f.task}#${f.index} ${f.stage} ${f.kind}`).sort(), [`q${BAD_TASK}#0 mc bad-answer`, `q${BAD_TASK}#1 mc bad-answer`]);
    const partial = await readRun(out);
    assert.equal(partial.generations.size, 24);
    assert.equal(partial.verifications.size, 22, 'the other samples are verified');
    assert.equal(partial.manifest.completedAt, undefined);

    broken = false;
    const resumed = await runCli(['run', '--resume', out, '--no-cache'], { env: cleanEnv(tmp.dir) });
    assert.equal(resumed.code, 0, resumed.stderr);
    const run = await readRun(out);
    assert.equal(run.failures.size, 0, 'the failures are superseded');
    assert.equal(run.verifications.size, 24);
    assert.ok(run.manifest.completedAt);
  });

  it('on a server without n, sends each sample as its own call with its own timeout, and says so once', async () => {
    // Eight answers of 100 ms in a row can never fit one 700 ms attempt, however often it is retried;
    // one answer (or two: an mc call that waits for the first call's probe of the server's prompt
    // logprobs) fits with room to spare, and the retries absorb a machine too busy to keep to it.
    const fake = await serve({ supportsN: false, latencyMs: 100 });
    const { out, args } = runArgs('noN', 4, fake.url, ['--timeout-ms', '700', '--retries', '2'], 8);
    const res = await runCli(args, { env: cleanEnv(tmp.dir) });

    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stderr.match(/each sample is now requested on its own/g)?.length, 1, res.stderr);
    const run = await readRun(out);
    assert.equal(run.generations.size, 32);
    assert.equal(run.failures.size, 0);
  });

  it('keeps n on after one short answer from a server that supports it', async () => {
    let shortSent = false;
    const fake = await serve({
      respond: (req) => {
        // A request of the run (the capability probe before it also asks for n = 2).
        if (shortSent || req.n < 2 || !isTaskPrompt(req)) return undefined;
        shortSent = true;
        return { rawBody: { choices: [{ index: 0, text: 'The answer is 42.', finish_reason: 'stop' }] } };
      },
    });
    const { out, args } = runArgs('shortOnce', 6, fake.url, ['--concurrency', '1']);
    const res = await runCli(args, { env: cleanEnv(tmp.dir) });

    assert.equal(res.code, 0, res.stderr);
    assert.doesNotMatch(res.stderr, /requested on its own/);
    const generationRequests = fake.requests.filter((r) => (r.body as { logprobs?: unknown } | undefined)?.logprobs === undefined && isTaskRequest(r));
    // The short answer, its retry, and one request per task after it: all with n = 2.
    assert.deepEqual(generationRequests.map((r) => (r.body as { n: number }).n), Array(7).fill(2));
    assert.equal((await readRun(out)).generations.size, 12);
  });

  it('ends the run after 10 failed calls in a row, promptly', async () => {
    // Down for the run's requests (a server down from the start already fails the capability probe).
    const fake = await serve({ respond: (req) => (isTaskPrompt(req) ? { status: 503, message: 'the server is down' } : undefined) });
    const { out, args } = runArgs('down', 60, fake.url, ['--concurrency', '4', '--retries', '0']);
    const started = Date.now();
    const res = await runCli(args, { env: cleanEnv(tmp.dir) });

    assert.equal(res.code, 1, res.stderr);
    assert.match(res.stderr, /10 model calls in a row failed/);
    assertResumeHint(res.stderr, out);
    assertCleanStderr(res.stderr);
    assert.ok(Date.now() - started < 10000, 'the run did not stop within 10 s');
    // Ten failures; the calls in flight when the tenth came back; and those that took the freed
    // slots while the failures were being recorded (the streak counts recorded outcomes).
    const runRequests = fake.requests.filter(isTaskRequest).length;
    assert.ok(runRequests <= 10 + 2 * 4, `${runRequests} requests`);
    // Each failed generation call is recorded for both samples it was for.
    assert.ok(readRecords(out).filter((r) => r.type === 'failure' && r.stage === 'generation').length >= 20);
  });
});
