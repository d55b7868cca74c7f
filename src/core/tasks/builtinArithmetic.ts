// builtin:arithmetic — seeded multi-step integer expressions, a quick numeric task for small models
// whose answer can be computed exactly.

import { createRng, type Rng } from '../util/random';
import type { Task } from './task';

const TASK_COUNT = 200;
/** Every intermediate value stays within ±this, so the steps are doable in the head. */
const MAX_ABS_VALUE = 200;
/** Operands of a product: at least one side at most this. */
const MAX_FACTOR = 12;
const MAX_LEAF = 20;

type Operator = '+' | '-' | '×';

type Expression =
  | { kind: 'number'; value: number }
  | { kind: 'operation'; operator: Operator; left: Expression; right: Expression; value: number };

const PHRASINGS: readonly ((expression: string) => string)[] = [
  (e) => `What is ${e}?`,
  (e) => `Compute ${e}.`,
  (e) => `Evaluate the expression ${e}.`,
  (e) => `Calculate the value of ${e}.`,
];

/** 200 distinct expressions with 2–4 operations (+, -, ×, parentheses where needed), gold = exact value. */
export function generateArithmeticTasks(seed: number): Task[] {
  const rng = createRng(`builtin:arithmetic:${seed}`);
  const seen = new Set<string>();
  const tasks: Task[] = [];
  while (tasks.length < TASK_COUNT) {
    const steps = 2 + rng.int(3);
    const expression = randomExpression(steps, rng);
    if (!expression) continue;
    const text = render(expression);
    if (seen.has(text)) continue;
    seen.add(text);
    const phrase = pick(PHRASINGS, rng);
    tasks.push({
      id: `arithmetic-${String(tasks.length).padStart(3, '0')}`,
      question: `${phrase(text)} Give the final answer as a single integer.`,
      answer: String(expression.value),
      grader: 'numeric',
      meta: { expression: text, steps },
    });
  }
  return tasks;
}

/** A random expression tree with `operations` operators, or null if some value leaves the range. */
function randomExpression(operations: number, rng: Rng): Expression | null {
  if (operations === 0) return { kind: 'number', value: 1 + rng.int(MAX_LEAF) };
  const leftOperations = rng.int(operations);
  const left = randomExpression(leftOperations, rng);
  const right = randomExpression(operations - 1 - leftOperations, rng);
  if (!left || !right) return null;
  const operator = pick(OPERATORS, rng);
  if (operator === '×' && Math.min(Math.abs(left.value), Math.abs(right.value)) > MAX_FACTOR) return null;
  const value = operator === '+' ? left.value + right.value : operator === '-' ? left.value - right.value : left.value * right.value;
  return Math.abs(value) <= MAX_ABS_VALUE ? { kind: 'operation', operator, left, right, value } : null;
}

const OPERATORS: readonly Operator[] = ['+', '-', '×'];
const PRECEDENCE: Record<Operator, number> = { '+': 1, '-': 1, '×': 2 };

/** Infix with only the parentheses the usual precedence rules need. */
function render(expression: Expression): string {
  if (expression.kind === 'number') return String(expression.value);
  const { operator, left, right } = expression;
  const wrap = (child: Expression, isRight: boolean): string => {
    if (child.kind === 'number') return render(child);
    const lower = PRECEDENCE[child.operator] < PRECEDENCE[operator];
    const sameButRightOfMinus = isRight && operator === '-' && PRECEDENCE[child.operator] === PRECEDENCE[operator];
    return lower || sameButRightOfMinus ? `(${render(child)})` : render(child);
  };
  return `${wrap(left, false)} ${operator} ${wrap(right, true)}`;
}

function pick<T>(items: readonly T[], rng: Rng): T {
  return items[rng.int(items.length)] as T;
}
