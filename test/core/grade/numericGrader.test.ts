import assert from 'node:assert/strict';
import fc from 'fast-check';
import { extractNumericAnswer, numericGrader, parseNumber } from '../../../src/core/grade/numericGrader';
import type { Task } from '../../../src/core/tasks/task';

function task(answer: string | string[]): Task {
  return { id: 't', question: 'q', answer, grader: 'numeric' };
}

describe('numericGrader', () => {
  const cases: [output: string, gold: string, correct: boolean, extracted: string | null][] = [
    ['She makes 9 * 2 = $18 every day.\n#### 18', '18', true, '18'],
    ['#### 1,234', '1234', true, '1,234'],
    ['The answer is $1,234.', '1234', true, '$1,234'],
    ['So the answer is 12 apples.', '12', true, '12'],
    ['In total she pays 5 dollars', '5', true, '5'],
    ['#### 12.0', '12', true, '12.0'],
    ['The answer is .5', '0.5', true, '.5'],
    ['The answer is -3.', '-3', true, '-3'],
    ['The answer is \u22125', '-5', true, '-5'],
    ['It dropped 10-3 = 7 degrees', '7', true, '7'],
    ['The discount is 25%.', '25', true, '25%'],
    ['Thus \\boxed{42}.', '42', true, '42'],
    ['Thus \\boxed{\\frac{1}{2}}', '0.5', true, '1/2'],
    ['The answer is 3/4 of a cup', '0.75', true, '3/4'],
    ['Total: \\$1{,}000', '1000', true, '$1,000'],
    ['1,234,567 people', '1234567', true, '1,234,567'],
    ['#### 2.0000001', '2', true, '2.0000001'],
    ['#### 2.001', '2', false, '2.001'],
    ['#### 18\nThe answer is 17', '18', true, '18'],
    ['The answer is 17. Check: 2 + 3 = 5', '17', true, '17'],
    ['The answer is 17. Check: 2 + 3 = 5', '5', false, '17'],
    ['\\boxed{17} and later 18', '17', true, '17'],
    ['I think it is 17', '18', false, '17'],
    ['no digits at all', '18', false, null],
    ['####', '3', false, null],
  ];
  for (const [output, gold, correct, extracted] of cases) {
    it(`${JSON.stringify(output)} vs ${gold} → ${correct ? 'correct' : 'wrong'}`, () => {
      const result = numericGrader.grade(output, task(gold));
      assert.equal(result.correct, correct, result.reason);
      assert.equal(result.extracted, extracted);
    });
  }

  it('says what it found, where, and what it compared', () => {
    const right = numericGrader.grade('Adding up: 16 - 3 - 4 = 9 eggs.\n#### 1,018', task('1018'));
    assert.equal(right.reason, 'found "1,018" after "####"; 1018 equals the gold answer 1018');
    assert.equal(right.normalized, '1018');
    const wrong = numericGrader.grade('so it costs $17 in all', task('18'));
    assert.equal(wrong.reason, 'found "$17" as the last number in the text; 17 differs from the gold answer 18');
    assert.equal(numericGrader.grade('The answer is: 4', task('4')).reason, 'found "4" after "The answer is:"; 4 equals the gold answer 4');
  });

  it('accepts any alias of a list gold answer', () => {
    assert.equal(numericGrader.grade('#### 7', task(['6', '7'])).correct, true);
    assert.equal(numericGrader.grade('#### 8', task(['6', '7'])).correct, false);
  });

  it('parses a whole string as exactly one number', () => {
    assert.equal(parseNumber('1,234'), 1234);
    assert.equal(parseNumber('$5'), 5);
    assert.equal(parseNumber('-0.5'), -0.5);
    assert.equal(parseNumber('12%'), 12);
    assert.equal(parseNumber('12 apples'), null);
    assert.equal(parseNumber('1 2'), null);
    assert.equal(parseNumber('forty'), null);
  });

  it('checks gold answers are numbers', () => {
    assert.equal(numericGrader.checkGold(task('1,000')), null);
    assert.equal(numericGrader.checkGold(task(['3', '-2.5'])), null);
    assert.match(numericGrader.checkGold(task('forty')) ?? '', /gold answer "forty" is not a number/);
    assert.match(numericGrader.checkGold(task('12 apples')) ?? '', /not a number/);
  });

  it('reports an unusable gold answer instead of throwing', () => {
    const result = numericGrader.grade('#### 3', task('three'));
    assert.equal(result.correct, false);
    assert.match(result.reason, /gold answer "three" is not a number/);
  });

  it('never throws on arbitrary output', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (output) => {
        const result = numericGrader.grade(output, task('7'));
        assert.equal(typeof result.reason, 'string');
      }),
      { numRuns: 300 },
    );
  });

  it('finds the marked number before the last one', () => {
    assert.deepEqual(extractNumericAnswer('The answer is 4, since 2 + 2 = 4 and not 5'), { token: { raw: '4', value: 4 }, where: 'after "The answer is"' });
  });
});
