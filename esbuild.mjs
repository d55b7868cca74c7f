// One bundle per target (architecture.md §8); type-checking is separate (`npm run typecheck`).
import { build } from 'esbuild';
import { webviewBuildOptions } from './webview/buildOptions.mjs';

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
  // The CLI report's helper thread, started by dist/cli.js from the file next to it (src/cli/commands/reportThreads.ts).
  { ...common, entryPoints: ['src/cli/commands/reportWorker.ts'], outfile: 'dist/reportWorker.js', platform: 'node', format: 'cjs', target: 'node20' },
  // The extension: a small entry that activates fast, and two bundles it loads on first use. The
  // entry reaches them as require('./onDemand') / require('./languageClient') next to it in dist/
  // (external here), with dynamic import() turned into require() so the extension host's module
  // hooks ('vscode') apply.
  { ...common, entryPoints: ['src/extension/main.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode', 'node-llama-cpp', './onDemand', './languageClient'], supported: { 'dynamic-import': false } },
  { ...common, entryPoints: ['src/extension/onDemand.ts'], outfile: 'dist/onDemand.js', platform: 'node', format: 'cjs', target: 'node20' },
  { ...common, entryPoints: ['src/extension/languageClient.ts'], outfile: 'dist/languageClient.js', platform: 'node', format: 'cjs', target: 'node20' },
  // The task-file language server, started by dist/languageClient.js over IPC.
  { ...common, entryPoints: ['src/server/main.ts'], outfile: 'dist/server.js', platform: 'node', format: 'cjs', target: 'node20' },
  // The panel: a browser IIFE with nothing from node (see webview/buildOptions.mjs).
  webviewBuildOptions,
];

if (watch) {
  const { context } = await import('esbuild');
  for (const t of targets) await (await context(t)).watch();
} else {
  await Promise.all(targets.map((t) => build(t)));
}
