import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendAnnotation } from '../../../src/core/runs/annotations';
import { readRun } from '../../../src/core/runs/runStore';
import { toScoredSamples } from '../../../src/core/runs/scoredSamples';
import { readScoredSamplesFile } from '../../../src/core/runs/scoredSamplesFile';
import { tempDir } from '../../helpers/cli';
import { generation, jsonl, newRun, rejectsWithUserError, verification } from './runFixtures';

describe('runs/scoredSamples', () => {
  let parent: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir: parent, cleanup } = tempDir()));
  afterEach(() => cleanup());

  async function scoredRun(): Promise<string> {
    const dir = await newRun(parent);
    appendFileSync(
      join(dir, 'samples.jsonl'),
      jsonl([
        generation('t2', 0, false),
        verification('t2', 0, 'mc', 0.25),
        generation('t1', 1, true),
        { ...generation('t1', 0, false), grade: { correct: false, extracted: null, normalized: null, reason: 'no answer found' } },
        verification('t1', 1, 'cot-score', null),
        verification('t1', 1, 'mc', 0.9),
        verification('t1', 0, 'mc', 0),
      ]),
    );
    return dir;
  }

  describe('toScoredSamples', () => {
    it('gives one sample per generation in task then index order, with grade, answer and every score', async () => {
      const run = await readRun(await scoredRun());
      assert.deepEqual(toScoredSamples(run), [
        { task: 't1', index: 0, correct: false, scores: { mc: 0 }, answer: null },
        { task: 't1', index: 1, correct: true, scores: { 'cot-score': null, mc: 0.9 }, answer: '1' },
        { task: 't2', index: 0, correct: false, scores: { mc: 0.25 }, answer: '0' },
      ]);
    });

    it('with checkerCorrected, flips exactly the samples whose latest annotation is checker-wrong', async () => {
      const dir = await scoredRun();
      await appendAnnotation(dir, { task: 't1', index: 0, cause: 'checker-wrong', note: '' });
      await appendAnnotation(dir, { task: 't1', index: 1, cause: 'checker-wrong', note: '' });
      await appendAnnotation(dir, { task: 't1', index: 1, cause: 'other', note: 'no, the checker was right' });
      await appendAnnotation(dir, { task: 't2', index: 0, cause: 'verifier-wrong', note: '' });
      const run = await readRun(dir);
      assert.deepEqual(toScoredSamples(run, { checkerCorrected: true }).map((s) => s.correct), [true, true, false]);
      assert.deepEqual(toScoredSamples(run).map((s) => s.correct), [false, true, false], 'annotations are ignored unless asked for');
    });

    it('with checkerCorrected, a human verdict on the latest label is the correctness, whatever the cause', async () => {
      const dir = await scoredRun();
      // t1#0 graded incorrect: the human says correct (the gold answer was wrong).
      await appendAnnotation(dir, { task: 't1', index: 0, cause: 'gold-wrong', human: 'correct', note: '' });
      // t1#1 graded correct: checker-wrong, but the human verdict says correct: the verdict wins.
      await appendAnnotation(dir, { task: 't1', index: 1, cause: 'checker-wrong', human: 'correct', note: '' });
      // t2#0 graded incorrect: a verdict without a cause.
      await appendAnnotation(dir, { task: 't2', index: 0, human: 'incorrect', note: '' });
      const run = await readRun(dir);
      assert.deepEqual(toScoredSamples(run, { checkerCorrected: true }).map((s) => s.correct), [true, true, false]);
    });
  });

  describe('readScoredSamplesFile', () => {
    const write = (text: string): string => {
      const file = join(parent, 'scores.jsonl');
      writeFileSync(file, text);
      return file;
    };

    it('reads good input: 0/1 and booleans, default and explicit indices, answers, nulls, blank lines, CRLF, integer ids', async () => {
      const file = write(
        [
          '{"task": "b", "correct": 1, "scores": {"mc": 0.73, "cot-score": null}}',
          '',
          '{"task": "a", "correct": false, "scores": {}, "answer": "42", "extra": "ignored"}\r',
          '{"task": "b", "correct": true, "scores": {"mc": 1}, "answer": null}',
          '{"task": "a", "correct": 0, "scores": {"mc": 0}, "index": 7}',
          '{"task": 17, "correct": true, "scores": {"mc": 0.5}}',
          '{"task": "a", "correct": true, "scores": {"mc": 0.5}}',
        ].join('\n'),
      );
      assert.deepEqual(await readScoredSamplesFile(file), [
        { task: 'b', index: 0, correct: true, scores: { mc: 0.73, 'cot-score': null } },
        { task: 'b', index: 1, correct: true, scores: { mc: 1 }, answer: null },
        { task: 'a', index: 0, correct: false, scores: {}, answer: '42' },
        // the third line of task a: two earlier lines of a, so index 2
        { task: 'a', index: 2, correct: true, scores: { mc: 0.5 } },
        { task: 'a', index: 7, correct: false, scores: { mc: 0 } },
        { task: '17', index: 0, correct: true, scores: { mc: 0.5 } },
      ]);
    });

    it('names the file, the line and the field for bad input', async () => {
      const ok = '{"task": "a", "correct": true, "scores": {"mc": 0.5}}';
      const cases: [string, string | RegExp][] = [
        ['{"task": "a", "correct": true', /:2: not valid JSON \(.+\)$/],
        ['["a", true]', ':2: expected a JSON object like {"task": "q1", "correct": true, "scores": {"mc": 0.73}}'],
        ['{"correct": true, "scores": {}}', ':2: missing "task" (the task id)'],
        ['{"task": "", "correct": true, "scores": {}}', ':2: "task" must be a non-empty string (got "")'],
        ['{"task": 1.5, "correct": true, "scores": {}}', ':2: "task" must be a non-empty string (got 1.5)'],
        ['{"task": "b", "scores": {}}', ':2: missing "correct" (true, false, 1 or 0)'],
        ['{"task": "b", "correct": "yes", "scores": {}}', ':2: "correct" must be true, false, 1 or 0 (got "yes")'],
        ['{"task": "b", "correct": 2, "scores": {}}', ':2: "correct" must be true, false, 1 or 0 (got 2)'],
        ['{"task": "b", "correct": true}', ':2: missing "scores" (verifier name -> score in [0, 1] or null), e.g. {"mc": 0.73}'],
        ['{"task": "b", "correct": true, "scores": [0.5]}', ':2: "scores" must be an object mapping verifier names to scores (got [0.5])'],
        ['{"task": "b", "correct": true, "scores": {"mc": 1.5}}', ':2: "scores.mc" must be a number in [0, 1] or null (got 1.5)'],
        ['{"task": "b", "correct": true, "scores": {"mc": -0.1}}', ':2: "scores.mc" must be a number in [0, 1] or null (got -0.1)'],
        ['{"task": "b", "correct": true, "scores": {"mc": "0.5"}}', ':2: "scores.mc" must be a number in [0, 1] or null (got "0.5")'],
        ['{"task": "b", "correct": true, "scores": {}, "index": -1}', ':2: "index" must be a non-negative integer (got -1)'],
        ['{"task": "b", "correct": true, "scores": {}, "index": "0"}', ':2: "index" must be a non-negative integer (got "0")'],
        ['{"task": "b", "correct": true, "scores": {}, "answer": 42}', ':2: "answer" must be a string or null (got 42)'],
        ['{"task": "a", "correct": true, "scores": {}, "index": 0}', ':2: duplicate sample: task "a" index 0 already appeared at line 1'],
        [`{"task": "b", "correct": true, "scores": {"mc": 2, "note": "${'x'.repeat(100)}"}}`, ':2: "scores.mc" must be a number in [0, 1] or null (got 2)'],
        [`{"task": "b", "correct": "${'y'.repeat(100)}", "scores": {}}`, `:2: "correct" must be true, false, 1 or 0 (got "${'y'.repeat(39)}…)`],
      ];
      for (const [bad, expected] of cases) {
        const file = write(`${ok}\n${bad}\n${ok.replace('"a"', '"c"')}\n`);
        await rejectsWithUserError(readScoredSamplesFile(file), typeof expected === 'string' ? file + expected : new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${expected.source}`));
      }
    });

    it('rejects a missing file, a folder and a file without samples', async () => {
      const missing = join(parent, 'missing.jsonl');
      await rejectsWithUserError(readScoredSamplesFile(missing), `${missing}: no such file`);
      const folder = join(parent, 'folder');
      mkdirSync(folder);
      await rejectsWithUserError(
        readScoredSamplesFile(folder),
        `${folder} is a folder; --samples takes a JSONL file, one {"task": "q1", "correct": true, "scores": {"mc": 0.73}} per line`,
      );
      const empty = write('\n  \n');
      await rejectsWithUserError(
        readScoredSamplesFile(empty),
        `${empty}: no samples; expected one JSON object per line, like {"task": "q1", "correct": true, "scores": {"mc": 0.73}}`,
      );
    });
  });
});
