// A run folder's life cycle: create it, read all of it, update its run.json. run.json and
// tasks.jsonl are only ever replaced whole (temp file + rename), so a reader never sees half of
// either; samples.jsonl is appended by SampleLog (sampleLog.ts). Layout: docs/run-format.md.
import { randomBytes } from 'node:crypto';
import { access, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { atLine, UserError } from '../util/errors';
import { sha256, stableStringify } from '../util/hash';
import type { Task } from '../tasks/task';
import type { AnnotationRecord, FailureRecord, GenerationRecord, RunManifest, VerificationRecord } from './records';
import { errorCode, makeFolder, writeFileAtomic } from './files';
import { parseJson } from './jsonlFile';
import { describeIssues, runManifestSchema, taskSchema, unsupportedVersion } from './recordSchemas';
import { fastTask, parseRecord } from './recordFastPath';
import { isPlainObject } from '../util/plainObject';
import { readAnnotations, readSamples, type AppendOnlyReader } from './sampleRecords';
import { modelSlug } from '../llm/modelSpec';

export const RUN_FILES = {
  manifest: 'run.json',
  tasks: 'tasks.jsonl',
  samples: 'samples.jsonl',
  annotations: 'annotations.jsonl',
} as const;

const MANIFEST_SCHEMA_VERSION = 1;

export interface RunData {
  dir: string;
  manifest: RunManifest;
  /** In tasks.jsonl order, which every listing of the run follows. */
  tasks: Task[];
  /** sampleKey(task, index) -> the sample's generation. */
  generations: Map<string, GenerationRecord>;
  /** sampleKey(task, index) -> verifier name -> that verifier's judgement (of one that draws several, its draw 0). */
  verifications: Map<string, Map<string, VerificationRecord>>;
  /** sampleKey -> stageKey(verifier, d) -> draw d ≥ 1 of a verifier that draws several (SampleMaps.draws). */
  draws: Map<string, Map<string, VerificationRecord>>;
  /** sampleKey -> stage -> the current call failure of that stage (see SampleMaps.failures). */
  failures: Map<string, Map<string, FailureRecord>>;
  /** In file order (oldest first); a sample may have several, the last is its current label. */
  annotations: AnnotationRecord[];
  /** What was tolerated rather than rejected: torn last lines, duplicates, orphan verifications. */
  warnings: string[];
}

export interface ReadRunOptions {
  /** Cut a torn last line off the file so appends continue cleanly. Only for the process about to append. */
  repair?: boolean;
  /** Called with each warning as it is found (they are also collected in RunData.warnings). */
  onWarning?: (msg: string) => void;
}

/**
 * A run id that sorts by creation time and is safe as a folder name on every OS, e.g.
 * `2026-11-24T08-15-03Z-qwen2.5-0.5b-instruct-q4_k_m-3fa9`.
 */
export function newRunId(now: Date, model: string): string {
  const stamp = now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  return `${stamp}-${modelSlug(model)}-${randomBytes(2).toString('hex')}`;
}

/**
 * Creates `dir` holding run.json and tasks.jsonl, and returns the manifest as written: its
 * `tasksSha256` is computed here from the snapshot (whatever the caller put there is replaced).
 * Refuses a folder that already has anything in it, so a new run never mixes into an old one.
 */
export async function createRunFolder(dir: string, manifest: RunManifest, tasks: Task[]): Promise<RunManifest> {
  const taskText = tasks.map((task) => stableStringify(task) + '\n').join('');
  if (new Set(tasks.map((t) => t.id)).size !== tasks.length) throw new Error('createRunFolder: task ids must be unique');
  const written: RunManifest = { ...manifest, tasksSha256: sha256(taskText) };
  const checked = runManifestSchema.safeParse(written);
  if (!checked.success) throw new Error(`createRunFolder: invalid manifest: ${describeIssues(checked.error)}`);

  await refuseNonEmpty(dir);
  await makeFolder(dir);
  // tasks.jsonl first: a run.json on disk promises that its task snapshot is complete.
  await writeFileAtomic(path.join(dir, RUN_FILES.tasks), taskText);
  await writeFileAtomic(path.join(dir, RUN_FILES.manifest), manifestText(written));
  return written;
}

async function refuseNonEmpty(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return;
    if (errorCode(err) === 'ENOTDIR') throw new UserError(`${dir} exists and is not a folder; choose another --out folder`);
    throw err;
  }
  if (entries.length === 0) return;
  const advice = entries.includes(RUN_FILES.manifest)
    ? `it holds a Gap Lens run: pass --resume ${dir} to continue that run, or choose another --out folder`
    : 'choose another --out folder';
  throw new UserError(`${dir} already exists and is not empty; ${advice}`);
}

/** Applies `change` to run.json (validated, rewritten atomically) and returns the new manifest. */
export async function updateManifest(dir: string, change: (manifest: RunManifest) => RunManifest): Promise<RunManifest> {
  const next = change(await readManifest(dir));
  const checked = runManifestSchema.safeParse(next);
  if (!checked.success) throw new Error(`updateManifest: invalid manifest: ${describeIssues(checked.error)}`);
  await writeFileAtomic(path.join(dir, RUN_FILES.manifest), manifestText(next));
  return next;
}

