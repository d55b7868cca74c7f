// samples.jsonl stays small (issue 10: a million samples on a laptop): no verification record
// repeats its prompt. A fixed workload against the fake server, whose answers are deterministic, so
// the size is too: the GSM8K questions of test/fixtures/runs/v1, N = 8, the mc verifier.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, runCli } from '../helpers/cli';
import { folderAndServerPerSuite } from '../helpers/fakeServers';
import { cleanEnv, lineCount } from '../helpers/runs';

const TASKS = join(REPO, 'test', 'fixtures', 'runs', 'v1', 'gsm8k-4.jsonl');
/** The target: at most 1.2 KB of samples.jsonl per sample on the GSM8K workload (mc, N = 8); it was 2.5 KB here with the prompts stored. */
const MAX_BYTES_PER_SAMPLE = 1200;

describe('the size of samples.jsonl', function () {
  this.timeout(60000);
  const suite = folderAndServerPerSuite();

  it(`is at most ${MAX_BYTES_PER_SAMPLE} bytes per sample on GSM8K with mc, N = 8`, async () => {
    const out = join(suite.dir, 'run');
    const res = await runCli(['run', '--tasks', TASKS, '--model', `openai:fake@${suite.server.url}`, '-n', '8', '--verifier', 'mc', '--seed', '7', '--out', out, '--no-cache'], { env: cleanEnv(suite.dir) });
    assert.equal(res.code, 0, res.stderr);
    const file = join(out, 'samples.jsonl');
    const samples = 4 * 8;
    assert.equal(lineCount(file), 2 * samples, 'a generation and an mc verification per sample');
    const perSample = statSync(file).size / samples;
    assert.ok(perSample <= MAX_BYTES_PER_SAMPLE, `${perSample.toFixed(0)} bytes per sample`);
  });
});
