import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { summarizeCpuProfile } from '../../bench/lib/cpuProfile';

describe('bench cpuProfile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gaplens-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('charges each sample to the source module of the innermost bundled frame, through the source map', () => {
    writeFileSync(path.join(dir, 'alpha.ts'), 'export function alphaWork(x: number): number {\n  return x * 2;\n}\n');
    writeFileSync(path.join(dir, 'beta.ts'), "import { alphaWork } from './alpha';\nexport function betaWork(x: number): number {\n  return alphaWork(x) + 1;\n}\nconsole.log(betaWork(1));\n");
    const bundle = path.join(dir, 'out', 'main.cjs');
    buildSync({ entryPoints: [path.join(dir, 'beta.ts')], bundle: true, platform: 'node', format: 'cjs', sourcemap: true, outfile: bundle, logLevel: 'silent' });
    const lines = readFileSync(bundle, 'utf8').split('\n');
    const at = (name: string): { lineNumber: number; columnNumber: number } => {
      const lineNumber = lines.findIndex((l) => l.includes(`function ${name}`));
      return { lineNumber, columnNumber: (lines[lineNumber] ?? '').indexOf(name) };
    };
    const url = `file://${bundle}`;
    const profile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1, columnNumber: -1 }, children: [2, 5, 6] },
        { id: 2, callFrame: { functionName: 'betaWork', url, ...at('betaWork') }, children: [3] },
        { id: 3, callFrame: { functionName: 'alphaWork', url, ...at('alphaWork') }, children: [4] },
        // A Node internal called from alphaWork is alphaWork's cost.
        { id: 4, callFrame: { functionName: 'write', url: 'node:fs', lineNumber: 1, columnNumber: 1 } },
        { id: 5, callFrame: { functionName: '(garbage collector)', url: '', lineNumber: -1, columnNumber: -1 } },
        { id: 6, callFrame: { functionName: 'writev', url: '', lineNumber: -1, columnNumber: -1 } },
      ],
      samples: [2, 3, 4, 4, 5, 6],
      timeDeltas: [1000, 1000, 1000, 1000, 2000, 4000],
    };
    const file = path.join(dir, 'p.cpuprofile');
    writeFileSync(file, JSON.stringify(profile));
    const shares = summarizeCpuProfile(file, bundle, dir);
    const ms = Object.fromEntries(shares.map((s) => [s.module, s.ms]));
    assert.deepEqual(ms, { 'alpha.ts': 3, 'beta.ts': 1, '(garbage collector)': 2, '(native writev, no bundled caller)': 4 });
    assert.equal(shares[0]?.module, '(native writev, no bundled caller)');
    assert.ok(Math.abs(shares.reduce((s, x) => s + x.share, 0) - 1) < 1e-12);
  });
});
