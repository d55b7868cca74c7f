// The packs of a response cache folder as one process sees them: which packs exist, where each
// key's newest record is (a KeyIndex), and reading a record back. Other processes write their own
// packs at the same time, and evict or merge packs: refresh() catches up with all of that — new
// packs, packs grown, packs gone — reading each pack's index from where it stopped last time, then
// the pack itself past the last indexed record (a writer appends the record before its index
// entry, and a kill between the two leaves the record unindexed). Reading stops at the first
// record that is cut short or damaged: it may be one another process is still writing.
import { close, fstat, open, read } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cannot, errorCode } from './cacheFileOps';
import { KeyIndex, type Location } from './cacheKeyIndex';
import {
  HEADER_BYTES,
  INDEX_MAGIC,
  PACK_MAGIC,
  PACK_NAME,
  decodeRecord,
  hasMagic,
  indexNameOf,
  scanIndexEntries,
  scanRecords,
} from './cachePackFormat';

const openFd = promisify(open);
const readFd = promisify(read);
const closeFd = promisify(close);
const fstatFd = promisify(fstat);

export interface PackState {
  /** Its number in this process's pack table (what the KeyIndex stores). */
  readonly number: number;
  readonly name: string;
  /** Written by this process: indexed as it writes, never scanned. */
  readonly own: boolean;
  /** False once the pack is gone from the folder (evicted, merged, cleared): its keys are misses. */
  live: boolean;
  /** The file offset after the last record indexed. */
  end: number;
  /** Whole index entries read so far (bytes after the index header). */
  indexRead: number;
  /** False once the index turned out damaged or foreign: the pack is then scanned instead. */
  indexUsable: boolean;
  /** The pack's size when last caught up with: a pack that has not grown is not read again. */
  seenSize: number;
  /** Open for reading records (own packs: the writer's descriptor); closed when gone and unread. */
  fd: number | undefined;
  reads: number;
  /** Among the packs an eviction would remove first: a hit copies its entry into a newer pack. */
  atRisk: boolean;
}

export type ReadResult =
  | { found: 'hit'; payload: Buffer; pack: PackState; offset: number }
  | { found: 'damaged'; pack: PackState; offset: number }
  | { found: 'miss' };

export class PackSet {
  readonly index = new KeyIndex((n) => this.table[n]?.live === true);
  private readonly table: PackState[] = [];
  private readonly byName = new Map<string, PackState>();
  /** Set by closeAll: our own packs' descriptors may then close too. */
  private closing = false;
  private lastRefresh: Promise<void> = Promise.resolve();

  constructor(readonly dir: string) {}

  /**
   * Catches up with the folder: packs added, grown or removed since the last refresh. A missing
   * folder has no packs. Refreshes run one after another (each reads from where the last stopped).
   */
  refresh(): Promise<void> {
    const next = this.lastRefresh.catch(() => undefined).then(() => this.refreshOnce());
    this.lastRefresh = next;
    return next;
  }

