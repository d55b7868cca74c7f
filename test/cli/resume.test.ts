import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, startCli, tempDir } from '../helpers/cli';
import { lineCount, waitFor, writeTasks } from '../helpers/runs';
import { startFakeOpenAI, type FakeOpenAI } from '../fixtures/openaiServer';

const TASKS = 30;
const N = 6;

const STAT_KEYS = ['tasks', 'samples', 'accuracy', 'filteredAccuracy', 'gap', 'relativeGap', 'retention', 'auroc', 'ci', 'passAtK', 'confusion'] as const;

describe('kill -9 mid-run, then --resume', function () {
  this.timeout(120000);
  let server: FakeOpenAI;
  let tmp: { dir: string; cleanup: () => void };

  before(async () => {
    server = await startFakeOpenAI({ latencyMs: 15 });
    tmp = tempDir();
    writeTasks(join(tmp.dir, 'tasks.jsonl'), TASKS);
  });
  after(async () => {
    await server.close();
    tmp.cleanup();
  });

  const args = (out: string, cache: string): string[] => [
    'run', '--tasks', join(tmp.dir, 'tasks.jsonl'), '--model', `openai:fake@${server.url}`, '-n', String(N),
    '--verifier', 'mc', '--filter', 'quantile:0.5', '--concurrency', '4', '--out', out, '--cache', cache, '--json',
  ];

  it('ends with every sample exactly once and the statistics of an uninterrupted run', async () => {
    const straight = await runCli(args(join(tmp.dir, 'straight'), join(tmp.dir, 'cache-straight')));
    assert.equal(straight.code, 0, straight.stderr);
    const expected = JSON.parse(straight.stdout) as Record<string, unknown>;

    const out = join(tmp.dir, 'killed');
    const samplesFile = join(out, 'samples.jsonl');
    const cache = join(tmp.dir, 'cache-killed');
    // Killed twice, at different depths, before it is allowed to finish.
    for (const atLines of [40, 200]) {
      const run = existsSync(join(out, 'run.json')) ? startCli(['run', '--resume', out, '--cache', cache, '--concurrency', '4']) : startCli(args(out, cache));
      await waitFor(() => lineCount(samplesFile) >= atLines, 60000);
      run.child.kill('SIGKILL');
      const res = await run.done;
      assert.equal(res.code, null, 'the run finished before it could be killed; the test needs a slower server');
    }
    assert.ok(lineCount(samplesFile) < TASKS * N * 2, 'the killed run already had every record');
    const resumed = await runCli(['run', '--resume', out, '--cache', cache, '--json']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const actual = JSON.parse(resumed.stdout) as Record<string, unknown>;

    const records = readFileSync(samplesFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; task: string; index: number; verifier?: string });
    const keys = records.map((r) => `${r.type}/${r.task}/${r.index}/${r.verifier ?? ''}`);
    assert.equal(new Set(keys).size, keys.length, 'a record is duplicated');
    assert.equal(records.filter((r) => r.type === 'generation').length, TASKS * N);
    assert.equal(records.filter((r) => r.type === 'verification').length, TASKS * N);
    for (const key of STAT_KEYS) assert.deepEqual(actual[key], expected[key], `${key} differs from the uninterrupted run`);
    assert.ok((expected.accuracy as number) > 0.3 && (expected.accuracy as number) < 0.9, 'the workload should mix correct and wrong samples');
  });

  it('resumes a folder cut mid-task with a torn last line to the records and reports of the uninterrupted run, byte for byte', async () => {
    const straight = join(tmp.dir, 'straight-two');
    const cache = join(tmp.dir, 'cache-two');
    const two = [...args(straight, cache).filter((a) => a !== '--json')];
    two[two.indexOf('mc')] = 'mc,cot-score';
    const done = await runCli(two);
    assert.equal(done.code, 0, done.stderr);
    const cut = join(tmp.dir, 'cut');
    cpSync(straight, cut, { recursive: true });
    const lines = readFileSync(join(straight, 'samples.jsonl'), 'utf8').split('\n');
    // A task of N samples writes N generations, then 2N verifications: line 100 is inside the sixth task.
    const kept = 100;
    writeFileSync(join(cut, 'samples.jsonl'), `${lines.slice(0, kept).join('\n')}\n${(lines[kept] as string).slice(0, 40)}`);
    const manifestFile = join(cut, 'run.json');
    const { completedAt: _done, ...manifest } = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + '\n');

    const resumed = await runCli(['run', '--resume', cut, '--cache', cache]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /incomplete last line dropped/);
    // Every record again, in another order and with other times.
    const records = (dir: string): string[] =>
      readFileSync(join(dir, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.stringify({ ...(JSON.parse(l) as object), at: '' })).sort();
    assert.deepEqual(records(cut), records(straight));
    for (const format of [['--json'], []]) {
      const report = async (dir: string): Promise<string> => {
        const res = await runCli(['report', dir, ...format]);
        assert.equal(res.code, 0, res.stderr);
        return res.stdout.replaceAll(dir, 'RUN_DIR');
      };
      assert.equal(await report(cut), await report(straight), `report ${format.join(' ')}`);
    }
  });
});
