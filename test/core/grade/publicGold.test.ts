// The public data sets' own gold answers must grade correct against themselves, and a neighbour's
// gold must grade wrong unless the two golds really are the same value.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { getGrader } from '../../../src/core/grade/graders';
import { loadTaskSet } from '../../../src/core/tasks/load';
import type { Task, TaskSet } from '../../../src/core/tasks/task';
import { SHARED_DATA } from '../../helpers/cli';

describe('public gold answers', () => {
  let gsm8k: TaskSet;
  let math500: TaskSet;
  before(async () => {
    gsm8k = await loadTaskSet(join(SHARED_DATA, 'gsm8k', 'test.jsonl'));
    math500 = await loadTaskSet(join(SHARED_DATA, 'math500', 'test.jsonl'));
  });

  it('GSM8K: all 1,319 worked solutions and bare golds grade correct', () => {
    assert.equal(gsm8k.tasks.length, 1319);
    const grader = getGrader('numeric');
    const failures = gsm8k.tasks.filter((t) => !grader.grade(String(t.meta?.['solution']), t).correct || !grader.grade(String(t.answer), t).correct);
    assert.deepEqual(failures.map((t) => t.id), []);
  });

  it("GSM8K: the next problem's solution is wrong exactly when the two golds differ", () => {
    const grader = getGrader('numeric');
    gsm8k.tasks.forEach((task, i) => {
      const other = gsm8k.tasks[(i + 1) % gsm8k.tasks.length] as Task;
      const result = grader.grade(String(other.meta?.['solution']), task);
      assert.equal(result.correct, Number(task.answer) === Number(other.answer), `${task.id}: ${result.reason}`);
    });
  });

  it('MATH-500: all 500 golds, boxed, grade correct within a few seconds', () => {
    assert.equal(math500.tasks.length, 500);
    const grader = getGrader('math');
    const started = Date.now();
    const failures = math500.tasks
      .map((t) => ({ id: t.id, result: grader.grade(`The final answer is $\\boxed{${String(t.answer)}}$.`, t) }))
      .filter((f) => !f.result.correct)
      .map((f) => `${f.id}: ${f.result.reason}`);
    const elapsed = Date.now() - started;
    assert.deepEqual(failures, []);
    assert.ok(elapsed < 5000, `grading took ${elapsed} ms`);
  });

  it('MATH-500: every worked solution grades correct', () => {
    const grader = getGrader('math');
    const failures = math500.tasks.filter((t) => !grader.grade(String(t.meta?.['solution']), t).correct).map((t) => t.id);
    assert.deepEqual(failures, []);
  });

  it("MATH-500: the next problem's gold is wrong except for the 3 pairs that are equal", () => {
    const grader = getGrader('math');
    const accepted = math500.tasks
      .map((task, i) => ({ task, other: math500.tasks[(i + 1) % math500.tasks.length] as Task }))
      .filter(({ task, other }) => grader.grade(`\\boxed{${String(other.answer)}}`, task).correct)
      .map(({ task, other }) => `${String(task.answer)} | ${String(other.answer)}`);
    assert.deepEqual(accepted, ['5 | x=5', '7 | 7', '3 | 3']);
  });
});
