// What the numbers were measured on: recorded with every result, since throughput depends on it.
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  /** Logical cores Node sees (os.availableParallelism). */
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  /** The commit benchmarked, with "+dirty" when the work tree had changes. */
  commit: string;
}

export function machineInfo(repoRoot: string): MachineInfo {
  return {
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    commit: gitCommit(repoRoot),
  };
}

/**
 * The commit checked out, "+dirty" when anything but the benchmarks' own output (bench/results,
 * RESULTS.md) differs from it: a benchmark that runs after others in one `npm run bench` finds their
 * results written, which changes nothing it measures.
 */
export function gitCommit(repoRoot: string): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const changed = execFileSync('git', ['status', '--porcelain', '--', '.', ':!bench/results', ':!bench/RESULTS.md'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const dirty = changed.trim() !== '';
    return dirty ? `${head}+dirty` : head;
  } catch {
    // Not a git checkout (e.g. an unpacked tarball): the numbers still stand, without a commit.
    return 'unknown';
  }
}
