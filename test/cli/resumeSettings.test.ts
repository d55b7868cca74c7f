// "Resume means the same run" (src/core/pipeline/resumeOptions.ts): a --resume that names settings
// changing what the run produces is refused before any model call, listing each difference and
// pointing to the command that does what the user may have meant; the run's own values are fine.
import assert from 'node:assert/strict';
import { join, relative } from 'node:path';
import { runCli, tempDir } from '../helpers/cli';
import { assertCleanStderr, cleanEnv, FatalSwitch, readRecords, readRunJson, writeTasks } from '../helpers/runs';
import { startFakeOpenAI, type FakeOpenAI } from '../fixtures/openaiServer';

describe('gaplens run --resume: the run keeps its settings', function () {
  this.timeout(60000);
  let tmp: { dir: string; cleanup: () => void };
  let server: FakeOpenAI;
  let tasksFile: string;
  let out: string;
  const fatal = new FatalSwitch();

  before(async () => {
    tmp = tempDir();
    tasksFile = join(tmp.dir, 'tasks.jsonl');
    writeTasks(tasksFile, 6);
    server = await startFakeOpenAI({ respond: fatal.respond });
    // An unfinished run: a fatal error after a few calls.
    out = join(tmp.dir, 'run');
    fatal.from = 4;
    const res = await runCli(['run', '--tasks', tasksFile, '--model', `openai:fake@${server.url}`, '-n', '2', '--verifier', 'mc', '--out', out, '--no-cache', '--concurrency', '1'], { env: cleanEnv(tmp.dir) });
    fatal.from = Infinity;
    assert.equal(res.code, 1, res.stderr);
  });
  after(async () => {
    await server.close();
    tmp.cleanup();
  });

  const resume = (...flags: string[]) => runCli(['run', '--resume', out, '--no-cache', ...flags], { cwd: tmp.dir, env: cleanEnv(tmp.dir) });

  it('refuses other -n, --verifier and --model, listing each, suggesting reverify, calling nothing', async () => {
    const before = server.counters.requests;
    const other = `openai:other@${server.url}`;
    const res = await resume('-n', '16', '--verifier', 'cot-score', '--model', other);
    assert.equal(res.code, 2, res.stderr);
    assert.ok(res.stderr.includes(`--model ${other} (the run has openai:fake@${server.url})`), res.stderr);
    assert.match(res.stderr, /-n 16 \(the run has 2\)/);
    assert.match(res.stderr, /--verifier cot-score \(the run has mc\)/);
    assert.ok(res.stderr.includes(`gaplens reverify ${out} --verifier cot-score --model ${other}`), res.stderr);
    assertCleanStderr(res.stderr);
    assert.equal(server.counters.requests, before, 'a request was sent');
  });

  it('refuses --out and --runs-dir', async () => {
    for (const flag of ['--out', '--runs-dir']) {
      const res = await resume(flag, join(tmp.dir, 'elsewhere'));
      assert.equal(res.code, 2, `${flag}: ${res.stderr}`);
      assert.ok(res.stderr.includes(flag), res.stderr);
      assertCleanStderr(res.stderr);
    }
  });

  it('proceeds with the run\'s own values, however written, and execution settings changed', async () => {
    const res = await resume(
      '-n', '2', '--verifier', 'mc', '--model', `openai:fake@${server.url}/`, '--tasks', relative(tmp.dir, tasksFile),
      '--concurrency', '3', '--retries', '2', '--timeout-ms', '20000', '--max-answer-mb', '4',
    );
    assert.equal(res.code, 0, res.stderr);
    assert.ok(readRunJson(out).completedAt);
    assert.equal(readRecords(out).filter((r) => r.type === 'verification').length, 12);
  });
});
