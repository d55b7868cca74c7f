// Every batch result a run has received, by custom_id, over the result files kept in its folder
// (downloaded outputs and error files, imported files), and how many batches each custom_id was
// submitted in. It holds where each result is, not the result: a run of a million requests has
// gigabytes of them; and it holds each custom_id once, compactly (requestTable.ts): about 100 bytes
// a request, where a map of strings to objects took three times that. Which result counts when a custom_id
// has several (docs/batch.md, "Matching results"): a success outranks an error or a request that
// never ran; between two of the same rank, the one read later wins (files in the order they were
// received, lines in file order) — so a request asked again replaces its earlier answer, and
// importing an old error file after the answers changes nothing.
import { open, type FileHandle } from 'node:fs/promises';
import { readLines } from '../runs/jsonlFile';
import { atLine, UserError } from '../util/errors';
import { isSuccess, parseResultLine, type BatchResult } from './batchLines';
import { NO_RESULT, RequestTable } from './requestTable';

/** What adding one file found. */
export interface IndexedFile {
  /** Result lines read (blank lines are not counted). */
  lines: number;
  /** Lines whose custom_id came earlier in the same file. */
  duplicates: number;
}

const BOM_BYTES = 3;
const MAX_SUBMISSIONS = 0xffff;

export class ResultIndex {
  private readonly files: string[] = [];
  private readonly table = new RequestTable();
  private readonly handles = new Map<number, Promise<FileHandle>>();
  private results = 0;

  /** custom_ids with a result. */
  get size(): number {
    return this.results;
  }

  /** Reads a result file, telling `onResult` of each line; a line that is not a result is a UserError naming FILE:LINE. */
  async add(file: string, onResult?: (result: BatchResult) => void): Promise<IndexedFile> {
    const fileNo = this.files.push(file) - 1;
    const seen = new Set<string>();
    // readLines drops a leading byte-order mark; the offsets count it.
    let offset = (await startsWithBom(file)) ? BOM_BYTES : 0;
    let lines = 0;
    let duplicates = 0;
    for await (const { line, text } of readLines(file)) {
      const start = offset;
      offset += Buffer.byteLength(text) + 1;
      if (text.trim() === '') continue;
      const result = parseResultLine(text);
      if ('problem' in result) throw new UserError(atLine(file, line, `not a batch result line: ${result.problem}`));
      lines++;
      onResult?.(result);
      if (seen.has(result.customId)) duplicates++;
      seen.add(result.customId);
      const success = isSuccess(result);
      const row = this.table.rowOf(result.customId);
      if (this.table.columns.file[row] === NO_RESULT) this.results++;
      else if (this.table.columns.success[row] === 1 && !success) continue;
      this.table.setResult(row, fileNo, start, Buffer.byteLength(text), success);
    }
    return { lines, duplicates };
  }

  /** One more batch holds the request of this custom_id. */
  countSubmission(customId: string): void {
    const row = this.table.rowOf(customId);
    const { submissions } = this.table.columns;
    // Kept at the column's largest value rather than wrapping round to 0 (no run asks that often).
    if ((submissions[row] ?? 0) < MAX_SUBMISSIONS) submissions[row] = (submissions[row] ?? 0) + 1;
  }

  /** How many batches held the request of this custom_id. */
  submissions(customId: string): number {
    const row = this.table.find(customId);
    return row === undefined ? 0 : (this.table.columns.submissions[row] ?? 0);
  }

  /** The result that counts for a custom_id, read from its file; undefined when none was received. */
  async get(customId: string): Promise<BatchResult | undefined> {
    const row = this.table.find(customId);
    const { file, offset, length } = this.table.columns;
    if (row === undefined || file[row] === NO_RESULT) return undefined;
    const at = { file: file[row] as number, offset: offset[row] as number, length: length[row] as number };
    const fh = await this.handle(at.file);
    const bytes = Buffer.alloc(at.length);
    await fh.read(bytes, 0, at.length, at.offset);
    const result = parseResultLine(bytes.toString('utf8'));
    // Read and checked when indexed: a change since means the file was edited under a live run.
    if ('problem' in result) throw new UserError(`${this.files[at.file] ?? '?'} changed while the run read it (${result.problem}); resume the run to read it again`);
    return result;
  }

  async close(): Promise<void> {
    const handles = [...this.handles.values()];
    this.handles.clear();
    await Promise.all(handles.map(async (h) => (await h).close()));
  }

  private handle(fileNo: number): Promise<FileHandle> {
    let handle = this.handles.get(fileNo);
    if (!handle) {
      handle = open(this.files[fileNo] as string, 'r');
      this.handles.set(fileNo, handle);
    }
    return handle;
  }
}

async function startsWithBom(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(BOM_BYTES);
    const { bytesRead } = await fh.read(head, 0, BOM_BYTES, 0);
    return bytesRead === BOM_BYTES && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
  } finally {
    await fh.close();
  }
}
