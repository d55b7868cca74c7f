// The column cache (docs/run-format.md, "The column cache"): what a full, validated read of
// samples.jsonl left in a ColumnStore, kept beside the run so that the next reader loads it and
// parses only the lines appended since. Parsing every line is most of the cost of opening a big run
// (a 1M-sample samples.jsonl is ~1.4 GB of JSON); the columns it yields are ~70 bytes a sample.
//
// The cache is never trusted blindly and never needed: what it was made from (the Gap Lens
// version, the run, the bytes of samples.jsonl it covers) is checked before use, its own structure
// is checked strictly, and anything amiss means a full read, with a one-line warning. Writing it
// is best-effort: a read-only folder or a full disk leaves no cache and no error.
import { createHash, randomBytes } from 'node:crypto';
import { open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { GAPLENS_VERSION } from '../version';
import { MISSING_SCORE } from '../filter/columns';
import { sha256, stableStringify } from '../util/hash';
import type { Task } from '../tasks/task';
import type { RunManifest } from './records';
import { SAMPLES_SCHEMA_VERSIONS } from './records';
import { drawCount } from './drawnScores';
import { errorCode, makeFolder, writeAll } from './files';
import type { ColumnState } from './runColumns';
import type { ScanEnd, ScanPosition } from './sampleRecords';
import { describeIssues } from './recordSchemas';

/** Where the cache lives in a run folder: a hidden folder of disposable files, which copies and exports may skip. */
export const COLUMN_CACHE_FILE = path.join('.cache', 'columns.bin');
const MAGIC = Buffer.from('GAPLENS-COLUMNS\n', 'latin1');
const FORMAT = 1;
/** The file ends with the SHA-256 of all that comes before it. */
const CHECKSUM_BYTES = 32;
/** Bytes at each end of the covered prefix of samples.jsonl whose hash the cache keeps. */
export const EDGE_BYTES = 64 * 1024;
/** A read that found a usable cache rewrites it once the lines it had to parse after it reach this size. */
export const REWRITE_TAIL_BYTES = 8 * 1024 * 1024;
/** A temp file of a cache writer (writeColumnCache), and the age past which no live writer still writes it. */
const TEMP_NAME = /^columns\.bin\.\d+-[0-9a-f]{8}\.tmp$/;
const STALE_TEMP_MS = 10 * 60_000;
const GITIGNORE = '# Gap Lens column cache: disposable, rebuilt from samples.jsonl (docs/run-format.md)\n*\n';
/** Typed arrays are stored as the machine holds them; every platform VS Code runs on is little-endian. */
const BYTE_ORDER = 'LE';

/** The run a cache belongs to, as the reader opened it. */
export interface CachedRun {
  dir: string;
  manifest: RunManifest;
  tasks: readonly Task[];
}

/** What a reader hears about the cache: `warn`, a cache it could not use; `debug`, a cache it could not write. */
export interface CacheTell {
  warn: (msg: string) => void;
  debug: (msg: string) => void;
}

const count = z.number().int().nonnegative();
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const duplicateCount = z.object({ count, firstLine: count }).strict();
const headerSchema = z
  .object({
    format: z.literal(FORMAT),
    gaplens: z.string(),
    samplesSchema: z.array(z.number()),
    byteOrder: z.string(),
    run: sha256Hex,
    covered: z.object({ bytes: count, lines: count, head: sha256Hex, tail: sha256Hex }).strict(),
    duplicates: z.object({ generation: duplicateCount, verification: duplicateCount }).strict(),
    rows: count,
    answers: z.array(z.string()),
    kinds: z.array(z.string().min(1)),
    verifiers: z.array(z.string().min(1)),
    draws: z.array(z.tuple([z.string().min(1), count])),
    failures: z.array(z.tuple([count, z.array(z.tuple([z.string().min(1), count]))])),
  })
  .strict();
type Header = z.infer<typeof headerSchema>;

/**
 * The columns of a ColumnState as bytes, in the cache's order, with the rest of the state beside
 * them: views of the state's arrays, not copies (at 1M samples they are ~70 MB), so they hold what
 * the store holds until it changes, and are written before it does.
 */
export interface EncodedColumns {
  columns: Buffer[];
  shape: Pick<Header, 'rows' | 'answers' | 'kinds' | 'verifiers' | 'draws' | 'failures'>;
}

type Column = Int32Array | Uint32Array | Float64Array | Uint8Array;

/** The run's identity and the parts of run.json the columns depend on (its other fields change as a run goes on). */
function runKey(manifest: RunManifest): string {
  const { id, createdAt, tasksSha256, config } = manifest;
  return sha256(stableStringify({ id, createdAt, tasksSha256, n: config.n, verifications: config.verifications ?? {} }));
}

export function columnCachePath(dir: string): string {
  return path.join(dir, COLUMN_CACHE_FILE);
}

/** The state's arrays in the cache's order: the sample columns, then each verifier's, then each draw's. */
function columnsOf(state: ColumnState): Column[] {
  const stage = (c: { score: Float64Array; offset: Float64Array; problem: Uint8Array }): Column[] => [c.score, c.offset, c.problem];
  return [
    state.task,
    state.index,
    state.generation,
    state.correct,
    state.answer,
    state.extracted,
    state.firstVerificationLine,
    state.generationProblem,
    ...state.verifiers.flatMap(([, column]) => stage(column)),
    ...state.draws.flatMap(([, columns]) => columns.flatMap(stage)),
  ];
}

const padded = (bytes: number): number => Math.ceil(bytes / 8) * 8;
/** What pads a column to a multiple of 8 bytes. */
const ZEROS = Buffer.alloc(8);

/** The state's columns as byte views (see EncodedColumns: valid while the store is unchanged). */
export function encodeColumns(state: ColumnState): EncodedColumns {
  const columns = columnsOf(state).map((c) => Buffer.from(c.buffer, c.byteOffset, state.rows * c.BYTES_PER_ELEMENT));
  const { rows, answers, kinds, verifiers, draws, failures } = state;
  return { columns, shape: { rows, answers, kinds, verifiers: verifiers.map(([name]) => name), draws: draws.map(([name, d]) => [name, d.length]), failures } };
}

/** Whether a read that ended at `end`, having loaded a cache up to `from` (null: none), should write the cache. */
export function worthWriting(end: ScanEnd, from: ScanPosition | null): boolean {
  // Only a scan that read every line whole leaves a store that matches a prefix of the file.
  if (!end.complete || end.offset === 0) return false;
  return from === null || end.offset - from.offset >= REWRITE_TAIL_BYTES;
}

/**
 * Writes the cache of the run's columns as a scan that ended at `end` left them: to a temp file,
 * renamed over the cache (a reader sees the old cache or the new one; one torn by a crash fails its
 * checksum). The store the columns view must not change until it resolves. Never fails: why a
 * folder could not take it is told through `debug`.
 */
export async function writeColumnCache(run: CachedRun, columns: EncodedColumns, end: ScanPosition, samplesFile: string, tell: CacheTell): Promise<void> {
  const file = columnCachePath(run.dir);
  const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    const edges = await prefixEdges(samplesFile, end.offset);
    if (edges === null) return;
    const header: Header = {
      format: FORMAT,
      gaplens: GAPLENS_VERSION,
      samplesSchema: [...SAMPLES_SCHEMA_VERSIONS],
      byteOrder: BYTE_ORDER,
      run: runKey(run.manifest),
      covered: { bytes: end.offset, lines: end.line, ...edges },
      duplicates: end.duplicates,
      ...columns.shape,
    };
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(json.length);
    const gap = Buffer.alloc(padded(MAGIC.length + 4 + json.length) - (MAGIC.length + 4 + json.length));
    await makeFolder(path.dirname(file));
    // As tool caches do (.pytest_cache, .mypy_cache): a run folder kept in git leaves its cache out.
    await writeFile(path.join(path.dirname(file), '.gitignore'), GITIGNORE, { flag: 'wx' }).catch((err: unknown) => {
      if (errorCode(err) !== 'EEXIST') throw err;
    });
    await removeStaleTemps(path.dirname(file));
    // Part by part, hashed as written: the columns are tens of MB, not copied.
    const parts = [MAGIC, length, json, gap, ...columns.columns.flatMap((c) => [c, ZEROS.subarray(0, padded(c.byteLength) - c.byteLength)])];
    const hash = createHash('sha256');
    const fh = await open(tmp, 'w');
    try {
      for (const part of parts) {
        hash.update(part);
        await writeAll(fh, part);
      }
      await writeAll(fh, hash.digest());
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (err) {
    // Whatever stopped it (a read-only or full disk: EROFS, ENOSPC, a disk that took no bytes…), the cache is only ever an optimization.
    await rm(tmp, { force: true }).catch(() => undefined);
    tell.debug(`${file}: column cache not written (${errorCode(err) ?? (err instanceof Error ? err.message : String(err))}); the next read parses samples.jsonl in full`);
  }
}

/** The temp files of writers killed mid-write (a live writer's is seconds old): each is as large as the cache. */
async function removeStaleTemps(folder: string): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(folder)) {
    if (!TEMP_NAME.test(name)) continue;
    const file = path.join(folder, name);
    const written = await stat(file).catch(() => null);
    if (written !== null && now - written.mtimeMs > STALE_TEMP_MS) await rm(file, { force: true });
  }
}

