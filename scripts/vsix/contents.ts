// What the VSIX of one platform holds besides the extension's own files (.vscodeignore): the
// JavaScript node-llama-cpp runs, file by file, and the llama.cpp binaries of that one platform.
// node-llama-cpp stays unbundled (an ES module that finds its binaries, its data files and a
// child-process script next to its own files), but only the files its code can reach ship: its
// command line, build-from-source tooling, type declarations, source maps and the other
// platforms' binaries stay out. They ship as dist/node_modules/…, where Node finds them from the
// bundles in dist/ (scripts/packageVsix.ts says why not node_modules/).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { build } from 'esbuild';

/**
 * vsce's --target names → the node-llama-cpp package holding that platform's llama.cpp build (the
 * CPU one; Metal on Apple silicon). CUDA and Vulkan builds (0.1–0.4 GB each) are left out: without
 * them llama.cpp runs on the CPU. No Alpine targets: the Linux builds need glibc.
 */
export const LLAMA_BINARY_PACKAGES = {
  'linux-x64': '@node-llama-cpp/linux-x64',
  'linux-arm64': '@node-llama-cpp/linux-arm64',
  'linux-armhf': '@node-llama-cpp/linux-armv7l',
  'darwin-x64': '@node-llama-cpp/mac-x64',
  'darwin-arm64': '@node-llama-cpp/mac-arm64-metal',
  'win32-x64': '@node-llama-cpp/win-x64',
  'win32-arm64': '@node-llama-cpp/win-arm64',
} as const;
export type VsixTarget = keyof typeof LLAMA_BINARY_PACKAGES;

export function isVsixTarget(name: string): name is VsixTarget {
  return Object.hasOwn(LLAMA_BINARY_PACKAGES, name);
}

/** The target of the machine packing the VSIX (Node's arch "arm" is vsce's "armhf"); null when llama.cpp has no build for it. */
export function hostTarget(platform: string = process.platform, arch: string = process.arch): VsixTarget | null {
  const name = `${platform}-${arch === 'arm' ? 'armhf' : arch}`;
  return isVsixTarget(name) ? name : null;
}

/**
 * Where node-llama-cpp's code starts: its entry point, and the script getLlama() forks to test a
 * binary before loading it (found by its own path, so no import reaches it).
 */
const ENTRY_POINTS = ['node_modules/node-llama-cpp/dist/index.js', 'node_modules/node-llama-cpp/dist/bindings/utils/testBindingBinary.js'];

/** Data files node-llama-cpp reads by path when it loads a prebuilt binary. */
const DATA_FILES = ['node_modules/node-llama-cpp/llama/binariesGithubRelease.json', 'node_modules/node-llama-cpp/llama/llama.cpp.info.json'];

/** What a binary package holds that nothing loads. */
const NOT_RUN = /\.(d\.ts|map|md)$/;
const LICENSE = /^(licen[cs]e|copying|notice)(\.|$)/i;

/**
 * The files under node_modules the installed extension needs for llama.cpp on `target`, as paths
 * relative to `repo` with forward slashes, sorted: every module node-llama-cpp's code can import
 * (statically or by a literal dynamic import, as esbuild resolves them), the package.json files
 * Node reads to load them (module type, exports), each such package's license, the data files it
 * reads, and the target's binary package.
 */
export async function llamaRuntimeFiles(repo: string, target: VsixTarget): Promise<string[]> {
  const binaryPackage = `node_modules/${LLAMA_BINARY_PACKAGES[target]}`;
  if (!existsSync(join(repo, binaryPackage, 'package.json'))) {
    throw new Error(`${binaryPackage} is not installed, so a VSIX for ${target} cannot hold llama.cpp. Install it first: npm install --no-save --force ${LLAMA_BINARY_PACKAGES[target]}@${nodeLlamaCppVersion(repo)}`);
  }
  const { metafile } = await build({
    absWorkingDir: repo,
    entryPoints: ENTRY_POINTS,
    bundle: true,
    write: false,
    outdir: 'unused',
    platform: 'node',
    format: 'esm',
    metafile: true,
    logLevel: 'silent',
    // The binary packages are added whole below; @reflink is an optional native speed-up of file
    // copies whose absence ipull handles (it was never shipped).
    external: ['@node-llama-cpp/*', '@reflink/*'],
    loader: { '.node': 'empty' },
  });
  const files = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    if (!input.startsWith('node_modules/')) throw new Error(`node-llama-cpp imports ${input}, outside node_modules`);
    files.add(input);
    for (const meta of packageMetadata(repo, input)) files.add(meta);
  }
  for (const file of DATA_FILES) files.add(file);
  for (const file of filesUnder(repo, binaryPackage)) if (!NOT_RUN.test(file)) files.add(file);
  return [...files].sort();
}

/** The package.json files from a module's folder up to its package's root, and that package's licenses. */
function packageMetadata(repo: string, file: string): string[] {
  const found: string[] = [];
  for (let dir = posix.dirname(file); ; dir = posix.dirname(dir)) {
    if (existsSync(join(repo, dir, 'package.json'))) found.push(`${dir}/package.json`);
    const parent = posix.basename(posix.dirname(dir));
    const isRoot = parent === 'node_modules' || (posix.basename(posix.dirname(posix.dirname(dir))) === 'node_modules' && parent.startsWith('@'));
    if (isRoot) {
      for (const name of readdirSync(join(repo, dir))) if (LICENSE.test(name)) found.push(`${dir}/${name}`);
      return found;
    }
    if (dir === '.' || dir === 'node_modules') throw new Error(`${file} is not inside a package`);
  }
}

function filesUnder(repo: string, dir: string): string[] {
  return readdirSync(join(repo, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    return statSync(join(repo, path)).isDirectory() ? filesUnder(repo, path) : [path];
  });
}

function nodeLlamaCppVersion(repo: string): string {
  return (JSON.parse(readFileSync(join(repo, 'node_modules', 'node-llama-cpp', 'package.json'), 'utf8')) as { version: string }).version;
}
