// Cross-verification: `gaplens reverify RUN --verifier mc --model SPEC` has another model judge a
// finished run's generations, under the verifier name mc@<model>, without calling the run's model.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readRun } from '../../src/core/runs/runStore';
import { runCli, tempDir } from '../helpers/cli';
import { assertCleanStderr, cleanEnv, isTaskRequest, readRunJson, writeTasks } from '../helpers/runs';
import { startFakeOpenAI, type FakeOpenAI } from '../fixtures/openaiServer';

describe('gaplens reverify --model', function () {
  this.timeout(60000);
  let tmp: { dir: string; cleanup: () => void };
  let own: FakeOpenAI;
  let judge: FakeOpenAI;

  before(async () => {
    tmp = tempDir();
    own = await startFakeOpenAI();
    judge = await startFakeOpenAI({ models: ['judge'] });
  });
  after(async () => {
    await own.close();
    await judge.close();
    tmp.cleanup();
  });

  it('verifies a finished run by another model under mc@judge, leaving the run\'s model alone', async () => {
    const tasks = join(tmp.dir, 'tasks.jsonl');
    writeTasks(tasks, 4);
    const out = join(tmp.dir, 'run');
    const made = await runCli(['run', '--tasks', tasks, '--model', `openai:fake@${own.url}`, '-n', '3', '--verifier', 'mc', '--out', out, '--no-cache'], { env: cleanEnv(tmp.dir) });
    assert.equal(made.code, 0, made.stderr);
    const ownRequests = own.counters.requests;

    const judgeModel = `openai:judge@${judge.url}`;
    const res = await runCli(['reverify', out, '--verifier', 'mc', '--model', judgeModel, '--no-cache'], { env: cleanEnv(tmp.dir) });
    assert.equal(res.code, 0, res.stderr);
    assertCleanStderr(res.stderr);
    assert.equal(own.counters.requests, ownRequests, 'the run\'s own model was called');
    assert.equal(judge.requests.filter((r) => r.status === 200 && isTaskRequest(r)).length, 24, "mc's two continuations scored for each sample");
    assert.equal(readRunJson(out).capabilities?.[judgeModel]?.promptLogprobs, 'echo', "the judge's probe is recorded");

    const config = readRunJson(out).config;
    assert.deepEqual(config.verifiers, ['mc', 'mc@judge']);
    assert.deepEqual(config.verifierModels, { 'mc@judge': judgeModel });
    const run = await readRun(out);
    assert.ok(run.manifest.completedAt);
    for (const byVerifier of run.verifications.values()) assert.deepEqual([...byVerifier.keys()].sort(), ['mc', 'mc@judge']);

    const report = await runCli(['report', out, '--verifier', 'mc@judge', '--json']);
    assert.equal(report.code, 0, report.stderr);
    const stats = JSON.parse(report.stdout) as { samples: number };
    assert.equal(stats.samples, 12);
  });
});
