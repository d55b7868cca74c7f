// Ctrl-C (SIGINT) during a run stops it cleanly on either backend: every call cancelled, every
// record kept, exit 1 with "interrupted" and the command that continues it. The llama run is also
// started with a relative model path and resumed from another folder: run.json stores it absolute.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runCli, startCli, STORIES_MODEL, tempDir, type CliResult } from '../helpers/cli';
import { assertCleanStderr, assertNoDuplicates, assertResumeHint, cleanEnv, lineCount, readRecords, readRunJson, waitFor, writeTasks } from '../helpers/runs';
import { startFakeOpenAI } from '../fixtures/openaiServer';

describe('gaplens run: Ctrl-C', function () {
  this.timeout(120000);
  let tmp: { dir: string; cleanup: () => void };
  before(() => (tmp = tempDir()));
  after(() => tmp.cleanup());

  /** Starts a run, sends SIGINT once it has written `lines` records, and checks how it ended. */
  async function interrupt(args: string[], out: string, lines: number, cwd: string): Promise<{ res: CliResult; signalledAt: number }> {
    const run = startCli(args, { cwd, env: cleanEnv(tmp.dir) });
    await waitFor(() => lineCount(join(out, 'samples.jsonl')) >= lines, 60000);
    run.child.kill('SIGINT');
    const signalledAt = Date.now();
    const res = await run.done;
    assert.equal(res.code, 1, res.stderr);
    assert.match(res.stderr, /interrupted/);
    assertResumeHint(res.stderr, out);
    assertCleanStderr(res.stderr);
    assert.equal(readRunJson(out).completedAt, undefined, 'the run finished before it was interrupted');
    return { res, signalledAt };
  }

  it('on the fake server: stops calling it, and the run resumes to completion', async () => {
    const arrivals: number[] = [];
    const server = await startFakeOpenAI({ latencyMs: 50, respond: () => void arrivals.push(Date.now()) });
    try {
      const tasks = join(tmp.dir, 'tasks.jsonl');
      writeTasks(tasks, 20);
      const out = join(tmp.dir, 'fake');
      const args = ['run', '--tasks', tasks, '--model', `openai:fake@${server.url}`, '-n', '2', '--verifier', 'mc', '--out', out, '--no-cache', '--concurrency', '2'];
      const { signalledAt } = await interrupt(args, out, 6, tmp.dir);
      // Only requests already on their way when the signal came may arrive after it.
      assert.deepEqual(arrivals.filter((at) => at > signalledAt + 300), [], 'requests after Ctrl-C');

      const resumed = await runCli(['run', '--resume', out, '--no-cache'], { env: cleanEnv(tmp.dir) });
      assert.equal(resumed.code, 0, resumed.stderr);
      assertNoDuplicates(readRecords(out));
      assert.equal(readRecords(out).length, 20 * 2 * 2);
    } finally {
      await server.close();
    }
  });

  it('on the embedded llama backend, with a relative model path resumed from another folder', async () => {
    const startDir = join(tmp.dir, 'start');
    const otherDir = join(tmp.dir, 'other');
    mkdirSync(startDir);
    mkdirSync(otherDir);
    const out = join(tmp.dir, 'llama');
    const model = `llama:${relative(startDir, STORIES_MODEL)}`;
    const args = ['run', '--tasks', 'builtin:arithmetic', '--limit', '3', '-n', '2', '--max-tokens', '16', '--verifier-max-tokens', '4',
      '--model', model, '--out', out, '--no-cache', '--concurrency', '1'];
    await interrupt(args, out, 2, startDir);
    assert.equal(readRunJson(out).config.model, `llama:${STORIES_MODEL}`);

    const resumed = await runCli(['run', '--resume', out, '--no-cache', '--concurrency', '1'], { cwd: otherDir, env: cleanEnv(tmp.dir) });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.ok(readRunJson(out).completedAt);
    assertNoDuplicates(readRecords(out));
    assert.equal(readRecords(out).length, 3 * 2 * 2);
  });
});
