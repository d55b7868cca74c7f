// A full disk or a read-only folder is the user's environment, not a bug: one clear line naming the
// file and what to do, never a stack trace, and the records written before it stay readable. Real
// file systems: a small tmpfs mounted for the test (needs root, or CAP_SYS_ADMIN).
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRun } from '../../src/core/runs/runStore';
import { runCli, tempDir } from '../helpers/cli';
import { assertCleanStderr, assertNoDuplicates, assertResumeHint, cleanEnv, readRecords, readRunJson, writeTasks } from '../helpers/runs';
import { startFakeOpenAI, type FakeOpenAI } from '../fixtures/openaiServer';
import { mountTmpfs, remount, unmount } from '../helpers/tmpfs';

describe('gaplens on a full disk and a read-only folder', function () {
  this.timeout(60000);
  let tmp: { dir: string; cleanup: () => void };
  let server: FakeOpenAI | undefined;
  let url: string;
  /** 60 tasks (a run of ~150 kB) and 3. */
  let tasks: string;
  let fewTasks: string;
  const mounted: string[] = [];

  before(async function () {
    tmp = tempDir();
    tasks = join(tmp.dir, 'tasks.jsonl');
    writeTasks(tasks, 60);
    fewTasks = join(tmp.dir, 'few.jsonl');
    writeTasks(fewTasks, 3);
    const probe = join(tmp.dir, 'probe');
    mkdirSync(probe);
    const refused = mountTmpfs(probe, 'size=64k');
    if (refused !== null) {
      // Mounting needs root or CAP_SYS_ADMIN (in a container: --privileged or --cap-add SYS_ADMIN).
      console.warn(`skipped: cannot mount a tmpfs to test full and read-only disks: ${refused}`);
      this.skip();
    }
    unmount(probe);
    server = await startFakeOpenAI();
    url = server.url;
  });
  after(async () => {
    for (const dir of mounted.reverse()) unmount(dir);
    await server?.close();
    tmp?.cleanup();
  });

  /** A fresh tmpfs folder with these mount options. */
  function disk(name: string, options: string): string {
    const dir = join(tmp.dir, name);
    mkdirSync(dir);
    assert.equal(mountTmpfs(dir, options), null);
    mounted.push(dir);
    return dir;
  }

  const runArgs = (out: string, taskFile = tasks): string[] => ['run', '--tasks', taskFile, '--model', `openai:fake@${url}`, '-n', '2', '--verifier', 'mc', '--out', out, '--no-cache'];

  it('disk full mid-run: one line naming samples.jsonl, the resume hint, the records intact; resumes once there is space', async () => {
    const root = disk('full', 'size=1m');
    // The run needs ~150 kB; leave it ~60 kB.
    const ballast = join(root, 'ballast');
    writeFileSync(ballast, Buffer.alloc(960 * 1024));
    const out = join(root, 'run');
    const res = await runCli(runArgs(out), { env: cleanEnv(tmp.dir) });

    assert.equal(res.code, 1, res.stderr);
    assertCleanStderr(res.stderr);
    const problem = res.stderr.split('\n').filter((l) => l.includes('disk is full'));
    assert.equal(problem.length, 1, res.stderr);
    assert.ok(problem[0]?.includes(join(out, 'samples.jsonl')), res.stderr);
    assertResumeHint(res.stderr, out);
    const partial = await readRun(out);
    assert.ok(partial.generations.size > 0 && partial.generations.size < 120, `${partial.generations.size} generations`);

    rmSync(ballast);
    const resumed = await runCli(['run', '--resume', out, '--no-cache'], { env: cleanEnv(tmp.dir) });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.ok(readRunJson(out).completedAt);
    assertNoDuplicates(readRecords(out));
    assert.equal(readRecords(out).length, 240);
  });

  it('a read-only runs folder: one line, no run, no stack', async () => {
    const root = disk('ro', 'size=64k,ro');
    const res = await runCli(['run', '--tasks', tasks, '--model', `openai:fake@${url}`, '--runs-dir', root, '--no-cache'], { env: cleanEnv(tmp.dir) });
    assert.notEqual(res.code, 0);
    assertCleanStderr(res.stderr);
    assert.match(res.stderr, /read-only/);
    assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
  });

  it('a run whose folder became read-only: --resume and reverify say so in one line', async () => {
    const root = disk('became-ro', 'size=1m');
    const out = join(root, 'run');
    const made = await runCli(runArgs(out, fewTasks), { env: cleanEnv(tmp.dir) });
    assert.equal(made.code, 0, made.stderr);
    remount(root, 'ro');
    for (const args of [['run', '--resume', out, '--no-cache'], ['reverify', out, '--verifier', 'cot-binary', '--no-cache']]) {
      const res = await runCli(args, { env: cleanEnv(tmp.dir) });
      assert.notEqual(res.code, 0, `${args[0]}: ${res.stderr}`);
      assertCleanStderr(res.stderr);
      assert.match(res.stderr, /read-only/);
      assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
    }
  });

  it('report --html into a folder that does not exist: one line naming it', async () => {
    const out = join(tmp.dir, 'reported');
    const made = await runCli(runArgs(out, fewTasks), { env: cleanEnv(tmp.dir) });
    assert.equal(made.code, 0, made.stderr);
    const page = join(tmp.dir, 'no-such-folder', 'report.html');
    const res = await runCli(['report', out, '--html', page]);
    assert.equal(res.code, 2, res.stderr);
    assertCleanStderr(res.stderr);
    assert.ok(res.stderr.includes(page), res.stderr);
  });
});
