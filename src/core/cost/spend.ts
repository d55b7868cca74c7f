// What an execution has spent so far (docs/cost.md, "Live spend"): the usage the servers reported
// for the calls they answered, priced per model with the user's pricing file. Cache hits are free;
// totals are recomputed from token counts, so the figure does not drift with the number of calls.
import type { Usage } from '../llm/backend';
import { costOf, noPriceReason, priceOf, type Pricing, type TokenCounts } from './pricing';

export interface ModelSpend extends Required<TokenCounts> {
  model: string;
  /** null: the pricing file has no price for the model, or it answered a call without saying what it used. */
  cost: number | null;
  /** Calls the model answered without reporting usage: their tokens are not known. */
  unreportedCalls: number;
}

export interface Spend {
  /** What the costs are in; null when there is no pricing file. */
  currency: string | null;
  /** The sum over the models; null when a model that was used has no price (unknown, never a guess). */
  total: number | null;
  /** Every model that reported usage, in the order it first did. */
  byModel: ModelSpend[];
  /** Why `total` is null, naming the pricing file. */
  unknownBecause?: string;
}

type Tally = Required<TokenCounts> & { unreportedCalls: number };

export class SpendMeter {
  private readonly tallies = new Map<string, Tally>();

  constructor(private readonly pricing: Pricing) {}

  add(model: string, usage: Usage): void {
    const t = this.tallies.get(model) ?? { promptTokens: 0, cachedPromptTokens: 0, completionTokens: 0, unreportedCalls: 0 };
    t.promptTokens += usage.promptTokens;
    t.cachedPromptTokens += usage.cachedPromptTokens ?? 0;
    t.completionTokens += usage.completionTokens;
    if (usage.unreported) t.unreportedCalls++;
    this.tallies.set(model, t);
  }

  spend(): Spend {
    const unpriced: string[] = [];
    const unreported: string[] = [];
    const byModel = [...this.tallies].map(([model, t]): ModelSpend => {
      const price = priceOf(this.pricing, model);
      if (price === null) unpriced.push(model);
      // Unmeasured tokens cost something unknown, except at a price of nothing (a server of your own).
      else if (t.unreportedCalls > 0 && (price.inputPerMTok > 0 || price.outputPerMTok > 0)) unreported.push(model);
      else return { model, ...t, cost: costOf(price, t) };
      return { model, ...t, cost: null };
    });
    const reasons = [
      ...(unpriced.length > 0 ? [noPriceReason(this.pricing, unpriced)] : []),
      ...(unreported.length > 0 ? [`${unreported.join(', ')} answered without saying how many tokens it used`] : []),
    ];
    return {
      currency: this.pricing.currency,
      total: reasons.length > 0 ? null : byModel.reduce((sum, m) => sum + (m.cost as number), 0),
      byModel,
      ...(reasons.length > 0 ? { unknownBecause: reasons.join('; ') } : {}),
    };
  }
}

/** Why a run stopped when its spend reached the cost limit: the reason its calls are aborted with. */
export class CostLimitReachedError extends Error {
  constructor(
    readonly spent: number,
    readonly limit: number,
    readonly currency: string | null,
  ) {
    super(`the spend reached the cost limit: ${spent} of ${limit}${currency ? ` ${currency}` : ''}`);
    this.name = 'CostLimitReachedError';
  }
}
