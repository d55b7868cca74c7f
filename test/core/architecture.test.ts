import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO } from '../helpers/cli';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]([^'"]+)['"]/g;

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => m[1] as string);
}

describe('architecture', () => {
  it('src/core and src/cli never import vscode', () => {
    const offenders = [...sources(join(REPO, 'src', 'core')), ...sources(join(REPO, 'src', 'cli'))]
      .filter((f) => importsOf(f).some((m) => m === 'vscode' || m.startsWith('vscode/')))
      .map((f) => relative(REPO, f));
    assert.deepEqual(offenders, []);
  });

  it('src/core never imports the CLI', () => {
    const offenders = sources(join(REPO, 'src', 'core'))
      .filter((f) => importsOf(f).some((m) => m.includes('/cli/')))
      .map((f) => relative(REPO, f));
    assert.deepEqual(offenders, []);
  });

  it('node-llama-cpp is only loaded lazily (dynamic import), so nothing pays for it at start-up', () => {
    const offenders = [...sources(join(REPO, 'src'))]
      .filter((f) => /^\s*import\s[^(]*from\s+['"]node-llama-cpp['"]/m.test(readFileSync(f, 'utf8').replace(/^\s*import\s+type\s.*$/gm, '')))
      .map((f) => relative(REPO, f));
    assert.deepEqual(offenders, []);
  });
});
