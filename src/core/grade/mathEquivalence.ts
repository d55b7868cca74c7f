// Deciding whether two parsed MATH answers are equal. Scalars go to @cortex-js/compute-engine:
// structural identity, then numeric value, then agreement at sample points, then its symbolic isEqual.

import { ComputeEngine, type BoxedExpression } from '@cortex-js/compute-engine';
import { describeMathAnswer, type MathAnswer } from './latexAnswer';

export interface Verdict {
  equal: boolean;
  /** Why, as a phrase for the grade's reason. */
  how: string;
}

/** Relative tolerance for numeric equality; answers are exact, so only evaluation noise is forgiven. */
const RELATIVE_TOLERANCE = 1e-9;
const ABSOLUTE_TOLERANCE = 1e-12;
/** Longer expressions are compared as strings only: parsing model rambling is slow and pointless. */
const MAX_EXPRESSION_LENGTH = 400;
/** How many points expressions with free variables are compared at (values in [0.3, 2.3], irrational-looking). */
const SAMPLE_POINTS = 3;

let engine: ComputeEngine | undefined;

/** Creating an engine takes ~100 ms, so one is shared; each comparison runs in its own scope. */
function computeEngine(): ComputeEngine {
  engine ??= new ComputeEngine();
  return engine;
}

/**
 * Compares a model's answer with the gold one. Never throws. Symbols the answer introduces are
 * declared in a scope that is dropped afterwards, so one output cannot change how the next parses
 * (e.g. `x(3)` would otherwise make `x` a function for good).
 */
