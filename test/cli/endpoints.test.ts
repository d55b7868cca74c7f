// `gaplens run` on a model served by several endpoints (docs/run-format.md, "Several endpoints"),
// with the built CLI against real fake servers: one of three servers — a process of its own — is
// killed mid-run and the run still completes with every sample exactly once and a complete report; a resume may name
// the model at other endpoints, which then serve it; the API key goes to every endpoint of a spec named on the command line, and to none a run folder
// alone names; the progress shows a line per endpoint.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO, runCli, startCli, tempDir } from '../helpers/cli';
import { assertCleanStderr, assertNoDuplicates, cleanEnv, FatalSwitch, lineCount, readRecords, readRunJson, waitFor, writeTasks, type RawRecord } from '../helpers/runs';
import { startFakeOpenAI, type FakeOpenAI } from '../fixtures/openaiServer';

interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Requests it answered so far (its out-of-band counters). */
  answered(): Promise<number>;
}

/** The fake server as a process of its own, so that it can be killed the way a server dies. */
async function serverProcess(latencyMs: number): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'test/fixtures/openaiServer.ts', '--port', '0', '--latency-ms', String(latencyMs), '--no-log'], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]().next();
  const { url } = JSON.parse(String(first.value)) as { url: string };
  return { url, child, answered: async () => ((await (await fetch(url.replace(/\/v1$/, '/_fake/counters'))).json()) as { ok: number }).ok };
}

/** Every sample of `tasks` × `n` has its generation and each verifier's verification exactly once, and nothing failed. */
function assertEverySampleOnce(records: RawRecord[], tasks: number, n: number, verifiers: string[]): void {
  assertNoDuplicates(records);
  assert.deepEqual(records.filter((r) => r.type === 'failure'), []);
  const expected = Array.from({ length: tasks * n }, (_, k) => `q${Math.floor(k / n)}/${k % n}`).sort();
  const of = (pick: (r: RawRecord) => boolean): string[] => records.filter(pick).map((r) => `${r.task}/${r.index}`).sort();
  assert.deepEqual(of((r) => r.type === 'generation'), expected);
  for (const verifier of verifiers) assert.deepEqual(of((r) => r.type === 'verification' && r.verifier === verifier), expected, verifier);
}

