// One bundle per target (architecture.md §8); type-checking is separate (`npm run typecheck`).
import { build } from 'esbuild';

const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  sourcemap: true,
  logLevel: 'warning',
  // Native binaries and optional downloads: loaded from node_modules at run time.
  external: ['node-llama-cpp', 'vscode'],
};

const targets = [
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node20', banner: { js: '#!/usr/bin/env node' } },
];

if (watch) {
  const { context } = await import('esbuild');
  for (const t of targets) await (await context(t)).watch();
} else {
  await Promise.all(targets.map((t) => build(t)));
}