/** A cache that passed every check: the store's state and where the scan resumes. */
export interface LoadedColumns {
  state: ColumnState;
  position: ScanPosition;
}

/** The run's cache, if present and valid for the run and its samples.jsonl; null otherwise (with a warning if one was there). */
export async function loadColumnCache(run: CachedRun, samplesFile: string, tell: CacheTell): Promise<LoadedColumns | null> {
  const file = columnCachePath(run.dir);
  let bytes: Buffer;
  try {
    bytes = await readWhole(file);
  } catch (err) {
    if (errorCode(err) === 'ENOENT' || errorCode(err) === 'ENOTDIR') return null;
    tell.warn(`${file}: column cache not readable (${errorCode(err) ?? String(err)}); samples.jsonl read in full`);
    return null;
  }
  try {
    return await decode(run, bytes, samplesFile);
  } catch (err) {
    if (!(err instanceof CacheMismatch)) throw err;
    tell.warn(`${file}: column cache not used (${err.message}); samples.jsonl read in full`);
    return null;
  }
}

/**
 * The file's bytes in one read where the OS allows (readFile reads 512 KiB at a time, each a trip
 * through the thread pool: 140 of them for a 1M-sample run's 70 MB cache), into memory of their own,
 * so that the columns can be views of it (columnState).
 */
