// Human labels on samples ("the verifier was wrong here", "this answer is correct"), appended to
// annotations.jsonl by the extension. A sample may be annotated many times; its latest annotation is
// its current label.
import { open } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../util/errors';
import type { AnnotationRecord } from './records';
import { errorCode, writeAll } from './files';
import { repairTail } from './jsonlFile';
import { annotationRecordSchema, describeIssues } from './recordSchemas';
import { readManifest, readTasks, RUN_FILES, type RunData } from './runStore';
import { sampleKey } from './sampleKey';

// One annotation at a time per process: the tail repair of one call must not see another call's
// line while it is being written.
let appending: Promise<unknown> = Promise.resolve();

/** An annotation as its author gives it: the version and the time are added when it is written. */
export type NewAnnotation = Omit<AnnotationRecord, 'v' | 'at'>;

/**
 * Appends one annotation to the run folder `dir` and returns it as written. The task must be one
 * of the run's tasks, because readRun rejects annotations of unknown tasks.
 */
export function appendAnnotation(dir: string, rec: NewAnnotation, now: Date = new Date()): Promise<AnnotationRecord> {
  const done = appending.then(() => writeAnnotation(dir, rec, now));
  appending = done.catch(() => undefined);
  return done;
}

async function writeAnnotation(dir: string, rec: NewAnnotation, now: Date): Promise<AnnotationRecord> {
  const record = annotationRecord(rec, now);
  const checked = annotationRecordSchema.safeParse(record);
  if (!checked.success) throw new UserError(`cannot save the annotation: ${describeIssues(checked.error)}`);
  const { task } = record;
  const tasks = await readTasks(dir, await readManifest(dir));
  if (!tasks.some((t) => t.id === task)) throw new UserError(`cannot save the annotation: task "${task}" is not in ${dir}`);

  const file = path.join(dir, RUN_FILES.annotations);
  // A writer killed mid-write may have left a torn line; appending after it would turn both into
  // one invalid line in the middle of the file.
  try {
    await repairTail(file);
  } catch (err) {
    if (errorCode(err) !== 'ENOENT') throw err;
  }
  const fh = await open(file, 'a');
  try {
    await writeAll(fh, Buffer.from(JSON.stringify(record) + '\n', 'utf8'));
  } finally {
    await fh.close();
  }
  return record;
}

/**
 * The record as written: version 1 when it fits version 1 (a cause, no human verdict, no audit tag), so
 * older Gap Lens keep reading runs annotated without audits; version 2 otherwise. Fields in a fixed order.
 */
export function annotationRecord(rec: NewAnnotation, now: Date): AnnotationRecord {
  const { task, index, cause, human, audit, note } = rec;
  const at = now.toISOString();
  if (cause !== undefined && human === undefined && audit === undefined) return { v: 1, task, index, cause, note, at };
  return { v: 2, task, index, ...(cause === undefined ? {} : { cause }), ...(human === undefined ? {} : { human }), ...(audit === undefined ? {} : { audit }), note, at };
}

/** Each annotated sample's current label: its last annotation in file (= append) order. */
export function latestAnnotations(run: RunData): Map<string, AnnotationRecord> {
  const latest = new Map<string, AnnotationRecord>();
  for (const a of run.annotations) latest.set(sampleKey(a.task, a.index), a);
  return latest;
}
