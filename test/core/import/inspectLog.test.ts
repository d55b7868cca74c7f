import assert from 'node:assert/strict';
import { readInspectLog } from '../../../src/core/import/inspectLog';
import { UserError } from '../../../src/core/util/errors';
import { fixtureText, INSPECT_LOG } from './importFixtures';

type Log = { eval: Record<string, unknown>; status: string; samples: Record<string, unknown>[] };
const fixture = (): Log => JSON.parse(fixtureText(INSPECT_LOG)) as Log;
/** Pretty-printed as Inspect writes its logs, so each sample's fields are on lines of their own. */
const pretty = (log: unknown): string => JSON.stringify(log, null, 2);

describe('readInspectLog (Inspect AI JSON eval logs)', () => {
  it("reads each sample's epochs as its repeated samples, in epoch order", () => {
    const read = readInspectLog(fixtureText(INSPECT_LOG), INSPECT_LOG, {});
    assert.deepEqual(read.errors, []);
    // The log keeps epoch 1 of both samples, then epoch 2 of both.
    assert.deepEqual(read.samples.map((s) => s.task.id), ['gsm8k:1', 'gsm8k:1', 'gsm8k:2', 'gsm8k:2']);
    assert.deepEqual(read.samples.map((s) => s.at), [0, 2, 1, 3].map((i) => `${INSPECT_LOG}: samples[${i}]`));
    const [first] = read.samples;
    assert.ok(first);
    assert.equal(first.task.answer, '18');
    assert.equal(first.task.grader, 'numeric');
    assert.equal(first.graderFrom, 'gold');
    assert.match(first.task.question, /^Janet’s ducks lay 16 eggs/);
    assert.match(first.text, /ANSWER: 18$/, 'the text parts of the first choice');
    assert.equal(first.finishReason, 'stop');
    assert.deepEqual(first.usage, { promptTokens: 112, completionTokens: 38 });
    assert.deepEqual(first.sourceScore, { match: { value: 'C', answer: '18' } });
    // plan.config is the GenerateConfig the eval ran with.
    assert.deepEqual(first.sampling, { temperature: 0.5, topP: null, maxTokens: 1024, seed: null });
    assert.equal(read.model, 'openai/gpt-4o-mini');
    assert.equal(read.modelSpec, 'openai:gpt-4o-mini@https://api.openai.com/v1');
  });

  it('takes the question from a chat input, lists choices, reads a list target as aliases and a max_tokens stop as length', () => {
    const log = fixture();
    const [sample] = log.samples;
    log.samples = [
      {
        ...sample,
        input: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: [{ type: 'text', text: 'Which city is the capital of France?' }] }],
        choices: ['Paris', 'Lyon'],
        target: ['Paris', 'Paris, France'],
        output: { choices: [{ message: { role: 'assistant', content: 'Paris' }, stop_reason: 'max_tokens' }] },
      },
    ];
    log.eval = { ...log.eval, model: 'anthropic/claude-3-5-haiku' };
    const read = readInspectLog(pretty(log), 'log.json', {});
    assert.deepEqual(read.errors, []);
    const [first] = read.samples;
    assert.equal(first?.task.question, 'Which city is the capital of France?\n\nA) Paris\nB) Lyon');
    assert.deepEqual(first?.task.answer, ['Paris', 'Paris, France']);
    assert.equal(first?.task.grader, 'nq');
    assert.equal(first?.finishReason, 'length');
    assert.equal(first?.usage, null);
    assert.equal(read.model, 'anthropic/claude-3-5-haiku');
    assert.equal(read.modelSpec, null, 'Gap Lens calls no anthropic/ endpoint the log names');
  });

  it('names the line and JSON path of every malformed sample, and leaves out samples Inspect marked as failed', () => {
    const log = fixture();
    const [a, b, c, d] = log.samples as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
    log.samples = [
      a,
      { ...b, output: { model: 'x', choices: [] } },
      { ...c, epoch: 0 },
      { ...d, target: '' },
      { ...a },
      { ...b, id: 9, error: { message: 'RateLimitError: 429', traceback: '…' } },
    ];
    const text = pretty(log);
    const read = readInspectLog(text, 'log.json', {});
    const lines = text.split('\n');
    const lineOf = (i: number, ...fields: string[]): number => {
      // The line of samples[i].fields…: the i-th "id" at sample depth, then each field below the last.
      let seen = -1;
      let at = lines.findIndex((l) => /^ {6}"id": /.test(l) && ++seen === i);
      fields.forEach((field, depth) => (at += lines.slice(at).findIndex((l) => l.startsWith(`${' '.repeat(6 + 2 * depth)}"${field}": `))));
      return at + 1;
    };
    assert.deepEqual(read.errors, [
      `log.json:${lineOf(1, 'output', 'choices')}: samples[1].output.choices (id 2, epoch 1): the sample has no model output`,
      `log.json:${lineOf(2, 'epoch')}: samples[2].epoch: must be a whole number >= 1, got number 0`,
      `log.json:${lineOf(3, 'target')}: samples[3].target (id 2, epoch 2): "target" is empty: a gold answer is needed to grade the samples`,
      `log.json:${lineOf(4, 'id') - 1}: samples[4] (id 1, epoch 1): the same id and epoch as samples[0]`,
    ]);
    assert.equal(read.samples.length, 1);
    assert.deepEqual(read.warnings, ['log.json: samples[5] (id 9, epoch 1): Inspect recorded an error for this sample (RateLimitError: 429), so it has no answer to import; left out']);
  });

  it('refuses a log without samples or without its EvalSpec, and says a cut-short eval imports what it logged', () => {
    const log = fixture();
    assert.throws(() => readInspectLog(pretty({ ...log, samples: undefined }), 'log.json', {}), (e: unknown) => e instanceof UserError && /holds no "samples".*log_samples=False/.test(e.message));
    assert.throws(() => readInspectLog(pretty({ ...log, eval: 'x' }), 'log.json', {}), (e: unknown) => e instanceof UserError && /^log\.json:\d+: eval: must be an object/.test(e.message));
    assert.throws(() => readInspectLog('{"version": 2,\n"eval": {', 'log.json', {}), (e: unknown) => e instanceof UserError && /^log\.json:2: not valid JSON/.test(e.message));
    const read = readInspectLog(pretty({ ...log, status: 'cancelled' }), 'log.json', {});
    assert.deepEqual(read.warnings, ['log.json: the eval ended with status "cancelled": only the samples it logged are imported']);
  });
});