async function readWhole(file: string): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const bytes = Buffer.allocUnsafeSlow(size);
    for (let at = 0; at < size; ) {
      const { bytesRead } = await fh.read(bytes, at, size - at, at);
      // The file shrank since its size was read: what was read is what the checks see.
      if (bytesRead === 0) return bytes.subarray(0, at);
      at += bytesRead;
    }
    return bytes;
  } finally {
    await fh.close();
  }
}

/** Why a cache cannot be used: its message is the reason shown. */
class CacheMismatch extends Error {}

function check(ok: boolean, reason: string): asserts ok {
  if (!ok) throw new CacheMismatch(reason);
}

async function decode(run: CachedRun, bytes: Buffer, samplesFile: string): Promise<LoadedColumns> {
  check(bytes.length >= MAGIC.length + 4 && bytes.subarray(0, MAGIC.length).equals(MAGIC), 'not a Gap Lens column cache');
  const headerLength = bytes.readUInt32LE(MAGIC.length);
  const bodyStart = padded(MAGIC.length + 4 + headerLength);
  check(bodyStart <= bytes.length, 'truncated header');
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + headerLength));
  } catch {
    throw new CacheMismatch('corrupt header');
  }
  // The format first: a later format's header need not parse as this one's.
  const format = (json as { format?: unknown } | null)?.format;
  check(format === FORMAT, `format ${JSON.stringify(format)}, this Gap Lens reads format ${FORMAT}`);
  const parsed = headerSchema.safeParse(json);
  check(parsed.success, parsed.success ? '' : `corrupt header: ${describeIssues(parsed.error)}`);
  const header = parsed.data;
  check(header.gaplens === GAPLENS_VERSION, `written by Gap Lens ${header.gaplens}, this is ${GAPLENS_VERSION}`);
  check(stableStringify(header.samplesSchema) === stableStringify(SAMPLES_SCHEMA_VERSIONS), 'written for other samples schema versions');
  check(header.byteOrder === BYTE_ORDER && endianness() === BYTE_ORDER, 'written on a machine of another byte order');
  check(header.run === runKey(run.manifest), 'written for another run, or run.json or tasks.jsonl changed since');
  check(
    stableStringify(await prefixEdges(samplesFile, header.covered.bytes)) === stableStringify({ head: header.covered.head, tail: header.covered.tail }),
    `samples.jsonl no longer starts with the ${header.covered.bytes} bytes the cache was made from`,
  );
  const body = bytes.subarray(bodyStart, bytes.length - CHECKSUM_BYTES);
  check(bytes.length >= bodyStart + CHECKSUM_BYTES && body.length === bodyBytes(header), 'its columns are not the size its header says');
  check(sha256(bytes.subarray(0, bytes.length - CHECKSUM_BYTES)) === bytes.toString('hex', bytes.length - CHECKSUM_BYTES), 'corrupt (checksum differs)');
  const state = columnState(header, body);
  checkState(run, header, state);
  return { state, position: { offset: header.covered.bytes, line: header.covered.lines, duplicates: header.duplicates } };
}

