// One process's appends to the response cache: its own pack (no other process ever writes it, so
// writers never wait for each other) and that pack's index. Writes are synchronous and positional:
// the cache calls write() off the request path (a timer, or exit), and a write that failed halfway
// is simply written again at the same offset.
//
// A pack is written until it holds maxPackBytes, or until it has not been written for
// WRITER_IDLE_MS: a pack idle longer may be merged away by another process (responseCacheFiles.ts
// merges packs idle for MERGE_IDLE_MS, twice as long), so the writer then starts a new one. If its
// pack was removed anyway (evicted, cleared), the write is found out by the file's link count and
// is written again into a new pack.
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../util/errors';
import { INDEX_ENTRY_BYTES, INDEX_MAGIC, PACK_MAGIC, RECORD_HEADER_BYTES, indexNameOf, newPackId, putIndexEntry, putRecord } from './cachePackFormat';
import type { PackSet, PackState } from './cachePackReader';

/** A writer never appends to a pack it has not written for this long (see MERGE_IDLE_MS). */
export const WRITER_IDLE_MS = 5 * 60_000;

export interface PendingRecord {
  /** The 32-byte key. */
  key: Buffer;
  /** The answer as UTF-8 JSON. */
  payload: Buffer;
}

interface Current {
  state: PackState;
  fd: number;
  size: number;
  indexFd: number;
  indexSize: number;
  lastWriteMs: number;
}

export class PackWriter {
  private current: Current | undefined;

  constructor(
    private readonly packs: PackSet,
    private readonly maxPackBytes: number,
  ) {}

  /** The pack being written now, if any (another process's check leaves it alone). */
  get currentName(): string | undefined {
    return this.current?.state.name;
  }

  /** Creates the folder and a pack if there is none to write to: the first store reports a folder it cannot write. */
  prepare(now = Date.now()): void {
    if (!this.current || this.current.size >= this.maxPackBytes || now - this.current.lastWriteMs >= WRITER_IDLE_MS) this.roll(now);
  }

  /** Appends the records and their index entries, then indexes them. */
  write(batch: readonly PendingRecord[]): void {
    // Once more if the pack turns out to have been removed meanwhile; a second removal in a row is
    // an eviction racing this very write, whose entries it may take (a later miss).
    for (let attempt = 1; ; attempt++) {
      this.prepare();
      const current = this.current as Current;
      const records = Buffer.allocUnsafe(batch.reduce((sum, r) => sum + RECORD_HEADER_BYTES + r.payload.length, 0));
      const entries = Buffer.allocUnsafe(batch.length * INDEX_ENTRY_BYTES);
      let at = 0;
      const placed = batch.map((r, i) => {
        const length = putRecord(records, at, r.key, r.payload);
        const offset = current.size + at;
        putIndexEntry(entries, i * INDEX_ENTRY_BYTES, r.key, 0, offset, length);
        at += length;
        return { key: r.key, offset, length };
      });
      writeFully(current.fd, records, current.size);
      writeFully(current.indexFd, entries, current.indexSize);
      if (fstatSync(current.fd).nlink === 0 && attempt === 1) {
        this.packs.drop(current.state);
        this.current = undefined;
        continue;
      }
      for (const p of placed) this.packs.indexRecord(current.state, p.key, 0, p.offset, p.length);
      current.size += records.length;
      current.indexSize += entries.length;
      current.lastWriteMs = Date.now();
      return;
    }
  }

  /** Stops writing (the pack descriptors stay with the PackSet, for reads, until it closes them). */
  close(): void {
    if (this.current) closeSync(this.current.indexFd);
    this.current = undefined;
  }

  private roll(now: number): void {
    if (this.current) closeSync(this.current.indexFd);
    this.current = undefined;
    const dir = this.packs.dir;
    const name = `${newPackId(now, randomBytes(6).toString('hex'))}.pack`;
    const packFile = join(dir, name);
    const indexFile = join(dir, indexNameOf(name));
    let fd: number | undefined;
    try {
      mkdirSync(dir, { recursive: true });
      fd = openSync(packFile, 'wx+');
      writeFully(fd, PACK_MAGIC, 0);
      const indexFd = openSync(indexFile, 'wx');
      writeFully(indexFd, INDEX_MAGIC, 0);
      this.current = { state: this.packs.addOwn(name, fd), fd, size: PACK_MAGIC.length, indexFd, indexSize: INDEX_MAGIC.length, lastWriteMs: now };
    } catch (err) {
      if (fd !== undefined) {
        closeSync(fd);
        // Best effort: a pack without its index would only be scanned, but it holds nothing.
        try {
          unlinkSync(packFile);
        } catch {
          // Left for the next check's listing; it is an empty pack.
        }
      }
      throw new UserError(`Cannot write the response cache at ${dir}: ${(err as Error).message}. Free disk space, fix the permissions, or point the cache elsewhere.`);
    }
  }
}

function writeFully(fd: number, bytes: Buffer, position: number): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
}
