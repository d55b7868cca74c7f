// Activation time of the built extension: `npx tsx test/extension/activationBench.ts [--runs N] [--json]`
// (after `npm run build`). Each sample is a fresh plain Node process (cold module cache; this file
// bundled by esbuild, so neither tsx's loader nor source maps are in the timing) that loads
// dist/extension.js and calls activate() against the fake VS Code API, timing require + activate;
// it also times the first load of the on-demand bundle (what the first command pays once).
// The real VS Code API adds its own cost; the extension logs its in-host number to its output
// channel ("activated in … ms"). Target (issue 3): activation ≤ 50 ms.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { buildSync } from 'esbuild';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { installFakeVscode } from './fakes/fakeVscode';

const REPO = resolve(__dirname, '..', '..');

interface Sample {
  activateMs: number;
  onDemandLoadMs: number;
}

/** Runs in the bundled copy, whose __dirname is a temp folder: the repo comes as an argument. */
function child(repo: string): void {
  const DIST = join(repo, 'dist');
  const tmp = mkdtempSync(join(tmpdir(), 'gaplens-bench-'));
  const fake = installFakeVscode({ extensionPath: repo, workspaceFolder: tmp, globalStorage: join(tmp, 'global'), settings: {} });
  const t0 = performance.now();
  const ext = require(join(DIST, 'extension.js')) as { activate(context: unknown): void };
  ext.activate(fake.context);
  const t1 = performance.now();
  require(join(DIST, 'onDemand.js'));
  const t2 = performance.now();
  for (const d of fake.context.subscriptions) d.dispose();
  fake.uninstall();
  rmSync(tmp, { recursive: true, force: true });
  const sample: Sample = { activateMs: t1 - t0, onDemandLoadMs: t2 - t1 };
  process.stdout.write(JSON.stringify(sample));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function main(): void {
  const { values } = parseArgs({ options: { runs: { type: 'string' }, json: { type: 'boolean' }, child: { type: 'string' } } });
  if (values.child !== undefined) return child(values.child);
  const runs = Number(values.runs ?? 15);
  const samples: Sample[] = [];
  // Inside the repo (out/ is ignored by git), so the copy finds esbuild in node_modules.
  const script = join(REPO, 'out', 'bench', 'activationBench.js');
  try {
    buildSync({ entryPoints: [__filename], outfile: script, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['esbuild'], logLevel: 'warning' });
    for (let i = 0; i < runs; i++) {
      const r = spawnSync(process.execPath, [script, '--child', REPO], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`benchmark child failed:\n${r.stderr}`);
      samples.push(JSON.parse(r.stdout) as Sample);
    }
  } finally {
    rmSync(script, { force: true });
  }
  const activate = samples.map((s) => s.activateMs);
  const onDemand = samples.map((s) => s.onDemandLoadMs);
  const result = {
    benchmark: 'extension activation (require dist/extension.js + activate, fake VS Code API, cold process)',
    runs,
    activateMedianMs: Number(median(activate).toFixed(2)),
    activateMinMs: Number(Math.min(...activate).toFixed(2)),
    activateMaxMs: Number(Math.max(...activate).toFixed(2)),
    onDemandLoadMedianMs: Number(median(onDemand).toFixed(2)),
    targetMs: 50,
  };
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    process.stdout.write(
      `activation: median ${result.activateMedianMs} ms (min ${result.activateMinMs}, max ${result.activateMaxMs}) over ${runs} cold starts; target ≤ ${result.targetMs} ms\n` +
        `first command's bundle load (dist/onDemand.js): median ${result.onDemandLoadMedianMs} ms\n`,
    );
  }
}

main();
