// The task-file grammar and language configuration (syntaxes/), checked for what VS Code relies on
// without running it: the real tokenizer runs in the end-to-end test.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../helpers/cli';

interface Rule {
  include?: string;
  match?: string;
  begin?: string;
  end?: string;
  name?: string;
  patterns?: Rule[];
}
interface Grammar {
  scopeName: string;
  patterns: Rule[];
  repository: Record<string, Rule>;
}

const grammar = JSON.parse(readFileSync(join(REPO, 'syntaxes', 'gaplens-tasks.tmLanguage.json'), 'utf8')) as Grammar;
const config = JSON.parse(readFileSync(join(REPO, 'syntaxes', 'gaplens-tasks.language-configuration.json'), 'utf8')) as {
  brackets: [string, string][];
  colorizedBracketPairs: [string, string][];
  autoClosingPairs: { open: string; close: string; notIn: string[] }[];
  surroundingPairs: [string, string][];
  comments?: unknown;
};

function rules(): Rule[] {
  const all: Rule[] = [];
  const visit = (r: Rule): void => {
    all.push(r);
    r.patterns?.forEach(visit);
  };
  grammar.patterns.forEach(visit);
  Object.values(grammar.repository).forEach(visit);
  return all;
}

describe('task file grammar (syntaxes/gaplens-tasks.tmLanguage.json)', () => {
  it('includes only rules it defines', () => {
    for (const r of rules().filter((x) => x.include !== undefined)) {
      assert.match(r.include ?? '', /^#/, 'no other grammar is needed');
      assert.ok(grammar.repository[(r.include ?? '').slice(1)], r.include);
    }
  });

  it('ends every multi-character rule at the end of its line, so an unfinished record leaves the next line alone', () => {
    const spans = rules().filter((r) => r.begin !== undefined);
    assert.deepEqual(spans.map((r) => r.name).sort(), ['meta.structure.array.json', 'meta.structure.dictionary.json', 'meta.structure.dictionary.value.json', 'string.json support.type.property-name.json', 'string.quoted.double.json']);
    for (const r of spans) assert.match(r.end ?? '', /\|\(\?=\$\)$/, `${r.name}: ${r.end}`);
  });

  it('matches JSON tokens with the scopes themes colour for JSON', () => {
    // The patterns use only syntax JavaScript and Oniguruma read alike, so they can be tried here.
    const token = (rule: string, text: string): string | undefined => new RegExp(`^(?:${grammar.repository[rule]?.match ?? '(?!)'})`).exec(text)?.[0];
    assert.equal(token('number', '-12.5e+3,'), '-12.5e+3');
    assert.equal(token('number', '007'), '0');
    assert.equal(token('constant', 'true}'), 'true');
    assert.equal(token('constant', 'trueish'), undefined);
    const escapes = grammar.repository.escape?.patterns ?? [];
    assert.equal(new RegExp(`^(?:${escapes[0]?.match})`).exec('\\u00e9x')?.[0], '\\u00e9');
    assert.equal(new RegExp(`^(?:${escapes[0]?.match})`).exec('\\q'), null);
    for (const r of rules()) if (r.name) assert.match(r.name, /\.json$/, r.name);
    assert.equal(grammar.scopeName, 'source.gaplens-tasks');
  });
});

describe('task file language configuration', () => {
  it('closes and matches braces, brackets and quotes, never inside a string, and has no comments (JSON Lines has none)', () => {
    assert.deepEqual(config.brackets, [['{', '}'], ['[', ']']]);
    assert.deepEqual(config.colorizedBracketPairs, config.brackets);
    assert.deepEqual(config.autoClosingPairs.map((p) => [p.open, p.close]), [['{', '}'], ['[', ']'], ['"', '"']]);
    assert.ok(config.autoClosingPairs.every((p) => p.notIn.includes('string')));
    assert.deepEqual(config.surroundingPairs, [['{', '}'], ['[', ']'], ['"', '"']]);
    assert.equal(config.comments, undefined);
  });
});
