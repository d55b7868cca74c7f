// The column cache (docs/run-format.md, "The column cache") kept current while a run executes, so
// that a run killed mid-way (the case a resume exists for) resumes from its last checkpoint and
// parses only the lines written since, not the whole of samples.jsonl (~20 s at 1M samples).
//
// How: a ColumnStore is fed every record as the SampleLog hands its line to the OS, with the line's
// offset, in file order — so at every batch boundary the store is exactly what a scan of the file's
// first bytes would leave, with no line parsed back. (A tail scan at each checkpoint would parse
// every line of the run a second time.) A checkpoint writes the store as the cache: from the
// store's own arrays, no copy; the lines written meanwhile wait, as records, until it is done.
// The store is the one the execution was prepared from (a resume's read), or a new one for a new
// run: ~70 bytes a sample, what any reader of the run holds.
//
// Policy: a checkpoint is written once at least CHECKPOINT_BYTES were appended since the last one
// and at least CHECKPOINT_SHARE times as long as the last one took has passed since it ended, so
// writing the cache takes at most ~1/CHECKPOINT_SHARE of the run's time whatever its size; and
// once more when the log closes, if the lines since the last reach the size a reader rewrites the
// cache at. A checkpoint never fails the run: what stops one is a debug line, as for any reader.
import path from 'node:path';
import { encodeColumns, REWRITE_TAIL_BYTES, writeColumnCache, type CacheTell, type CachedRun } from '../runs/columnCache';
import { ColumnStore } from '../runs/runColumns';
import { RUN_FILES } from '../runs/runStore';
import type { RunManifest, SampleRecord } from '../runs/records';
import type { WrittenLine } from '../runs/sampleLog';
import { DuplicateCounter, SCAN_START, type ScanPosition } from '../runs/sampleRecords';
import { UserError } from '../util/errors';
import { stableStringify } from '../util/hash';
import type { PreparedRun } from './runSession';

/** Appended since the last checkpoint before the next is written (default; GAPLENS_CHECKPOINT_MIB). */
export const CHECKPOINT_BYTES = 16 * 2 ** 20;
/** The next checkpoint waits at least this many times as long as the last one took. */
const CHECKPOINT_SHARE = 20;
const CHECKPOINT_ENV = 'GAPLENS_CHECKPOINT_MIB';

/** What the run's execution writes checkpoints of: the run, the store its columns are in, and the scan position the store is at. */
export interface CheckpointStart {
  run: CachedRun;
  store: ColumnStore;
  from: ScanPosition;
  /** The bytes the column cache on disk covers, where less than `from` (a resume's read leaves writing it to the checkpoints): the first checkpoint counts its size from there. */
  cached?: number;
}

/**
 * Where an execution's checkpoints start: the store the run was prepared from, if it is what a
 * scan of a prefix of the file left (a complete scan, no orphan dropped from it, and the run's
 * draws per sample unchanged since: a re-verify with --verifications changes what the columns
 * hold); a new store for a new run; null otherwise, and `debug` says why.
 */
export function checkpointStart(prepared: PreparedRun, manifest: RunManifest, debug: (msg: string) => void): CheckpointStart | null {
  const run = { dir: prepared.dir, manifest, tasks: prepared.tasks };
  if (prepared.columns === null) return { run, store: new ColumnStore(prepared.tasks, manifest.config.n, manifest.config.verifications), from: SCAN_START };
  const read = prepared.read;
  const why =
    read === undefined
      ? 'the run was not read into a column store'
      : !read.scan.end.complete
        ? 'samples.jsonl ended in an unterminated line'
        : read.scan.orphans > 0
          ? 'samples.jsonl has verifications without a generation'
          : stableStringify(read.manifest.config.verifications ?? {}) !== stableStringify(manifest.config.verifications ?? {}) || read.manifest.config.n !== manifest.config.n
            ? "the run's draws per sample changed"
            : null;
  if (read === undefined || why !== null) {
    debug(`${prepared.dir}: no column cache checkpoints in this execution (${why})`);
    return null;
  }
  return { run, store: read.store, from: read.scan.end, cached: read.scan.cached };
}

/** The bytes appended between checkpoints: GAPLENS_CHECKPOINT_MIB if set (a positive number), else CHECKPOINT_BYTES. */
export function checkpointBytes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[CHECKPOINT_ENV];
  if (raw === undefined || raw === '') return CHECKPOINT_BYTES;
  const mib = Number(raw);
  if (!(Number.isFinite(mib) && mib > 0)) throw new UserError(`${CHECKPOINT_ENV}=${raw}: expected a positive number of MiB (the column cache is written at run checkpoints every that many MiB of samples.jsonl; docs/run-format.md)`);
  return Math.max(1, Math.round(mib * 2 ** 20));
}

