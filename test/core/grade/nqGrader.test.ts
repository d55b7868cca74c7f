import assert from 'node:assert/strict';
import { join } from 'node:path';
import { normalizeSquad, nqGrader } from '../../../src/core/grade/nqGrader';
import { loadTaskSet } from '../../../src/core/tasks/load';
import type { Task } from '../../../src/core/tasks/task';
import { SHARED_DATA } from '../../helpers/cli';

function task(answer: string[]): Task {
  return { id: 't', question: 'q', answer, grader: 'nq' };
}

describe('nqGrader', () => {
  it('normalizes like SQuAD: lowercase, no punctuation, no articles, single spaces', () => {
    assert.equal(normalizeSquad('The  Beatles!'), 'beatles');
    assert.equal(normalizeSquad('An apple, a day'), 'apple day');
    assert.equal(normalizeSquad("St. John's"), 'st johns');
    assert.equal(normalizeSquad('theatre of the absurd'), 'theatre of absurd');
    assert.equal(normalizeSquad('14 December 1972 UTC'), '14 december 1972 utc');
  });

  const aliases = ['14 December 1972 UTC', 'December 1972'];
  const cases: [output: string, correct: boolean, extracted: string][] = [
    ['December 1972', true, 'December 1972'],
    ['december, 1972.', true, 'december, 1972'],
    ['The answer is December 1972.\nIt was Apollo 17.', true, 'December 1972'],
    ['Answer: 14 December 1972 UTC', true, '14 December 1972 UTC'],
    ['Apollo 17 landed then.\nThe answer is: December 1972', true, 'December 1972'],
    ['\n\n  December 1972  \nmore text', true, 'December 1972'],
    ['1972', false, '1972'],
    ['It was in December 1972.', false, 'It was in December 1972'],
  ];
  for (const [output, correct, extracted] of cases) {
    it(`${JSON.stringify(output)} → ${correct ? 'correct' : 'wrong'}`, () => {
      const result = nqGrader.grade(output, task(aliases));
      assert.equal(result.correct, correct, result.reason);
      assert.equal(result.extracted, extracted);
    });
  }

  it('explains which alias matched or lists them all', () => {
    assert.equal(nqGrader.grade('The Beatles', task(['Beatles', 'the fab four'])).reason, 'found "The Beatles" on the first line; "beatles" matches the accepted answer "Beatles"');
    assert.equal(
      nqGrader.grade('Answer: Queen', task(['Beatles', 'the fab four'])).reason,
      'found "Queen" after "Answer:"; "queen" matches none of the 2 accepted answers ("beatles", "fab four")',
    );
    assert.equal(nqGrader.grade('   \n ', task(['x'])).reason, 'the output is empty');
  });

  it('compares answers that SQuAD would erase ("A+") as written, so an empty reply is not correct', () => {
    const bloodType = task(['A+', 'AB+']);
    assert.equal(nqGrader.grade('A+', bloodType).correct, true);
    assert.equal(nqGrader.grade('AB+', bloodType).correct, true);
    assert.equal(nqGrader.grade('A', bloodType).correct, false);
    assert.equal(nqGrader.grade('Answer: .', bloodType).correct, false);
  });

  it('checks gold aliases are not blank', () => {
    assert.equal(nqGrader.checkGold(task(['Paris'])), null);
    assert.equal(nqGrader.checkGold(task(['Paris', ' '])), 'an accepted answer is empty');
  });

  it('grades every alias of the 3,610 NQ-open questions correct', async () => {
    const { tasks } = await loadTaskSet(join(SHARED_DATA, 'nq_open', 'NQ-open.dev.jsonl'));
    assert.equal(tasks.length, 3610);
    const failures = tasks.flatMap((t) => (t.answer as string[]).filter((alias) => !nqGrader.grade(alias, t).correct).map((alias) => `${t.id}: ${alias}`));
    assert.deepEqual(failures, []);
  });
});
