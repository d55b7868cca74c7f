// One writer per run folder, with real processes: a second `gaplens run --resume` of a run that is
// being written is refused and leaves its records alone; the lock of a process killed with -9 is
// taken over by the next resume, by exactly one of two that race for it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { startCli, runCli, tempDir, type CliResult } from '../helpers/cli';
import { assertCleanStderr, assertNoDuplicates, cleanEnv, FatalSwitch, lineCount, readRecords, readRunJson, waitFor, writeTasks } from '../helpers/runs';
import { startFakeOpenAI, type FakeOpenAI } from '../fixtures/openaiServer';

const TASKS = 24;
const N = 4;
/** Every record of a finished run: a generation and an mc verification per sample. */
const ALL_RECORDS = TASKS * N * 2;

describe('gaplens run: one writer per run folder', function () {
  this.timeout(60000);
  let tmp: { dir: string; cleanup: () => void };
  let server: FakeOpenAI;
  let tasksFile: string;
  const fatal = new FatalSwitch();

  before(async () => {
    tmp = tempDir();
    tasksFile = join(tmp.dir, 'tasks.jsonl');
    writeTasks(tasksFile, TASKS);
    // Slow enough that a resume of the whole run takes seconds at concurrency 2.
    server = await startFakeOpenAI({ latencyMs: 50, respond: fatal.respond });
  });
  after(async () => {
    await server.close();
    tmp.cleanup();
  });

  const env = (): NodeJS.ProcessEnv => cleanEnv(tmp.dir);
  const newRunArgs = (out: string): string[] => ['run', '--tasks', tasksFile, '--model', `openai:fake@${server.url}`, '-n', String(N), '--verifier', 'mc', '--out', out, '--no-cache', '--concurrency', '8'];
  const resumeArgs = (out: string): string[] => ['run', '--resume', out, '--no-cache', '--concurrency', '2'];

  /** A run folder with a few records, left unfinished by a fatal error (which releases the lock). */
  async function unfinishedRun(name: string): Promise<string> {
    const out = join(tmp.dir, name);
    fatal.from = server.counters.requests + 20;
    const res = await runCli(newRunArgs(out), { env: env() });
    fatal.from = Infinity;
    assert.equal(res.code, 1, res.stderr);
    assert.ok(readRecords(out).length > 0 && readRecords(out).length < ALL_RECORDS / 2);
    assert.equal(existsSync(join(out, 'run.lock')), false, 'a run that ended released its lock');
    return out;
  }

  /** Two resumes at once: exactly one writes the run; the other is refused, naming the writer. */
  async function raceTwoResumes(out: string): Promise<void> {
    const a = startCli(resumeArgs(out), { env: env() });
    const b = startCli(resumeArgs(out), { env: env() });
    const results: [CliResult, number | undefined][] = [[await a.done, a.child.pid], [await b.done, b.child.pid]];
    const winners = results.filter(([r]) => r.code === 0);
    const losers = results.filter(([r]) => r.code !== 0);
    assert.equal(winners.length, 1, results.map(([r]) => `exit ${r.code}: ${r.stderr}`).join('\n'));
    const [[lost], [, winnerPid]] = [losers[0] as [CliResult, number], winners[0] as [CliResult, number]];
    assert.match(lost.stderr, new RegExp(`is being written by gaplens run \\(pid ${winnerPid}\\b`));
    assertCleanStderr(lost.stderr);
    assertComplete(out);
  }

  function assertComplete(out: string): void {
    const records = readRecords(out);
    assertNoDuplicates(records);
    assert.equal(records.filter((r) => r.type !== 'failure').length, ALL_RECORDS, 'records lost');
    assert.ok(readRunJson(out).completedAt, 'run.json has no completedAt');
    assert.equal(existsSync(join(out, 'run.lock')), false, 'run.lock left behind');
    assert.equal(existsSync(join(out, 'run.lock.takeover')), false, 'run.lock.takeover left behind');
  }

  it('refuses a second --resume while one is running: no duplicate and no lost record', async () => {
    await raceTwoResumes(await unfinishedRun('twice'));
  });

  it('takes over the lock left by a process killed with -9', async () => {
    const out = join(tmp.dir, 'killed');
    const run = startCli(newRunArgs(out), { env: env() });
    await waitFor(() => lineCount(join(out, 'samples.jsonl')) >= 20, 30000);
    run.child.kill('SIGKILL');
    assert.equal((await run.done).code, null, 'the run finished before it could be killed');
    const left = JSON.parse(readFileSync(join(out, 'run.lock'), 'utf8')) as { pid: number };
    assert.equal(left.pid, run.child.pid);

    const resumed = await runCli(resumeArgs(out), { env: env() });
    assert.equal(resumed.code, 0, resumed.stderr);
    assertComplete(out);
  });

  it('lets exactly one of two resumes take over a stale lock', async () => {
    const out = await unfinishedRun('stale');
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(join(out, 'run.lock'), `${JSON.stringify({ pid: dead, host: hostname(), since: new Date().toISOString(), by: 'gaplens run', token: 'dead' })}\n`);
    await raceTwoResumes(out);
  });
});