  private async refreshOnce(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') throw cannot('read the response cache folder', this.dir, err);
      names = [];
    }
    const present = new Set(names.filter((n) => PACK_NAME.test(n)));
    for (const state of this.byName.values()) {
      // Our own pack may be newer than the listing (created while it was read): its link count says whether it is gone.
      if (state.live && (state.own ? await isUnlinked(state.fd) : !present.has(state.name))) this.drop(state);
    }
    for (const name of [...present].sort()) {
      const state = this.byName.get(name) ?? this.add(name, false, undefined);
      if (!state.own && state.live) await this.catchUp(state);
    }
  }

  /** A pack this process has just created, writing through `fd`. */
  addOwn(name: string, fd: number): PackState {
    return this.add(name, true, fd);
  }

  /** Records that the key `bytes[keyAt..keyAt+32]` is in the pack at `offset`, `length` bytes (the writer's, or found by a scan). */
  indexRecord(state: PackState, bytes: Buffer, keyAt: number, offset: number, length: number): void {
    this.index.put(bytes, keyAt, { pack: state.number, offset, length });
    state.end = Math.max(state.end, offset + length);
  }

  /** The pack is gone (seen by a refresh, or by the writer after a write): its keys become misses. */
  drop(state: PackState): void {
    state.live = false;
    this.closeIfIdle(state);
  }

  /** Marks which packs are at risk of eviction (by name); the others are not. */
  setAtRisk(names: ReadonlySet<string>): void {
    for (const state of this.byName.values()) state.atRisk = names.has(state.name);
  }

  /** The record of `key` (32 bytes), read back and checked. */
  async read(key: Buffer): Promise<ReadResult> {
    const at = this.index.find(key);
    if (at === undefined) return { found: 'miss' };
    const state = this.table[at.pack] as PackState;
    const record = await this.readAt(state, at);
    if (record === undefined) return { found: 'miss' };
    const decoded = decodeRecord(record, key);
    if ('payload' in decoded) return { found: 'hit', payload: decoded.payload, pack: state, offset: at.offset };
    // Another key with the same 8-byte fingerprint is a plain miss; bad bytes are worth a word.
    return decoded.problem === 'damaged' ? { found: 'damaged', pack: state, offset: at.offset } : { found: 'miss' };
  }

  pathOf(state: PackState): string {
    return join(this.dir, state.name);
  }

  /** Closes every descriptor (the owner is done: no read, write or refresh is running). */
  closeAll(): void {
    this.closing = true;
    for (const state of this.table) {
      state.live = false;
      this.closeIfIdle(state);
    }
  }

  private add(name: string, own: boolean, fd: number | undefined): PackState {
    const state: PackState = { number: this.table.length, name, own, live: true, end: HEADER_BYTES, indexRead: 0, indexUsable: true, seenSize: 0, fd, reads: 0, atRisk: false };
    this.table.push(state);
    this.byName.set(name, state);
    return state;
  }

  private async catchUp(state: PackState): Promise<void> {
    const file = this.pathOf(state);
    let size: number;
    try {
      size = (await stat(file)).size;
      state.fd ??= await openFd(file, 'r');
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') throw cannot('read', file, err);
      this.drop(state);
      return;
    }
    if (size === state.seenSize) return;
    if (state.indexUsable) await this.readIndex(state);
    if (size > state.end) await this.scanTail(state, state.fd, size);
    // Only now: a read that failed is tried again at the next refresh.
    state.seenSize = size;
  }

  /** Indexes the complete records from the last indexed one to `size`. */
  private async scanTail(state: PackState, fd: number, size: number): Promise<void> {
    const from = state.end === HEADER_BYTES ? 0 : state.end;
    let bytes = await readRange(fd, from, size);
    if (from === 0) {
      // Not one of ours after all (a file that merely has a pack's name): nothing to read in it.
      if (!hasMagic(bytes, PACK_MAGIC)) return;
      bytes = bytes.subarray(HEADER_BYTES);
    }
    scanRecords(bytes, state.end, (keyAt, offset, length) => this.indexRecord(state, bytes, keyAt, offset, length));
  }

  /** The index entries added since the last read; entries must follow each other in the pack, or the index is not trusted. */
  private async readIndex(state: PackState): Promise<void> {
    const file = join(this.dir, indexNameOf(state.name));
    let bytes: Buffer;
    try {
      bytes = await readFileFrom(file, state.indexRead === 0 ? 0 : HEADER_BYTES + state.indexRead);
    } catch (err) {
      // Not written yet (a writer creates its pack first), or removed with its pack: the pack is scanned.
      if (errorCode(err) === 'ENOENT') return;
      throw cannot('read', file, err);
    }
    if (state.indexRead === 0) {
      if (bytes.length < HEADER_BYTES) return;
      if (!hasMagic(bytes, INDEX_MAGIC)) {
        state.indexUsable = false;
        return;
      }
      bytes = bytes.subarray(HEADER_BYTES);
    }
    // Entries already known from a scan of the pack are skipped; one that does not start where the
    // last known record ends means the index is not the pack's: the pack is scanned from there.
    let trusted = true;
    const { consumed, damaged } = scanIndexEntries(bytes, (keyAt, offset, length) => {
      if (!trusted || offset + length <= state.end) return;
      if (offset === state.end) this.indexRecord(state, bytes, keyAt, offset, length);
      else trusted = false;
    });
    state.indexRead += consumed;
    if (damaged || !trusted) state.indexUsable = false;
  }

  private async readAt(state: PackState, at: Location): Promise<Buffer | undefined> {
    if (state.fd === undefined) return undefined;
    state.reads++;
    try {
      const buffer = Buffer.allocUnsafe(at.length);
      const { bytesRead } = await readFd(state.fd, buffer, 0, at.length, at.offset);
      // Shorter than indexed: the file was cut (by hand); what is there is checked like any record.
      return buffer.subarray(0, bytesRead);
    } finally {
      state.reads--;
      this.closeIfIdle(state);
    }
  }

  /** Closes a pack gone and unread; our own packs only when the writer is done (it may still be writing one it has not found gone yet). */
  private closeIfIdle(state: PackState): void {
    if (state.live || state.reads > 0 || state.fd === undefined || (state.own && !this.closing)) return;
    const fd = state.fd;
    state.fd = undefined;
    void closeFd(fd).catch(() => undefined);
  }
}

async function isUnlinked(fd: number | undefined): Promise<boolean> {
  return fd !== undefined && (await fstatFd(fd)).nlink === 0;
}

/** The bytes of an open file from `start` to `end`. */
async function readRange(fd: number, start: number, end: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(end - start);
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await readFd(fd, buffer, filled, buffer.length - filled, start + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** A file's bytes from `start` to its end. */
async function readFileFrom(file: string, start: number): Promise<Buffer> {
  const fd = await openFd(file, 'r');
  try {
    const { size } = await fstatFd(fd);
    return await readRange(fd, start, Math.max(start, size));
  } finally {
    await closeFd(fd);
  }
}
