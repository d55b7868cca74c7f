// promptfoo for the comparison benchmark: pinned by its own package.json and lockfile in
// bench/promptfoo/ (never the extension's), installed outside the repository, run offline, and
// checked to stay offline.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sha256 } from '../../src/core/util/hash';
import { runProcess } from './processRun';

/** bench/promptfoo: the committed package.json + package-lock.json that pin promptfoo. */
function promptfooSpecDir(repoRoot: string): string {
  return path.join(repoRoot, 'bench', 'promptfoo');
}

/**
 * Where promptfoo is installed: `../.cache-bench/promptfoo` next to the repository (like
 * `../.cache-e2e` for code-server), or under $GAPLENS_BENCH_CACHE. Not in the source tree, whose
 * every file `vsce package` walks (promptfoo is ~56k files, 1.4 GB: minutes per package), and not
 * in node_modules/, which every `npm ci` of the repository deletes.
 */
export function promptfooDir(repoRoot: string): string {
  return path.join(process.env.GAPLENS_BENCH_CACHE ?? path.join(path.dirname(repoRoot), '.cache-bench'), 'promptfoo');
}

export function promptfooEntry(repoRoot: string): string {
  return path.join(promptfooDir(repoRoot), 'node_modules', 'promptfoo', 'dist', 'src', 'entrypoint.js');
}

export function promptfooVersion(repoRoot: string): string {
  const pkg = JSON.parse(readFileSync(path.join(promptfooDir(repoRoot), 'node_modules', 'promptfoo', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * Earlier checkouts installed promptfoo into bench/promptfoo/node_modules. Moving that tree (a
 * rename on the same disk) spares a download and gets its files out of `vsce package`'s way; on
 * another disk it stays, with a hint to delete it.
 */
function moveOldInstall(repoRoot: string, log: (m: string) => void): void {
  const old = path.join(promptfooSpecDir(repoRoot), 'node_modules');
  const installed = path.join(promptfooDir(repoRoot), 'node_modules');
  if (!existsSync(old) || existsSync(installed)) return;
  try {
    renameSync(old, installed);
    log(`  moved promptfoo from ${old} to ${installed}`);
  } catch (err) {
    log(`  could not move ${old} (${err instanceof Error ? err.message : String(err)}); delete it: it slows \`npm run package\``);
  }
}

/**
 * `npm ci` of bench/promptfoo's package.json + lockfile in promptfooDir, unless the installed tree
 * already matches the lockfile (a stamp with the lockfile's hash): the install takes minutes and
 * 1.4 GB, once.
 */
export function ensurePromptfoo(repoRoot: string, log: (m: string) => void): void {
  const spec = promptfooSpecDir(repoRoot);
  const dir = promptfooDir(repoRoot);
  mkdirSync(dir, { recursive: true });
  moveOldInstall(repoRoot, log);
  for (const file of ['package.json', 'package-lock.json']) copyFileSync(path.join(spec, file), path.join(dir, file));
  const lockHash = sha256(readFileSync(path.join(spec, 'package-lock.json'), 'utf8'));
  const stamp = path.join(dir, 'node_modules', '.gaplens-bench-lock-sha256');
  if (existsSync(promptfooEntry(repoRoot)) && existsSync(stamp) && readFileSync(stamp, 'utf8') === lockHash) return;
  log(`  installing promptfoo into ${dir} (npm ci; takes a few minutes, once)…`);
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
  writeFileSync(stamp, lockHash);
}

/**
 * The environment promptfoo runs in. PROMPTFOO_DISABLE_TELEMETRY still lets it post one
 * "telemetry disabled" event to its own server, and google-auth-library probes the cloud
 * metadata server: the proxy variables send anything not for loopback to a closed local port,
 * and METADATA_SERVER_DETECTION=none skips the probe. Failed tests must not fail the process.
 * promptfoo's per-run debug log file is off: winston sometimes writes to it after closing it at
 * exit ("write after end", the process dies with code 1), and not writing it only makes promptfoo
 * faster, so the comparison stays in promptfoo's favour.
 */
export function promptfooEnv(configDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PROMPTFOO_CONFIG_DIR: configDir,
    PROMPTFOO_DISABLE_TELEMETRY: '1',
    PROMPTFOO_DISABLE_UPDATE: '1',
    PROMPTFOO_DISABLE_REMOTE_GENERATION: '1',
    PROMPTFOO_DISABLE_SHARING: '1',
    PROMPTFOO_FAILED_TEST_EXIT_CODE: '0',
    PROMPTFOO_DISABLE_DEBUG_LOG: '1',
    METADATA_SERVER_DETECTION: 'none',
    HTTP_PROXY: 'http://127.0.0.1:9',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '127.0.0.1,localhost',
  };
}

export interface NetworkCheck {
  checked: boolean;
  /** Why not, when not checked. */
  reason?: string;
  /** Every distinct address promptfoo tried to connect to over IP, with counts. */
  destinations: Record<string, number>;
  /** Those outside the loopback range. */
  offLoopback: string[];
}

/** Runs promptfoo once under strace and lists every IP address it tries to connect to. */
export async function checkOffline(command: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; traceFile: string }): Promise<NetworkCheck> {
  const probe = spawnSync('strace', ['-V'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) return { checked: false, reason: 'strace is not installed', destinations: {}, offLoopback: [] };
  try {
    await runProcess('strace', ['-f', '-e', 'trace=connect', '-o', opts.traceFile, ...command], { cwd: opts.cwd, env: opts.env, timeoutMs: 300_000 });
  } catch (err) {
    return { checked: false, reason: `promptfoo under strace failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, destinations: {}, offLoopback: [] };
  }
  const destinations: Record<string, number> = {};
  const trace = readFileSync(opts.traceFile, 'utf8');
  for (const m of trace.matchAll(/sin_port=htons\((\d+)\), sin_addr=inet_addr\("([\d.]+)"\)|sin6_port=htons\((\d+)\).*?inet_pton\(AF_INET6, "([^"]+)"/g)) {
    const address = m[2] !== undefined ? `${m[2]}:${m[1]}` : `[${m[4]}]:${m[3]}`;
    destinations[address] = (destinations[address] ?? 0) + 1;
  }
  const offLoopback = Object.keys(destinations).filter((a) => !a.startsWith('127.') && !a.startsWith('[::1]'));
  return { checked: true, destinations, offLoopback };
}
