// Where the API key goes (src/cli/apiKey.ts): only to an endpoint named with --model in this
// invocation or trusted in the user's own config file — never to one that only a run folder's
// run.json names, since a run folder may come from someone else.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers/cli';
import { assertCleanStderr, cleanEnv, dropVerifications, readRunJson, writeTasks } from '../helpers/runs';
import { startFakeOpenAI, type FakeOpenAI } from '../fixtures/openaiServer';

const KEY = 'sk-test-do-not-leak-1234';

describe('the API key goes only to endpoints the user named', function () {
  this.timeout(60000);
  let tmp: { dir: string; cleanup: () => void };
  let server: FakeOpenAI;
  let out: string;
  let model: string;
  let origin: string;
  let trustingConfig: string;

  before(async () => {
    tmp = tempDir();
    server = await startFakeOpenAI();
    origin = new URL(server.url).origin;
    model = `openai:fake@${server.url}`;
    const tasks = join(tmp.dir, 'tasks.jsonl');
    writeTasks(tasks, 3);
    out = join(tmp.dir, 'run');
    // Made without a key, as a run received from elsewhere would be.
    const made = await runCli(['run', '--tasks', tasks, '--model', model, '-n', '2', '--verifier', 'mc', '--out', out, '--no-cache'], { env: cleanEnv(tmp.dir) });
    assert.equal(made.code, 0, made.stderr);
    trustingConfig = join(tmp.dir, 'config.json');
    writeFileSync(trustingConfig, JSON.stringify({ trustedOrigins: [`${origin}/`] }));
  });
  after(async () => {
    await server.close();
    tmp.cleanup();
  });

  const withKey = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => cleanEnv(tmp.dir, { OPENAI_API_KEY: KEY, ...extra });

  /** Runs the command and returns the Authorization headers of the requests it made. */
  async function authorizationsOf(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string; sent: (string | undefined)[] }> {
    const from = server.requests.length;
    const res = await runCli(args, { env });
    return { code: res.code, stderr: res.stderr, sent: server.requests.slice(from).map((r) => r.authorization) };
  }

  function refused(res: { code: number | null; stderr: string; sent: unknown[] }, variable = 'OPENAI_API_KEY'): void {
    assert.equal(res.code, 2, res.stderr);
    assert.ok(res.stderr.includes(`names the endpoint ${origin}`), res.stderr);
    assert.ok(res.stderr.includes(variable), res.stderr);
    assert.ok(!res.stderr.includes(KEY), 'the key is printed');
    assertCleanStderr(res.stderr);
    assert.deepEqual(res.sent, [], 'requests were sent');
  }

  function sentKey(res: { code: number | null; stderr: string; sent: (string | undefined)[] }): void {
    assert.equal(res.code, 0, res.stderr);
    assert.ok(res.sent.length > 0, 'nothing was sent');
    assert.deepEqual([...new Set(res.sent)], [`Bearer ${KEY}`]);
  }

  it('run --resume: refused for the endpoint only run.json names, sent when named with --model or trusted in the config', async () => {
    dropVerifications(out);
    refused(await authorizationsOf(['run', '--resume', out, '--no-cache'], withKey()));
    sentKey(await authorizationsOf(['run', '--resume', out, '--no-cache', '--model', model], withKey()));

    dropVerifications(out);
    sentKey(await authorizationsOf(['run', '--resume', out, '--no-cache'], withKey({ GAPLENS_CONFIG: trustingConfig })));
    assert.ok(readRunJson(out).completedAt);
  });

  it('reverify: likewise', async () => {
    refused(await authorizationsOf(['reverify', out, '--verifier', 'cot-binary', '--no-cache'], withKey()));
    sentKey(await authorizationsOf(['reverify', out, '--verifier', 'cot-binary', '--no-cache', '--model', model], withKey()));
    sentKey(await authorizationsOf(['reverify', out, '--verifier', 'cot-score', '--no-cache'], withKey({ GAPLENS_CONFIG: trustingConfig })));
    assert.deepEqual(readRunJson(out).config.verifiers, ['mc', 'cot-binary', 'cot-score']);
  });

  it('GAPLENS_API_KEY is held back the same way', async () => {
    refused(await authorizationsOf(['reverify', out, '--verifier', 'tournament', '--no-cache'], cleanEnv(tmp.dir, { GAPLENS_API_KEY: KEY })), 'GAPLENS_API_KEY');
  });
});