/** The size of the columns the header describes: eight sample columns, three a verifier and three a draw, each padded to 8 bytes. */
function bodyBytes({ rows, verifiers, draws }: Header): number {
  const stage = padded(8 * rows) * 2 + padded(rows);
  const sample = padded(4 * rows) * 4 + padded(8 * rows) * 2 + padded(rows) * 2;
  return sample + stage * (verifiers.length + draws.reduce((sum, [, k]) => sum + k, 0));
}

/**
 * The state the header and body describe (bodyBytes checked), its arrays views of the body (sized to
 * its rows) where the body is 8-byte aligned in memory, as a file read whole is; copies otherwise.
 */
function columnState(header: Header, body: Buffer): ColumnState {
  const rows = header.rows;
  const aligned = body.byteOffset % 8 === 0;
  let at = 0;
  const take = <A extends Column>(make: { new (n: number): A; new (buffer: ArrayBufferLike, offset: number, length: number): A; BYTES_PER_ELEMENT: number }): A => {
    const bytes = rows * make.BYTES_PER_ELEMENT;
    const column = aligned ? new make(body.buffer, body.byteOffset + at, rows) : new make(rows);
    if (!aligned) new Uint8Array(column.buffer).set(body.subarray(at, at + bytes));
    at += padded(bytes);
    return column;
  };
  const stage = (): ColumnState['verifiers'][number][1] => ({ score: take(Float64Array), offset: take(Float64Array), problem: take(Uint8Array) });
  const state: ColumnState = {
    rows,
    task: take(Int32Array),
    index: take(Float64Array),
    generation: take(Float64Array),
    correct: take(Uint8Array),
    answer: take(Int32Array),
    extracted: take(Int32Array),
    firstVerificationLine: take(Uint32Array),
    generationProblem: take(Uint8Array),
    verifiers: header.verifiers.map((name) => [name, stage()]),
    draws: header.draws.map(([name, k]) => [name, Array.from({ length: k }, stage)]),
    answers: header.answers,
    kinds: header.kinds,
    failures: header.failures,
  };
  return state;
}

/**
 * Every value in range, as a scan of this run could have left it: a cache that passes cannot make
 * the store hold what no read would. (Per row, a constant reason or null: a message is only built
 * for a row that fails, as a million rows are checked on every open.)
 */