/** Records in run.json that the run finished all its samples. */
export async function markCompleted(dir: string, at: Date): Promise<void> {
  await updateManifest(dir, (manifest) => ({ ...manifest, completedAt: at.toISOString() }));
}

function manifestText(manifest: RunManifest): string {
  return JSON.stringify(manifest, null, 2) + '\n';
}

/** Reads and validates run.json. */
export async function readManifest(dir: string): Promise<RunManifest> {
  const file = path.join(dir, RUN_FILES.manifest);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT' || errorCode(err) === 'ENOTDIR') throw notARunFolder(dir, RUN_FILES.manifest);
    throw err;
  }
  const json = parseJson(text);
  if (!json.ok) throw new UserError(`${file}: not valid JSON (${json.error}); restore the file or start a new run`);
  const version = unsupportedVersion(json.value, 'schema', MANIFEST_SCHEMA_VERSION);
  if (version !== null) throw new UserError(`${file}: ${version}`);
  const parsed = runManifestSchema.safeParse(json.value);
  if (!parsed.success) throw new UserError(`${file}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Throws the "not a run folder" UserError unless `dir` has a run.json. */
export async function assertRunFolder(dir: string): Promise<void> {
  try {
    await access(path.join(dir, RUN_FILES.manifest));
  } catch {
    throw notARunFolder(dir, RUN_FILES.manifest);
  }
}

function notARunFolder(dir: string, missing: string): UserError {
  return new UserError(`${dir} is not a Gap Lens run folder (no ${missing})`);
}

/** What every reader of a run folder starts from: its manifest and tasks, and how it reports and repairs what it finds in samples.jsonl. */
export async function openRunFolder(dir: string, opts: ReadRunOptions): Promise<{ manifest: RunManifest; tasks: Task[]; warnings: string[]; reader: AppendOnlyReader }> {
  const warnings: string[] = [];
  const warn = (msg: string): void => {
    warnings.push(msg);
    opts.onWarning?.(msg);
  };
  const manifest = await readManifest(dir);
  const tasks = await readTasks(dir, manifest);
  return { manifest, tasks, warnings, reader: { taskIds: new Set(tasks.map((t) => t.id)), warn, repair: opts.repair ?? false } };
}

/** Reads a whole run folder, validating every line of every file. */
export async function readRun(dir: string, opts: ReadRunOptions = {}): Promise<RunData> {
  const { manifest, tasks, warnings, reader } = await openRunFolder(dir, opts);
  const { generations, verifications, draws, failures } = await readSamples(path.join(dir, RUN_FILES.samples), reader, manifest.config.verifications);
  const annotations = await readAnnotations(path.join(dir, RUN_FILES.annotations), reader);
  return { dir, manifest, tasks, generations, verifications, draws, failures, annotations, warnings };
}

/** The run's generations ordered by task (tasks.jsonl order), then sample index. */
export function generationsInOrder(run: RunData): GenerationRecord[] {
  const taskOrder = new Map(run.tasks.map((t, i) => [t.id, i]));
  const position = (g: GenerationRecord): number => taskOrder.get(g.task) ?? Number.MAX_SAFE_INTEGER;
  return [...run.generations.values()].sort((a, b) => position(a) - position(b) || a.index - b.index);
}

/** Reads tasks.jsonl, checking it is the snapshot run.json describes. */
export async function readTasks(dir: string, manifest: RunManifest): Promise<Task[]> {
  const file = path.join(dir, RUN_FILES.tasks);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') throw notARunFolder(dir, RUN_FILES.tasks);
    throw err;
  }
  // Every grade in samples.jsonl was computed against this snapshot; an edited gold answer would
  // silently disagree with them. The bytes are hashed as read (the snapshot was hashed as the UTF-8
  // it was written in): hashing the decoded text would encode 30 MB again at 10^5 tasks.
  if (sha256(bytes) !== manifest.tasksSha256) {
    throw new UserError(
      `${file} does not match run.json (sha256 differs): the task snapshot was changed after the run was created. ` +
        'Restore it; to run other tasks, start a new run.',
    );
  }
  const tasks: Task[] = [];
  const firstLine = new Map<string, number>();
  bytes.toString('utf8').split('\n').forEach((lineText, i) => {
    const line = i + 1;
    if (lineText.trim() === '') return;
    const json = parseJson(lineText);
    if (!json.ok) throw new UserError(atLine(file, line, `not valid JSON (${json.error})`));
    const parsed = isPlainObject(json.value) ? parseRecord(json.value, fastTask, taskSchema) : taskSchema.safeParse(json.value);
    if (!parsed.success) throw new UserError(atLine(file, line, describeIssues(parsed.error)));
    const seen = firstLine.get(parsed.data.id);
    if (seen !== undefined) throw new UserError(atLine(file, line, `duplicate task id "${parsed.data.id}" (first at line ${seen})`));
    firstLine.set(parsed.data.id, line);
    tasks.push(parsed.data);
  });
  return tasks;
}
