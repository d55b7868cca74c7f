// Reading the append-only files of a run (samples.jsonl, annotations.jsonl), validating every
// line. Only the last line may be torn (a writer killed mid-write): it is dropped with a warning
// and, when the caller is about to append (repair), cut off so the next record starts a fresh line.
import type { z } from 'zod';
import { atLine, UserError } from '../util/errors';
import { isPlainObject } from '../util/plainObject';
import { ANNOTATION_SCHEMA_VERSIONS, SAMPLES_SCHEMA_VERSIONS, type AnnotationRecord, type FailureRecord, type GenerationRecord, type VerificationRecord } from './records';
import { errorCode } from './files';
import { FILE_START, parseJson, readLines, repairTail, type LinePosition } from './jsonlFile';
import {
  annotationRecordSchema,
  describeIssues,
  failureRecordSchema,
  generationRecordSchema,
  unsupportedVersion,
  verificationRecordSchema,
} from './recordSchemas';
import { fastFailure, fastGeneration, fastVerification, parseRecord } from './recordFastPath';
import { sampleKey } from './sampleKey';
import { stageKey } from '../verify/draws';
import { drawCount } from './drawnScores';

export interface AppendOnlyReader {
  /** Task ids of tasks.jsonl; a record naming another task is an error. */
  taskIds: ReadonlySet<string>;
  warn: (msg: string) => void;
  repair: boolean;
}

export interface SampleMaps {
  generations: Map<string, GenerationRecord>;
  /** sampleKey -> verifier -> its judgement (of a verifier that draws several, its draw 0). */
  verifications: Map<string, Map<string, VerificationRecord>>;
  /** sampleKey -> stage key stageKey(verifier, d) (verify/draws.ts) -> draw d ≥ 1 of a verifier that draws several (`--verifications K`). */
  draws: Map<string, Map<string, VerificationRecord>>;
  /**
   * sampleKey -> stage ('generation', a verifier name, or stageKey(verifier, d) for its draw d ≥ 1) -> the last
   * call failure of that stage, only where no generation or verification record of the stage exists
   * (one supersedes it).
   */
  failures: Map<string, Map<string, FailureRecord>>;
}

/**
 * What a store of sample records does with each valid record of samples.jsonl, in file order. A
 * generation or verification the store already holds is a duplicate: it returns false and keeps
 * the earliest. `offset` is the byte offset of the record's line (readRecordAt reads it again).
 */
export interface SampleRecordSink {
  generation(record: GenerationRecord, offset: number): boolean;
  verification(record: VerificationRecord, line: number, offset: number): boolean;
  /** The last failure of a stage is its current one (until a record of the stage supersedes it). */
  failure(record: FailureRecord, offset: number): void;
}

/** Duplicate lines ignored so far of one record kind, and the first one's line (0: none). */
export interface DuplicateCount {
  count: number;
  firstLine: number;
}

/**
 * A point of a scan of samples.jsonl between two lines: the lines before it, and the duplicates
 * found in them. A scan can continue from one (the column cache, columnCache.ts, keeps one).
 */
export interface ScanPosition extends LinePosition {
  duplicates: { generation: DuplicateCount; verification: DuplicateCount };
}

export const SCAN_START: ScanPosition = { ...FILE_START, duplicates: { generation: { count: 0, firstLine: 0 }, verification: { count: 0, firstLine: 0 } } };

/**
 * Where a scan ended: just past the last complete line. `complete`: every line read ended with a
 * newline (the file was missing, empty, or ended with one), so the sink holds exactly the records
 * of the lines before the position.
 */
export interface ScanEnd extends ScanPosition {
  complete: boolean;
}

/**
 * Reads samples.jsonl into `sink`, validating every line against its schema and the run's tasks;
 * warns once per kind of duplicate. What a store keeps, and how it drops orphan verifications
 * (orphanWarning) and superseded failures, is the store's. `from`: a scan's position whose lines
 * the sink already holds (they are not read again).
 */
