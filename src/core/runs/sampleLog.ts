// The writer of samples.jsonl. Durability trade-off (see docs/run-format.md): every record is one
// line handed to the OS in a single write, in append order, but lines are not fsync'ed one by
// one — that would cost a disk flush per sample across 20k+ records. A killed process therefore
// loses nothing that append() had resolved and leaves at most one torn last line, which readRun
// drops (and repairs on resume). Only an OS crash or power loss can lose the unflushed tail;
// resume regenerates those samples, from the response cache at no cost. close() flushes to disk.
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../util/errors';
import { fileSystemProblem } from '../util/fsProblems';
import type { SampleRecord } from './records';
import { writeAll } from './files';
import { endsWithNewline } from './jsonlFile';
import { describeIssues, failureRecordSchema, generationRecordSchema, verificationRecordSchema } from './recordSchemas';
import { assertRunFolder, RUN_FILES } from './runStore';

interface PendingLine extends WrittenLine {
  /** The record's JSON and its newline. */
  text: string;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** A line of samples.jsonl as its writer appended it: the record and the byte offset its line starts at. */
export interface WrittenLine {
  record: SampleRecord;
  offset: number;
}

export interface SampleLogOptions {
  /**
   * Told of every batch of lines once it has been handed to the OS, in file order: the lines, and
   * the file's length after them (so the file now holds every line told so far, whole). It must not
   * throw.
   */
  onWritten?: (lines: readonly WrittenLine[], length: number) => void;
}

export class SampleLog {
  /** Lines waiting for the writer, in append order. */
  private pending: PendingLine[] = [];
  /** The running drain loop, if any; there is never more than one, which keeps writes in order. */
  private writing: Promise<void> | null = null;
  private failure: Error | null = null;
  private closed = false;

  private constructor(
    private readonly fh: FileHandle,
    private readonly file: string,
    /** The file's length once every line appended so far is written: where the next line starts. */
    private end: number,
    /** The file's length with the lines written so far. */
    private written: number,
    private readonly onWritten: SampleLogOptions['onWritten'],
  ) {}

  /**
   * Opens the samples.jsonl of the run folder `dir` for appending (creating it if needed). The
   * file must end on a line boundary: after a crash, read the run with `repair: true` first.
   */
  static async open(dir: string, opts: SampleLogOptions = {}): Promise<SampleLog> {
    await assertRunFolder(dir);
    const file = path.join(dir, RUN_FILES.samples);
    const fh = await open(file, 'a');
    if (!(await endsWithNewline(file))) {
      await fh.close();
      throw new UserError(
        `${file} ends with an incomplete line (an earlier run was interrupted mid-write); resume the run so it is repaired first`,
      );
    }
    const { size } = await fh.stat();
    return new SampleLog(fh, file, size, size, opts.onWritten);
  }

  /**
   * Appends one record as one line. Lines reach the file in call order; the promise resolves once
   * the line has been handed to the OS, with the byte offset the line starts at (where
   * runs/recordAt.ts reads it again). After a failed write every later append rejects too,
   * because the file may now end in a partial line.
   */
  async append(record: SampleRecord): Promise<number> {
    if (this.closed) throw new Error(`SampleLog for ${this.file} is closed`);
    if (this.failure) throw this.failure;
    const text = serialize(record) + '\n';
    // Lines are written in the order they are appended, so each one's place is known now.
    const offset = this.end;
    this.end += Buffer.byteLength(text, 'utf8');
    await new Promise<void>((resolve, reject) => {
      this.pending.push({ record, offset, text, resolve, reject });
      this.writing ??= this.drain();
    });
    return offset;
  }

  /** Waits for pending lines, flushes the file to disk and closes it. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writing;
    try {
      if (!this.failure) await this.fh.sync();
    } finally {
      await this.fh.close();
    }
  }

  // Lines appended while a write is in flight go out together in the next write: whole lines in
  // one write call still leave at most one torn line, and a busy run needs far fewer syscalls.
  // A batch is encoded once, as a whole: per-line buffers would be copied twice.
  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      try {
        if (this.failure) throw this.failure;
        let text = '';
        for (const p of batch) text += p.text;
        const bytes = Buffer.from(text, 'utf8');
        await writeAll(this.fh, bytes);
        this.written += bytes.length;
        this.onWritten?.(batch, this.written);
        for (const p of batch) p.resolve();
      } catch (err) {
        this.failure ??= fileSystemProblem(err, this.file) ?? new Error(`writing ${this.file} failed: ${err instanceof Error ? err.message : String(err)}`);
        for (const p of batch) p.reject(this.failure);
      }
    }
    this.writing = null;
  }
}

// Validating before writing keeps a bug elsewhere from making the run unreadable: readRun rejects
// an invalid line, and by then it would be in the middle of the file.
function serialize(record: SampleRecord): string {
  const schema = record.type === 'generation' ? generationRecordSchema : record.type === 'verification' ? verificationRecordSchema : failureRecordSchema;
  const checked = schema.safeParse(record);
  if (!checked.success) {
    throw new Error(`refusing to write an invalid ${record.type} record for ${record.task}#${record.index}: ${describeIssues(checked.error)}`);
  }
  return JSON.stringify(record);
}