describe('gaplens run: several endpoints of one model', function () {
  this.timeout(120000);
  let tmp: { dir: string; cleanup: () => void };
  before(() => (tmp = tempDir()));
  after(() => tmp.cleanup());

  it('finishes with every sample exactly once when one of three servers is killed mid-run', async () => {
    const servers = await Promise.all([0, 1, 2].map(() => serverProcess(40)));
    try {
      const tasksFile = join(tmp.dir, 'kill.jsonl');
      writeTasks(tasksFile, 60);
      const out = join(tmp.dir, 'kill');
      const model = `openai:fake@${servers.map((s) => s.url).join(',')}`;
      const run = startCli(['run', '--tasks', tasksFile, '--model', model, '-n', '4', '--verifier', 'mc', '--out', out, '--no-cache', '--concurrency', '24'], { env: cleanEnv(tmp.dir) });
      const victim = servers[1] as ServerProcess;
      await waitFor(() => lineCount(join(out, 'samples.jsonl')) >= 80, 60000);
      assert.ok((await victim.answered()) > 0, 'the server to kill had taken no call');
      victim.child.kill('SIGKILL');
      const res = await run.done;
      assert.equal(res.code, 0, res.stderr);
      assertCleanStderr(res.stderr);
      assert.ok(res.stderr.includes(`${victim.url} gave no answer`), res.stderr);
      assert.ok(readRunJson(out).completedAt !== undefined, 'the run is not marked complete');
      assertEverySampleOnce(readRecords(out), 60, 4, ['mc']);
      // The report rests on all of it: complete, every sample scored.
      const report = await runCli(['report', out, '--json'], { env: cleanEnv(tmp.dir) });
      assert.equal(report.code, 0, report.stderr);
      const json = JSON.parse(report.stdout) as { complete: boolean; coverage: { generations: { expected: number; done: number }; verifiers: Record<string, { expected: number; scored: number }> } };
      assert.equal(json.complete, true);
      assert.deepEqual(json.coverage.generations, { ...json.coverage.generations, expected: 240, done: 240 });
      assert.deepEqual(json.coverage.verifiers.mc, { ...json.coverage.verifiers.mc, expected: 240, scored: 240 });
      // Non-TTY progress shows a line per endpoint, the killed one down.
      assert.match(res.stderr, new RegExp(`^  ${servers[0]?.url.replace(/[.:/]/g, '\\$&')}  up  \\d+/\\d+ in flight  [\\d.]+ calls/s \\(last 5 s\\)  \\d+ × 429/503  \\d+ unanswered  (median latency \\d+ ms|latency — \\(no answer yet\\))$`, 'm'));
      assert.match(res.stderr, new RegExp(`^  ${victim.url.replace(/[.:/]/g, '\\$&')}  DOWN  `, 'm'));
    } finally {
      for (const s of servers) s.child.kill('SIGKILL');
    }
  });

  it('starts when the first server is down: the first that answers is probed for the model, and the run completes on the other', async () => {
    const gone = await startFakeOpenAI();
    await gone.close();
    const live = await startFakeOpenAI();
    try {
      const tasksFile = join(tmp.dir, 'first-down.jsonl');
      writeTasks(tasksFile, 10);
      const out = join(tmp.dir, 'first-down');
      const model = `openai:fake@${gone.url},${live.url}`;
      const res = await runCli(['run', '--tasks', tasksFile, '--model', model, '-n', '2', '--verifier', 'mc', '--out', out, '--no-cache'], { env: cleanEnv(tmp.dir) });
      assert.equal(res.code, 0, res.stderr);
      assertEverySampleOnce(readRecords(out), 10, 2, ['mc']);
      const capabilities = readRunJson(out).capabilities ?? {};
      assert.deepEqual(Object.keys(capabilities), [model]);
      assert.equal(capabilities[model]?.endpoint, `openai:completions:fake@${live.url}`);
    } finally {
      await live.close();
    }
  });

  it('refuses --executor batch for a model with several endpoints as a usage error, before a run folder exists: a batch lives on one server', async () => {
    const servers = await Promise.all([0, 1].map(() => startFakeOpenAI({ batch: {} })));
    try {
      const tasksFile = join(tmp.dir, 'batch.jsonl');
      writeTasks(tasksFile, 4);
      const model = `openai:fake@${servers.map((s) => s.url).join(',')}`;
      const out = join(tmp.dir, 'batch');
      const res = await runCli(['run', '--tasks', tasksFile, '--model', model, '--api', 'chat', '-n', '2', '--verifier', 'mc', '--executor', 'batch', '--batch-poll-ms', '1', '--out', out, '--no-cache'], { env: cleanEnv(tmp.dir) });
      // A usage error: before the run folder exists, no resume offered.
      assert.equal(res.code, 2, res.stderr);
      assert.equal(existsSync(out), false, 'a run folder was created');
      assert.doesNotMatch(res.stderr, /--resume/);
      assert.ok(res.stderr.includes(`--executor batch submits to one endpoint; fake names 2 (${servers.map((s) => s.url).join(', ')}): name one base URL`), res.stderr);
      for (const s of servers) assert.deepEqual(s.requests.filter((r) => r.path.includes('/files') || r.path.includes('/batches')), []);
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  });

  describe('a resume that names the model at other endpoints', () => {
    let first: FakeOpenAI[];
    let others: FakeOpenAI[];
    const fatal = new FatalSwitch();
    before(async () => {
      first = await Promise.all([0, 1].map(() => startFakeOpenAI({ respond: fatal.respond })));
      others = await Promise.all([0, 1].map(() => startFakeOpenAI()));
    });
    after(async () => {
      await Promise.all([...first, ...others].map((s) => s.close()));
    });

    it('calls those endpoints and completes the run, whose run.json keeps the spec it started with', async () => {
      const tasksFile = join(tmp.dir, 'resume.jsonl');
      writeTasks(tasksFile, 30);
      const out = join(tmp.dir, 'resume');
      const started = `openai:fake@${first.map((s) => s.url).join(',')}`;
      fatal.from = 25;
      const stopped = await runCli(['run', '--tasks', tasksFile, '--model', started, '-n', '2', '--verifier', 'mc', '--out', out, '--no-cache', '--concurrency', '4'], { env: cleanEnv(tmp.dir) });
      assert.equal(stopped.code, 1, stopped.stderr);
      const before = readRecords(out).length;
      assert.ok(before > 0 && before < 30 * 2 * 2, `${before} records after the first pass`);

      const calledBefore = first.map((s) => s.counters.requests);
      const elsewhere = `openai:fake@${others.map((s) => s.url).join(',')}/`;
      const resumed = await runCli(['run', '--resume', out, '--model', elsewhere, '--no-cache'], { env: cleanEnv(tmp.dir) });
      assert.equal(resumed.code, 0, resumed.stderr);
      assertCleanStderr(resumed.stderr);
      assertEverySampleOnce(readRecords(out), 30, 2, ['mc']);
      assert.deepEqual(first.map((s) => s.counters.requests), calledBefore, 'the endpoints the run started with were called on the resume');
      others.forEach((s, i) => assert.ok(s.counters.ok > 0, `endpoint ${i} of the resume took no call`));
      assert.equal(readRunJson(out).config.model, started);
    });

    it('still refuses another model name', async () => {
      const out = join(tmp.dir, 'resume');
      const res = await runCli(['run', '--resume', out, '--model', `openai:other@${others[0]?.url ?? ''}`], { env: cleanEnv(tmp.dir) });
      assert.equal(res.code, 2, res.stderr);
      assert.match(res.stderr, /--model openai:other@.* \(the run has openai:fake@/);
    });
  });

  it('sends the key to every endpoint of a spec named on the command line, and to none a run folder alone names', async () => {
    const KEY = 'sk-fleet-test-5678';
    const servers = await Promise.all([0, 1].map(() => startFakeOpenAI()));
    try {
      const tasksFile = join(tmp.dir, 'keys.jsonl');
      writeTasks(tasksFile, 6);
      const out = join(tmp.dir, 'keys');
      const both = `openai:fake@${servers.map((s) => s.url).join(',')}`;
      const env = cleanEnv(tmp.dir, { OPENAI_API_KEY: KEY });
      const named = await runCli(['run', '--tasks', tasksFile, '--model', both, '-n', '2', '--verifier', 'mc', '--out', out, '--no-cache'], { env });
      assert.equal(named.code, 0, named.stderr);
      for (const s of servers) {
        assert.ok(s.requests.length > 0);
        assert.ok(s.requests.every((r) => r.authorization === `Bearer ${KEY}`));
      }
      // A resume without --model: its endpoints come from run.json alone.
      const plain = await runCli(['run', '--resume', out, '--no-cache'], { env });
      assert.equal(plain.code, 2, plain.stderr);
      assert.ok(plain.stderr.includes(`names the endpoint ${new URL(servers[0]?.url ?? '').origin}`), plain.stderr);
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  });
});
