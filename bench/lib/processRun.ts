// Runs benchmarked programs as separate processes and measures what they cost: wall time, CPU
// time of the process and every Node process it starts, and the largest peak RSS among them
// (through usageHook.cjs, preloaded via NODE_OPTIONS).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

const USAGE_HOOK = path.join(__dirname, 'usageHook.cjs');

export interface ProcessUsage {
  wallMs: number;
  /** User + system CPU of all Node processes involved. */
  cpuMs: number;
  /** The largest peak resident set size of any one of them. */
  maxRssMiB: number;
  /** How many Node processes reported (a client that forks shows more than 1). */
  processes: number;
}

export interface ProcessOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the process (by its id) after this long; the run then fails. */
  timeoutMs?: number;
}

export interface FinishedProcess {
  stdout: string;
  stderr: string;
  usage: ProcessUsage;
}

/** Runs `command args` to completion; throws with its stderr unless it exits 0. */
export async function runProcess(command: string, args: string[], opts: ProcessOptions = {}): Promise<FinishedProcess> {
  const started = startProcess(command, args, opts);
  const stdout: Buffer[] = [];
  started.child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  const { code, signal, usage, stderr } = await started.finished;
  const out = Buffer.concat(stdout).toString('utf8');
  if (code !== 0) {
    throw new Error(`${describe(command, args)} exited with ${code ?? signal}${started.timedOut() ? ' (timed out)' : ''}:\n${stderr.slice(-4000)}`);
  }
  return { stdout: out, stderr, usage };
}

export interface StartedProcess {
  child: ChildProcess;
  /** Resolves when the process has exited (whatever the code). */
  finished: Promise<{ code: number | null; signal: NodeJS.Signals | null; usage: ProcessUsage; stderr: string }>;
  timedOut(): boolean;
  /** SIGKILL now, its CPU time and peak RSS read from /proc first (a killed process never reaches its exit hook). */
  kill(): void;
}

/** Starts a measured process; stdout is left to the caller, stderr is collected. */
export function startProcess(command: string, args: string[], opts: ProcessOptions = {}): StartedProcess {
  const usageDir = mkdtempSync(path.join(os.tmpdir(), 'gaplens-bench-usage-'));
  const usageFile = path.join(usageDir, 'usage.jsonl');
  const baseEnv = opts.env ?? process.env;
  const env: NodeJS.ProcessEnv = {
    ...baseEnv,
    GAPLENS_BENCH_USAGE: usageFile,
    NODE_OPTIONS: `${baseEnv.NODE_OPTIONS ?? ''} --require ${USAGE_HOOK}`.trim(),
  };
  const t0 = performance.now();
  const child = spawn(command, args, { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let timedOut = false;
  let killedUsage: { cpuMs: number; maxRssMiB: number } | undefined;
  const kill = (): void => {
    killedUsage = procUsage(child.pid);
    child.kill('SIGKILL');
  };
  const timer = opts.timeoutMs === undefined ? undefined : setTimeout(() => {
    timedOut = true;
    kill();
  }, opts.timeoutMs);
  const stderr: Buffer[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  const finished = new Promise<{ code: number | null; signal: NodeJS.Signals | null; usage: ProcessUsage; stderr: string }>((resolve, reject) => {
    child.once('error', (err) => {
      clearTimeout(timer);
      rmSync(usageDir, { recursive: true, force: true });
      reject(new Error(`cannot start ${describe(command, args)}: ${err.message}`));
    });
    child.once('close', (code, signal) => {
      const wallMs = performance.now() - t0;
      clearTimeout(timer);
      const usage = readUsage(usageFile, wallMs, killedUsage);
      rmSync(usageDir, { recursive: true, force: true });
      resolve({ code, signal, usage, stderr: Buffer.concat(stderr).toString('utf8') });
    });
  });
  return { child, finished, timedOut: () => timedOut, kill };
}

/** The first line the process prints on stdout, parsed as JSON (servers announce their URL so). */
export async function firstJsonLine<T>(started: StartedProcess, what: string): Promise<T> {
  const stdout = started.child.stdout;
  if (!stdout) throw new Error(`${what}: no stdout`);
  const lines = createInterface({ input: stdout });
  const exited = started.finished.then(({ code, stderr }) => {
    throw new Error(`${what} exited (${code}) before announcing itself:\n${stderr.slice(-4000)}`);
  });
  const first = new Promise<string>((resolve) => lines.once('line', resolve));
  const line = await Promise.race([first, exited]);
  lines.close();
  // Keep draining stdout so the process never blocks on a full pipe.
  stdout.resume();
  return JSON.parse(line) as T;
}

/** CPU time and peak RSS of a running process (Linux /proc; its own threads, not its children). */
function procUsage(pid: number | undefined): { cpuMs: number; maxRssMiB: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the parenthesised command: utime and stime are the 12th and 13th, in clock ticks (100/s).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { cpuMs: ticks * 10, maxRssMiB: Number(hwm?.[1] ?? 0) / 1024 };
  } catch {
    return undefined;
  }
}

function readUsage(file: string, wallMs: number, killed: { cpuMs: number; maxRssMiB: number } | undefined): ProcessUsage {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // No process reached its exit hook (killed by a signal, or not a Node program).
  }
  let cpuUs = (killed?.cpuMs ?? 0) * 1000;
  let maxRssKiB = (killed?.maxRssMiB ?? 0) * 1024;
  let processes = killed ? 1 : 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const u = JSON.parse(line) as { userUs: number; systemUs: number; maxRssKiB: number };
    cpuUs += u.userUs + u.systemUs;
    maxRssKiB = Math.max(maxRssKiB, u.maxRssKiB);
    processes++;
  }
  return { wallMs, cpuMs: cpuUs / 1000, maxRssMiB: maxRssKiB / 1024, processes };
}

export function describe(command: string, args: readonly string[]): string {
  return [command, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
