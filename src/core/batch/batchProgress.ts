// Where a run's batches stand (docs/batch.md, "Progress"), read from its batch state alone, so that
// the executing process, `gaplens report` of a live run and VS Code all say the same: the latest
// phase and what its requests are for, its shards by where they are, its requests done, and what
// every batch so far cost at the batch prices of the pricing file.
import { moneyText } from '../cost/costText';
import { atBatchPrices, type Pricing } from '../cost/pricing';
import { SpendMeter, type Spend } from '../cost/spend';
import { plural } from '../util/plural';
import { isFinal } from './batchClient';
import type { BatchState, ShardRecord } from './batchState';

export interface BatchProgress {
  /** The latest phase that has shards (0: none yet). */
  phase: number;
  /** Its requests per stage (`generation` or a verifier's name). */
  stages: Record<string, number>;
  /** Its shards: not yet submitted; submitted and waiting to start (validating); running (in progress, finalizing, cancelling); completed; failed, expired or cancelled. */
  shards: { toSubmit: number; submitted: number; inProgress: number; done: number; failed: number };
  /** Its requests, and those the engine finished (answered or failed). */
  requests: { total: number; done: number };
  /** Every batch's answers so far at the batch prices; null without a pricing file to price them. */
  spend: Spend | null;
  /** Result files imported (`gaplens batch import`). */
  imports: number;
}

export function batchProgress(state: BatchState, pricing: Pricing | undefined): BatchProgress {
  const phase = Math.max(0, ...state.shards.map((s) => s.phase));
  const current = state.shards.filter((s) => s.phase === phase);
  const stages: Record<string, number> = {};
  for (const shard of current) for (const [stage, count] of Object.entries(shard.stages)) stages[stage] = (stages[stage] ?? 0) + count;
  const shards = { toSubmit: 0, submitted: 0, inProgress: 0, done: 0, failed: 0 };
  for (const shard of current) shards[whereIs(shard)]++;
  const requests = {
    total: current.reduce((sum, s) => sum + s.requests, 0),
    done: current.reduce((sum, s) => sum + (s.counts ? Math.min(s.requests, s.counts.completed + s.counts.failed) : 0), 0),
  };
  return { phase, stages, shards, requests, spend: pricing ? batchSpend(state, pricing) : null, imports: state.imports.length };
}

function whereIs(shard: ShardRecord): keyof BatchProgress['shards'] {
  switch (shard.status) {
    case 'written':
    case 'uploaded':
      return 'toSubmit';
    case 'validating':
      return 'submitted';
    case 'completed':
      return 'done';
    default:
      return isFinal(shard.status) ? 'failed' : 'inProgress';
  }
}

/** What the answers of every downloaded batch cost at the batch prices (pricing.ts, atBatchPrices). */
function batchSpend(state: BatchState, pricing: Pricing): Spend {
  const meter = new SpendMeter(atBatchPrices(pricing));
  for (const { model, usage } of state.shards) {
    if (!usage) continue;
    meter.add(model, { promptTokens: usage.promptTokens, cachedPromptTokens: usage.cachedPromptTokens, completionTokens: usage.completionTokens, ...(usage.unreported > 0 ? { unreported: true as const } : {}) });
  }
  return meter.spend();
}

/** What every batch so far cost at the batch prices: an amount, or why there is none (never a guessed 0). */
export type BatchCost = { amount: number; currency: string | null; text: string } | { amount: null; why: string };

export function batchCost(p: BatchProgress): BatchCost {
  if (!p.spend) return { amount: null, why: 'no pricing file to price the batches (docs/cost.md)' };
  if (p.spend.byModel.length === 0) return { amount: null, why: 'no batch has been downloaded yet' };
  if (p.spend.total === null) return { amount: null, why: p.spend.unknownBecause ?? 'a model has no price' };
  return { amount: p.spend.total, currency: p.spend.currency, text: moneyText(p.spend.total, p.spend.currency) };
}

/** What the panel shows of a run's batches (panelProtocol.ts, 'batch'): null before the first shard. */
export function batchPanelFigures(p: BatchProgress): { phase: number; stages: Record<string, number>; shards: BatchProgress['shards']; requests: BatchProgress['requests']; cost: BatchCost } | null {
  if (p.phase === 0) return null;
  return { phase: p.phase, stages: p.stages, shards: p.shards, requests: p.requests, cost: batchCost(p) };
}

/** One line: `batch phase 2 (mc 320, tournament 160): shards 0 to submit, 1 submitted, 2 in progress, 3 done, 0 failed; 150/480 requests done; batches so far 0.0123 USD at batch prices`. */
export function batchProgressText(p: BatchProgress): string {
  if (p.phase === 0) return p.imports > 0 ? `batch: ${plural(p.imports, 'result file')} imported` : 'batch: nothing submitted yet';
  const stages = Object.entries(p.stages).map(([stage, count]) => `${stage} ${count}`).join(', ');
  const { toSubmit, submitted, inProgress, done, failed } = p.shards;
  // Said once it is known: "unknown" on every line would say nothing new (the estimate says why).
  const spent = batchCost(p);
  const cost = spent.amount === null ? '' : `; batches so far ${spent.text} at batch prices`;
  return `batch phase ${p.phase} (${stages}): shards ${toSubmit} to submit, ${submitted} submitted, ${inProgress} in progress, ${done} done, ${failed} failed; ${p.requests.done}/${p.requests.total} requests done${cost}`;
}
