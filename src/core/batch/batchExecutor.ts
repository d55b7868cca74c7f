// The batch executors (docs/batch.md): a run proceeds in phases. Each phase is one pass of the
// ordinary pipeline in which every call is answered from the run's batch results or set aside
// (batchTransport.ts); the requests set aside are written as shards, and then
// - remote (`--executor batch`): uploaded, submitted, polled with back-off and downloaded through
//   the OpenAI Files and Batches endpoints, recorded in the run folder step by step
//   (batchState.ts), until the next pass has nothing left to ask;
// - export (`gaplens batch export`): written to a folder for an engine elsewhere (vLLM's
//   run-batch), and the execution waits;
// - ingest (`gaplens batch import`, `--executor offline`): one pass over the results at hand.
// Records, statistics and resume are those of an online run: the pipeline is the same.
import { readLines } from '../runs/jsonlFile';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { abortReason } from '../llm/abort';
import { parseModelSpec } from '../llm/modelSpec';
import { readUsage } from '../llm/openaiResponses';
import type { Pricing } from '../cost/pricing';
import type { Executor, ExecutorEnd, ModelTransport } from '../pipeline/executor';
import { makeFolder } from '../runs/files';
import { UserError } from '../util/errors';
import type { Verifier } from '../verify/verifier';
import { createBatchClient, isFinal, type BatchClient, type RemoteBatch } from './batchClient';
import { apiOfBatchUrl, batchUrlOf, isSuccess, type BatchRequest, type BatchResult } from './batchLines';
import { batchProgress, type BatchProgress } from './batchProgress';
import { batchFolder, emptyBatchState, isSettled, readBatchState, writeBatchState, type BatchState, type ShardRecord, type ShardUsage } from './batchState';
import { BatchTransport, type RequestSink } from './batchTransport';
import { ResultIndex } from './resultIndex';
import { ShardWriter, type ShardLimits, type WrittenShard } from './shardWriter';

export type BatchMode =
  | {
      kind: 'remote';
      limits: ShardLimits;
      /** The first wait between polls; each next wait doubles, up to POLL_GROWTH times this. */
      pollMs: number;
      keyFor?: (model: string) => string | undefined;
    }
  | {
      kind: 'export';
      out: string;
      limits: ShardLimits;
      /** Shards filled side by side (one per node). */
      spread: number;
      /** Only requests of these stages are written (the others still make the run wait). */
      stages?: readonly string[];
      /** Told what the pass set aside, per stage, whether written or not. */
      onExported: (written: WrittenShard[], setAside: Record<string, number>) => void;
    }
  | { kind: 'ingest' };

export interface BatchExecutorOptions {
  /** The run folder. */
  dir: string;
  runId: string;
  mode: BatchMode;
  /** Submissions of a request after its first, for an error worth a retry or a request its batch never ran (--retries). */
  maxRetries: number;
  /** Prices the progress's cost (at the batch prices). */
  pricing?: Pricing;
  onProgress?: (progress: BatchProgress) => void;
  onMessage?: (message: string) => void;
}

/** The first wait between two polls by default (then doubling, up to 12 times as long: 2 minutes). */
export const DEFAULT_POLL_MS = 10_000;
/** The longest wait between two polls, as a multiple of the first. */
const POLL_GROWTH = 12;
/** How long cancelling the remote batches may take once the user cancelled. */
const CANCEL_TIMEOUT_MS = 60_000;

export class BatchExecutor implements Executor {
  /** The results received, and how many recorded shards hold each custom_id (remote only). */
  private readonly index = new ResultIndex();
  private readonly answers: BatchTransport;
  private readonly clients = new Map<string, BatchClient>();
  /** The latest answer of the API about each shard's batch (by shard name), for its file ids. */
  private readonly remote = new Map<string, RemoteBatch>();

  constructor(private readonly opts: BatchExecutorOptions) {
    this.answers = new BatchTransport(this.index, { attempts: (id) => this.index.submissions(id), maxRetries: opts.maxRetries });
  }

  transport(model: string, api: 'chat' | 'completions'): ModelTransport {
    const spec = parseModelSpec(model);
    return this.answers.forModel(model, batchUrlOf(api, spec.backend === 'openai' ? spec.provider : undefined));
  }

  verifier(verifier: Verifier): Verifier {
    return this.answers.labelled(verifier);
  }

  async run(pass: () => Promise<void>, signal: AbortSignal): Promise<ExecutorEnd> {
    const { mode, dir } = this.opts;
    const state: BatchState = (await readBatchState(dir)) ?? emptyBatchState();
    const folder = batchFolder(dir);
    try {
      for (const file of state.received) await this.index.add(join(folder, file));
      if (mode.kind === 'remote') await this.countAttempts(state);
      for (;;) {
        if (mode.kind === 'remote') await this.settle(state, signal);
        const written = await this.onePass(pass, state);
        if (written === null) return 'done';
        if (mode.kind !== 'remote') return 'waiting';
        await this.save(state);
      }
    } finally {
      await this.index.close();
    }
  }

