import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { loadTemplates, renderTemplate, templateFingerprints } from '../../../src/core/prompts/load';
import type { Template } from '../../../src/core/prompts/templates';
import { UserError } from '../../../src/core/util/errors';
import { sha256 } from '../../../src/core/util/hash';

const MC = 'Question: 1 + 1?\nResponse: 2\nJudgement: Correct\n\nQuestion: {{question}}\nResponse: {{response}}\nJudgement:\n';

function userError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof UserError, String(err));
    assert.match(err.message, pattern);
    return true;
  });
}

describe('prompts/load', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gaplens-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string | Buffer): string => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it('overrides the defaults file by file, user files first', () => {
    const mcPath = write('verify-mc.txt', MC);
    const genPath = write('generate.numeric.txt', 'Q: {{question}}\nA:');
    write('README.md', 'notes about my templates, ignored: {{nothing}}');
    const set = loadTemplates(dir);
    const defaults = loadTemplates();
    // A user <role>.txt covers every kind, even those with a default <role>.<kind>.txt.
    for (const kind of ['numeric', 'math', 'sudoku'] as const) assert.equal(set.get('verify-mc', kind).path, mcPath);
    assert.equal(set.get('generate', 'numeric').path, genPath);
    assert.equal(set.get('generate', 'numeric').text, 'Q: {{question}}\nA:');
    assert.deepEqual(set.get('generate', 'math'), defaults.get('generate', 'math'));
    assert.deepEqual(set.get('verify-cot-score', 'nq'), defaults.get('verify-cot-score', 'nq'));
    const mc = set.get('verify-mc', 'math');
    assert.equal(mc.role, 'verify-mc');
    assert.equal(mc.kind, 'math');
    assert.equal(mc.sha256, sha256(mc.text));
  });

  it('reports an unknown placeholder with file:line', () => {
    const path = write('verify-cot-binary.math.txt', 'Check this.\n\nQuestion: {{question}}\nResponse: {{answer}}\nVerification:');
    userError(() => loadTemplates(dir), new RegExp(`^${escape(path)}:4: unknown placeholder \\{\\{answer\\}\\}: a verify-cot-binary template may use \\{\\{question\\}\\}, \\{\\{response\\}\\}`));
  });

  it('rejects a placeholder that belongs to another role', () => {
    const path = write('generate.txt', 'Question: {{question}}\nBetter answer than {{response_a}}?\nAnswer:');
    userError(() => loadTemplates(dir), new RegExp(`^${escape(path)}:2: unknown placeholder \\{\\{response_a\\}\\}`));
  });

  it('rejects a template without a placeholder its role needs', () => {
    const path = write('verify-tournament.txt', 'Question: {{question}}\nResponse A: {{response_a}}\nComparison:');
    userError(() => loadTemplates(dir), new RegExp(`^${escape(path)}: a verify-tournament template must contain \\{\\{response_b\\}\\}`));
  });

  it('accepts spaces inside the braces and leaves single braces alone', () => {
    write('generate.math.txt', 'Put the answer in \\boxed{}: $x^{2}$.\nQuestion: {{ question }}\nAnswer:');
    const t = loadTemplates(dir).get('generate', 'math');
    assert.equal(renderTemplate(t, { question: 'Q?' }), 'Put the answer in \\boxed{}: $x^{2}$.\nQuestion: Q?\nAnswer:');
  });

  it('rejects file names that are not <role>.txt or <role>.<kind>.txt', () => {
    for (const name of ['verify-mc.numric.txt', 'verify.txt', 'Generate.txt', 'generate.math.extra.txt']) {
      const d = mkdtempSync(join(tmpdir(), 'gaplens-'));
      try {
        writeFileSync(join(d, name), MC);
        userError(() => loadTemplates(d), new RegExp(`^${escape(join(d, name))}: not a template file name.*role one of generate, verify-mc.*kind one of numeric, math, nq, sudoku, exact`));
      } finally {
        rmSync(d, { recursive: true, force: true });
      }
    }
  });

  it('rejects a missing folder, a file given as the folder, and text that is not UTF-8', () => {
    userError(() => loadTemplates(join(dir, 'nope')), /nope: cannot read the template folder \(no such folder\)/);
    const file = write('notes.md', 'x');
    userError(() => loadTemplates(file), /notes\.md: cannot read the template folder \(not a folder\)/);
    const bad = write('generate.txt', Buffer.from([0x51, 0x3a, 0x20, 0xff, 0xfe, 0x0a]));
    userError(() => loadTemplates(dir), new RegExp(`^${escape(bad)}: not valid UTF-8`));
  });

  it('drops a byte-order mark, turns CRLF into LF and removes the final newline', () => {
    write('generate.nq.txt', '\uFEFFQuestion: who?\r\nAnswer: me.\r\n\r\nQuestion: {{question}}\r\nAnswer:\r\n');
    const t = loadTemplates(dir).get('generate', 'nq');
    assert.equal(t.text, 'Question: who?\nAnswer: me.\n\nQuestion: {{question}}\nAnswer:');
    assert.equal(t.sha256, sha256(t.text));
  });

  it('renders literally: values are not scanned for placeholders or replacement patterns', () => {
    const t: Template = { role: 'verify-mc', kind: 'exact', path: 'inline', text: 'Q: {{question}}\nR: {{response}}\nJ:', sha256: '' };
    const out = renderTemplate(t, { question: 'Say {{response}} and $& and $1', response: 'I say {{question}}' });
    assert.equal(out, 'Q: Say {{response}} and $& and $1\nR: I say {{question}}\nJ:');
    assert.throws(() => renderTemplate(t, { question: 'only one' }), /inline: no value given for placeholder \{\{response\}\}/);
    assert.throws(() => renderTemplate({ ...t, text: '{{constructor}}' }, {}), /no value given for placeholder \{\{constructor\}\}/);
  });

  it('fingerprints the templates a run uses by file name, once per file', () => {
    write('verify-mc.txt', MC);
    const set = loadTemplates(dir);
    const prints = templateFingerprints(set, ['generate', 'verify-mc'], ['numeric', 'nq', 'math']);
    assert.deepEqual(Object.keys(prints), ['generate.math.txt', 'generate.nq.txt', 'generate.numeric.txt', 'verify-mc.txt']);
    assert.equal(prints['verify-mc.txt'], sha256(MC.replace(/\n$/, '')));
    assert.equal(prints['generate.math.txt'], set.get('generate', 'math').sha256);
    assert.equal(basename(set.get('generate', 'math').path), 'generate.math.txt');
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
