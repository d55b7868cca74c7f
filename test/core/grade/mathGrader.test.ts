import assert from 'node:assert/strict';
import fc from 'fast-check';
import { extractMathAnswer, mathGrader } from '../../../src/core/grade/mathGrader';
import { parseMathAnswer } from '../../../src/core/grade/latexAnswer';
import type { Task } from '../../../src/core/tasks/task';

function task(answer: string | string[]): Task {
  return { id: 't', question: 'q', answer, grader: 'math' };
}

function grade(output: string, gold: string): ReturnType<typeof mathGrader.grade> {
  return mathGrader.grade(output, task(gold));
}

describe('mathGrader', () => {
  // [gold, model output, correct]
  const equivalent: [string, string, boolean][] = [
    ['\\frac12', '\\boxed{0.5}', true],
    ['\\frac{1}{2}', '\\boxed{\\dfrac{1}{2}}', true],
    ['0.5', 'The answer is $\\tfrac12$.', true],
    ['\\frac 34', '\\boxed{\\frac{3}{4}}', true],
    ['\\frac9{19}', '\\boxed{\\frac{9}{19}}', true],
    ['2\\sqrt{2}', '\\boxed{\\sqrt8}', true],
    ['\\frac{\\sqrt{3}}{3}', '\\boxed{\\frac{1}{\\sqrt{3}}}', true],
    ['137 \\frac{1}{2}', '\\boxed{137.5}', true],
    ['.0000672', '\\boxed{6.72\\times10^{-5}}', true],
    ['\\frac{11+9a}{20}', '\\boxed{\\frac{9a+11}{20}}', true],
    ['2k+2', '\\boxed{2(k+1)}', true],
    ['\\cot x', '\\boxed{\\frac{\\cos x}{\\sin x}}', true],
    ['(a+5)(b+2)', '\\boxed{(b+2)(a+5)}', true],
    ['-2 + 7i', '\\boxed{7i - 2}', true],
    ['(3,4]', '\\boxed{\\left(3, 4\\right]}', true],
    ['(-\\infty, 2) \\cup (3, \\infty)', '\\boxed{(3,\\infty)\\cup(-\\infty,2)}', true],
    ['x \\in [-2,7]', '\\boxed{[-2,7]}', true],
    ['\\left( 3, \\frac{\\pi}{2} \\right)', '\\boxed{(3, \\pi/2)}', true],
    ['\\{1,2\\}', '\\boxed{\\{2, 1\\}}', true],
    ['1,-2', '\\boxed{-2, 1}', true],
    ['\\{1,2\\}', '\\boxed{1, 2}', true],
    ['3, 5, 7', '\\boxed{3, 5, \\text{ and } 7}', true],
    ['1 \\pm \\sqrt{19}', '\\boxed{1-\\sqrt{19}, 1+\\sqrt{19}}', true],
    ['\\{1\\pm\\sqrt{5},-2\\}', '\\boxed{-2, 1-\\sqrt5, 1+\\sqrt5}', true],
    ['5.4 \\text{ cents}', '\\boxed{5.4}', true],
    ['5.4', '\\boxed{5.4\\text{ cents}}', true],
    ['\\frac{270}7\\text{ degrees}', '\\boxed{\\frac{270}{7}}', true],
    ['20', '\\boxed{20 \\text{ cm}^2}', true],
    ['12', 'The answer is 12 square units.', true],
    ['10\\%', '\\boxed{10}', true],
    ['10', '\\boxed{10\\%}', true],
    ['\\$18.90', '\\boxed{18.9}', true],
    ['\\$5', '\\boxed{\\$5}', true],
    ['30^\\circ', '\\boxed{30}', true],
    ['30', '\\boxed{30^{\\circ}}', true],
    ['5', '\\boxed{x=5}', true],
    ['x=5', '\\boxed{5}', true],
    ['y = 2x + 3', '\\boxed{y=3+2x}', true],
    ['5x - 7y + 11z + 4 = 0', '\\boxed{-5x+7y-11z-4=0}', true],
    ['10,\\!080', '\\boxed{10080}', true],
    ['10,\\!080', '\\boxed{10,080}', true],
    ['\\begin{pmatrix} -1/3 \\\\ 2/3 \\\\ 5/3 \\end{pmatrix}', '\\boxed{\\begin{pmatrix} -\\frac13 \\\\ \\frac23 \\\\ \\frac53 \\end{pmatrix}}', true],
    ['\\begin{pmatrix} -2 \\\\ -14 \\\\ -7 \\end{pmatrix}', '\\boxed{(-2,-14,-7)}', true],
    ['\\text{(B)}', '\\boxed{B}', true],
    ['\\text{(B)}', 'The answer is (B).', true],
    ['\\text{Evelyn}', 'The answer is Evelyn.', true],
    ['\\text{east}', '\\boxed{\\text{East}}', true],
    ['204_5', '\\boxed{204_{5}}', true],
    ['1:2', '\\boxed{1:2}', true],
    ['|x|', '\\boxed{|x|}', true],
    // Wrong answers.
    ['\\sqrt{2}', '\\boxed{1.414}', false],
    ['\\frac{1}{3}', '\\boxed{0.33}', false],
    ['\\pi', '\\boxed{3.14}', false],
    ['.0000672', '\\boxed{0.0000673}', false],
    ['(3,4]', '\\boxed{[3,4]}', false],
    ['(3,4]', '\\boxed{(3,4)}', false],
    ['(2,4)', '\\boxed{(4,2)}', false],
    ['1 \\pm \\sqrt{19}', '\\boxed{1+\\sqrt{19}}', false],
    ['3, 5, 7', '\\boxed{3, 5}', false],
    ['\\begin{pmatrix} -2 \\\\ -14 \\\\ -7 \\end{pmatrix}', '\\boxed{(-2,-7,-14)}', false],
    ['\\text{(B)}', '\\boxed{\\text{(C)}}', false],
    ['\\text{east}', '\\boxed{\\text{seat}}', false],
    ['x^2', '\\boxed{x^3}', false],
    ['3', '\\boxed{x = 4}', false],
    ['5x - 7y + 11z + 4 = 0', '\\boxed{5x - 7y + 11z - 4 = 0}', false],
    ['204_5', '\\boxed{54}', false],
    ['-2 + 7i', '\\boxed{-2 - 7i}', false],
    ['2k+2', '\\boxed{2k+1}', false],
    ['5', 'I think it might be 5 or 6, let me keep thinking about this problem', false],
  ];
  for (const [gold, output, correct] of equivalent) {
    it(`${output} ${correct ? '=' : '≠'} gold ${gold}`, () => {
      const result = grade(output, gold);
      assert.equal(result.correct, correct, result.reason);
    });
  }

  describe('extraction', () => {
    it('prefers the last \\boxed{}, with nested braces', () => {
      assert.deepEqual(extractMathAnswer('first \\boxed{1} then \\boxed{\\frac{1}{2}} done'), { text: '\\frac{1}{2}', where: 'in \\boxed{}' });
      assert.deepEqual(extractMathAnswer('so \\fbox{7}.'), { text: '7', where: 'in \\fbox{}' });
      assert.deepEqual(extractMathAnswer('so \\boxed 7.'), { text: '7.', where: 'in \\boxed{}' });
    });
    it('then "the answer is", taking its $…$ if it has one', () => {
      assert.deepEqual(extractMathAnswer('We get $x=2$. The final answer is $\\frac{3}{4}$, I hope.'), { text: '\\frac{3}{4}', where: 'after "The final answer is"' });
      assert.deepEqual(extractMathAnswer('The answer is 12.'), { text: '12', where: 'after "The answer is"' });
    });
    it('then the last $…$, then a short bare output', () => {
      assert.deepEqual(extractMathAnswer('First $a=1$, so we get\n$$\\sqrt{2}.$$'), { text: '\\sqrt{2}', where: 'in the last $…$' });
      assert.deepEqual(extractMathAnswer(' \\frac{1}{2} '), { text: '\\frac{1}{2}', where: 'as the whole output' });
      assert.equal(extractMathAnswer('We need more steps\nand nothing is concluded here'), null);
    });
  });

  it('explains its decisions', () => {
    assert.equal(grade('\\boxed{\\sqrt8}', '2\\sqrt2').reason, 'found "\\sqrt8" in \\boxed{}; it matches the gold "2\\sqrt2": numerically equal (2.82842712475)');
    assert.equal(grade('\\boxed{0.5}', '\\frac12').reason, 'found "0.5" in \\boxed{}; it matches the gold "\\frac12": structurally identical');
    assert.equal(grade('\\boxed{0.33}', '\\frac13').reason, 'found "0.33" in \\boxed{}; it does not match the gold "\\frac13": numerically different (0.33 vs 0.333333333333)');
    assert.equal(grade('\\boxed{(4,2)}', '(2,4)').reason, 'found "(4,2)" in \\boxed{}; it does not match the gold "(2,4)": item 1 differs (numerically different (4 vs 2))');
    assert.match(grade('\\boxed{2(k+1)}', '2k+2').reason, /equal at 3 sample values of k$/);
    assert.equal(grade('nothing\nhere to see at all', '1').reason, 'no final answer found (no \\boxed{}, no "the answer is", no $…$)');
  });

  it('reports LaTeX the engine cannot parse instead of throwing', () => {
    const result = grade('\\boxed{\\frac{1}{}', '5');
    assert.equal(result.correct, false);
    assert.match(result.reason, /does not parse as LaTeX/);
  });

  it('does not hang on answers too big to evaluate', () => {
    const started = Date.now();
    assert.equal(grade('\\boxed{10^{10^{10}}}', '5').correct, false);
    assert.equal(grade('\\boxed{99999!}', '5').correct, false);
    assert.match(grade('\\boxed{10^{10^{10}}}', '5').reason, /not safe to evaluate/);
    // Inputs that made an earlier unit-stripping regex backtrack exponentially.
    assert.equal(grade(`1 ${'a'.repeat(60)}1`, '5').correct, false);
    assert.equal(grade(`The answer is 5${'.'.repeat(50_000)}x`, '5').correct, false);
    assert.equal(grade(`\\boxed{${'ab '.repeat(5000)}}`, '5').correct, false);
    assert.ok(Date.now() - started < 2000);
  });

  it('keeps outputs from changing how later outputs parse', () => {
    grade('\\boxed{x(3)}', '5');
    assert.equal(grade('\\boxed{|x|}', '|x|').correct, true);
    assert.equal(grade('\\boxed{\\frac{1}{2}x}', '\\frac{x}{2}').correct, true);
  });

  it('accepts any of several gold answers', () => {
    assert.equal(mathGrader.grade('\\boxed{3}', task(['2', '3'])).correct, true);
  });

  it('checks gold answers parse', () => {
    assert.equal(mathGrader.checkGold(task('\\frac{1}{2}')), null);
    assert.equal(mathGrader.checkGold(task('\\text{Evelyn}')), null);
    assert.match(mathGrader.checkGold(task('\\frac{1}{')) ?? '', /^gold answer "\\\\frac\{1\}\{" does not parse as LaTeX: /);
    assert.equal(mathGrader.checkGold(task('  ')), 'gold answer is empty');
  });

  it('parses answers into comparable structures', () => {
    assert.deepEqual(parseMathAnswer('\\left[ 1, 2 \\right)'), { kind: 'ordered', open: '[', close: ')', items: [{ kind: 'expr', latex: '1' }, { kind: 'expr', latex: '2' }] });
    assert.deepEqual(parseMathAnswer('$x = \\dfrac12$.'), { kind: 'expr', latex: '\\frac{1}{2}' });
    assert.deepEqual(parseMathAnswer('3 \\pm 2'), { kind: 'unordered', items: [{ kind: 'expr', latex: '3 + 2' }, { kind: 'expr', latex: '3 - 2' }] });
  });

  it('never throws on arbitrary output', () => {
    const pieces = fc.constantFrom('\\frac', '{', '}', '(', ']', '\\{', '\\}', ',', '=', 'x', '1', '\\sqrt', '^', '\\boxed{', '$', '\\pm', '\\text{', ' ', '\\cup', '&', '\\\\', '\\begin{pmatrix}', '\\left(', ':');
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 20 }), fc.string({ maxLength: 30 }), (parts, noise) => {
        const result = grade(`\\boxed{${parts.join('')}}${noise}`, '\\frac{1}{2}');
        assert.equal(typeof result.reason, 'string');
      }),
      { numRuns: 300 },
    );
  });
});
