// A batch run killed (kill -9) at every step, cancelled, and resumed: nothing lost, nothing
// submitted twice, and in the end the records of an online run.
import assert from 'node:assert/strict';
import { watch } from 'node:fs';
import { join } from 'node:path';
import { readBatchState } from '../../src/core/batch/batchState';
import type { FakeBatchStepKind } from '../fixtures/batchApi';
import type { FakeOpenAI } from '../fixtures/openaiServer';
import { runCli, startCli, tempDir } from '../helpers/cli';
import { fakeServersPerTest } from '../helpers/fakeServers';
import { assertCleanStderr, assertNoDuplicates, cleanEnv, lineCount, readRecords, waitFor, writeTasks } from '../helpers/runs';
import { BATCH, recordSet, runArgs, statistics, submissions } from '../helpers/batchRuns';

describe('gaplens run --executor batch: kill -9, cancel, resume', function () {
  this.timeout(180000);
  const servers = fakeServersPerTest();
  let dir: string;
  let cleanup: () => void;
  let tasks: string;
  let env: NodeJS.ProcessEnv;
  let expected: string[];
  let expectedStatistics: Record<string, unknown>;
  const VERIFIERS = 'mc,tournament';

  before(async () => {
    const tmp = tempDir();
    try {
      writeTasks(join(tmp.dir, 'tasks.jsonl'), 4);
      const fake = await servers.serve();
      const out = join(tmp.dir, 'online');
      const res = await runCli(runArgs(fake, join(tmp.dir, 'tasks.jsonl'), out, VERIFIERS), { env: cleanEnv(tmp.dir) });
      assert.equal(res.code, 0, res.stderr);
      expected = await recordSet(out);
      expectedStatistics = await statistics(out, cleanEnv(tmp.dir));
    } finally {
      tmp.cleanup();
    }
  });
  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    tasks = join(dir, 'tasks.jsonl');
    writeTasks(tasks, 4);
    env = cleanEnv(dir);
  });
  afterEach(() => cleanup());

  /** Resumes until the run completes, then checks it against the online run: every record once, the same statistics, every shard submitted once. */
  async function resumeAndCheck(fake: FakeOpenAI, out: string): Promise<void> {
    const resumed = await runCli(['run', '--resume', out, ...BATCH, '--no-cache'], { env });
    assert.equal(resumed.code, 0, resumed.stderr);
    assertCleanStderr(resumed.stderr);
    assertNoDuplicates(readRecords(out));
    assert.deepEqual(await recordSet(out), expected);
    assert.deepEqual(await statistics(out, env), expectedStatistics);
    const state = await readBatchState(out);
    const created = fake.batches?.batches ?? [];
    // One batch per shard: nothing was submitted twice.
    assert.equal(created.length, state?.shards.length);
    assert.deepEqual(new Set(created.map((b) => b.inputFileId)).size, created.length);
    assert.ok([...submissions(fake).values()].every((n) => n === 1), 'a request went into two batches');
  }

  for (const step of ['upload', 'create', 'retrieve', 'content'] as FakeBatchStepKind[]) {
    it(`killed as its ${step} request is answered (phase 2)`, async () => {
      let child: ReturnType<typeof startCli>['child'] | undefined;
      let seen = 0;
      // The second time: in phase 2, with generation records already written.
      const fake = await servers.serve({ batch: { beforeAnswer: (s) => { if (s.kind === step && ++seen === 2) child?.kill('SIGKILL'); } } });
      const out = join(dir, 'run');
      const run = startCli(runArgs(fake, tasks, out, VERIFIERS, BATCH), { env });
      child = run.child;
      const killed = await run.done;
      assert.equal(killed.code, null, `the run was not killed: ${killed.stderr}`);
      await resumeAndCheck(fake, out);
      // The batch the killed create made was found by its input file, not made again.
      if (step === 'create') assert.ok((fake.batches?.calls.list ?? 0) > 0);
    });
  }

  it('killed while it writes the records of a phase (ingest)', async () => {
    const fake = await servers.serve({ batch: {} });
    const out = join(dir, 'run');
    const run = startCli(runArgs(fake, tasks, out, VERIFIERS, BATCH), { env });
    // Killed at the first records of phase 2's answers (mc's), while more are being written.
    await waitFor(() => lineCount(join(out, 'samples.jsonl')) > 0, 60000, 'phase 1 to land');
    const watcher = watch(out, () => {
      if (lineCount(join(out, 'samples.jsonl')) > 16) run.child.kill('SIGKILL');
    });
    try {
      const killed = await run.done;
      assert.equal(killed.code, null, `the run was not killed: ${killed.stderr}`);
    } finally {
      watcher.close();
    }
    await resumeAndCheck(fake, out);
  });

  it('shows in report while it waits, and Ctrl-C cancels the remote batches; a resume collects their partial results and asks only the rest', async () => {
    const fake = await servers.serve({ batch: { plan: (k) => (k === 1 ? { pollsPerStatus: 1e9, answered: 1 } : undefined) } });
    const out = join(dir, 'run');
    const run = startCli(runArgs(fake, tasks, out, VERIFIERS, BATCH), { env });
    await waitFor(() => fake.batches?.batches[0]?.status === 'validating' && fake.batches.calls.retrieve > 2, 60000, 'the first batch to be polled');
    const report = await runCli(['report', out], { env });
    assert.equal(report.code, 1);
    assert.match(report.stderr, /no samples to report on yet \(.*\); batch phase 1 \(generation 4\): shards 0 to submit, 1 submitted, 0 in progress, 0 done, 0 failed; 0\/4 requests done/);
    run.child.kill('SIGINT');
    const stopped = await run.done;
    assert.equal(stopped.code, 1);
    assertCleanStderr(stopped.stderr);
    assert.match(stopped.stderr, /cancelled batch batch-\d+ \(shard 0001\)/);
    assert.match(stopped.stderr, new RegExp(`continue with: gaplens run --resume ${out} --executor batch`));
    assert.equal(fake.batches?.batches[0]?.cancelRequested, true);
    const state = await readBatchState(out);
    assert.deepEqual(state?.shards.map((s) => [s.status, s.cancelled]), [['cancelling', true]]);
    // Another executor would leave the batch's answers unused: refused.
    const online = await runCli(['run', '--resume', out, '--no-cache'], { env });
    assert.equal(online.code, 2);
    assert.match(online.stderr, /has 1 batch shard submitted or about to be \(batch-\d+\): resume it with --executor batch/);

    const resumed = await runCli(['run', '--resume', out, ...BATCH, '--no-cache'], { env });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(await recordSet(out), expected);
    // The one line the cancelled batch answered was not asked again; its other three were.
    const first = fake.batches?.batches[0]?.customIds ?? [];
    const counts = submissions(fake);
    assert.deepEqual(first.map((id) => counts.get(id)), [1, 2, 2, 2]);
    assert.ok([...counts].every(([id, n]) => n === 1 || first.includes(id)));
  });
});
