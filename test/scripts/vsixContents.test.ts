// What the VSIX ships of node_modules (scripts/vsix/contents.ts): node-llama-cpp's reachable
// modules and one platform's binaries, and nothing else; proven enough by running a real gap check
// on llama.cpp with only those files next to the built CLI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hostTarget, llamaRuntimeFiles } from '../../scripts/vsix/contents';
import { CLI, REPO, STORIES_MODEL, tempDir } from '../helpers/cli';

describe('scripts/vsix/contents', function () {
  this.timeout(120_000);
  let files: string[];

  before(async () => {
    files = await llamaRuntimeFiles(REPO, 'linux-x64');
  });

  it('names the vsce target of the machine, or none where llama.cpp has no build', () => {
    assert.equal(hostTarget('linux', 'x64'), 'linux-x64');
    assert.equal(hostTarget('linux', 'arm'), 'linux-armhf');
    assert.equal(hostTarget('darwin', 'arm64'), 'darwin-arm64');
    assert.equal(hostTarget('win32', 'x64'), 'win32-x64');
    assert.equal(hostTarget('linux', 'riscv64'), null);
    assert.equal(hostTarget('freebsd', 'x64'), null);
  });

  it("ships node-llama-cpp's reachable modules with their package.json and licenses, and the platform's binaries", () => {
    for (const f of [
      'node_modules/node-llama-cpp/dist/index.js',
      'node_modules/node-llama-cpp/dist/bindings/utils/testBindingBinary.js',
      'node_modules/node-llama-cpp/package.json',
      'node_modules/node-llama-cpp/LICENSE',
      'node_modules/node-llama-cpp/llama/binariesGithubRelease.json',
      'node_modules/@node-llama-cpp/linux-x64/package.json',
      'node_modules/@node-llama-cpp/linux-x64/bins/linux-x64/llama-addon.node',
      'node_modules/ipull/package.json',
    ]) {
      assert.ok(files.includes(f), f);
    }
    // Node needs the package.json of every package it loads a module of (module type, exports).
    const packages = new Set(files.map((f) => /^(node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1]));
    for (const p of packages) assert.ok(files.includes(`${p}/package.json`), `${p}/package.json`);
  });

  it('leaves out what nothing runs: the CLI and build tooling, declarations, maps, docs, other platforms and GPU builds', () => {
    const unwanted = files.filter((f) => !/\/licen[cs]e[^/]*$/i.test(f)).filter((f) => /\.(d\.ts|map|md)$|node-llama-cpp\/dist\/cli\/(cli\.js|commands\/)|node-llama-cpp\/(templates|bins)\/|node-llama-cpp\/llama\/(addon|gitRelease|toolchains)|\/(cmake-js|yargs|tar|@node-llama-cpp\/(?!linux-x64\/)[^/]+)\//.test(f));
    assert.deepEqual(unwanted, []);
    const everything = readdirSync(join(REPO, 'node_modules', 'node-llama-cpp', 'dist'), { recursive: true }).filter((f) => String(f).endsWith('.js'));
    assert.ok(files.filter((f) => f.startsWith('node_modules/node-llama-cpp/dist/')).length < everything.length, 'every module of node-llama-cpp ships');
  });

  it('says how to install the binaries of a platform npm did not install', async () => {
    const { dir, cleanup } = tempDir();
    try {
      mkdirSync(join(dir, 'node_modules', 'node-llama-cpp'), { recursive: true });
      copyFileSync(join(REPO, 'node_modules', 'node-llama-cpp', 'package.json'), join(dir, 'node_modules', 'node-llama-cpp', 'package.json'));
      const version = (JSON.parse(readFileSync(join(REPO, 'node_modules', 'node-llama-cpp', 'package.json'), 'utf8')) as { version: string }).version;
      await assert.rejects(llamaRuntimeFiles(dir, 'darwin-arm64'), {
        message: `node_modules/@node-llama-cpp/mac-arm64-metal is not installed, so a VSIX for darwin-arm64 cannot hold llama.cpp. Install it first: npm install --no-save --force @node-llama-cpp/mac-arm64-metal@${version}`,
      });
    } finally {
      cleanup();
    }
  });

  it('is all a real gap check on llama.cpp needs: the built CLI runs one with only these files beside it', function () {
    if (hostTarget() !== 'linux-x64') this.skip();
    assert.ok(existsSync(CLI), 'run npm run build first');
    const { dir, cleanup } = tempDir();
    try {
      // The VSIX layout: the bundles in dist/, node-llama-cpp in dist/node_modules/.
      for (const f of files) {
        mkdirSync(dirname(join(dir, 'dist', f)), { recursive: true });
        copyFileSync(join(REPO, f), join(dir, 'dist', f));
      }
      copyFileSync(CLI, join(dir, 'dist', 'cli.js'));
      cpSync(join(REPO, 'templates'), join(dir, 'templates'), { recursive: true });
      copyFileSync(join(REPO, 'package.json'), join(dir, 'package.json'));
      const run = spawnSync(process.execPath, [join(dir, 'dist', 'cli.js'), 'run', '--tasks', 'builtin:arithmetic', '--limit', '1', '--model', `llama:${STORIES_MODEL}`, '-n', '2', '--verifier', 'mc', '--max-tokens', '8', '--runs-dir', join(dir, 'runs'), '--no-cache', '--json'], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 110_000,
      });
      assert.equal(run.status, 0, run.stderr);
      const [runDir] = readdirSync(join(dir, 'runs'));
      const samples = readFileSync(join(dir, 'runs', runDir ?? '', 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string });
      assert.deepEqual(samples.map((s) => s.type).sort(), ['generation', 'generation', 'verification', 'verification']);
    } finally {
      cleanup();
    }
  });
});
