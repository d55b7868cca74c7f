import assert from 'node:assert/strict';
import { exactGrader } from '../../../src/core/grade/exactGrader';
import type { Task } from '../../../src/core/tasks/task';

function task(answer: string | string[]): Task {
  return { id: 't', question: 'q', answer, grader: 'exact' };
}

describe('exactGrader', () => {
  it('ignores surrounding and repeated whitespace', () => {
    assert.equal(exactGrader.grade('  hello   world\n', task('hello world')).correct, true);
    assert.equal(exactGrader.grade('a\tb', task('a b')).correct, true);
  });

  it('is case-sensitive and does not extract from longer text', () => {
    assert.equal(exactGrader.grade('Hello world', task('hello world')).correct, false);
    assert.equal(exactGrader.grade('The answer is hello world', task('hello world')).correct, false);
    assert.equal(exactGrader.grade('hello world.', task('hello world')).correct, false);
  });

  it('accepts any alias', () => {
    assert.equal(exactGrader.grade('NYC', task(['New York', 'NYC'])).correct, true);
  });

  it('explains the comparison', () => {
    assert.equal(exactGrader.grade(' ok ', task('ok')).reason, 'the whole output equals "ok" exactly');
    assert.equal(exactGrader.grade('no', task(['ok', 'fine'])).reason, 'the whole output "no" is not exactly "ok" or "fine"');
    assert.equal(exactGrader.grade('no', task('ok')).normalized, 'no');
  });

  it('rejects an empty gold answer', () => {
    assert.equal(exactGrader.checkGold(task('x')), null);
    assert.equal(exactGrader.checkGold(task(' \n')), 'gold answer is empty');
  });
});
