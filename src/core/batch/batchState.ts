// What a run folder records of its batches (docs/batch.md, "The batch folder"): `batch/state.json`,
// replaced whole after every step, says for each shard how far it got — written, uploaded (file
// id), being submitted, submitted (batch id), its last status, its result files once downloaded —
// and which result files were imported. A step's outcome is recorded before the next step starts,
// and `submitting` before a batch is created, so a process killed at any moment leaves a state
// from which a resume neither loses a shard nor submits one twice.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode, makeFolder, writeFileAtomic } from '../runs/files';
import { UserError } from '../util/errors';
import { isPlainObject } from '../util/plainObject';
import type { RemoteStatus } from './batchClient';
import type { WrittenShard } from './shardWriter';

export const BATCH_FOLDER = 'batch';
const STATE_FILE = 'state.json';

/** Where a shard is: its remote status once submitted, before that how far the client got. */
export type ShardStatus = 'written' | 'uploaded' | RemoteStatus;

/** Token counts of a shard's answers, from its result files. */
export interface ShardUsage {
  promptTokens: number;
  cachedPromptTokens: number;
  completionTokens: number;
  /** Answers that said nothing of their usage. */
  unreported: number;
}

export interface ShardRecord extends Omit<WrittenShard, 'file'> {
  /** The phase (pass of the pipeline) whose requests it holds, from 1. */
  phase: number;
  /** Its request file, relative to the batch folder. */
  file: string;
  status: ShardStatus;
  inputFileId?: string;
  /** Set just before the batch is created: with no batchId, the batch may exist (found by its input file). */
  submitting?: true;
  batchId?: string;
  /** Requests the engine says it finished or failed (its last report). */
  counts?: { total: number; completed: number; failed: number };
  /** Its result files (relative to the batch folder), once downloaded: the shard is settled. */
  results?: string[];
  usage?: ShardUsage;
  /** The user cancelled it. */
  cancelled?: true;
  /** Why the batch failed, in the API's words. */
  error?: string;
}

/** A result file given to `gaplens batch import`, kept in the run folder. */
export interface ImportRecord {
  /** Relative to the batch folder. */
  file: string;
  /** The file as the user named it. */
  source: string;
  lines: number;
  at: string;
}

export interface BatchState {
  v: 1;
  shards: ShardRecord[];
  imports: ImportRecord[];
  /** Every result file (relative to the batch folder), downloaded or imported, in the order received: which result counts depends on it (resultIndex.ts). */
  received: string[];
}

export function emptyBatchState(): BatchState {
  return { v: 1, shards: [], imports: [], received: [] };
}

export function batchFolder(runDir: string): string {
  return join(runDir, BATCH_FOLDER);
}

/** The run's batch state; a run without batches has an empty one. */
export async function readBatchState(runDir: string): Promise<BatchState | null> {
  const file = join(batchFolder(runDir), STATE_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return null;
    throw err;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${file} is not JSON (${(err as Error).message}); it records the run's batches: restore it, or remove the batch folder to submit again what is missing`);
  }
  if (!isPlainObject(value) || value.v !== 1 || !Array.isArray(value.shards) || !Array.isArray(value.imports) || !Array.isArray(value.received) || !value.received.every((f) => typeof f === 'string') || !value.shards.every(isShard)) {
    throw new UserError(`${file} is not a batch state this version of Gap Lens can read; restore it, or remove the batch folder to submit again what is missing`);
  }
  return value as unknown as BatchState;
}

function isShard(value: unknown): boolean {
  return isPlainObject(value) && typeof value.name === 'string' && typeof value.file === 'string' && typeof value.model === 'string' && typeof value.status === 'string' && typeof value.phase === 'number';
}

export async function writeBatchState(runDir: string, state: BatchState): Promise<void> {
  const dir = batchFolder(runDir);
  await makeFolder(dir);
  await writeFileAtomic(join(dir, STATE_FILE), `${JSON.stringify(state, null, 1)}\n`);
}

/** The shards of a run that are submitted, or about to be, and not yet settled: a resume must collect them. */
export async function batchesOut(runDir: string): Promise<ShardRecord[]> {
  return ((await readBatchState(runDir))?.shards ?? []).filter((s) => !isSettled(s));
}

/** Settled: its results are in the run folder, or it ended without any (a failed batch). */
export function isSettled(shard: ShardRecord): boolean {
  return shard.results !== undefined;
}
