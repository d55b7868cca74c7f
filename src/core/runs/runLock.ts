// One writer per run folder (docs/run-format.md, "The lock"). The writer holds `run.lock`, created
// exclusively (O_EXCL), holding its pid, host and start time; readers look at it to say a run is
// live. A lock whose process is gone (kill -9, a crash) is stale and is taken over, under a second
// exclusive file so that two processes finding the same stale lock cannot both take it.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import path from 'node:path';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { UserError } from '../util/errors';
import { isPlainObject } from '../util/plainObject';
import { errorCode } from './files';

export const LOCK_FILE = 'run.lock';
const TAKEOVER_FILE = 'run.lock.takeover';

/** Who holds a run's lock. */
export interface LockHolder {
  pid: number;
  host: string;
  /** ISO 8601: when the lock was taken. */
  since: string;
  /** What holds it, e.g. "gaplens run" or "VS Code". */
  by: string;
  /** Tells this holder's lock file from a later one with the same pid. */
  token: string;
}

/** A lock file whose writer died before it wrote its holder is taken as stale after this long. */
const UNREADABLE_LOCK_STALE_MS = 5_000;
/** How often, and how many times, to look again while another process writes or takes over the lock. */
const TAKEOVER_WAIT_MS = 25;
const TAKEOVER_ATTEMPTS = 200;

export class RunLockedError extends UserError {
  constructor(
    readonly dir: string,
    readonly holder: LockHolder | null,
  ) {
    super(`${dir} is being written by ${describeHolder(holder)}: one process writes a run at a time. ` +
      `Wait for it to finish (reading the run works meanwhile), or stop it; if that process is gone, delete ${path.join(dir, LOCK_FILE)}.`);
    // The name stays "UserError": the extension's entry bundle recognises user errors by name.
  }
}

export function describeHolder(holder: LockHolder | null): string {
  if (holder === null) return 'another process (its lock file is being written)';
  const where = holder.host === hostname() ? '' : ` on host ${holder.host}`;
  return `${holder.by} (pid ${holder.pid}${where}, since ${holder.since})`;
}

export class RunLock {
  private released = false;

  constructor(
    readonly dir: string,
    readonly holder: LockHolder,
  ) {}

  /** Removes the lock file if it is still this holder's. Idempotent. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    const file = path.join(this.dir, LOCK_FILE);
    const current = await readHolder(file);
    if (current?.token === this.holder.token) await unlink(file).catch(ignoreMissing);
  }
}

/** Takes the run's lock for this process, or throws RunLockedError naming the live holder. */
export async function acquireRunLock(dir: string, by: string): Promise<RunLock> {
  const holder: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), by, token: randomBytes(8).toString('hex') };
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < TAKEOVER_ATTEMPTS; attempt++) {
    if (await createExclusive(file, holder)) return new RunLock(dir, holder);
    const { holder: current, text } = await readLockFile(file);
    if (text === null) continue; // released meanwhile: try again
    if (!(await isStale(file, current))) {
      if (current !== null) throw new RunLockedError(dir, current);
      await sleep(TAKEOVER_WAIT_MS); // its writer is still writing it: look again
      continue;
    }
    if (await takeOver(dir, text, holder)) return new RunLock(dir, holder);
    await sleep(TAKEOVER_WAIT_MS);
  }
  throw new RunLockedError(dir, (await readLockFile(file)).holder);
}

/** The live holder of the run's lock, or null when nobody is writing the run. */
export async function liveLockHolder(dir: string): Promise<LockHolder | null> {
  const file = path.join(dir, LOCK_FILE);
  const { holder, text } = await readLockFile(file);
  if (text === null || (await isStale(file, holder))) return null;
  return holder;
}

/** Creates the lock file with this holder unless it exists. */
async function createExclusive(file: string, holder: LockHolder): Promise<boolean> {
  let fh;
  try {
    fh = await open(file, 'wx');
  } catch (err) {
    if (errorCode(err) === 'EEXIST') return false;
    throw err;
  }
  try {
    await fh.writeFile(`${JSON.stringify(holder)}\n`, 'utf8');
  } finally {
    await fh.close();
  }
  return true;
}

/**
 * Replaces the stale lock whose text is `staleText` with ours. Only one process at a time may do
 * this (the takeover file); it checks the lock is still the stale one it saw, so a process that
 * took it meanwhile keeps it. False when someone else is taking over or took it.
 */
async function takeOver(dir: string, staleText: string, holder: LockHolder): Promise<boolean> {
  const takeover = path.join(dir, TAKEOVER_FILE);
  if (!(await createExclusive(takeover, holder))) {
    const { holder: other } = await readLockFile(takeover);
    // A process that died mid-takeover leaves its file behind; nobody else would remove it.
    if (await isStale(takeover, other)) await unlink(takeover).catch(ignoreMissing);
    return false;
  }
  try {
    const file = path.join(dir, LOCK_FILE);
    const { text } = await readLockFile(file);
    if (text !== staleText) return false;
    await unlink(file).catch(ignoreMissing);
    return await createExclusive(file, holder);
  } finally {
    await unlink(takeover).catch(ignoreMissing);
  }
}

/**
 * Whether a lock no longer protects anything: its process is gone. A lock of another host cannot
 * be checked and counts as live; so does the lock file of a writer that is still writing it.
 */
async function isStale(file: string, holder: LockHolder | null): Promise<boolean> {
  if (holder === null) {
    const age = await fileAge(file);
    return age !== null && age > UNREADABLE_LOCK_STALE_MS;
  }
  if (holder.host !== hostname()) return false;
  return !processAlive(holder.pid);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return errorCode(err) === 'EPERM';
  }
}

async function readLockFile(file: string): Promise<{ holder: LockHolder | null; text: string | null }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return { holder: null, text: null };
    throw err;
  }
  return { holder: parseHolder(text), text };
}

async function readHolder(file: string): Promise<LockHolder | null> {
  return (await readLockFile(file)).holder;
}

function parseHolder(text: string): LockHolder | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isPlainObject(value)) return null;
  const { pid, host, since, by, token } = value;
  if (!Number.isSafeInteger(pid) || typeof host !== 'string' || typeof since !== 'string' || typeof by !== 'string' || typeof token !== 'string') return null;
  return { pid: pid as number, host, since, by, token };
}

async function fileAge(file: string): Promise<number | null> {
  try {
    return Date.now() - (await stat(file)).mtimeMs;
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return null;
    throw err;
  }
}

function ignoreMissing(err: unknown): void {
  if (errorCode(err) !== 'ENOENT') throw err;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
