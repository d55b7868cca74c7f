// `npm run package:vsix [-- --target TARGET] [--out FILE] [--list]`: the VSIX of one platform
// (this machine's unless --target names another, e.g. darwin-arm64), with the README for users
// (marketplace/README.md) and only what the extension runs: its bundles and assets (.vscodeignore)
// and node-llama-cpp's run-time files for that platform (scripts/vsix/contents.ts). --list prints
// the files and their total size instead.
//
// The files are laid out in a staging folder first, node-llama-cpp's under dist/node_modules/
// (Node resolves `import('node-llama-cpp')` from dist/*.js there before node_modules/), and vsce
// packs that folder whole, without looking at dependencies. Why not let vsce pick them out of
// node_modules with .vscodeignore lines: it matches every candidate file against every line, and
// with a line per file (a few hundred) that takes minutes.
import { spawnSync } from 'node:child_process';
import { constants, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { hostTarget, isVsixTarget, LLAMA_BINARY_PACKAGES, llamaRuntimeFiles } from './vsix/contents';

const REPO = resolve(__dirname, '..');
/** The extension page's README; the repository's README.md is the developers' one. */
export const MARKETPLACE_README = 'marketplace/README.md';
/** Where node-llama-cpp's files go in the VSIX: next to the bundles that import it. */
export const RUNTIME_PREFIX = 'dist/';

function vsce(cwd: string, args: string[]): string {
  const run = spawnSync(process.execPath, [join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce'), ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`vsce ${args[0]} failed (exit ${run.status ?? run.signal})${run.stdout ? `:\n${run.stdout}` : ''}`);
  return run.stdout;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { target: { type: 'string' }, out: { type: 'string' }, list: { type: 'boolean' } } });
  const targets = Object.keys(LLAMA_BINARY_PACKAGES).join(', ');
  const target = values.target ?? hostTarget();
  if (target === null) throw new Error(`llama.cpp has no prebuilt binary for ${process.platform}-${process.arch}: pass --target with one of ${targets}`);
  if (!isVsixTarget(target)) throw new Error(`unknown --target "${target}": use one of ${targets}`);

  // The extension's own files, as .vscodeignore picks them (node_modules is not looked at).
  const own = vsce(REPO, ['ls', '--no-dependencies', '--readme-path', MARKETPLACE_README]).split('\n').filter((l) => l.trim() !== '');
  const runtime = await llamaRuntimeFiles(REPO, target);
  const staged = [...own.map((f) => [f, f] as const), ...runtime.map((f) => [f, RUNTIME_PREFIX + f] as const)];
  if (values.list) {
    const bytes = staged.reduce((sum, [from]) => sum + statSync(join(REPO, from)).size, 0);
    process.stdout.write(`${staged.map(([, to]) => to).join('\n')}\n${staged.length} files, ${(bytes / 1e6).toFixed(1)} MB unpacked\n`);
    return;
  }
  const stage = mkdtempSync(join(tmpdir(), 'gaplens-vsix-'));
  try {
    for (const [from, to] of staged) {
      mkdirSync(dirname(join(stage, to)), { recursive: true });
      copyFileSync(join(REPO, from), join(stage, to), constants.COPYFILE_FICLONE);
    }
    // Everything staged ships: no ignore lines beyond vsce's own defaults.
    const ignoreFile = join(stage, '.vscodeignore');
    writeFileSync(ignoreFile, '');
    const out = resolve(REPO, values.out ?? `${packageName()}-${target}.vsix`);
    process.stdout.write(
      vsce(stage, ['package', '--no-dependencies', '--target', target, '--ignoreFile', ignoreFile, '--readme-path', MARKETPLACE_README, '--no-rewrite-relative-links', '--allow-missing-repository', '--skip-license', '--out', out]),
    );
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

function packageName(): string {
  const { name, version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { name: string; version: string };
  return `${name}-${version}`;
}

main().catch((error: unknown) => {
  console.error(`package:vsix: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
