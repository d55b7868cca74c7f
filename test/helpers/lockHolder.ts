// Another process writing a run: a child process that takes the run's lock with core's own
// acquireRunLock (as `gaplens run` does) and holds it until released, so readers see a live run.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './cli';

export interface HeldLock {
  /** Ends the child; its lock is then stale (its process is gone), so the run is no longer live. */
  release(): Promise<void>;
}

export async function holdRunLock(dir: string): Promise<HeldLock> {
  const script = `
    const { acquireRunLock } = require(${JSON.stringify(join(REPO, 'src/core/runs/runLock.ts'))});
    acquireRunLock(process.argv[1], 'gaplens run').then(() => { console.log('locked'); setInterval(() => {}, 1000); }, (err) => { console.error(err.message); process.exit(1); });`;
  const child = spawn(process.execPath, ['-r', 'tsx/cjs', '-e', script, dir], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
    child.on('exit', (code) => reject(new Error(`the lock holder exited (${code}): ${stderr}`)));
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    async release() {
      child.kill();
      await exited;
    },
  };
}
