import assert from 'node:assert/strict';
import { AnswerClusters } from '../../../src/core/grade/answerClusters';
import { genericAnswerKey, genericFinalAnswer } from '../../../src/core/grade/answerExtraction';
import { getGrader } from '../../../src/core/grade/graders';
import type { GraderName, Task } from '../../../src/core/tasks/task';

function noGold(grader: GraderName): Task {
  return { id: 'selection', question: 'What is 30 + 4?', answer: '', grader };
}

function cluster(grader: GraderName, outputs: readonly string[]): (string | null)[] {
  const clusters = new AnswerClusters(noGold(grader));
  return outputs.map((o) => clusters.add(o).normalized);
}

describe('answers without a gold answer', () => {
  it('finds "The answer is 34." with the numeric extractor, which a gold-less grade cannot (the Check Selection defect)', () => {
    assert.equal(getGrader('numeric').grade('The answer is 34.', noGold('numeric')).extracted, null, 'the recorded grade has nothing to show');
    const found = new AnswerClusters(noGold('numeric')).add('Thirty plus four. The answer is 34.');
    assert.deepEqual([found.extracted, found.normalized], ['34', '34']);
    assert.match(found.reason, /^found "34" after "The answer is"; no gold answer yet/);
  });

  it('groups answers the grader counts as equal under the first one written, in the order recorded', () => {
    assert.deepEqual(cluster('numeric', ['The answer is 34.', 'so $34.00', '#### 35', 'I get 34', 'it is 1,234']), ['34', '34', '35', '34', '1234']);
    // Math equivalence, not string equality: 0.5 joins \frac12's group; a different value does not.
    const math = new AnswerClusters(noGold('math'));
    assert.equal(math.add('so \\boxed{\\frac12}').normalized, '\\frac{1}{2}');
    const half = math.add('The answer is $0.5$.');
    assert.deepEqual([half.extracted, half.normalized], ['0.5', '\\frac{1}{2}']);
    assert.match(half.reason, /grouped with the answer "\\frac\{1\}\{2\}"/);
    assert.equal(math.add('\\boxed{2}').normalized, '2');
    assert.deepEqual(cluster('nq', ['The answer is the Eiffel Tower.', 'Eiffel tower', 'Louvre']), ['eiffel tower', 'eiffel tower', 'louvre']);
    assert.deepEqual(cluster('exact', ['OK', ' OK ', 'ok']), ['OK', 'OK', 'ok']);
  });

  it('marking a group\'s answer as gold grades every member correct and every other sample wrong', () => {
    const outputs = ['The answer is 34.', 'so 34.0', 'Answer: 35', 'thirty-four'];
    for (const grader of ['numeric', 'math', 'nq'] as const) {
      const clusters = new AnswerClusters(noGold(grader));
      const keys = outputs.map((o) => clusters.add(o).normalized);
      for (const gold of new Set(keys)) {
        if (gold === null || getGrader(grader).checkGold({ ...noGold(grader), answer: gold }) !== null) continue;
        const grades = outputs.map((o) => getGrader(grader).grade(o, { ...noGold(grader), answer: gold }).correct);
        assert.deepEqual(grades, keys.map((k) => k === gold), `${grader}, gold ${gold}`);
      }
    }
  });

  it('falls back to the generic extractor when the grader finds nothing, grouping those by equal keys only', () => {
    const outputs = ['I am not sure.\nProbably forty-two.', 'probably   Forty-two', 'no idea'];
    const clusters = new AnswerClusters(noGold('sudoku'));
    const found = outputs.map((o) => clusters.add(o));
    assert.deepEqual(found.map((f) => f.normalized), ['probably forty-two', 'probably forty-two', 'no idea']);
    assert.match(found[0]?.reason ?? '', /the sudoku grader finds no answer; found "Probably forty-two" on the last line/);
    assert.deepEqual(new AnswerClusters(noGold('math')).add('   \n  '), { extracted: null, normalized: null, reason: 'no answer found in the output; no gold answer yet: mark the right answer to grade the samples' });
  });

  it('the generic extractor: last \\boxed{}, else after the last answer marker, else the last non-empty line, without trailing punctuation', () => {
    assert.deepEqual(genericFinalAnswer('x \\boxed{A} then \\boxed{B}. The answer is C.'), { text: 'B', where: 'in \\boxed{}' });
    assert.deepEqual(genericFinalAnswer('The answer is: Paris.\nThanks'), { text: 'Paris', where: 'after "The answer is:"' });
    assert.deepEqual(genericFinalAnswer('first\nlast line;;\n\n'), { text: 'last line', where: 'on the last line' });
    assert.equal(genericFinalAnswer('...'), null);
    assert.equal(genericAnswerKey('  Paris \n France '), 'paris france');
  });
});