export async function scanSamples(file: string, reader: AppendOnlyReader, sink: SampleRecordSink, from: ScanPosition = SCAN_START): Promise<ScanEnd> {
  const duplicates = { generation: new DuplicateCounter(from.duplicates.generation), verification: new DuplicateCounter(from.duplicates.verification) };
  const end = await forEachRecord(file, reader, SAMPLES_SCHEMA_VERSIONS, (value, line, offset) => {
    const fail = (msg: string): UserError => new UserError(atLine(file, line, msg));
    // A record of one of the run's tasks, valid against its schema (vouched for by its fast path, else checked by the schema).
    const read = <R extends { task: string; index: number }>(fast: (r: Record<string, unknown>) => R | undefined, schema: z.ZodType<R>): R => {
      const parsed = parseRecord(value, fast, schema);
      if (!parsed.success) throw fail(describeIssues(parsed.error));
      if (!reader.taskIds.has(parsed.data.task)) throw fail(unknownTask(parsed.data.task));
      return parsed.data;
    };
    const type = value['type'];
    if (type === 'generation') {
      if (!sink.generation(read(fastGeneration, generationRecordSchema), offset)) duplicates.generation.add(line);
    } else if (type === 'verification') {
      if (!sink.verification(read(fastVerification, verificationRecordSchema), line, offset)) duplicates.verification.add(line);
    } else if (type === 'failure') {
      sink.failure(read(fastFailure, failureRecordSchema), offset);
    } else {
      const got = type === undefined ? 'missing field "type"' : `unknown record type ${JSON.stringify(type)}`;
      throw fail(`${got}; expected "generation", "verification" or "failure"`);
    }
  }, from);
  duplicates.generation.report(file, 'generation', 'task and index', reader.warn);
  duplicates.verification.report(file, 'verification', 'task, index and verifier', reader.warn);
  return { ...end, duplicates: { generation: duplicates.generation.counted(), verification: duplicates.verification.counted() } };
}

/**
 * Every record of samples.jsonl as objects, by sample key. `drawsPerSample`: run.json's `verifications`, draws per
 * sample of the verifiers that draw several; a record of a draw the run does not draw is not kept
 * (nor counted), as the column reader has it.
 */
export async function readSamples(file: string, reader: AppendOnlyReader, drawsPerSample: Readonly<Record<string, number>> = {}): Promise<SampleMaps> {
  const drawnByRun = (verifier: string, draw: number | undefined): boolean => (draw ?? 0) < drawCount({ verifications: drawsPerSample }, verifier);
  const generations = new Map<string, GenerationRecord>();
  const verifications = new Map<string, Map<string, VerificationRecord>>();
  const draws = new Map<string, Map<string, VerificationRecord>>();
  const failures = new Map<string, Map<string, FailureRecord>>();
  const firstVerificationLine = new Map<string, number>();
  await scanSamples(file, reader, {
    generation(record) {
      const key = sampleKey(record.task, record.index);
      if (generations.has(key)) return false;
      generations.set(key, record);
      return true;
    },
    verification(record, line) {
      const key = sampleKey(record.task, record.index);
      const drawn = (record.draw ?? 0) > 0;
      const maps = drawn ? draws : verifications;
      const byStage = maps.get(key) ?? new Map<string, VerificationRecord>();
      maps.set(key, byStage);
      if (!firstVerificationLine.has(key)) firstVerificationLine.set(key, line);
      if (!drawnByRun(record.verifier, record.draw)) return true;
      const stage = stageKey(record.verifier, record.draw);
      if (byStage.has(stage)) return false;
      byStage.set(stage, record);
      return true;
    },
    failure(record) {
      if (record.stage !== 'generation' && !drawnByRun(record.stage, record.draw)) return;
      const key = sampleKey(record.task, record.index);
      const byStage = failures.get(key) ?? new Map<string, FailureRecord>();
      failures.set(key, byStage);
      byStage.set(stageKey(record.stage, record.draw), record);
    },
  });
  const maps = { generations, verifications, draws, failures };
  dropOrphans(file, maps, firstVerificationLine, reader.warn);
  dropSuperseded(failures, maps);
  return maps;
}

// A failed call is retried on resume; once a record of that stage exists, the failure is history.
function dropSuperseded(failures: Map<string, Map<string, FailureRecord>>, maps: SampleMaps): void {
  for (const [key, byStage] of failures) {
    for (const stage of byStage.keys()) {
      const done = stage === 'generation' ? maps.generations.has(key) : (maps.verifications.get(key)?.has(stage) ?? maps.draws.get(key)?.has(stage) ?? false);
      if (done) byStage.delete(stage);
    }
    if (byStage.size === 0) failures.delete(key);
  }
}

