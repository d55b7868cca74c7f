// Upper bounds on what an execution will ask of its models, known before it starts (docs/cost.md,
// "The estimate"). Every prompt that can be rendered is rendered exactly; a verification prompt
// about an answer not generated yet is bounded by its template, the question and the answer's
// token cap. A prompt counts as at most its UTF-8 bytes in tokens, plus an allowance per request
// for what the server adds; a completion counts as its token cap.
import { parseModelSpec } from '../llm/modelSpec';
import type { ExistingRecords } from '../pipeline/gapCheck';
import { generationPrompt } from '../pipeline/gapCheck';
import type { TemplateSet } from '../prompts/templates';
import type { GenerationRecord, RunConfig } from '../runs/records';
import { drawStages } from '../runs/drawnScores';
import type { Task } from '../tasks/task';
import { baseVerifierOf } from '../verify/index';
import { MC_CONTINUATIONS } from '../verify/mc';
import { verifyPrompt } from '../verify/prompting';
import { costOf, noPriceReason, priceOf, type Pricing } from './pricing';

/**
 * Tokens a server may add to a request beyond its prompt text's own: a BOS token and
 * SentencePiece's leading space on completions; on chat, the chat template's wrapper around the
 * one user message (a few tokens for OpenAI, Llama 3 and ChatML templates). A template that adds a
 * long system prompt of its own adds more than this: docs/cost.md says so.
 */
export const PROMPT_TOKEN_ALLOWANCE = { completions: 4, chat: 32 } as const;

/**
 * mc on a backend that scores continuations asks each of MC_CONTINUATIONS in a request of its own,
 * then the top first tokens when exact scoring is unavailable for the prompt; the first call also
 * probes which of two ways of asking the server answers, at most this many requests more.
 */
const MC_PROBE_REQUESTS = 2;

export interface EstimateInput {
  config: RunConfig;
  tasks: readonly Task[];
  templates: TemplateSet;
  /** What the run folder already holds (the run controller's `records`); null for a new run. */
  existing: ExistingRecords | null;
  /** The verifiers the execution runs, named as records name them (all of the run's, or a re-verify's new ones). */
  verifiers: readonly string[];
}

export interface StageEstimate {
  /** 'generation', or a verifier's name as records carry it. */
  stage: string;
  model: string;
  /** The model calls made when the endpoint does what is asked (several samples per request, exact mc scoring). */
  calls: number;
  /** The most requests the stage can make without a retry: what the token bounds cover. */
  maxRequests: number;
  maxPromptTokens: number;
  maxCompletionTokens: number;
}

export interface RunEstimate {
  /** The run's own model (a stage may be another's: a cross-model verifier). */
  model: string;
  /** Tasks with something left to do, of the run's tasks. */
  tasks: number;
  totalTasks: number;
  n: number;
  api: RunConfig['api'];
  /** Stages with at least one call, generation first. */
  stages: StageEstimate[];
}

export function estimateRun(input: EstimateInput): RunEstimate {
  const { config, tasks, templates, existing } = input;
  const allowance = PROMPT_TOKEN_ALLOWANCE[config.api];
  const n = config.n;
  const generation = emptyStage('generation', config.model);
  // A verifier drawing K verifications per sample (`--verifications K`) is done with a sample once every draw is.
  // What each verifier's bound depends on is found once, not per task (a resume at 1M samples has 125k).
  const verifiers = input.verifiers.map((name) => {
    const model = config.verifierModels?.[name] ?? config.model;
    const base = baseVerifierOf(name);
    return { name, base, stages: drawStages(config, [name]), stage: emptyStage(name, model), largestMcPrompt: 0, scoresContinuations: base === 'mc' && scoresContinuations(model, config.api) };
  });
  // Plain loops: a resume at 1M samples asks this of every sample on file before its first request.
  const everySample = (holds: (i: number) => boolean): boolean => {
    for (let i = 0; i < n; i++) if (!holds(i)) return false;
    return true;
  };
  const everyStage = verifiers.flatMap((v) => v.stages);
  let busyTasks = 0;
  for (const task of tasks) {
    // A finished task of a resumed run (most of them) asks nothing, as the sample-by-sample looks below
    // would find: one look at the execution's flags instead of n of each stage (0.2 s at 1M samples).
    if (existing?.hasEveryRecord?.(task.id, everyStage) === true) continue;
    // Read (from samples.jsonl, for a run on file) only for a task a verifier still has to judge.
    let read: (GenerationRecord | undefined)[] | undefined;
    const generations = (): (GenerationRecord | undefined)[] => (read ??= Array.from({ length: n }, (_, i) => existing?.generation(task.id, i)));
    let busy = false;
    if (!everySample((i) => existing?.hasGeneration(task.id, i) === true)) {
      busy = true;
      // An endpoint without several samples per request gets one request per sample, each with the prompt.
      add(generation, { calls: 1, maxRequests: n, maxPromptTokens: n * (bytes(generationPrompt(templates, task)) + allowance), maxCompletionTokens: n * config.maxTokens });
    }
    for (const v of verifiers) {
      const { stages } = v;
      const draws = stages.length;
      if (everySample((i) => stages.every((stage) => existing?.hasVerification(task.id, i, stage) ?? false))) continue;
      busy = true;
      // Every sample goes to the verifier again when some are missing (gapCheck.ts): the bound counts all n.
      if (v.base === 'tournament') {
        const largest = Math.max(...generations().map((g) => responseBound(g, config)));
        const matches = Math.max(0, n - 1) * (config.tournamentBothOrders ? 2 : 1);
        const prompt = bytes(verifyPrompt({ templates }, 'verify-tournament', task, { response_a: '', response_b: '' })) + 2 * largest + allowance;
        add(v.stage, { calls: matches, maxRequests: matches, maxPromptTokens: matches * prompt, maxCompletionTokens: matches * config.verifierMaxTokens });
        continue;
      }
      const role = v.base === 'mc' ? 'verify-mc' : v.base === 'cot-binary' ? 'verify-cot-binary' : 'verify-cot-score';
      // The bound of a sample not generated yet is the same for all of the task's: rendered once.
      let unsampled: number | undefined;
      for (const g of generations()) {
        const prompt = g === undefined ? (unsampled ??= bytes(verifyPrompt({ templates }, role, task, { response: '' })) + config.maxTokens) : bytes(verifyPrompt({ templates }, role, task, { response: g.text }));
        if (v.base !== 'mc') {
          add(v.stage, { calls: draws, maxRequests: draws, maxPromptTokens: draws * (prompt + allowance), maxCompletionTokens: draws * config.verifierMaxTokens });
        } else if (v.scoresContinuations) {
          v.largestMcPrompt = Math.max(v.largestMcPrompt, prompt);
          const scored = MC_CONTINUATIONS.reduce((sum, c) => sum + prompt + bytes(c) + allowance, 0);
          add(v.stage, { calls: 1, maxRequests: MC_CONTINUATIONS.length + 1, maxPromptTokens: scored + prompt + allowance, maxCompletionTokens: MC_CONTINUATIONS.length + 1 });
        } else {
          add(v.stage, { calls: 1, maxRequests: 1, maxPromptTokens: prompt + allowance, maxCompletionTokens: 1 });
        }
      }
    }
    if (busy) busyTasks++;
  }
  for (const v of verifiers) {
    if (v.largestMcPrompt === 0) continue;
    const longest = Math.max(...MC_CONTINUATIONS.map(bytes));
    add(v.stage, { calls: 0, maxRequests: MC_PROBE_REQUESTS, maxPromptTokens: MC_PROBE_REQUESTS * (v.largestMcPrompt + longest + allowance), maxCompletionTokens: MC_PROBE_REQUESTS });
  }
  return { model: config.model, tasks: busyTasks, totalTasks: tasks.length, n, api: config.api, stages: [generation, ...verifiers.map((v) => v.stage)].filter((s) => s.maxRequests > 0) };
}

