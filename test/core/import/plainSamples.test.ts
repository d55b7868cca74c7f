import assert from 'node:assert/strict';
import { readPlainSamples } from '../../../src/core/import/plainSamples';
import { fixtureText, jsonl, PLAIN_JSONL } from './importFixtures';

describe('readPlainSamples (the import JSONL of docs/import.md)', () => {
  it('reads one task per line with its samples, the checker named or chosen from the gold answer', () => {
    const read = readPlainSamples(fixtureText(PLAIN_JSONL), PLAIN_JSONL, {});
    assert.deepEqual(read.errors, []);
    assert.deepEqual(read.samples.map((s) => [s.task.id, s.task.grader, s.graderFrom, s.at]), [
      ['add-1', 'numeric', 'gold', `${PLAIN_JSONL}:1`],
      ['add-1', 'numeric', 'gold', `${PLAIN_JSONL}:1`],
      ['half', 'math', 'source', `${PLAIN_JSONL}:2`],
      ['half', 'math', 'source', `${PLAIN_JSONL}:2`],
      ['cap-fr', 'nq', 'gold', `${PLAIN_JSONL}:3`],
      ['cap-fr', 'nq', 'gold', `${PLAIN_JSONL}:3`],
    ]);
    assert.deepEqual(read.samples.map((s) => s.text).slice(0, 2), ['17 + 25 = 42', 'The answer is 32.']);
    assert.deepEqual(read.samples[2]?.task.meta, { source: 'my notes' });
    assert.deepEqual(read.samples[0]?.sampling, { temperature: null, topP: null, maxTokens: null, seed: null });
    assert.equal(read.samples[0]?.usage, null);
  });

  it('names the line of every malformed record', () => {
    const ok = { task: 't', question: 'What is 6 × 7?', gold: '42', samples: ['42'] };
    const text = jsonl([
      ok,
      'not json',
      { ...ok, answer: '42' },
      { ...ok, task: '' },
      { ...ok, question: 3 },
      { ...ok, gold: ['a', ''] },
      { ...ok, samples: [] },
      { ...ok, samples: ['x', 7] },
      { ...ok, grader: 'regex' },
      { ...ok, meta: [] },
      { ...ok, meta: { import: 1 } },
      { ...ok, gold: 'forty-two', grader: 'numeric' },
    ]);
    const read = readPlainSamples(text, 'mine.jsonl', {});
    assert.equal(read.samples.length, 1);
    assert.deepEqual(read.errors.map((e) => e.slice(0, e.indexOf(': '))), Array.from({ length: 11 }, (_, i) => `mine.jsonl:${i + 2}`));
    const says = [
      /not valid JSON/,
      /unknown field "answer"; the fields are task, question, gold, samples, grader, meta/,
      /"task" must be a non-empty string/,
      /"question" must be a non-empty string, got number 3/,
      /"gold" must be a non-empty string or a non-empty list of non-empty strings/,
      /"samples" must be a non-empty list/,
      /"samples\[1\]" must be a string \(a model output\), got number 7/,
      /unknown grader "regex"; use one of numeric, math, nq, sudoku, exact/,
      /"meta" must be an object, got an empty list/,
      /"meta.import" is where Gap Lens records/,
      /task "t": the numeric grader cannot use this gold answer/,
    ];
    says.forEach((pattern, i) => assert.match(read.errors[i] ?? '', pattern));
  });
});
