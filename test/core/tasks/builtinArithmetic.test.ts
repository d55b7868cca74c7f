import assert from 'node:assert/strict';
import { getGrader } from '../../../src/core/grade/graders';
import { generateArithmeticTasks } from '../../../src/core/tasks/builtinArithmetic';
import { loadTaskSet } from '../../../src/core/tasks/load';

/** An independent evaluator (recursive descent over + - × and parentheses) that also tracks every intermediate value. */
function evaluate(expression: string): { value: number; largest: number } {
  const tokens = expression.match(/\d+|[-+×()]/g) ?? [];
  let pos = 0;
  let largest = 0;
  const note = (v: number): number => ((largest = Math.max(largest, Math.abs(v))), v);
  const primary = (): number => {
    const token = tokens[pos++];
    if (token === '(') {
      const v = sum();
      assert.equal(tokens[pos++], ')');
      return v;
    }
    assert.match(token ?? '', /^\d+$/);
    return note(Number(token));
  };
  const product = (): number => {
    let v = primary();
    while (tokens[pos] === '×') (pos++, (v = note(v * primary())));
    return v;
  };
  const sum = (): number => {
    let v = product();
    while (tokens[pos] === '+' || tokens[pos] === '-') v = note(tokens[pos++] === '+' ? v + product() : v - product());
    return v;
  };
  const value = sum();
  assert.equal(pos, tokens.length, `unparsed tail in ${expression}`);
  return { value, largest };
}

describe('builtin:arithmetic', () => {
  const tasks = generateArithmeticTasks(0);

  it('has 200 distinct numeric tasks of 2–4 steps', () => {
    assert.equal(tasks.length, 200);
    assert.equal(new Set(tasks.map((t) => t.id)).size, 200);
    assert.equal(new Set(tasks.map((t) => t.meta?.['expression'])).size, 200);
    for (const task of tasks) {
      const expression = String(task.meta?.['expression']);
      assert.match(expression, /^[\d\s+\-×()]+$/);
      assert.equal(task.grader, 'numeric');
      assert.equal((expression.match(/[-+×]/g) ?? []).length, task.meta?.['steps']);
      assert.ok(task.question.includes(expression));
    }
    const steps = new Set(tasks.map((t) => t.meta?.['steps']));
    assert.deepEqual([...steps].sort(), [2, 3, 4]);
    assert.ok(tasks.some((t) => String(t.meta?.['expression']).includes('(')), 'no parentheses anywhere');
  });

  it('has the exact value as gold, with every intermediate value within ±200', () => {
    for (const task of tasks) {
      const { value, largest } = evaluate(String(task.meta?.['expression']));
      assert.equal(task.answer, String(value), String(task.meta?.['expression']));
      assert.ok(largest <= 200, `${String(task.meta?.['expression'])} reaches ${largest}`);
    }
  });

  it('grades its gold correct', () => {
    const grader = getGrader('numeric');
    assert.ok(tasks.every((t) => grader.checkGold(t) === null && grader.grade(`The answer is ${String(t.answer)}.`, t).correct));
  });

  it('is deterministic for a seed, seed 0 by default, and different for another seed', async () => {
    assert.deepEqual(generateArithmeticTasks(0), tasks);
    assert.deepEqual((await loadTaskSet('builtin:arithmetic')).tasks, tasks);
    assert.notDeepEqual(generateArithmeticTasks(7).map((t) => t.question), tasks.map((t) => t.question));
  });
});
