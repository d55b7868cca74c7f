import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { acquireRunLock, liveLockHolder, LOCK_FILE, RunLockedError, type LockHolder } from '../../../src/core/runs/runLock';
import { tempDir } from '../../helpers/cli';

/** The pid of a process that has exited (and been reaped): no process has it now. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  assert.equal(child.status, 0);
  return child.pid;
}

function holder(over: Partial<LockHolder>): LockHolder {
  return { pid: process.pid, host: hostname(), since: '2026-01-01T00:00:00.000Z', by: 'gaplens run', token: 'feedface', ...over };
}

describe('run lock', () => {
  let tmp: { dir: string; cleanup: () => void };
  let lockFile: string;
  beforeEach(() => {
    tmp = tempDir();
    lockFile = join(tmp.dir, LOCK_FILE);
  });
  afterEach(() => tmp.cleanup());

  const writeLock = (content: LockHolder | string): void => writeFileSync(lockFile, typeof content === 'string' ? content : `${JSON.stringify(content)}\n`);
  const lockedBy = async (promise: Promise<unknown>): Promise<RunLockedError> => {
    const err = await promise.then(() => null, (e: unknown) => e);
    assert.ok(err instanceof RunLockedError, `expected RunLockedError, got ${String(err)}`);
    return err;
  };

  it('is held by one holder at a time, named to the others, and gone once released', async () => {
    assert.equal(await liveLockHolder(tmp.dir), null);
    const lock = await acquireRunLock(tmp.dir, 'gaplens run');
    const live = await liveLockHolder(tmp.dir);
    assert.equal(live?.pid, process.pid);
    assert.equal(live?.by, 'gaplens run');
    assert.equal(live?.token, lock.holder.token);

    const err = await lockedBy(acquireRunLock(tmp.dir, 'VS Code'));
    assert.equal(err.holder?.token, lock.holder.token);
    assert.match(err.message, new RegExp(`is being written by gaplens run \\(pid ${process.pid}, since `));

    await lock.release();
    await lock.release();
    assert.equal(existsSync(lockFile), false);
    assert.equal(await liveLockHolder(tmp.dir), null);
    await (await acquireRunLock(tmp.dir, 'VS Code')).release();
  });

  it('takes over the lock of a dead process', async () => {
    writeLock(holder({ pid: deadPid(), token: 'dead' }));
    assert.equal(await liveLockHolder(tmp.dir), null, 'a dead holder is not live');
    const lock = await acquireRunLock(tmp.dir, 'gaplens run');
    assert.equal((JSON.parse(readFileSync(lockFile, 'utf8')) as LockHolder).token, lock.holder.token);
    assert.equal(existsSync(join(tmp.dir, 'run.lock.takeover')), false);
    await lock.release();
    assert.equal(existsSync(lockFile), false);
  });

  it('lets exactly one of two acquirers take over one stale lock', async () => {
    writeLock(holder({ pid: deadPid(), token: 'dead' }));
    const results = await Promise.allSettled([acquireRunLock(tmp.dir, 'first'), acquireRunLock(tmp.dir, 'second')]);
    const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    assert.equal(won.length, 1);
    assert.ok(lost[0] instanceof RunLockedError);
    assert.equal((lost[0] as RunLockedError).holder?.token, won[0]?.holder.token);
    await won[0]?.release();
  });

  it('clears the takeover file of a process that died mid-takeover', async () => {
    const dead = deadPid();
    writeLock(holder({ pid: dead, token: 'dead' }));
    writeFileSync(join(tmp.dir, 'run.lock.takeover'), `${JSON.stringify(holder({ pid: dead, token: 'dead-taker' }))}\n`);
    const lock = await acquireRunLock(tmp.dir, 'gaplens run');
    assert.equal(existsSync(join(tmp.dir, 'run.lock.takeover')), false);
    await lock.release();
  });

  it('does not remove a lock that another holder took over meanwhile', async () => {
    const lock = await acquireRunLock(tmp.dir, 'gaplens run');
    const successor = holder({ pid: process.pid, token: 'successor' });
    writeLock(successor);
    await lock.release();
    assert.equal((JSON.parse(readFileSync(lockFile, 'utf8')) as LockHolder).token, 'successor');
  });

  it('counts the lock of another host as live: its process cannot be checked from here', async () => {
    writeLock(holder({ pid: deadPid(), host: 'elsewhere.example', token: 'far' }));
    assert.equal((await liveLockHolder(tmp.dir))?.host, 'elsewhere.example');
    const err = await lockedBy(acquireRunLock(tmp.dir, 'gaplens run'));
    assert.match(err.message, /on host elsewhere\.example/);
    assert.equal((JSON.parse(readFileSync(lockFile, 'utf8')) as LockHolder).token, 'far', 'the lock was taken over');
  });

  it('waits while a young lock file is still being written, then names its holder', async () => {
    writeLock('');
    assert.equal((await liveLockHolder(tmp.dir)), null, 'an unreadable lock names nobody');
    const pending = acquireRunLock(tmp.dir, 'gaplens run');
    await new Promise((r) => setTimeout(r, 150));
    // Its writer finishes writing it: a live holder, not a stale lock.
    writeLock(holder({ token: 'slow-writer' }));
    const err = await lockedBy(pending);
    assert.equal(err.holder?.token, 'slow-writer');
  });

  it('waits while a young lock file is unreadable, and takes the lock once it is removed', async () => {
    writeLock('{"pid":');
    let settled = false;
    const pending = acquireRunLock(tmp.dir, 'gaplens run').finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(settled, false, 'did not wait for the young lock');
    assert.equal(readFileSync(lockFile, 'utf8'), '{"pid":', 'the young lock was taken over');
    unlinkSync(lockFile); // its writer gave up
    const lock = await pending;
    assert.equal((JSON.parse(readFileSync(lockFile, 'utf8')) as LockHolder).token, lock.holder.token);
    await lock.release();
  });

  it('takes over an unreadable lock old enough that its writer must have died', async () => {
    writeLock('{"pid":');
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockFile, old, old);
    const lock = await acquireRunLock(tmp.dir, 'gaplens run');
    assert.equal((JSON.parse(readFileSync(lockFile, 'utf8')) as LockHolder).token, lock.holder.token);
    await lock.release();
  });
});