export class ColumnCheckpoints {
  /** The position of the lines fed so far: the store holds exactly their records. */
  private readonly position: { offset: number; line: number; duplicates: { generation: DuplicateCounter; verification: DuplicateCounter } };
  /** Where the last checkpoint (or the read the execution started from) ended. */
  private covered: number;
  private lastEnded: number;
  private lastTook = 0;
  /** The checkpoint being written; meanwhile lines wait in `waiting`, so that the store stays as written. */
  private writing: Promise<void> | null = null;
  private waiting: Array<{ lines: readonly WrittenLine[]; length: number }> = [];
  private stopped = false;

  constructor(
    private readonly start: CheckpointStart,
    private readonly tell: CacheTell,
    private readonly bytes: number = CHECKPOINT_BYTES,
    private readonly now: () => number = Date.now,
  ) {
    const { from } = start;
    this.position = { offset: from.offset, line: from.line, duplicates: { generation: new DuplicateCounter(from.duplicates.generation), verification: new DuplicateCounter(from.duplicates.verification) } };
    this.covered = start.cached ?? from.offset;
    this.lastEnded = now();
  }

  /** A batch of lines is in the file, whole; `length` is the file's length after it. */
  private written(lines: readonly WrittenLine[], length: number): void {
    if (this.stopped) return;
    if (this.writing !== null) {
      this.waiting.push({ lines, length });
      return;
    }
    this.feed(lines, length);
    if (this.due()) this.checkpoint();
  }

  /** A hook of SampleLog must not throw: a record the store cannot take (a bug) only ends the checkpoints. */
  readonly onWritten = (lines: readonly WrittenLine[], length: number): void => {
    try {
      this.written(lines, length);
    } catch (err) {
      this.stop(err instanceof Error ? err.message : String(err));
    }
  };

  /** When the log has closed: waits for a checkpoint being written, and writes a last one if enough was appended since. */
  async finish(): Promise<void> {
    // A checkpoint that ends may start the next with the lines that waited for it.
    while (this.writing !== null) await this.writing;
    if (!this.stopped && this.position.offset - this.covered >= REWRITE_TAIL_BYTES) {
      this.checkpoint();
      await this.writing;
    }
    this.stopped = true;
  }

  private due(): boolean {
    return this.position.offset - this.covered >= this.bytes && this.now() - this.lastEnded >= CHECKPOINT_SHARE * this.lastTook;
  }

  private checkpoint(): void {
    const started = this.now();
    const at: ScanPosition = { offset: this.position.offset, line: this.position.line, duplicates: { generation: this.position.duplicates.generation.counted(), verification: this.position.duplicates.verification.counted() } };
    const file = path.join(this.start.run.dir, RUN_FILES.samples);
    this.writing = writeColumnCache(this.start.run, encodeColumns(this.start.store.state()), at, file, this.tell).finally(() => {
      this.covered = at.offset;
      this.lastEnded = this.now();
      this.lastTook = this.lastEnded - started;
      this.writing = null;
      // The lines written meanwhile, in order (the store was left as the checkpoint wrote it).
      const waiting = this.waiting;
      this.waiting = [];
      for (const { lines, length } of waiting) this.onWritten(lines, length);
    });
  }

  /** Adds the batch's records to the store as a scan of their lines would (scanSamples), counting duplicates the same way. */
  private feed(lines: readonly WrittenLine[], length: number): void {
    if (this.stopped) return;
    for (const [i, { record, offset }] of lines.entries()) {
      // Each line where the last ended: the store then describes the file's first bytes, whole lines.
      if (offset !== this.position.offset) return this.stop(`a line at byte ${offset}, expected one at ${this.position.offset}`);
      this.position.line++;
      this.add(asRead(record), offset);
      this.position.offset = lines[i + 1]?.offset ?? length;
    }
  }

  private add(record: SampleRecord, offset: number): void {
    const { store } = this.start;
    const { line, duplicates } = this.position;
    if (record.type === 'generation') {
      if (!store.addGeneration(record, offset)) duplicates.generation.add(line);
    } else if (record.type === 'verification') {
      if (!store.addVerification(record, offset, line)) duplicates.verification.add(line);
    } else store.addFailure(record, offset);
  }

  private stop(why: string): void {
    this.stopped = true;
    this.tell.debug(`${this.start.run.dir}: column cache checkpoints stopped (${why})`);
  }
}

/**
 * The record as a reader parses it back from its line: JSON has no −0 (JSON.stringify writes 0), so
 * a score of −0 is read as 0, and the cache must hold the bits a read would.
 */
function asRead(record: SampleRecord): SampleRecord {
  return record.type === 'verification' && Object.is(record.score, -0) ? { ...record, score: 0 } : record;
}