function checkState(run: CachedRun, header: Header, state: ColumnState): void {
  const { n, verifications } = run.manifest.config;
  const tasks = run.tasks.length;
  const { bytes: covered, lines } = header.covered;
  const isOffset = (v: number): boolean => v === -1 || (Number.isSafeInteger(v) && v >= 0 && v < covered);
  const isCode = (v: number, of: number): boolean => v >= -1 && v < of;
  const kinds = state.kinds.length;
  const seen = new Uint8Array(tasks * n);
  const extra = new Set<string>();
  const sampleProblem = (row: number): string | null => {
    const task = state.task[row] as number;
    const index = state.index[row] as number;
    if (!(task >= 0 && task < tasks && Number.isSafeInteger(index) && index >= 0)) return 'names no sample of the run';
    if (index < n) {
      if (seen[task * n + index] !== 0) return 'repeats a sample';
      seen[task * n + index] = 1;
    } else {
      if (extra.has(`${task}:${index}`)) return 'repeats a sample';
      extra.add(`${task}:${index}`);
    }
    if (!isOffset(state.generation[row] as number) || (state.correct[row] as number) > 1) return 'bad generation';
    // A row without a generation (only call failures, or verifications so far) has the store's initial values.
    if (state.generation[row] === -1) {
      if (state.answer[row] !== 0 || state.extracted[row] !== 0 || state.correct[row] !== 0) return 'bad answer';
    } else if (!isCode(state.answer[row] as number, state.answers.length) || !isCode(state.extracted[row] as number, state.answers.length)) return 'bad answer';
    if ((state.firstVerificationLine[row] as number) > lines || (state.generationProblem[row] as number) > kinds) return 'bad line or failure kind';
    return null;
  };
  const stageProblem = (column: ColumnState['verifiers'][number][1], row: number): string | null => {
    const score = column.score[row] as number;
    if (!(Number.isNaN(score) || score === MISSING_SCORE || Number.isFinite(score))) return 'bad score';
    if (!isOffset(column.offset[row] as number) || (column.problem[row] as number) > kinds) return 'bad offset or failure kind';
    return null;
  };
  for (let row = 0; row < state.rows; row++) {
    const problem = sampleProblem(row);
    if (problem !== null) throw new CacheMismatch(`row ${row}: ${problem}`);
  }
  const unique = (list: readonly string[]): boolean => new Set(list).size === list.length;
  check(unique(state.answers) && unique(state.kinds), 'an answer or failure kind twice');
  check(unique(state.verifiers.map(([name]) => name)) && unique(state.draws.map(([name]) => name)), 'a verifier twice');
  for (const [name, columns] of state.draws) check(columns.length >= 2 && columns.length === drawCount({ verifications }, name), `verifier ${name}: not the run's draws`);
  for (const [name, column] of [...state.verifiers, ...state.draws.flatMap(([name, columns]) => columns.map((c) => [name, c] as const))]) {
    for (let row = 0; row < state.rows; row++) {
      const problem = stageProblem(column, row);
      if (problem !== null) throw new CacheMismatch(`verifier ${name}, row ${row}: ${problem}`);
    }
  }
  const failedRows = new Set<number>();
  for (const [row, stages] of state.failures) {
    check(row < state.rows && !failedRows.has(row) && stages.length > 0, `failures of row ${row}`);
    failedRows.add(row);
    check(unique(stages.map(([stage]) => stage)) && stages.every(([, offset]) => offset < covered), `failures of row ${row}`);
  }
}

/**
 * Hashes of the first and last EDGE_BYTES of the file's first `bytes` bytes; null if the file is
 * shorter. An edit elsewhere in a long prefix goes unseen (docs/run-format.md says so, and how to
 * force a full read).
 */
async function prefixEdges(file: string, bytes: number): Promise<{ head: string; tail: string } | null> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return null;
    throw err;
  }
  try {
    if ((await fh.stat()).size < bytes) return null;
    const edge = async (start: number): Promise<string> => {
      const buf = Buffer.alloc(Math.min(EDGE_BYTES, bytes - start));
      const { bytesRead } = await fh.read(buf, 0, buf.length, start);
      return sha256(buf.subarray(0, bytesRead));
    };
    return { head: await edge(0), tail: await edge(Math.max(0, bytes - EDGE_BYTES)) };
  } finally {
    await fh.close();
  }
}