export async function readAnnotations(file: string, reader: AppendOnlyReader): Promise<AnnotationRecord[]> {
  const annotations: AnnotationRecord[] = [];
  await forEachRecord(file, reader, ANNOTATION_SCHEMA_VERSIONS, (value, line) => {
    const parsed = annotationRecordSchema.safeParse(value);
    if (!parsed.success) throw new UserError(atLine(file, line, describeIssues(parsed.error)));
    if (!reader.taskIds.has(parsed.data.task)) throw new UserError(atLine(file, line, unknownTask(parsed.data.task)));
    annotations.push(parsed.data);
  });
  return annotations;
}

function unknownTask(task: string): string {
  return `task "${task}" is not in tasks.jsonl`;
}

// Writers append a sample's generation before its verifications, so a verification without a
// generation means the file was damaged or stitched together; it cannot be shown or scored.
function dropOrphans(file: string, maps: SampleMaps, firstLine: ReadonlyMap<string, number>, warn: (msg: string) => void): void {
  const orphanLines: number[] = [];
  for (const key of new Set([...maps.verifications.keys(), ...maps.draws.keys()])) {
    if (maps.generations.has(key)) continue;
    maps.verifications.delete(key);
    maps.draws.delete(key);
    orphanLines.push(firstLine.get(key) ?? 0);
  }
  if (orphanLines.length > 0) warn(orphanWarning(file, orphanLines.length, Math.min(...orphanLines)));
}

/** The warning about `count` samples whose verifications were ignored for want of a generation (the first at `firstLine`). */
export function orphanWarning(file: string, count: number, firstLine: number): string {
  return `${file}: ignored the verifications of ${count} sample${count === 1 ? '' : 's'} without a generation record (first at line ${firstLine})`;
}

/**
 * Calls `visit` with each line's JSON object (its version already checked against `versions`), from
 * `from`. A missing file has no records; blank lines are skipped. Only the last line may be torn:
 * earlier invalid lines are errors. Returns the position just past the last complete line.
 */
async function forEachRecord(
  file: string,
  reader: AppendOnlyReader,
  versions: number | readonly number[],
  visit: (value: Record<string, unknown>, line: number, offset: number) => void,
  from: LinePosition = FILE_START,
): Promise<LinePosition & { complete: boolean }> {
  let unterminated: { line: number; torn: boolean } | null = null;
  let position: LinePosition = { offset: from.offset, line: from.line };
  let complete = true;
  try {
    for await (const { line, text, terminated, offset, end } of readLines(file, from)) {
      if (terminated) position = { offset: end, line };
      else complete = false;
      if (text.trim() === '') continue;
      const json = parseJson(text);
      if (!terminated) unterminated = { line, torn: !json.ok };
      if (!json.ok) {
        if (!terminated) break;
        throw new UserError(atLine(file, line, `not valid JSON (${json.error})`));
      }
      if (!isPlainObject(json.value)) throw new UserError(atLine(file, line, 'expected a JSON object'));
      const version = unsupportedVersion(json.value, 'v', versions);
      if (version !== null) throw new UserError(atLine(file, line, version));
      visit(json.value, line, offset);
    }
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return { ...position, complete };
    throw err;
  }
  if (unterminated === null) return { ...position, complete };
  if (reader.repair) await repairTail(file);
  if (unterminated.torn) {
    const fixed = reader.repair ? '; the file was truncated to its last complete line' : '';
    reader.warn(atLine(file, unterminated.line, `incomplete last line dropped (a writer was interrupted mid-write)${fixed}`));
  }
  return { ...position, complete };
}

/** Counts ignored duplicate lines for one summary warning per record kind (a scan's, and a run's checkpoints'). */
export class DuplicateCounter {
  private count: number;
  private firstLine: number;

  constructor(from: DuplicateCount) {
    this.count = from.count;
    this.firstLine = from.firstLine;
  }

  counted(): DuplicateCount {
    return { count: this.count, firstLine: this.firstLine };
  }

  add(line: number): void {
    if (this.count === 0) this.firstLine = line;
    this.count++;
  }

  report(file: string, kind: string, identity: string, warn: (msg: string) => void): void {
    if (this.count === 0) return;
    warn(
      `${file}: ignored ${this.count} duplicate ${kind} record${this.count === 1 ? '' : 's'} ` +
        `(same ${identity} as an earlier line; first duplicate at line ${this.firstLine}); the earliest record was kept`,
    );
  }
}