  /**
   * One pass of the pipeline with a sink for what it sets aside: null when it set nothing aside
   * (everything it could do is done), else the shards it wrote (none for ingest).
   */
  private async onePass(pass: () => Promise<void>, state: BatchState): Promise<WrittenShard[] | null> {
    const { mode, dir } = this.opts;
    const setAside: Record<string, number> = {};
    let writer: ShardWriter | null = null;
    if (mode.kind === 'remote') {
      const shardsDir = join(batchFolder(dir), 'shards');
      await makeFolder(shardsDir);
      const first = state.shards.length;
      writer = new ShardWriter(shardsDir, { limits: mode.limits, nameOf: (k) => String(first + k + 1).padStart(4, '0') });
    } else if (mode.kind === 'export') {
      await makeFolder(mode.out);
      writer = new ShardWriter(mode.out, { limits: mode.limits, nameOf: (k) => `requests-${String(k + 1).padStart(4, '0')}`, spread: mode.spread });
    }
    const sink: RequestSink = {
      add: (model: string, request: BatchRequest, stage: string) => {
        setAside[stage] = (setAside[stage] ?? 0) + 1;
        if (mode.kind === 'export' && mode.stages && !mode.stages.includes(stage)) return;
        if (mode.kind === 'remote') this.index.countSubmission(request.customId);
        writer?.add(model, request, stage);
      },
    };
    this.answers.beginPass(sink);
    let written: WrittenShard[];
    try {
      await pass();
      await this.answers.idle();
    } finally {
      this.answers.endPass();
      // Closes the files whatever happened; a pass that failed left no shard the state knows of.
      written = (await writer?.finish()) ?? [];
    }
    if (mode.kind === 'export') mode.onExported(written, setAside);
    if (Object.keys(setAside).length === 0) return null;
    if (mode.kind === 'remote') {
      const phase = 1 + Math.max(0, ...state.shards.map((s) => s.phase));
      for (const shard of written) state.shards.push({ ...shard, file: relative(batchFolder(dir), shard.file), phase, status: 'written' });
    }
    return written;
  }

  /** Takes every shard not yet settled to the end: submitted if it is not, polled with back-off until final, downloaded. */
  private async settle(state: BatchState, signal: AbortSignal): Promise<void> {
    const live = state.shards.filter((s) => !isSettled(s));
    if (live.length === 0) return;
    const { pollMs } = this.opts.mode as Extract<BatchMode, { kind: 'remote' }>;
    let wait = pollMs;
    try {
      for (;;) {
        for (const shard of live) if (!isSettled(shard)) await this.advance(state, shard, signal);
        this.report(state);
        if (live.every(isSettled)) break;
        await sleep(wait, undefined, { signal }).catch(() => {
          throw abortReason(signal);
        });
        wait = Math.min(wait * 2, pollMs * POLL_GROWTH);
      }
    } catch (err) {
      if (signal.aborted) await this.cancel(state);
      throw err;
    }
    const failed = live.filter((s) => s.status === 'failed');
    if (failed.length > 0) {
      throw new UserError(
        `${failed.length === 1 ? 'a batch' : `${failed.length} batches`} failed: ${failed.map((s) => `${s.batchId ?? s.name} (shard ${s.name}): ${s.error ?? 'no reason given'}`).join('; ')}. ` +
          'A resume submits their requests again.',
      );
    }
  }

  /** One step of a shard: upload, submit, poll or download; each outcome recorded before the next. */
  private async advance(state: BatchState, shard: ShardRecord, signal: AbortSignal): Promise<void> {
    const client = this.clientFor(shard.model);
    const folder = batchFolder(this.opts.dir);
    if (shard.inputFileId === undefined) {
      shard.inputFileId = await client.upload(join(folder, shard.file), `${this.opts.runId}-${shard.name}.jsonl`, signal);
      shard.status = 'uploaded';
      await this.save(state);
    }
    if (shard.batchId === undefined) {
      // A create whose answer was lost may have made the batch: look before making it again.
      const made = shard.submitting ? await client.findByInputFile(shard.inputFileId, signal) : undefined;
      if (!made) {
        shard.submitting = true;
        await this.save(state);
      }
      const batch = made ?? (await client.create(shard.inputFileId, shard.url, { gaplens_run: this.opts.runId, gaplens_shard: shard.name }, signal));
      delete shard.submitting;
      this.seen(shard, batch);
      await this.save(state);
      return;
    }
    if (!isFinal(shard.status)) {
      const batch = await client.retrieve(shard.batchId, signal);
      const changed = batch.status !== shard.status || batch.counts.completed + batch.counts.failed !== (shard.counts ? shard.counts.completed + shard.counts.failed : 0);
      this.seen(shard, batch);
      if (changed) await this.save(state);
      if (!isFinal(shard.status)) return;
    }
    await this.download(state, shard, client, signal);
  }