export function compareMathAnswers(gold: MathAnswer, given: MathAnswer): Verdict {
  const ce = computeEngine();
  ce.pushScope();
  try {
    return compare(gold, given);
  } catch (error) {
    return { equal: false, how: `the compute engine failed: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    ce.popScope();
  }
}

/** Gold answers already checked: the language server re-checks a whole file on every edit. */
const parseErrorCache = new Map<string, string | null>();
const PARSE_ERROR_CACHE_SIZE = 20_000;

/** Null if the LaTeX parses, else the engine's complaint (for gold-answer diagnostics). */
export function latexParseError(latex: string): string | null {
  const cached = parseErrorCache.get(latex);
  if (cached !== undefined) return cached;
  const ce = computeEngine();
  ce.pushScope();
  let problem: string | null;
  try {
    problem = parseProblem(ce.parse(latex));
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  } finally {
    ce.popScope();
  }
  if (parseErrorCache.size >= PARSE_ERROR_CACHE_SIZE) parseErrorCache.clear();
  parseErrorCache.set(latex, problem);
  return problem;
}

function compare(gold: MathAnswer, given: MathAnswer): Verdict {
  if (gold.kind === 'text' || given.kind === 'text') {
    const equal = plainKey(gold) === plainKey(given);
    return { equal, how: equal ? 'the same words' : 'different words' };
  }
  if (gold.kind === 'unordered' && given.kind !== 'unordered' && gold.items.length === 1 && gold.items[0]) return compare(gold.items[0], given);
  if (given.kind === 'unordered' && gold.kind !== 'unordered' && given.items.length === 1 && given.items[0]) return compare(gold, given.items[0]);

  if (gold.kind === 'expr' && given.kind === 'expr') return compareExpressions(gold.latex, given.latex);
  if (gold.kind === 'ordered' && given.kind === 'ordered') {
    if (gold.open !== given.open || gold.close !== given.close) {
      return { equal: false, how: `the brackets differ: ${given.open}…${given.close} instead of ${gold.open}…${gold.close}` };
    }
    return compareInOrder(gold.items, given.items);
  }
  if ((gold.kind === 'unordered' && given.kind === 'unordered') || (gold.kind === 'union' && given.kind === 'union')) {
    return compareInAnyOrder(gold.items, given.items);
  }
  if (gold.kind === 'matrix' && given.kind === 'matrix') {
    const shape = (m: MathAnswer[][]): string => m.map((r) => r.length).join(',');
    if (shape(gold.rows) !== shape(given.rows)) return { equal: false, how: 'the matrices have different shapes' };
    return compareInOrder(gold.rows.flat(), given.rows.flat());
  }
  // A vector written as a tuple, "(1, 2, 3)", for a gold column or row vector.
  const vector = (m: MathAnswer): MathAnswer[] | null =>
    m.kind === 'matrix' && (m.rows.length === 1 || m.rows.every((r) => r.length === 1)) ? m.rows.flat() : m.kind === 'ordered' && m.open === '(' && m.close === ')' ? m.items : null;
  const goldVector = vector(gold);
  const givenVector = vector(given);
  if ((gold.kind === 'matrix') !== (given.kind === 'matrix') && goldVector && givenVector) return compareInOrder(goldVector, givenVector);

  if (gold.kind === 'equation' && given.kind === 'equation') return compareEquations(gold, given);
  return { equal: false, how: `the answer is ${KIND_NAMES[given.kind]} but the gold answer is ${KIND_NAMES[gold.kind]}` };
}

const KIND_NAMES: Record<MathAnswer['kind'], string> = {
  expr: 'an expression',
  text: 'words',
  ordered: 'a tuple or interval',
  unordered: 'a list or set',
  union: 'a union',
  matrix: 'a matrix',
  equation: 'an equation',
};

function compareInOrder(gold: MathAnswer[], given: MathAnswer[]): Verdict {
  if (gold.length !== given.length) return { equal: false, how: `${given.length} items instead of ${gold.length}` };
  for (let i = 0; i < gold.length; i++) {
    const verdict = compare(gold[i] as MathAnswer, given[i] as MathAnswer);
    if (!verdict.equal) return { equal: false, how: `item ${i + 1} differs (${verdict.how})` };
  }
  return { equal: true, how: `all ${gold.length} items equal, in order` };
}

/** Multiset matching: every gold item pairs with a distinct equal answer item. */
function compareInAnyOrder(gold: MathAnswer[], given: MathAnswer[]): Verdict {
  if (gold.length !== given.length) return { equal: false, how: `${given.length} items instead of ${gold.length}` };
  const unused = given.slice();
  for (const item of gold) {
    const match = unused.findIndex((candidate) => compare(item, candidate).equal);
    if (match < 0) return { equal: false, how: `nothing in the answer equals ${describeMathAnswer(item)}` };
    unused.splice(match, 1);
  }
  return { equal: true, how: `all ${gold.length} items equal, in any order` };
}

/** Same equation if lhs − rhs agree up to sign (`x + y = 3` and `3 = y + x`). */
function compareEquations(gold: { lhs: string; rhs: string }, given: { lhs: string; rhs: string }): Verdict {
  const same = compareExpressions(`(${gold.lhs})-(${gold.rhs})`, `(${given.lhs})-(${given.rhs})`);
  if (same.equal) return { equal: true, how: `the same equation (${same.how})` };
  const flipped = compareExpressions(`(${gold.lhs})-(${gold.rhs})`, `(${given.rhs})-(${given.lhs})`);
  return flipped.equal ? { equal: true, how: `the same equation (${flipped.how})` } : { equal: false, how: `different equations (${same.how})` };
}

function compareExpressions(goldLatex: string, givenLatex: string): Verdict {
  if (goldLatex === givenLatex) return { equal: true, how: 'identical after normalization' };
  if (givenLatex.length > MAX_EXPRESSION_LENGTH) return { equal: false, how: `the answer is too long to compare as math (${givenLatex.length} characters)` };
  const ce = computeEngine();
  const gold = ce.parse(goldLatex);
  const given = ce.parse(givenLatex);
  const givenProblem = parseProblem(given);
  if (givenProblem) return { equal: false, how: `"${givenLatex}" does not parse as LaTeX (${givenProblem})` };
  const goldProblem = parseProblem(gold);
  if (goldProblem) return { equal: false, how: `the gold "${goldLatex}" does not parse as LaTeX (${goldProblem})` };
  if (gold.isSame(given)) return { equal: true, how: 'structurally identical' };
  if (!safeToEvaluate(gold.json) || !safeToEvaluate(given.json)) {
    return { equal: false, how: 'not structurally identical, and not safe to evaluate (huge powers or unsupported functions)' };
  }

  const goldValue = numericValue(gold);
  const givenValue = numericValue(given);
  if (goldValue && givenValue) {
    return valuesClose(goldValue, givenValue)
      ? { equal: true, how: `numerically equal (${formatValue(givenValue)})` }
      : { equal: false, how: `numerically different (${formatValue(givenValue)} vs ${formatValue(goldValue)})` };
  }
  const variables = [...new Set([...gold.unknowns, ...given.unknowns])].sort();
  if (variables.length > 0) {
    const sampled = compareAtSamplePoints(gold, given, variables);
    if (sampled) return sampled;
  }
  if (gold.isEqual(given) === true) return { equal: true, how: 'symbolically equal' };
  return { equal: false, how: 'not equal' };
}

/** Schwartz–Zippel style: two different expressions almost never agree at several arbitrary points. */
function compareAtSamplePoints(gold: BoxedExpression, given: BoxedExpression, variables: string[]): Verdict | null {
  const ce = computeEngine();
  for (let point = 0; point < SAMPLE_POINTS; point++) {
    const values = variables.map((_, j) => 0.3 + 2 * (((point + 1) * 0.6180339887 + (j + 1) * 0.4142135623) % 1));
    const substitution = Object.fromEntries(variables.map((v, j) => [v, ce.number(values[j] ?? 0)]));
    const goldValue = numericValue(gold.subs(substitution));
    const givenValue = numericValue(given.subs(substitution));
    if (!goldValue || !givenValue) return null;
    if (!valuesClose(goldValue, givenValue)) {
      const at = variables.map((v, j) => `${v}=${(values[j] ?? 0).toFixed(3)}`).join(', ');
      return { equal: false, how: `different values at ${at} (${formatValue(givenValue)} vs ${formatValue(goldValue)})` };
    }
  }
  return { equal: true, how: `equal at ${SAMPLE_POINTS} sample values of ${variables.join(', ')}` };
}

interface ComplexValue {
  re: number;
  im: number;
}

function numericValue(expr: BoxedExpression): ComplexValue | null {
  const value = expr.N();
  if (!value.isNumberLiteral || Number.isNaN(value.re) || Number.isNaN(value.im)) return null;
  return { re: value.re, im: value.im };
}

function valuesClose(a: ComplexValue, b: ComplexValue): boolean {
  return close(a.re, b.re) && close(a.im, b.im);
}

function close(a: number, b: number): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= Math.max(ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b)));
}

function formatValue(v: ComplexValue): string {
  const re = Number(v.re.toPrecision(12));
  if (v.im === 0) return String(re);
  return `${re} ${v.im < 0 ? '-' : '+'} ${Number(Math.abs(v.im).toPrecision(12))}i`;
}

/**
 * The first error the engine found, e.g. `unexpected-token ":"` or `expected-closing-delimiter at "{"`;
 * null if the expression is valid. MathJSON errors look like ["Error", code, ["LatexString", where]].
 */
function parseProblem(expr: BoxedExpression): string | null {
  if (expr.isValid) return null;
  const error = expr.errors[0]?.json;
  const [, code, where] = Array.isArray(error) ? (error as unknown[]) : [];
  const unquote = (v: unknown): string => (typeof v === 'string' ? v.replace(/^'(.*)'$/s, '$1') : JSON.stringify(v));
  const codeParts = Array.isArray(code) && code[0] === 'ErrorCode' ? code.slice(1).map(unquote) : [unquote(code ?? 'syntax error')];
  const [name = 'syntax error', ...details] = codeParts;
  const at = Array.isArray(where) && where[0] === 'LatexString' ? ` at "${unquote(where[1])}"` : '';
  return `${name}${details.map((d) => ` "${d}"`).join('')}${at}`;
}

/** Plain comparison key for words and multiple-choice letters: "(B)", "B" and "\text{b}" all give "b". */
function plainKey(answer: MathAnswer): string {
  const text = answer.kind === 'text' ? answer.text : describeMathAnswer(answer);
  const flat = text.replace(/\\text\{([^{}]*)\}/g, '$1').replace(/\s+/g, ' ').trim().toLowerCase();
  return /^\(([a-z])\)$/.exec(flat)?.[1] ?? flat;
}

/**
 * Whether evaluating an expression is sure to finish quickly. Big-number arithmetic cannot be
 * interrupted, and `10^{10^{10}}` or `99999!` would hang the grader, so exponents and factorial
 * arguments must have a small magnitude bound, and only known-cheap functions are evaluated.
 */
function safeToEvaluate(json: unknown): boolean {
  if (!Array.isArray(json)) return true;
  const [head, ...args] = json as unknown[];
  if (typeof head !== 'string' || !EVALUABLE.has(head)) return false;
  if (!args.every(safeToEvaluate)) return false;
  switch (head) {
    case 'Power':
    case 'Root': return magnitudeBound(args[1]) <= 1e4;
    case 'Exp': return magnitudeBound(args[0]) <= 1e4;
    case 'Factorial':
    case 'Factorial2': return magnitudeBound(args[0]) <= 1000;
    case 'Binomial': return args.every((a) => magnitudeBound(a) <= 1e4);
    default: return true;
  }
}

const EVALUABLE = new Set([
  'Add', 'Subtract', 'Negate', 'Multiply', 'Divide', 'Rational', 'Complex', 'Power', 'Sqrt', 'Root', 'Exp',
  'Ln', 'Log', 'Lb', 'Lg', 'Sin', 'Cos', 'Tan', 'Cot', 'Sec', 'Csc', 'Arcsin', 'Arccos', 'Arctan', 'Arccot',
  'Arcsec', 'Arccsc', 'Sinh', 'Cosh', 'Tanh', 'Abs', 'Factorial', 'Factorial2', 'Binomial', 'Floor', 'Ceil',
  'Round', 'Max', 'Min', 'GCD', 'LCM', 'Square', 'Half',
]);

/** An upper bound on |value| (free variables are sampled below 2.3); Infinity when unknown. */
function magnitudeBound(json: unknown): number {
  if (typeof json === 'number') return Math.abs(json);
  if (typeof json === 'string') return json === 'Pi' || json === 'ExponentialE' ? 4 : /^[A-Za-z_]\w*$/.test(json) ? 3 : Infinity;
  if (json && typeof json === 'object' && !Array.isArray(json) && 'num' in json) return Math.abs(Number((json as { num: unknown }).num));
  if (!Array.isArray(json)) return Infinity;
  const [head, ...args] = json as unknown[];
  const bounds = args.map(magnitudeBound);
  switch (head) {
    case 'Add':
    case 'Subtract': return bounds.reduce((a, b) => a + b, 0);
    case 'Negate':
    case 'Abs': return bounds[0] ?? Infinity;
    case 'Multiply': return bounds.reduce((a, b) => a * b, 1);
    case 'Rational':
    case 'Divide': {
      const denominator = args[1];
      const literal = typeof denominator === 'number' ? Math.abs(denominator) : null;
      return (bounds[0] ?? Infinity) / (literal !== null && literal > 0 && literal < 1 ? literal : 1) * (literal === null ? 4 : 1);
    }
    case 'Sqrt': return Math.sqrt(bounds[0] ?? Infinity) + 1;
    case 'Power': return Math.pow(Math.max(bounds[0] ?? Infinity, 1), bounds[1] ?? Infinity);
    default: return Infinity;
  }
}
