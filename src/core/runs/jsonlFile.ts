// Line-level access to JSONL files. Files are streamed (a long run's samples.jsonl can be hundreds
// of MB, more than fits in one JS string) and handled as bytes at the tail, because a torn write
// can end in the middle of a multi-byte character.
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

export interface JsonlLine {
  /** 1-based. */
  line: number;
  text: string;
  /** False only for a last line that has no trailing newline. */
  terminated: boolean;
  /** Byte offset of the line's first byte in the file (a byte-order mark counts). */
  offset: number;
  /** Byte offset just past the line: past its newline, or the end of the file for an unterminated last line. */
  end: number;
}

/** A place between two lines of a file: `offset` bytes into it, after `line` lines. */
export interface LinePosition {
  offset: number;
  line: number;
}

export const FILE_START: LinePosition = { offset: 0, line: 0 };

const NEWLINE = 0x0a;
const BOM = '\uFEFF';

/**
 * Every line of a file, blank ones included (callers decide what a blank line means), from `from`
 * (a line boundary: the lines before it are not read, and numbering continues from its count).
 */
export async function* readLines(file: string, from: LinePosition = FILE_START): AsyncGenerator<JsonlLine> {
  let pending: Buffer[] = [];
  let line = from.line;
  /** Bytes of the file before the current chunk, and the offset of the line being collected. */
  let consumed = from.offset;
  let lineStart = from.offset;
  const decode = (bytes: Buffer): string => {
    const text = bytes.toString('utf8');
    return line === 1 && text.startsWith(BOM) ? text.slice(1) : text;
  };
  for await (const chunk of createReadStream(file, { start: from.offset }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE, start); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      const part = chunk.subarray(start, nl);
      const bytes = pending.length > 0 ? Buffer.concat([...pending, part]) : part;
      pending = [];
      line++;
      start = nl + 1;
      yield { line, text: decode(bytes), terminated: true, offset: lineStart, end: consumed + start };
      lineStart = consumed + start;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
    consumed += chunk.length;
  }
  if (pending.length > 0) {
    line++;
    yield { line, text: decode(Buffer.concat(pending)), terminated: false, offset: lineStart, end: consumed };
  }
}

/** JSON.parse that reports failure as a message instead of throwing. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** True when the file is empty or ends with a newline, i.e. an append starts a fresh line. */
export async function endsWithNewline(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    if (size === 0) return true;
    const last = Buffer.alloc(1);
    await fh.read(last, 0, 1, size - 1);
    return last[0] === NEWLINE;
  } finally {
    await fh.close();
  }
}

export type TailRepair = 'clean' | 'newline-added' | 'truncated';

/**
 * Makes an append-only file end on a line boundary so the next append starts a fresh line: a
 * torn last line (no newline, not JSON — what a kill mid-write leaves) is cut off; a complete
 * last line that merely lacks its newline gets one.
 */
export async function repairTail(file: string): Promise<TailRepair> {
  const fh = await open(file, 'r+');
  try {
    const { size } = await fh.stat();
    const lineStart = await lastLineStart(fh, size);
    if (lineStart === size) return 'clean';
    const tail = Buffer.alloc(size - lineStart);
    await fh.read(tail, 0, tail.length, lineStart);
    if (parseJson(tail.toString('utf8')).ok) {
      await fh.write('\n', size);
      return 'newline-added';
    }
    await fh.truncate(lineStart);
    return 'truncated';
  } finally {
    await fh.close();
  }
}

/** Byte offset just after the last newline (0 if none; `size` if the file ends with one). */
async function lastLineStart(fh: FileHandle, size: number): Promise<number> {
  const chunkSize = 64 * 1024;
  const buf = Buffer.alloc(chunkSize);
  for (let end = size; end > 0; end -= chunkSize) {
    const start = Math.max(0, end - chunkSize);
    await fh.read(buf, 0, end - start, start);
    const nl = buf.subarray(0, end - start).lastIndexOf(NEWLINE);
    if (nl !== -1) return start + nl + 1;
  }
  return 0;
}

/**
 * Reads whole lines at byte offsets of a file that only grows (samples.jsonl), through one handle
 * and a buffer: offsets asked in increasing order, as a scan found them, cost one read per
 * buffer's worth of lines.
 */
export class LineReader {
  private buffer = Buffer.alloc(64 * 1024);
  /** The file's bytes [start, start + length) are in the buffer. */
  private start = 0;
  private length = 0;

  private constructor(
    private readonly fh: FileHandle,
    readonly file: string,
  ) {}

  static async open(file: string): Promise<LineReader> {
    return new LineReader(await open(file, 'r'), file);
  }

  /** The line starting at `offset`, without its newline (to the end of the file if it has none). */
  async lineAt(offset: number): Promise<string> {
    if (offset < this.start || offset >= this.start + this.length) await this.fill(offset);
    for (;;) {
      const from = offset - this.start;
      const nl = this.buffer.subarray(from, this.length).indexOf(NEWLINE);
      if (nl !== -1) return this.text(offset, from, from + nl);
      // A read that did not fill the buffer reached the end of the file.
      if (this.length < this.buffer.length) return this.text(offset, from, this.length);
      // The line runs past the buffer: read it from its start, into a larger buffer if it already started there.
      if (from === 0) this.buffer = Buffer.alloc(this.buffer.length * 2);
      await this.fill(offset);
    }
  }

  async close(): Promise<void> {
    await this.fh.close();
  }

  // The first line's offset counts a byte-order mark (readLines); its text does not.
  private text(offset: number, from: number, to: number): string {
    const text = this.buffer.toString('utf8', from, to);
    return offset === 0 && text.startsWith(BOM) ? text.slice(1) : text;
  }

  private async fill(offset: number): Promise<void> {
    const { bytesRead } = await this.fh.read(this.buffer, 0, this.buffer.length, offset);
    this.start = offset;
    this.length = bytesRead;
  }
}
