import assert from 'node:assert/strict';
import { lmEvalTaskName, readLmEvalSamples } from '../../../src/core/import/lmEvalSamples';
import { fixtureRecords, fixtureText, jsonl, LM_EVAL_GSM8K, LM_EVAL_NQ, LM_EVAL_SELF_CONSISTENCY } from './importFixtures';

const FILE = 'samples_gsm8k_2024-11-20T09-14-03.512345.jsonl';

describe('readLmEvalSamples (lm-evaluation-harness --log_samples output)', () => {
  it('reads each document once although every filter logs it again, with the gold after ####', () => {
    const read = readLmEvalSamples(fixtureText(LM_EVAL_GSM8K), LM_EVAL_GSM8K, {});
    assert.deepEqual(read.errors, []);
    assert.deepEqual(read.samples.map((s) => s.task.id), ['gsm8k:0', 'gsm8k:1', 'gsm8k:2']);
    const [first] = read.samples;
    assert.ok(first);
    assert.equal(first.task.answer, '18');
    assert.equal(first.task.grader, 'numeric');
    assert.equal(first.graderFrom, 'source', 'the task name gsm8k decides the checker');
    assert.match(first.task.question, /^Janet’s ducks lay 16 eggs/, 'the question is the document\'s, not the few-shot prompt');
    assert.match(String((first.task.meta?.['lmEval'] as { prompt: string }).prompt), /^Question: Janet/);
    assert.match(first.text, /#### 18$/, 'the raw response, not the filtered one');
    assert.equal(first.at, `${LM_EVAL_GSM8K}:1`);
    // Both filters' metric values are kept, as lm-eval scored them.
    assert.deepEqual(first.sourceScore, { 'strict-match': { exact_match: 1 }, 'flexible-extract': { exact_match: 1 } });
    // do_sample false is greedy decoding; lm-eval logs no top-p, token cap or seed here.
    assert.deepEqual(first.sampling, { temperature: 0, topP: null, maxTokens: null, seed: null });
    assert.equal(first.usage, null);
    assert.equal(read.model, null);
  });

  it("takes a document's repeats (self-consistency) as its samples, in order", () => {
    const read = readLmEvalSamples(fixtureText(LM_EVAL_SELF_CONSISTENCY), LM_EVAL_SELF_CONSISTENCY, {});
    assert.deepEqual(read.errors, []);
    assert.equal(read.samples.length, 8);
    const resps = (fixtureRecords(LM_EVAL_SELF_CONSISTENCY)[0]?.['resps'] as string[][])[0];
    assert.deepEqual(read.samples.filter((s) => s.task.id === 'gsm8k_cot_self_consistency:0').map((s) => s.text), resps);
    assert.deepEqual(read.samples[0]?.sampling, { temperature: 0.2, topP: null, maxTokens: 256, seed: null });
  });

  it("reads a str()'d list target as the accepted aliases, graded by nq", () => {
    const read = readLmEvalSamples(fixtureText(LM_EVAL_NQ), LM_EVAL_NQ, {});
    assert.deepEqual(read.errors, []);
    assert.deepEqual(read.samples[1]?.task.answer, ['Paris', 'Paris, France']);
    assert.equal(read.samples[1]?.task.grader, 'nq');
  });

  it('grades with --grader whatever the task name implies', () => {
    const read = readLmEvalSamples(fixtureText(LM_EVAL_GSM8K), LM_EVAL_GSM8K, { grader: 'exact' });
    assert.deepEqual(read.samples.map((s) => [s.task.grader, s.graderFrom]), [['exact', 'option'], ['exact', 'option'], ['exact', 'option']]);
  });

  it('reads the older list form of "arguments" ([[prompt, kwargs]])', () => {
    const [record] = fixtureRecords(LM_EVAL_GSM8K);
    const args = (record?.['arguments'] as { gen_args_0: { arg_0: string; arg_1: unknown } }).gen_args_0;
    const read = readLmEvalSamples(jsonl([{ ...record, arguments: [[args.arg_0, args.arg_1]] }]), FILE, {});
    assert.deepEqual(read.errors, []);
    assert.equal(read.samples.length, 1);
  });

  it('names the file and line of every malformed record, and reads the others', () => {
    const [good, second] = fixtureRecords(LM_EVAL_GSM8K);
    const mc = { doc_id: 7, doc: { question: 'q' }, target: '0', arguments: { gen_args_0: { arg_0: 'q', arg_1: ' A' }, gen_args_1: { arg_0: 'q', arg_1: ' B' } }, resps: [[[-1.2, false]], [[-0.3, true]]], filtered_resps: [[-1.2, false], [-0.3, true]] };
    const text = jsonl([
      good,
      '{"doc_id": 1, "doc": ',
      '[1, 2]',
      { ...second, resps: [] },
      { ...second, doc_id: -1 },
      mc,
      { ...second, target: '' },
      { ...good, resps: [['another answer']], filter: 'flexible-extract' },
      good,
    ]);
    const read = readLmEvalSamples(text, FILE, {});
    assert.equal(read.samples.length, 1, 'the one good record is read');
    const lines = read.errors.map((e) => e.slice(0, e.indexOf(': ')));
    assert.deepEqual(lines, [2, 3, 4, 5, 6, 7, 8, 9].map((n) => `${FILE}:${n}`));
    assert.match(read.errors[0] ?? '', /not valid JSON/);
    assert.match(read.errors[1] ?? '', /expected a JSON object/);
    assert.match(read.errors[2] ?? '', /"resps" must be a list holding one list of responses/);
    assert.match(read.errors[3] ?? '', /"doc_id" must be a whole number >= 0, got number -1/);
    assert.match(read.errors[4] ?? '', /loglikelihood \(multiple-choice\) task/);
    assert.match(read.errors[5] ?? '', /"target" is empty/);
    assert.match(read.errors[6] ?? '', /already read at line 1 with other responses/);
    assert.match(read.errors[7] ?? '', /filter "strict-match" was already read at line 1/);
  });

  it('refuses a gold answer the chosen checker cannot use', () => {
    const [record] = fixtureRecords(LM_EVAL_GSM8K);
    const read = readLmEvalSamples(jsonl([{ ...record, target: 'eighteen' }]), FILE, {});
    assert.equal(read.errors.length, 1);
    assert.match(read.errors[0] ?? '', new RegExp(`^${FILE.replace(/[.]/g, '\\.')}:1: task "gsm8k:0": the numeric grader cannot use this gold answer`));
  });

  it('takes the task name from the file name lm-eval gives', () => {
    assert.equal(lmEvalTaskName('/out/model/samples_gsm8k_cot_2024-11-20T09-14-03.512345.jsonl'), 'gsm8k_cot');
    assert.equal(lmEvalTaskName('samples_nq_open.jsonl'), 'nq_open');
    assert.equal(lmEvalTaskName('mine.jsonl'), 'mine');
  });
});
