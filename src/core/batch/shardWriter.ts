// Writes batch requests into shard files as they are collected, so a phase of a million requests
// never sits in memory: each shard stays within a batch file's limits (requests and bytes), and
// holds requests for one model and one endpoint (a batch names one endpoint for all its lines).
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../util/errors';
import { requestLine, type BatchRequest, type BatchUrl } from './batchLines';

export interface ShardLimits {
  /** Requests per file. */
  maxRequests: number;
  /** Bytes per file. */
  maxBytes: number;
}

/** The OpenAI Batch API's limits of one input file (docs/batch.md). */
export const OPENAI_BATCH_LIMITS: ShardLimits = { maxRequests: 50_000, maxBytes: 200 * 1024 * 1024 };

/** A shard file as written. */
export interface WrittenShard {
  /** The shard's name (its file is NAME.jsonl). */
  name: string;
  file: string;
  /** The model spec whose endpoint the shard's requests go to. */
  model: string;
  url: BatchUrl;
  requests: number;
  bytes: number;
  /** Requests per stage: `generation` or a verifier's name. */
  stages: Record<string, number>;
}

export interface ShardWriterOptions {
  limits: ShardLimits;
  /** The name of the k-th shard this writer opens (k from 0). */
  nameOf: (k: number) => string;
  /** Shards filled side by side, request i going to the (i mod spread)-th (default 1): for one shard per node. */
  spread?: number;
}

/** Buffered lines go to disk once this many bytes wait. */
const FLUSH_BYTES = 1 << 20;

interface OpenShard extends WrittenShard {
  handle: Promise<FileHandle>;
  buffered: string[];
  bufferedBytes: number;
}

export class ShardWriter {
  private readonly slots = new Map<string, (OpenShard | undefined)[]>();
  private readonly written: OpenShard[] = [];
  private readonly spread: number;
  private counter = 0;
  // Writes run one after another, in the order requests were added.
  private work: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(
    private readonly dir: string,
    private readonly opts: ShardWriterOptions,
  ) {
    this.spread = opts.spread ?? 1;
  }

  get requests(): number {
    return this.written.reduce((sum, s) => sum + s.requests, 0);
  }

  /** Adds a request for `model`'s endpoint; what fails surfaces in finish(). */
  add(model: string, request: BatchRequest, stage: string): void {
    const line = `${requestLine(request)}\n`;
    const size = Buffer.byteLength(line);
    const { maxRequests, maxBytes } = this.opts.limits;
    if (size > maxBytes) {
      this.failure ??= new UserError(`a request (${request.customId}) takes ${size} bytes, more than a batch file may hold (${maxBytes}): lower --max-tokens or the prompt size, or raise the batch file limit`);
      return;
    }
    const key = `${model}\u0000${request.url}`;
    const slot = this.slots.get(key) ?? [];
    this.slots.set(key, slot);
    const at = this.counter++ % this.spread;
    let shard = slot[at];
    if (!shard || shard.requests >= maxRequests || shard.bytes + size > maxBytes) {
      if (shard) this.flush(shard);
      shard = this.openShard(model, request.url);
      slot[at] = shard;
    }
    shard.requests++;
    shard.bytes += size;
    shard.stages[stage] = (shard.stages[stage] ?? 0) + 1;
    shard.buffered.push(line);
    shard.bufferedBytes += size;
    if (shard.bufferedBytes >= FLUSH_BYTES) this.flush(shard);
  }

  /** Writes what is buffered, flushes every file to disk and closes it; the shards in the order they were opened. */
  async finish(): Promise<WrittenShard[]> {
    for (const shard of this.written) this.flush(shard);
    this.queue(async () => {
      for (const shard of this.written) await (await shard.handle).sync();
    });
    await this.work;
    await Promise.all(this.written.map(async (shard) => (await shard.handle.catch(() => undefined))?.close()));
    if (this.failure !== undefined) throw this.failure;
    return this.written.map(({ handle: _h, buffered: _b, bufferedBytes: _n, ...shard }) => shard);
  }

  private openShard(model: string, url: BatchUrl): OpenShard {
    const name = this.opts.nameOf(this.written.length);
    const file = join(this.dir, `${name}.jsonl`);
    const handle = open(file, 'w');
    // Awaited in order by the queue; a failure to open is reported by finish().
    handle.catch(() => undefined);
    const shard: OpenShard = { name, file, model, url, requests: 0, bytes: 0, stages: {}, handle, buffered: [], bufferedBytes: 0 };
    this.written.push(shard);
    return shard;
  }

  private flush(shard: OpenShard): void {
    if (shard.buffered.length === 0) return;
    const text = shard.buffered.join('');
    shard.buffered = [];
    shard.bufferedBytes = 0;
    this.queue(async () => {
      await (await shard.handle).write(text);
    });
  }

  private queue(step: () => Promise<void>): void {
    this.work = this.work.then(async () => {
      if (this.failure !== undefined) return;
      try {
        await step();
      } catch (err) {
        this.failure = err;
      }
    });
  }
}
