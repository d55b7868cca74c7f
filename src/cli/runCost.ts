// The cost side of `run` and `reverify` (docs/cost.md): the user's prices, the check that a
// --cost-limit can be kept (before anything is created), and the estimate printed before the
// first call or, with `run --estimate`, instead of the run.
import { estimateLines } from '../core/cost/costText';
import { costBound, estimateRun, type EstimateInput } from '../core/cost/estimate';
import { missingPrices, type Pricing } from '../core/cost/pricing';
import { UserError } from '../core/util/errors';
import { say, writeOut } from './terminalText';

/** A usage error (exit 2) when a cost limit is given and one of `models` has no price: the limit could not be kept. */
export function checkCostLimit(pricing: Pricing, models: readonly string[], costLimit: number | undefined): void {
  if (costLimit === undefined) return;
  const missing = missingPrices(pricing, models, '--cost-limit');
  if (missing !== null) throw new UserError(missing, 2);
}

/** The estimate of an execution on stderr; with `json`, as JSON on stdout instead. */
export function printEstimate(input: EstimateInput, pricing: Pricing, json = false): void {
  const estimate = estimateRun(input);
  const cost = costBound(estimate, pricing);
  if (json) writeOut(`${JSON.stringify({ estimate, cost, pricingFile: pricing.file }, null, 2)}\n`);
  else for (const line of estimateLines(estimate, cost, pricing.file)) say(line);
}
