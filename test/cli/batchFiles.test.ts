// gaplens batch export / import: a run that calls no endpoint, its requests written for vLLM's
// run-batch, and the results read back in any order, partial and repeated.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeOpenAI } from '../fixtures/openaiServer';
import { runCli, tempDir } from '../helpers/cli';
import { recordSet, runArgs } from '../helpers/batchRuns';
import { fakeServersPerTest } from '../helpers/fakeServers';
import { assertCleanStderr, assertNoDuplicates, cleanEnv, readRecords, readRunJson, writeTasks } from '../helpers/runs';

/**
 * What `vllm run-batch -i IN -o OUT` does with a request file, played by the fake's online
 * endpoint: every line answered in input order, as `{id, custom_id, response: {status_code,
 * request_id, body}, error}`.
 */
async function vllmRunBatch(fake: FakeOpenAI, input: string, output: string): Promise<void> {
  const lines = readFileSync(input, 'utf8').split('\n').filter((l) => l !== '');
  const results: string[] = [];
  for (const [i, text] of lines.entries()) {
    const line = JSON.parse(text) as { custom_id: string; method: string; url: string; body: unknown };
    assert.equal(line.method, 'POST');
    assert.equal(line.url, '/v1/chat/completions');
    const answer = await fetch(`${fake.origin}${line.url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(line.body) });
    results.push(JSON.stringify({ id: `vllm-${i}`, custom_id: line.custom_id, response: { status_code: answer.status, request_id: `vllm-batch-${i}`, body: await answer.json() }, error: null }));
  }
  writeFileSync(output, `${results.join('\n')}\n`);
}

describe('gaplens batch export / import', function () {
  this.timeout(180000);
  const servers = fakeServersPerTest();
  let dir: string;
  let cleanup: () => void;
  let tasks: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    tasks = join(dir, 'tasks.jsonl');
    writeTasks(tasks, 4);
    env = cleanEnv(dir);
  });
  afterEach(() => cleanup());

  it('round-trips a gap check with mc and the tournament through files in vLLM’s format, imported in any order, partial and repeated', async () => {
    const verifiers = 'mc,tournament';
    const reference = await servers.serve();
    const onlineRun = await runCli(runArgs(reference, tasks, join(dir, 'online'), verifiers), { env });
    assert.equal(onlineRun.code, 0, onlineRun.stderr);
    const expected = await recordSet(join(dir, 'online'));

    // The cluster's model: the fake, which the run itself never calls.
    const cluster = await servers.serve();
    const out = join(dir, 'run');
    const created = await runCli(runArgs(cluster, tasks, out, verifiers, ['--executor', 'offline']), { env });
    assert.equal(created.code, 0, created.stderr);
    assertCleanStderr(created.stderr);
    assert.match(created.stderr, new RegExp(`the run waits for batch results: write its requests with gaplens batch export ${out} --format vllm --out FOLDER`));
    assert.equal(cluster.requests.length, 0, 'an offline run called its endpoint');

    const phases: string[][] = [];
    for (let round = 1; round <= 6; round++) {
      const folder = join(dir, `export-${round}`);
      const exported = await runCli(['batch', 'export', out, '--format', 'vllm', '--out', folder, '--shards', '2', '--no-cache', '--json'], { env });
      assert.equal(exported.code, 0, exported.stderr);
      const summary = JSON.parse(exported.stdout) as { files: { file: string; requests: number; stages: Record<string, number> }[]; needed: Record<string, number>; complete: boolean };
      if (summary.complete) break;
      phases.push(Object.keys(summary.needed));
      assert.ok(summary.files.length >= 1 && summary.files.length <= 2);
      const results = summary.files.map((f, i) => join(dir, `results-${round}-${i}.jsonl`));
      for (const [i, f] of summary.files.entries()) await vllmRunBatch(cluster, f.file, results[i] as string);
      if (round === 1) {
        // Partial: the second file alone. The next export asks for the first file's generations
        // again, and already for the verifications of the tasks whose generations landed.
        const partial = await runCli(['batch', 'import', out, results[1] as string, '--no-cache'], { env });
        assert.equal(partial.code, 0, partial.stderr);
        const again = await runCli(['batch', 'export', out, '--format', 'vllm', '--out', join(dir, 'again'), '--no-cache', '--json'], { env });
        const rest = JSON.parse(again.stdout) as { needed: Record<string, number> };
        const landed = summary.files[1]?.requests ?? 0;
        assert.deepEqual(rest.needed, { generation: summary.files[0]?.requests, mc: landed * 4, tournament: landed * 2 });
      }
      // In reverse order, the first file twice.
      const imported = await runCli(['batch', 'import', out, ...results.slice().reverse(), results[0] as string, '--no-cache'], { env });
      assert.equal(imported.code, 0, imported.stderr);
      assertCleanStderr(imported.stderr);
    }
    assert.deepEqual(phases, [['generation'], ['mc', 'tournament'], ['tournament']]);
    assertNoDuplicates(readRecords(out));
    assert.deepEqual(await recordSet(out), expected);
    assert.ok(readRunJson(out).completedAt);
  });

  it('exports one phase at a time, refuses what vLLM cannot run, and refuses a result file with a bad line before touching the run', async () => {
    const cluster = await servers.serve();
    const out = join(dir, 'run');
    assert.equal((await runCli(runArgs(cluster, tasks, out, 'mc', ['--executor', 'offline']), { env })).code, 0);
    const none = await runCli(['batch', 'export', out, '--phase', 'mc', '--out', join(dir, 'e'), '--no-cache'], { env });
    assert.equal(none.code, 0, none.stderr);
    assert.match(none.stderr, /no mc requests to export now; .* needs: generation 4/);
    assert.deepEqual(readdirSync(join(dir, 'e')), []);
    const wrong = await runCli(['batch', 'export', out, '--phase', 'cot-score', '--out', join(dir, 'e')], { env });
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /--phase 'cot-score' is not a phase of .*: use next, generation, mc/);

    const completions = join(dir, 'completions');
    assert.equal((await runCli([...runArgs(cluster, tasks, completions, 'mc', ['--executor', 'offline']).filter((a) => a !== 'chat' && a !== '--api')], { env })).code, 0);
    const vllm = await runCli(['batch', 'export', completions, '--format', 'vllm', '--out', join(dir, 'v')], { env });
    assert.equal(vllm.code, 2);
    assert.match(vllm.stderr, /vLLM's run-batch serves chat requests only .* export with --format openai, or start a run with --api chat/);

    const azureServer = await servers.serve({ apiKey: 'azure-key-7', models: ['gpt-4o-mini'] });
    const azure = join(dir, 'azure');
    const azureEnv = { ...env, OPENAI_API_KEY: 'azure-key-7', OPENAI_API_VERSION: '2024-10-21' };
    const azureRun = await runCli(['run', '--tasks', tasks, '--model', `azure:gpt-4o-mini@${azureServer.origin}`, '--api', 'chat', '-n', '2', '--verifier', 'mc', '--no-cache', '--executor', 'offline', '--out', azure], { env: azureEnv });
    assert.equal(azureRun.code, 0, azureRun.stderr);
    const azureVllm = await runCli(['batch', 'export', azure, '--format', 'vllm', '--out', join(dir, 'av')], { env: azureEnv });
    assert.equal(azureVllm.code, 2);
    assert.match(azureVllm.stderr, /runs on the Azure OpenAI deployment gpt-4o-mini, whose batch lines vLLM's run-batch does not take: export with --format openai/);
    assert.ok(!existsSync(join(dir, 'av')), 'nothing written');

    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"custom_id": "x", "response": {"status_code": 200, "body": {}}}\n{"oops": 1}\n');
    const refused = await runCli(['batch', 'import', out, bad], { env });
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr, `gaplens: ${bad}:2: not a batch result line: "custom_id" must be a non-empty string (got nothing)\n`);
    assert.deepEqual(readdirSync(out).filter((f) => f === 'batch'), []);
  });
});
