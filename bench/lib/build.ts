// Bundles the benchmark's separate programs (bench/entries/*.ts) the way the CLI itself is
// bundled (esbuild, CommonJS, node20), and builds the CLI: every measured process then runs plain
// JavaScript, with no TypeScript loader in its CPU time or memory. The bundles live under
// node_modules/.cache so that node-llama-cpp (external, native) still resolves from node_modules,
// in a folder named after the checkout: git worktrees may share one node_modules, and one
// checkout's bench would otherwise run another's programs, built from other code.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

export interface BuiltEntries {
  /** Entry name (file name without .ts) -> bundled file. */
  entries: Map<string, string>;
  cli: string;
}

export async function buildEntries(repoRoot: string): Promise<BuiltEntries> {
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
  const srcDir = path.join(repoRoot, 'bench', 'entries');
  const outDir = path.join(repoRoot, 'node_modules', '.cache', 'gaplens-bench', path.basename(repoRoot));
  mkdirSync(outDir, { recursive: true });
  const names = readdirSync(srcDir).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
  await build({
    entryPoints: names.map((n) => path.join(srcDir, `${n}.ts`)),
    outdir: outDir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    external: ['node-llama-cpp'],
  });
  return { entries: new Map(names.map((n) => [n, path.join(outDir, `${n}.cjs`)])), cli: path.join(repoRoot, 'dist', 'cli.js') };
}

export function entry(built: BuiltEntries, name: string): string {
  const file = built.entries.get(name);
  if (!file) throw new Error(`no benchmark entry bench/entries/${name}.ts`);
  return file;
}
