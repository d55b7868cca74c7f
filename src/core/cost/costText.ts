// How costs read in the CLI and in VS Code: amounts with what they are in and what they rest on,
// bounds rounded up so that a bound shown is still a bound, "unknown" with the reason.
import { plural } from '../util/plural';
import type { CostBound, RunEstimate } from './estimate';
import { PROMPT_TOKEN_ALLOWANCE } from './estimate';
import type { CostLimitReachedError, Spend } from './spend';

/**
 * An amount to two decimals from 1 on, to three significant digits below (0.000123); `up` rounds
 * up at that precision, for upper bounds.
 */
export function formatAmount(amount: number, round: 'up' | 'nearest' = 'nearest'): string {
  if (amount === 0) return '0';
  const decimals = amount >= 1 ? 2 : 2 - Math.floor(Math.log10(amount));
  const scale = 10 ** decimals;
  // The small slack keeps 0.0312 from rounding up to 0.0313 because 0.0312 × 10^4 is 312.00000000000006.
  const scaled = round === 'up' ? Math.ceil(amount * scale - 1e-9) : Math.round(amount * scale);
  return (scaled / scale).toFixed(decimals);
}

export function moneyText(amount: number, currency: string | null, round: 'up' | 'nearest' = 'nearest'): string {
  return `${formatAmount(amount, round)}${currency ? ` ${currency}` : ''}`;
}

/** The live or final spend in a few words: "spent 0.0123 USD", or why it is unknown. */
export function spendText(spend: Spend): string {
  return spend.total === null ? `cost unknown: ${spend.unknownBecause ?? 'no price'}` : `spent ${moneyText(spend.total, spend.currency)}`;
}

/** The spend for a progress line: '' until it is known ("unknown" on every redraw would say nothing new). */
export function liveSpendText(spend: Spend | null): string {
  return spend === null || spend.total === null ? '' : spendText(spend);
}

/** What a run stopped at its cost limit spent, against the limit as the user gave it. */
export function limitReachedText({ spent, limit, currency }: CostLimitReachedError): string {
  return `spent ${moneyText(spent, currency)}, the limit is ${limit}${currency ? ` ${currency}` : ''}`;
}

/** The estimate as lines for a terminal or a log: per stage the calls and token bounds, then the cost bound. */
export function estimateLines(estimate: RunEstimate, bound: CostBound, pricingFile: string): string[] {
  if (estimate.stages.length === 0) return ['estimate: nothing left to do, no model call'];
  const n = (x: number): string => x.toLocaleString('en-US');
  const stageWidth = Math.max(...estimate.stages.map((s) => s.stage.length));
  const tasks = estimate.tasks === estimate.totalTasks ? plural(estimate.tasks, 'task') : `the ${estimate.tasks} of ${estimate.totalTasks} tasks with work left`;
  const lines = [
    `estimate for ${tasks} × ${plural(estimate.n, 'sample')} on ${estimate.model} — upper bounds, without retries:`,
    ...estimate.stages.map(
      (s) =>
        `  ${s.stage.padEnd(stageWidth)}  ${plural(s.calls, 'call')} (≤ ${plural(s.maxRequests, 'request')}), ≤ ${n(s.maxPromptTokens)} prompt + ≤ ${n(s.maxCompletionTokens)} completion tokens` +
        (s.model === estimate.model ? '' : ` on ${s.model}`),
    ),
  ];
  if (bound.total === null) lines.push(`  cost: unknown — ${bound.unknownBecause ?? 'no price'} (docs/cost.md)`);
  else {
    const batch = bound.byModel.some((m) => m.batchCost !== undefined)
      ? `; at the batch prices of the file (--executor batch): ≤ ${moneyText(bound.byModel.reduce((sum, m) => sum + (m.batchCost ?? (m.cost as number)), 0), bound.currency, 'up')}`
      : '';
    lines.push(`  cost ≤ ${moneyText(bound.total, bound.currency, 'up')} at the prices of ${pricingFile}${batch}`);
  }
  lines.push(`  tokens: a prompt counts as its UTF-8 bytes + ${PROMPT_TOKEN_ALLOWANCE[estimate.api]} per request (no tokenizer makes more tokens than bytes), a completion as its cap`);
  return lines;
}
