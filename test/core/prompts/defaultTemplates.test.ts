// Checks the shipped templates against the conventions the code relies on: every example block
// starts with "Question:" (where generation is stopped), examples end with the markers the
// verifiers parse, and the prompt ends where the model should continue.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadTemplates, renderTemplate } from '../../../src/core/prompts/load';
import { findPlaceholders, ROLE_PLACEHOLDERS } from '../../../src/core/prompts/placeholders';
import { BLOCK_STOP } from '../../../src/core/prompts/stop';
import { TEMPLATE_ROLES, type TemplateRole } from '../../../src/core/prompts/templates';
import { GRADER_NAMES } from '../../../src/core/tasks/task';
import { packageAsset } from '../../../src/core/util/assets';
import { labelOfToken } from '../../../src/core/verify/mc';
import { parseBetter, parseScore, parseVerdict } from '../../../src/core/verify/markers';

const templates = loadTemplates();
const all = TEMPLATE_ROLES.flatMap((role) => GRADER_NAMES.map((kind) => templates.get(role, kind)));

const CONTINUATION: Record<TemplateRole, string> = {
  generate: '\nAnswer:',
  'verify-mc': '\nJudgement:',
  'verify-cot-binary': '\nVerification:',
  'verify-cot-score': '\nVerification:',
  'verify-tournament': '\nComparison:',
};

/** The worked examples of a template: the blocks between the instructions and the final question. */
function examples(text: string): string[] {
  return text.split(BLOCK_STOP).slice(1, -1);
}

describe('default templates', () => {
  it('render for every role and kind, ending where the model continues', () => {
    for (const t of all) {
      const vars = Object.fromEntries(ROLE_PLACEHOLDERS[t.role].map((name) => [name, `<${name} text>`]));
      const prompt = renderTemplate(t, vars);
      assert.deepEqual(findPlaceholders(prompt), [], `${t.path} left a placeholder in the prompt`);
      assert.ok(prompt.endsWith(CONTINUATION[t.role]), `${t.path} ends with ${JSON.stringify(prompt.slice(-20))}`);
      for (const name of ROLE_PLACEHOLDERS[t.role]) assert.ok(prompt.includes(`<${name} text>`));
    }
  });

  it('are few-shot: 3 or 4 examples, each block starting with "Question:", placeholders only in the last', () => {
    for (const t of all) {
      const blocks = t.text.split(BLOCK_STOP);
      assert.ok(blocks.length >= 5 && blocks.length <= 6, `${t.path}: ${blocks.length - 2} examples`);
      assert.ok(!(blocks[0] ?? '').includes('{{'), `${t.path}: instructions hold a placeholder`);
      for (const example of examples(t.text)) assert.ok(!example.includes('{{'), `${t.path}: an example holds a placeholder`);
      assert.ok(t.text.lastIndexOf(BLOCK_STOP) < t.text.indexOf('{{'), `${t.path}: the question is not in the last block`);
    }
  });

  it('show both outcomes, with the markers the verifiers parse', () => {
    for (const kind of GRADER_NAMES) {
      const labels = (role: TemplateRole, read: (example: string) => string): string[] => examples(templates.get(role, kind).text).map(read);
      const mc = labels('verify-mc', (e) => {
        const m = /\nJudgement: (\w+)\n*$/.exec(e);
        return labelOfToken(` ${m?.[1] ?? ''}`) ?? 'unlabelled';
      });
      const binary = labels('verify-cot-binary', (e) => {
        const v = parseVerdict(e);
        return v.ok ? v.value : v.error;
      });
      const scores = labels('verify-cot-score', (e) => {
        const s = parseScore(e);
        return s.ok ? (s.value >= 8 ? 'high' : s.value <= 3 ? 'low' : 'middle') : s.error;
      });
      const better = labels('verify-tournament', (e) => {
        const b = parseBetter(e);
        return b.ok ? b.value : b.error;
      });
      assert.deepEqual([...new Set(mc)].sort(), ['Correct', 'Incorrect'], `${kind} mc`);
      assert.deepEqual([...new Set(binary)].sort(), ['correct', 'incorrect'], `${kind} cot-binary`);
      assert.deepEqual([...new Set(scores)].sort(), ['high', 'low'], `${kind} cot-score`);
      assert.deepEqual([...new Set(better)].sort(), ['A', 'B'], `${kind} tournament`);
    }
  });

  it('end every generation example with the answer marker of its kind', () => {
    const marker: Record<string, RegExp> = {
      numeric: /The answer is -?[\d.,]+\.\n*$/,
      math: /The answer is \$\\boxed\{.+\}\$\.\n*$/,
      nq: /\nAnswer: The answer is [^\n]+\.\n*$/,
      exact: /The answer is [^\n]+\.\n*$/,
      sudoku: /\nThe answer is:\n[1-4]{4}\n[1-4]{4}\n[1-4]{4}\n[1-4]{4}\n*$/,
    };
    for (const kind of GRADER_NAMES) {
      for (const example of examples(templates.get('generate', kind).text)) assert.match(example, marker[kind] as RegExp, kind);
    }
  });

  it('label every Sudoku example by whether its grid really solves the puzzle', () => {
    for (const role of TEMPLATE_ROLES) {
      const t = templates.get(role, 'sudoku');
      for (const example of examples(t.text)) {
        const puzzle = /^\n([0-4]{4})\n([0-4]{4})\n([0-4]{4})\n([0-4]{4})\n/.exec(example)?.slice(1).join('');
        assert.ok(puzzle, `${t.path}: an example without a puzzle`);
        const solved = [...example.matchAll(/The answer is:\n(\d{4})\n(\d{4})\n(\d{4})\n(\d{4})/g)].map((m) => solves(m.slice(1).join(''), puzzle));
        const expected: Record<TemplateRole, () => boolean[]> = {
          generate: () => [true],
          'verify-mc': () => [/Judgement: Correct/.test(example)],
          'verify-cot-binary': () => [/Verdict: correct/.test(example)],
          'verify-cot-score': () => [Number(/Score: (\d+)/.exec(example)?.[1]) >= 8],
          'verify-tournament': () => (/Better: A/.test(example) ? [true, false] : [false, true]),
        };
        assert.deepEqual(solved, expected[role](), `${t.path}: ${example.slice(0, 30)}`);
      }
    }
  });

  it('ship no unused file and no two files with the same text', () => {
    const dir = packageAsset('templates');
    const files = readdirSync(dir).filter((n) => n.endsWith('.txt'));
    const used = new Set(all.map((t) => basename(t.path)));
    assert.deepEqual(files.filter((f) => !used.has(f)), []);
    const texts = files.map((f) => readFileSync(join(dir, f), 'utf8'));
    assert.equal(new Set(texts).size, texts.length);
  });
});

function solves(grid: string, puzzle: string): boolean {
  const at = (r: number, c: number): string => grid[r * 4 + c] as string;
  const units = [0, 1, 2, 3].flatMap((i) => [
    [0, 1, 2, 3].map((j) => at(i, j)),
    [0, 1, 2, 3].map((j) => at(j, i)),
    [0, 1, 2, 3].map((j) => at(2 * Math.floor(i / 2) + Math.floor(j / 2), 2 * (i % 2) + (j % 2))),
  ]);
  const givensKept = [...puzzle].every((d, i) => d === '0' || d === grid[i]);
  return givensKept && units.every((u) => [...u].sort().join('') === '1234');
}
