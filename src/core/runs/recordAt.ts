// One record of samples.jsonl read again by the byte offset its line had when the run was read
// (runColumns.ts keeps the offsets): how the panel shows a sample's texts without holding every
// record. samples.jsonl is only ever appended to, so an offset stays valid; a file changed in any
// other way (truncated, rewritten, replaced) is reported in one line, never shown as another
// sample's record. Synchronous: one positioned read of one line, for one sample the user opened or
// one generation an execution verifies (pipeline/executionRecords.ts).
import { closeSync, openSync, readSync } from 'node:fs';
import type { z } from 'zod';
import { UserError } from '../util/errors';
import { parseJson } from './jsonlFile';
import type { FailureRecord, GenerationRecord, VerificationRecord } from './records';
import { describeIssues, failureRecordSchema, generationRecordSchema, verificationRecordSchema } from './recordSchemas';

const NEWLINE = 0x0a;
const CHUNK = 64 * 1024;
/** One record's line is a few KB at most, mostly: a read of a whole CHUNK per record would read many times what it needs. */
const RECORD_CHUNK = 4 * 1024;

/** The record a line is expected to hold: its sample and, for a verification or failure, its verifier or stage. */
export type RecordAddress =
  | { type: 'generation'; task: string; index: number }
  | { type: 'verification'; task: string; index: number; verifier: string }
  | { type: 'failure'; task: string; index: number; stage: string };

type RecordOf<A extends RecordAddress> = A['type'] extends 'generation' ? GenerationRecord : A['type'] extends 'verification' ? VerificationRecord : FailureRecord;

const SCHEMAS: Record<RecordAddress['type'], z.ZodType<GenerationRecord | VerificationRecord | FailureRecord>> = {
  generation: generationRecordSchema,
  verification: verificationRecordSchema,
  failure: failureRecordSchema,
};

/**
 * The record of the line starting at byte `offset` of `file`, checked to be the one `address` names;
 * `remedy` tells the user what to do when the file changed under the reader.
 */
export function readRecordAt<A extends RecordAddress>(file: string, offset: number, address: A, remedy = 'close the panel and open the run again'): RecordOf<A> {
  const changed = (why: string): UserError =>
    new UserError(`${file}: byte ${offset} no longer holds the ${describe(address)} (${why}): the file was changed after the run was read; ${remedy}`);
  let text: string | null;
  try {
    text = lineAt(file, offset);
  } catch (err) {
    throw changed(err instanceof Error ? err.message : String(err));
  }
  if (text === null) throw changed('the file ends before it');
  const json = parseJson(text);
  if (!json.ok) throw changed(`not valid JSON there: ${json.error}`);
  const parsed = SCHEMAS[address.type].safeParse(json.value);
  if (!parsed.success) throw changed(`not a ${address.type} record there: ${describeIssues(parsed.error)}`);
  const record = parsed.data;
  const same =
    record.type === address.type &&
    record.task === address.task &&
    record.index === address.index &&
    (address.type !== 'verification' || (record as VerificationRecord).verifier === address.verifier) &&
    (address.type !== 'failure' || (record as FailureRecord).stage === address.stage);
  if (!same) throw changed(`it holds the ${describe(record)}`);
  return record as RecordOf<A>;
}

function describe(r: { type: string; task: string; index: number; verifier?: string; stage?: string }): string {
  const of = r.type === 'verification' ? ` ${r.verifier}` : r.type === 'failure' ? ` ${r.stage}` : '';
  return `${r.type}${of} record of task "${r.task}" sample ${r.index}`;
}

/** The complete line starting at `offset` (without its newline); null when the file ends before a newline. */
function lineAt(file: string, offset: number): string | null {
  let found: string | null = null;
  forEachLineFrom(
    file,
    offset,
    (_, text) => {
      found = text;
      return false;
    },
    RECORD_CHUNK,
  );
  return found;
}

/**
 * Calls `visit` with each complete line from byte `from` on (its offset and text, without the
 * newline) until it returns false or the file ends; returns the offset after the last complete line
 * visited (a torn last line is left for a later call, once its writer has finished it).
 */
export function forEachLineFrom(file: string, from: number, visit: (offset: number, text: string) => boolean, chunkBytes = CHUNK): number {
  const fd = openSync(file, 'r');
  try {
    let pending: Buffer[] = [];
    let lineStart = from;
    for (let at = from; ; ) {
      const chunk = Buffer.alloc(chunkBytes);
      const got = readSync(fd, chunk, 0, chunkBytes, at);
      if (got === 0) return lineStart;
      let start = 0;
      for (let nl = chunk.indexOf(NEWLINE, start); nl !== -1 && nl < got; nl = chunk.indexOf(NEWLINE, start)) {
        const bytes = Buffer.concat([...pending, chunk.subarray(start, nl)]);
        pending = [];
        // readLines counts a byte-order mark into the first line's offset and drops it from the text.
        const text = bytes.toString('utf8').replace(lineStart === 0 ? /^\uFEFF/ : /^$/, '');
        const offset = lineStart;
        lineStart = at + nl + 1;
        start = nl + 1;
        if (!visit(offset, text)) return lineStart;
      }
      if (start < got) pending.push(chunk.subarray(start, got));
      at += got;
    }
  } finally {
    closeSync(fd);
  }
}
