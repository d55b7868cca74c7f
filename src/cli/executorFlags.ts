// How `run` and `reverify` reach their models (docs/batch.md): online (each call when it is made),
// in batches through the OpenAI Batch API (`--executor batch`), or not at all until results are
// imported (`--executor offline`, with `gaplens batch export` / `batch import`). The batch settings
// are execution settings: a resume may change them.
import { batchEndpointOf } from '../core/batch/batchClient';
import { BatchExecutor, DEFAULT_POLL_MS, type BatchMode } from '../core/batch/batchExecutor';
import { batchProgressText } from '../core/batch/batchProgress';
import { batchesOut } from '../core/batch/batchState';
import { OPENAI_BATCH_LIMITS, type ShardLimits } from '../core/batch/shardWriter';
import type { Pricing } from '../core/cost/pricing';
import { parseModelSpec } from '../core/llm/modelSpec';
import type { Executor } from '../core/pipeline/executor';
import { readManifest } from '../core/runs/runStore';
import { UserError } from '../core/util/errors';
import { numberOpt, stringOpt, type RawValues } from './options';

export const EXECUTOR_OPTIONS = {
  executor: { type: 'string' },
  'batch-poll-ms': { type: 'string' },
  'batch-max-requests': { type: 'string' },
  'batch-max-mb': { type: 'string' },
} as const;

export type ExecutorKind = 'online' | 'batch' | 'offline';

export interface ExecutorSettings {
  kind: ExecutorKind;
  /** The first wait between two polls of a batch. */
  pollMs: number;
  limits: ShardLimits;
}

const MIB = 1024 * 1024;

/** The executor flags, checked (usage errors, exit 2). */
export function executorSettings(v: RawValues, costLimit: number | undefined): ExecutorSettings {
  const kind = stringOpt(v, 'executor') ?? 'online';
  if (kind !== 'online' && kind !== 'batch' && kind !== 'offline') throw new UserError(`--executor '${kind}' is not valid: use online, batch or offline`, 2);
  // A batch is paid as a whole once submitted: a limit checked as answers land could not be kept.
  if (kind !== 'online' && costLimit !== undefined) throw new UserError(`--cost-limit applies to online runs only: a batch is spent as a whole once submitted; see what a run may cost with --estimate`, 2);
  return {
    kind,
    pollMs: numberOpt(v, 'batch-poll-ms', DEFAULT_POLL_MS, { integer: true, min: 1, max: 3_600_000 }),
    limits: {
      maxRequests: numberOpt(v, 'batch-max-requests', OPENAI_BATCH_LIMITS.maxRequests, { integer: true, min: 1, max: 1_000_000 }),
      maxBytes: Math.floor(numberOpt(v, 'batch-max-mb', OPENAI_BATCH_LIMITS.maxBytes / MIB, { min: 0.001, max: 100_000 }) * MIB),
    },
  };
}

/** With --executor batch, every model the execution calls must name one endpoint (a usage error, before anything is created). */
export function checkBatchEndpoints(kind: ExecutorKind, models: readonly string[]): void {
  if (kind !== 'batch') return;
  for (const model of models) {
    const spec = parseModelSpec(model);
    if (spec.backend === 'openai') batchEndpointOf(spec);
  }
}

/**
 * A resume of a run whose batches are still out is refused with another executor (usage error):
 * their answers would be paid for and not used.
 */
export async function checkLiveBatches(dir: string, kind: ExecutorKind): Promise<void> {
  if (kind === 'batch') return;
  const live = await batchesOut(dir);
  if (live.length === 0) return;
  throw new UserError(
    `${dir} has ${live.length} batch shard${live.length === 1 ? '' : 's'} submitted or about to be (${live.map((s) => s.batchId ?? s.name).join(', ')}): ` +
      'resume it with --executor batch to collect their answers (Ctrl-C there cancels them)',
    2,
  );
}

export interface ExecutorContext {
  dir: string;
  maxRetries: number | undefined;
  keyFor: (model: string) => string | undefined;
  pricing: Pricing;
}

/** The executor of the settings, for a run folder, reporting through `log`; undefined: online. */
export async function executorFor(settings: ExecutorSettings, ctx: ExecutorContext, log: (message: string) => void): Promise<Executor | undefined> {
  if (settings.kind === 'online') return undefined;
  const mode: BatchMode = settings.kind === 'batch' ? { kind: 'remote', limits: settings.limits, pollMs: settings.pollMs, keyFor: ctx.keyFor } : { kind: 'ingest' };
  let last = '';
  return new BatchExecutor({
    dir: ctx.dir,
    runId: (await readManifest(ctx.dir)).id,
    mode,
    maxRetries: ctx.maxRetries ?? 6,
    pricing: ctx.pricing,
    onMessage: log,
    onProgress: (progress) => {
      // Said when it changes, not on every poll.
      const text = batchProgressText(progress);
      if (text !== last) log((last = text));
    },
  });
}
