import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers/cli';

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('CLI errors: clear messages and exit codes, never a stack trace', function () {
  this.timeout(60000);
  let tmp: { dir: string; cleanup: () => void };
  before(() => (tmp = tempDir()));
  after(() => tmp.cleanup());

  const noStack = (stderr: string): void => assert.doesNotMatch(stderr, /\n\s+at .+:\d+:\d+/, `stack trace in: ${stderr}`);

  it('usage errors exit 2', async () => {
    for (const args of [['frobnicate'], ['run', '--tasks', 'builtin:arithmetic', '--model', 'gpt4'], ['report', '--samples', 'x.jsonl', '--filter', 'quantile:2'], ['run', '--bogus']]) {
      const res = await runCli(args);
      assert.equal(res.code, 2, `${args.join(' ')}: ${res.stderr}`);
      assert.match(res.stderr, /^gaplens: /);
      noStack(res.stderr);
    }
  });

  it('a broken task file names the file, line and column', async () => {
    const file = join(tmp.dir, 'broken.jsonl');
    writeFileSync(file, '{"id":"a","question":"q","answer":"1","grader":"numeric"}\n{"id":"b","question":\n');
    const res = await runCli(['tasks', 'validate', file]);
    assert.equal(res.code, 1);
    assert.match(res.stdout, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2:21: error`), 'the line ends too soon: at its last character, as the editor marks it');
    noStack(res.stderr);
  });

  it('an unreachable endpoint is named, with no lost work', async () => {
    const file = join(tmp.dir, 'tasks.jsonl');
    writeFileSync(file, '{"id":"a","question":"What is 1+1?","answer":"2","grader":"numeric"}\n');
    const url = `http://127.0.0.1:${await closedPort()}/v1`;
    const out = join(tmp.dir, 'run');
    const res = await runCli(['run', '--tasks', file, '--model', `openai:m@${url}`, '-n', '2', '--out', out, '--no-cache', '--retries', '1']);
    assert.equal(res.code, 1);
    assert.ok(res.stderr.includes(`127.0.0.1`), res.stderr);
    noStack(res.stderr);
  });

  it('a run folder that is not one says so', async () => {
    const res = await runCli(['report', tmp.dir]);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /not a Gap Lens run folder/);
    noStack(res.stderr);
  });
});