  private seen(shard: ShardRecord, batch: RemoteBatch): void {
    shard.batchId = batch.id;
    shard.status = batch.status;
    shard.counts = batch.counts;
    if (batch.errors) shard.error = batch.errors;
    this.remote.set(shard.name, batch);
  }

  /** Downloads a final batch's output and error files into the run folder and indexes them; the shard is then settled. */
  private async download(state: BatchState, shard: ShardRecord, client: BatchClient, signal: AbortSignal): Promise<void> {
    // A resumed run knows the status but not the file ids: it asks again.
    const batch = this.remote.get(shard.name) ?? (await client.retrieve(shard.batchId as string, signal));
    const folder = batchFolder(this.opts.dir);
    await makeFolder(join(folder, 'results'));
    const files: string[] = [];
    const usage: ShardUsage = { promptTokens: 0, cachedPromptTokens: 0, completionTokens: 0, unreported: 0 };
    for (const [fileId, kind] of [[batch.outputFileId, 'output'], [batch.errorFileId, 'errors']] as const) {
      if (fileId === undefined) continue;
      const file = join('results', `${shard.name}.${kind}.jsonl`);
      await client.download(fileId, join(folder, file), signal);
      const counted = new Set<string>();
      await this.index.add(join(folder, file), (result) => {
        if (!isSuccess(result) || counted.has(result.customId)) return;
        counted.add(result.customId);
        addUsage(usage, result, apiOfBatchUrl(shard.url));
      });
      files.push(file);
    }
    shard.results = files;
    shard.usage = usage;
    state.received.push(...files);
    await this.save(state);
  }

  /** The user cancelled: every submitted batch still running is cancelled, and that is recorded. */
  private async cancel(state: BatchState): Promise<void> {
    const signal = AbortSignal.timeout(CANCEL_TIMEOUT_MS);
    for (const shard of state.shards) {
      if (shard.batchId === undefined || isSettled(shard) || isFinal(shard.status) || shard.status === 'cancelling') continue;
      try {
        const batch = await this.clientFor(shard.model).cancel(shard.batchId, signal);
        shard.status = batch.status;
        shard.cancelled = true;
        this.opts.onMessage?.(`cancelled batch ${shard.batchId} (shard ${shard.name})`);
      } catch (err) {
        this.opts.onMessage?.(`batch ${shard.batchId} (shard ${shard.name}) could not be cancelled: ${(err as Error).message}`);
      }
    }
    await this.save(state);
  }

  /** How many recorded shards hold each custom_id: a request's submissions so far. */
  private async countAttempts(state: BatchState): Promise<void> {
    const folder = batchFolder(this.opts.dir);
    for (const shard of state.shards) {
      for await (const { text } of readLines(join(folder, shard.file))) {
        const id = customIdOf(text);
        if (id !== undefined) this.index.countSubmission(id);
      }
    }
  }

  private clientFor(model: string): BatchClient {
    let client = this.clients.get(model);
    if (!client) {
      const spec = parseModelSpec(model);
      if (spec.backend !== 'openai') throw new UserError(`the batch executor cannot submit to ${model}: only OpenAI-compatible endpoints take batches`);
      const mode = this.opts.mode as Extract<BatchMode, { kind: 'remote' }>;
      client = createBatchClient(spec, mode.keyFor?.(model));
      this.clients.set(model, client);
    }
    return client;
  }

  private async save(state: BatchState): Promise<void> {
    await writeBatchState(this.opts.dir, state);
  }

  private report(state: BatchState): void {
    this.opts.onProgress?.(batchProgress(state, this.opts.pricing));
  }
}

function customIdOf(line: string): string | undefined {
  try {
    const id = (JSON.parse(line) as { custom_id?: unknown }).custom_id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

function addUsage(total: ShardUsage, result: BatchResult, api: 'chat' | 'completions'): void {
  if (result.kind !== 'answer') return;
  try {
    const usage = readUsage(api, result.body, result.customId);
    total.promptTokens += usage.promptTokens;
    total.cachedPromptTokens += usage.cachedPromptTokens ?? 0;
    total.completionTokens += usage.completionTokens;
    if (usage.unreported) total.unreported++;
  } catch {
    total.unreported++;
  }
}
