import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importRun, type ImportRequest } from '../../../src/core/import/importRun';
import { detectImportFormat } from '../../../src/core/import/readSources';
import { readRun } from '../../../src/core/runs/runStore';
import { sampleKey } from '../../../src/core/runs/sampleKey';
import { UserError } from '../../../src/core/util/errors';
import { tempDir } from '../../helpers/cli';
import { fixtureRecords, fixtureText, INSPECT_LOG, jsonl, LM_EVAL_GSM8K, LM_EVAL_NQ, PLAIN_JSONL } from './importFixtures';

const MODEL = 'openai:gen@http://127.0.0.1:9/v1';

describe('importRun', () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  const request = (files: string[], extra: Partial<ImportRequest> = {}): ImportRequest => ({
    files,
    api: 'completions',
    verifierTemperature: 0.7,
    verifierMaxTokens: 512,
    runsRoot: join(tmp.dir, 'runs'),
    out: join(tmp.dir, 'run'),
    ...extra,
  });
  const rejects = (req: ImportRequest, pattern: RegExp): Promise<void> =>
    assert.rejects(importRun(req), (e: unknown) => e instanceof UserError && pattern.test(e.message));

  it('writes a normal run folder whose generations are graded by our checkers and say nothing unmeasured', async () => {
    const outcome = await importRun(request([LM_EVAL_GSM8K], { model: MODEL }));
    const run = await readRun(outcome.dir);
    assert.deepEqual(run.warnings, []);
    assert.equal(run.manifest.config.model, MODEL);
    assert.deepEqual(run.manifest.config.verifiers, []);
    assert.equal(run.manifest.config.n, 1);
    assert.equal(run.manifest.config.temperature, 0, "the source's greedy decoding");
    assert.equal(run.manifest.completedAt, undefined, 'not complete until verified');
    assert.deepEqual(run.manifest.import, {
      format: 'lm-eval',
      files: [{ path: LM_EVAL_GSM8K, sha256: createHash('sha256').update(readFileSync(LM_EVAL_GSM8K)).digest('hex') }],
      sourceModel: null,
      sampling: { temperature: 0, topP: null, maxTokens: null, seed: null },
      usageKnown: false,
      generationCalls: 0,
    });
    // No generate template: the generations were prompted elsewhere.
    assert.deepEqual(run.manifest.templates, {});
    assert.deepEqual(readdirSync(join(outcome.dir, 'templates')), []);
    assert.deepEqual(run.tasks.map((t) => t.id), ['gsm8k:0', 'gsm8k:1', 'gsm8k:2']);
    const generations = run.tasks.map((t) => run.generations.get(sampleKey(t.id, 0)));
    // lm-eval's strict-match scored doc 1 wrong ("The answer is 3." has no "####"); our checker reads the 3.
    assert.deepEqual(generations.map((g) => g?.grade.correct), [true, true, false]);
    for (const g of generations) {
      assert.ok(g);
      assert.equal('usage' in g, false, 'lm-eval counts no tokens: no usage, not zero');
      assert.equal('seed' in g, false);
      assert.equal(g.finishReason, 'unknown');
    }
    assert.deepEqual(run.tasks[1]?.meta?.['import'], { at: [`${LM_EVAL_GSM8K}:2`], scores: [{ 'strict-match': { exact_match: 0 }, 'flexible-extract': { exact_match: 1 } }] });
    assert.equal(outcome.correct, 2);
    assert.deepEqual(outcome.graders, [{ grader: 'numeric', from: 'source', tasks: 3 }]);
  });

  it("keeps an Inspect log's token counts and takes its generator from the log", async () => {
    const outcome = await importRun(request([INSPECT_LOG]));
    const run = await readRun(outcome.dir);
    assert.equal(run.manifest.config.model, 'openai:gpt-4o-mini@https://api.openai.com/v1');
    assert.equal(outcome.modelFrom, 'source');
    assert.equal(run.manifest.config.n, 2);
    assert.equal(run.manifest.config.maxTokens, 1024);
    assert.equal(run.manifest.import?.usageKnown, true);
    assert.deepEqual(run.generations.get(sampleKey('gsm8k:1', 1))?.usage, { promptTokens: 112, completionTokens: 51 });
  });

  it('joins files of one format, each task keeping its samples from every file', async () => {
    const outcome = await importRun(request([LM_EVAL_GSM8K, LM_EVAL_NQ], { model: MODEL }));
    assert.equal(outcome.tasks, 6);
    assert.deepEqual(outcome.graders, [{ grader: 'numeric', from: 'source', tasks: 3 }, { grader: 'nq', from: 'source', tasks: 3 }]);
    assert.equal(outcome.provenance.files.length, 2);
  });

  it('lists the problems of every file at once, creating nothing', async () => {
    const records = fixtureRecords(PLAIN_JSONL);
    const bad = join(tmp.dir, 'bad.jsonl');
    writeFileSync(bad, jsonl([records[0], { ...records[1], gold: 7 }, '{', records[2]]));
    const alsoBad = join(tmp.dir, 'also-bad.jsonl');
    writeFileSync(alsoBad, jsonl([{ ...records[0], task: 'other', samples: 'x' }]));
    await rejects(request([bad, alsoBad], { model: MODEL }), new RegExp(
      [`^cannot import: 3 problems reading Gap Lens import JSONL; fix them and import again:`, `${bad}:2: "gold" must be`, `${bad}:3: not valid JSON`, `${alsoBad}:1: "samples" must be`].join('.*\\n(.*\\n)*?'),
    ));
    assert.equal(existsSync(join(tmp.dir, 'run')), false);
  });

  it('lists the first five problems and how many more, and says why a file gave no samples', async () => {
    const many = join(tmp.dir, 'many.jsonl');
    writeFileSync(many, Array.from({ length: 7 }, () => '[]').join('\n'));
    await rejects(request([many], { format: 'jsonl', model: MODEL }), /^cannot import: 7 problems .*:\n(.*many\.jsonl:\d+: expected a JSON object.*\n){5}and 2 more$/);
    const empty = join(tmp.dir, 'empty.jsonl');
    writeFileSync(empty, '\n\n');
    await rejects(request([empty], { format: 'jsonl', model: MODEL }), /empty\.jsonl: holds no samples to import \(it is empty or has only blank lines\)$/);
    const log = JSON.parse(fixtureText(INSPECT_LOG)) as { samples: Record<string, unknown>[] };
    const failed = join(tmp.dir, 'failed.json');
    writeFileSync(failed, JSON.stringify({ ...log, samples: log.samples.map((s) => ({ ...s, error: { message: 'boom' } })) }));
    await rejects(request([failed]), /failed\.json: holds no samples to import \(.*samples\[0\] \(id 1, epoch 1\): Inspect recorded an error for this sample \(boom\).*; and 3 more left out\)$/);
  });

  it('asks for --model when the source names no generator Gap Lens can call', async () => {
    await rejects(request([PLAIN_JSONL]), /Gap Lens import JSONL does not name the model that generated the samples; pass --model SPEC/);
    const log = JSON.parse(fixtureText(INSPECT_LOG)) as { eval: Record<string, unknown> };
    const other = join(tmp.dir, 'log.json');
    writeFileSync(other, JSON.stringify({ ...log, eval: { ...log.eval, model: 'anthropic/claude-3-5-haiku' } }));
    await rejects(request([other]), /the files name the generator "anthropic\/claude-3-5-haiku", which is not a model Gap Lens can call/);
  });

  it('refuses files of different formats, of different generators, an Inspect .eval archive and what it cannot read', async () => {
    await rejects(request([PLAIN_JSONL, LM_EVAL_GSM8K], { model: MODEL }), /is lm-evaluation-harness --log_samples output but .* is Gap Lens import JSONL: import files of one format at a time/);
    const log = JSON.parse(fixtureText(INSPECT_LOG)) as { eval: Record<string, unknown> };
    const other = join(tmp.dir, 'other.json');
    writeFileSync(other, JSON.stringify({ ...log, eval: { ...log.eval, model: 'openai/gpt-4o' } }));
    await rejects(request([INSPECT_LOG, other]), /the files name different generators \(openai\/gpt-4o-mini in .*, openai\/gpt-4o in .*\)/);
    const archive = join(tmp.dir, 'run.eval');
    writeFileSync(archive, Buffer.from('PK\x03\x04rest of a zip', 'binary'));
    await rejects(request([archive], { model: MODEL }), /is an Inspect AI \.eval log \(a ZIP archive\).*inspect log convert/);
    const csv = join(tmp.dir, 'data.csv');
    writeFileSync(csv, 'a,b\n1,2\n');
    await rejects(request([csv], { model: MODEL }), /data\.csv: not a format gaplens import reads/);
    await rejects(request([join(tmp.dir, 'missing.jsonl')], { model: MODEL }), /cannot read .*missing\.jsonl: no such file/);
  });

  it('recognises each format from its first record, and a broken lm-eval file from its name', () => {
    assert.equal(detectImportFormat(fixtureText(LM_EVAL_GSM8K), 'x.jsonl'), 'lm-eval');
    assert.equal(detectImportFormat(fixtureText(INSPECT_LOG), 'x.json'), 'inspect');
    assert.equal(detectImportFormat(JSON.stringify(JSON.parse(fixtureText(INSPECT_LOG))), 'x.json'), 'inspect');
    assert.equal(detectImportFormat(fixtureText(PLAIN_JSONL), 'x.jsonl'), 'jsonl');
    assert.equal(detectImportFormat('{"doc_id": 0, "doc"\n', 'samples_gsm8k_2024-11-20T09-14-03.jsonl'), 'lm-eval');
    assert.equal(detectImportFormat('{"doc_id": 0, "doc"\n', 'mine.jsonl'), null);
    assert.equal(detectImportFormat('{"question": "q"}\n', 'mine.jsonl'), null);
  });
});