export interface ModelCostBound {
  model: string;
  maxPromptTokens: number;
  maxCompletionTokens: number;
  /** null: the model has no price. */
  cost: number | null;
  /** The same tokens at the provider's batch price, when the entry gives a batch discount. */
  batchCost?: number;
}

export interface CostBound {
  currency: string | null;
  /** The most the execution costs (without retries); null when a model it calls has no price. */
  total: number | null;
  byModel: ModelCostBound[];
  /** Why `total` is null, naming the pricing file. */
  unknownBecause?: string;
}

/** The estimate's token bounds priced: every prompt token at the full input price. */
export function costBound(estimate: RunEstimate, pricing: Pricing): CostBound {
  const tokens = new Map<string, { maxPromptTokens: number; maxCompletionTokens: number }>();
  for (const s of estimate.stages) {
    const t = tokens.get(s.model) ?? { maxPromptTokens: 0, maxCompletionTokens: 0 };
    t.maxPromptTokens += s.maxPromptTokens;
    t.maxCompletionTokens += s.maxCompletionTokens;
    tokens.set(s.model, t);
  }
  const byModel = [...tokens].map(([model, t]): ModelCostBound => {
    const price = priceOf(pricing, model);
    if (price === null) return { model, ...t, cost: null };
    const cost = costOf(price, { promptTokens: t.maxPromptTokens, completionTokens: t.maxCompletionTokens });
    return { model, ...t, cost, ...(price.batchDiscount ? { batchCost: cost * (1 - price.batchDiscount) } : {}) };
  });
  const unpriced = byModel.filter((m) => m.cost === null).map((m) => m.model);
  return {
    currency: pricing.currency,
    total: unpriced.length > 0 ? null : byModel.reduce((sum, m) => sum + (m.cost as number), 0),
    byModel,
    ...(unpriced.length > 0 ? { unknownBecause: noPriceReason(pricing, unpriced) } : {}),
  };
}

/** Whether the model's backend scores whole continuations (embedded llama.cpp, completions servers): mc then asks more. */
function scoresContinuations(model: string, api: RunConfig['api']): boolean {
  return parseModelSpec(model).backend === 'llama' || api === 'completions';
}

/**
 * A response's tokens at most, as it appears in a verification prompt: its UTF-8 bytes when it
 * exists, else the generation cap (what the model produced it in, docs/cost.md).
 */
function responseBound(g: GenerationRecord | undefined, config: RunConfig): number {
  return g === undefined ? config.maxTokens : bytes(g.text.trim());
}

function emptyStage(stage: string, model: string): StageEstimate {
  return { stage, model, calls: 0, maxRequests: 0, maxPromptTokens: 0, maxCompletionTokens: 0 };
}

function add(stage: StageEstimate, more: Omit<StageEstimate, 'stage' | 'model'>): void {
  stage.calls += more.calls;
  stage.maxRequests += more.maxRequests;
  stage.maxPromptTokens += more.maxPromptTokens;
  stage.maxCompletionTokens += more.maxCompletionTokens;
}

/** No tokenizer makes more tokens of a text than its UTF-8 bytes: each token holds at least one byte of it. */
function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
