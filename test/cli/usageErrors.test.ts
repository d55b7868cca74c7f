// A flag that cannot work is a usage error (exit 2) found before anything is created: no run
// folder is left behind, and the message does not send the user to --resume a run that never was.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers/cli';
import { assertCleanStderr, cleanEnv } from '../helpers/runs';

describe('gaplens run: usage errors leave nothing behind', function () {
  this.timeout(60000);
  let tmp: { dir: string; cleanup: () => void };
  before(() => {
    tmp = tempDir();
    mkdirSync(join(tmp.dir, 'unknown-file'));
    writeFileSync(join(tmp.dir, 'unknown-file', 'verify-mcc.txt'), 'Question: {{question}}\n');
    mkdirSync(join(tmp.dir, 'bad-placeholder'));
    writeFileSync(join(tmp.dir, 'bad-placeholder', 'generate.txt'), 'Question: {{questoin}}\nAnswer:');
  });
  after(() => tmp.cleanup());

  // An endpoint nobody listens on: a run that got as far as calling it would fail differently.
  const model = 'openai:m@http://127.0.0.1:9/v1';
  const cases: Record<string, string[]> = {
    'a missing model file': ['--model', 'llama:models/missing.gguf'],
    '--threads 0': ['--model', model, '--threads', '0'],
    '--timeout-ms 0': ['--model', model, '--timeout-ms', '0'],
    '--max-answer-mb 0': ['--model', model, '--max-answer-mb', '0'],
    'a --templates folder that does not exist': ['--model', model, '--templates', 'no-such-folder'],
    'a --templates file of no known role': ['--model', model, '--templates', 'unknown-file'],
    'a --templates file with an unknown placeholder': ['--model', model, '--templates', 'bad-placeholder'],
  };
  for (const [name, flags] of Object.entries(cases)) {
    it(`${name}: exit 2, no run folder`, async () => {
      const runs = join(tmp.dir, 'runs');
      const res = await runCli(['run', '--tasks', 'builtin:arithmetic', '--limit', '1', '-n', '1', '--runs-dir', runs, ...flags], { cwd: tmp.dir, env: cleanEnv(tmp.dir) });
      assert.equal(res.code, 2, res.stderr);
      assert.match(res.stderr, /^gaplens: /);
      assert.doesNotMatch(res.stderr, /--resume/);
      assertCleanStderr(res.stderr);
      assert.equal(existsSync(runs), false, `created ${existsSync(runs) ? readdirSync(runs).join(', ') : ''}`);
    });
  }

  it('--out is not created either', async () => {
    const out = join(tmp.dir, 'out');
    const res = await runCli(['run', '--tasks', 'builtin:arithmetic', '--model', model, '--timeout-ms', '0', '--out', out], { cwd: tmp.dir, env: cleanEnv(tmp.dir) });
    assert.equal(res.code, 2, res.stderr);
    assert.equal(existsSync(out), false);
  });
});
