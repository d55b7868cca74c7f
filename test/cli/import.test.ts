// gaplens import: generations made elsewhere become a run folder graded by our checkers, which
// gaplens reverify then verifies (the fake endpoint answers only verification calls) and report reads.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers/cli';
import { assertCleanStderr, cleanEnv, isVerificationRequest, readRunJson } from '../helpers/runs';
import { startFakeOpenAI, type FakeOpenAI } from '../fixtures/openaiServer';
import { INSPECT_LOG, LM_EVAL_GSM8K, PLAIN_JSONL } from '../core/import/importFixtures';

describe('gaplens import', function () {
  this.timeout(60000);
  let tmp: { dir: string; cleanup: () => void };
  let server: FakeOpenAI;

  before(async () => {
    tmp = tempDir();
    server = await startFakeOpenAI();
  });
  after(async () => {
    await server.close();
    tmp.cleanup();
  });

  const cli = (args: string[]) => runCli(args, { env: cleanEnv(tmp.dir) });

  it('imports generations, then reverify verifies them without generating and report reads the run', async () => {
    const out = join(tmp.dir, 'plain');
    const model = `openai:fake@${server.url}`;
    const imported = await cli(['import', PLAIN_JSONL, '--model', model, '--out', out]);
    assert.equal(imported.code, 0, imported.stderr);
    assertCleanStderr(imported.stderr);
    assert.match(imported.stdout, /^imported 3 tasks × 2 samples \(6 generations\) from jsonl: /);
    assert.match(imported.stdout, /\ncheckers: numeric for 1 task \(chosen from the gold answer; --grader chooses another\); math for 1 task \(named by the source\); nq for 1 task \(chosen from the gold answer; --grader chooses another\)\n/);
    // 42 ✓, 32 ✗; \frac12 ✓, 0.5 ✓; Paris ✓, Lyon ✗.
    assert.match(imported.stdout, /\ngraded by Gap Lens's checkers: 4 of 6 correct \(66\.7%\)/);
    assert.match(imported.stdout, new RegExp(`\nnext: gaplens reverify ${out} --verifier mc`));
    assert.equal(server.counters.requests, 0, 'importing calls no model');

    const early = await cli(['report', out]);
    assert.equal(early.code, 1);
    assertCleanStderr(early.stderr);
    assert.match(early.stderr, new RegExp(`${out} has no verifiers yet \\(its generations were imported\\): add them with gaplens reverify ${out} --verifier mc`));

    const verified = await cli(['reverify', out, '--verifier', 'mc', '--no-cache']);
    assert.equal(verified.code, 0, verified.stderr);
    assertCleanStderr(verified.stderr);
    // Besides the endpoint's capability probe, every call about a task verifies: none generates.
    const aboutTasks = server.requests.filter((r) => /What is 17 \+ 25\?|Simplify|capital of France/.test(JSON.stringify(r.body)));
    assert.ok(aboutTasks.length > 0 && aboutTasks.every(isVerificationRequest), 'only verification calls');
    assert.match(verified.stdout, /\ngenerations imported from jsonl \(.*generations\.jsonl\): made elsewhere, so their cost and time were not measured; token counts unknown\n/);
    assert.ok(readRunJson(out).completedAt, 'complete once verified');

    const report = await cli(['report', out, '--json']);
    assert.equal(report.code, 0, report.stderr);
    const json = JSON.parse(report.stdout) as { samples: number; accuracy: number; import: { format: string; generationCalls: number; usageKnown: boolean }; models: { generator: string } };
    assert.equal(json.samples, 6);
    assert.equal(json.accuracy, 4 / 6);
    assert.deepEqual([json.import.format, json.import.generationCalls, json.import.usageKnown], ['jsonl', 0, false]);
    assert.equal(json.models.generator, model);
  });

  it('takes the generator an Inspect log names, and prints a JSON summary', async () => {
    const out = join(tmp.dir, 'inspect');
    const res = await cli(['import', INSPECT_LOG, '--out', out, '--json']);
    assert.equal(res.code, 0, res.stderr);
    const summary = JSON.parse(res.stdout) as Record<string, unknown>;
    assert.equal(summary['model'], 'openai:gpt-4o-mini@https://api.openai.com/v1');
    assert.equal(summary['modelFrom'], 'source');
    assert.deepEqual([summary['tasks'], summary['n'], summary['generations'], summary['correct']], [2, 2, 4, 2]);
    assert.deepEqual(summary['sampling'], { temperature: 0.5, topP: null, maxTokens: 1024, seed: null });
    assert.deepEqual(summary['graders'], [{ grader: 'numeric', from: 'gold', tasks: 2 }]);
  });

  it('fails on malformed records with file:line messages, creating no run folder', async () => {
    const bad = join(tmp.dir, 'samples_gsm8k_2024-11-20T09-14-03.jsonl');
    writeFileSync(bad, '{"doc_id": 0, "doc": {}\n{"doc_id": "x"}\n');
    const out = join(tmp.dir, 'bad-run');
    const res = await cli(['import', bad, '--model', `openai:fake@${server.url}`, '--out', out]);
    assert.equal(res.code, 1);
    assertCleanStderr(res.stderr);
    assert.match(res.stderr, /cannot import: 2 problems reading lm-evaluation-harness --log_samples output; fix them and import again:\n/);
    assert.ok(res.stderr.includes(`${bad}:1: not valid JSON`), res.stderr);
    assert.ok(res.stderr.includes(`${bad}:2: "doc_id" must be a whole number >= 0, got string "x"`), res.stderr);
    assert.equal(existsSync(out), false);
  });

  it('refuses bad options as usage errors (exit 2)', async () => {
    for (const [args, pattern] of [
      [['import'], /import takes one or more FILEs/],
      [['import', LM_EVAL_GSM8K, '--format', 'csv'], /--format 'csv' is not valid: use lm-eval, inspect, jsonl/],
      [['import', LM_EVAL_GSM8K, '--grader', 'regex'], /--grader 'regex' is not valid/],
      [['import', LM_EVAL_GSM8K], /does not name the model that generated the samples; pass --model SPEC/],
      [['import', LM_EVAL_GSM8K, '--model', 'openai:m@http://127.0.0.1:9/v1', '-n', '0'], /-n/],
    ] as const) {
      const res = await cli([...args]);
      assert.equal(res.code, 2, `${args.join(' ')}: ${res.stderr}`);
      assertCleanStderr(res.stderr);
      assert.match(res.stderr, pattern);
    }
  });
});
