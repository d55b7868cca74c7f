// A ModelBackend for any OpenAI-compatible HTTP endpoint (OpenAI, vLLM, llama.cpp's server, …) and
// for Azure OpenAI deployments. It sends the calls it needs through the openai SDK
// (openaiClient.ts) and validates every answer before using it. One attempt per call: the
// scheduler owns retries and timeouts.
import { BackendError, SeveralChoicesUnsupportedError, type ContinuationRequest, type ContinuationResult, type GenerateRequest, type GenerateResult, type Generation, type ModelBackend, type NextTokenRequest, type NextTokenResult } from './backend';
import type { EndpointCapabilities } from '../runs/endpointCapabilities';
import { HttpStatusError } from './openaiErrors';
import { createContinuationScorer, type ScoringState } from './openaiContinuations';
import { openOpenAIEndpoint, type OpenAIEndpointOptions } from './openaiEndpoint';
import { greedyParams, samplingParams } from './openaiParams';
import { readTextChoices, readTopLogprobs, type TextChoice } from './openaiResponses';

export { accountFromEnv, azureApiVersion, DEFAULT_AZURE_API_VERSION } from './openaiEndpoint';

export interface OpenAIBackendOptions extends OpenAIEndpointOptions {
  /**
   * What the endpoint accepts (probed at run start): requests are worded for it, and what it
   * cannot do is known before the first call. Absent: the OpenAI API's own parameters, all sent,
   * and prompt logprobs probed on the first mc call.
   */
  capabilities?: EndpointCapabilities;
}

/**
 * Answers of exactly one choice to n > 1 in a row that mean the server ignores `n` (some servers
 * do so silently). One such answer alone is a bad answer, retried like any other: a transient
 * short answer must not switch `n` off for the rest of the run.
 */
const SINGLE_CHOICE_ANSWERS_MEANING_NO_N = 2;

export function createOpenAIBackend(opts: OpenAIBackendOptions): ModelBackend {
  const endpoint = openOpenAIEndpoint(opts);
  const { api, model, ctx, post, guarded } = endpoint;
  const caps = opts.capabilities;
  let singleChoiceAnswers = 0;

  function samplingBody(req: GenerateRequest): object {
    const common = {
      model,
      n: req.n,
      ...samplingParams(caps, req),
      ...(req.seed !== undefined ? { seed: req.seed } : {}),
      ...(req.stop && req.stop.length > 0 ? { stop: req.stop } : {}),
    };
    return api === 'chat' ? { ...common, messages: [{ role: 'user', content: req.prompt }] } : { ...common, prompt: req.prompt };
  }

  /** All n choices of one request; SeveralChoicesUnsupportedError once the server shows it cannot return several. */
  async function sample(req: GenerateRequest, signal: AbortSignal | undefined): Promise<GenerateResult> {
    // Known from the probe: no request that the server would refuse or answer short.
    if (req.n > 1 && caps?.n === false) throw new SeveralChoicesUnsupportedError(`${ctx.endpointUrl} does not return several choices per request (${caps.said.n ?? 'probed'})`);
    let body: unknown;
    try {
      body = await post(samplingBody(req), signal);
    } catch (err) {
      if (req.n > 1 && !signal?.aborted && rejectsN(err)) {
        throw new SeveralChoicesUnsupportedError(`${ctx.endpointUrl} does not return several choices per request (${(err as Error).message})`);
      }
      throw err;
    }
    const { choices, usage } = readTextChoices(api, body, ctx.endpointUrl);
    if (choices.length === req.n) {
      singleChoiceAnswers = 0;
      return { generations: perChoice(choices, usage.completionTokens, usage.reasoningTokens), usage };
    }
    if (req.n > 1 && choices.length === 1 && ++singleChoiceAnswers >= SINGLE_CHOICE_ANSWERS_MEANING_NO_N) {
      throw new SeveralChoicesUnsupportedError(`${ctx.endpointUrl} answered n=${req.n} with one choice ${SINGLE_CHOICE_ANSWERS_MEANING_NO_N} times in a row: it ignores n`);
    }
    throw new BackendError(`${ctx.endpointUrl} returned ${choices.length} choices for n=${req.n}.`, 'bad-answer');
  }

  // Prompt logprobs exist on the completions API only; chat mc stays top-k. Probed already: the
  // way that works (or why none does) is known, not probed again on the first mc call.
  const known: ScoringState | undefined = caps && (caps.promptLogprobs ? { way: caps.promptLogprobs } : { unsupported: `${ctx.endpointUrl} does not return prompt logprobs: ${caps.said.promptLogprobs ?? 'probed'}` });
  const scorer = api === 'completions' ? createContinuationScorer(post, ctx, caps && known ? { capabilities: caps, known } : {}) : undefined;

  return {
    id: endpoint.id,

    async generate(req: GenerateRequest, signal?: AbortSignal): Promise<GenerateResult> {
      if (!Number.isInteger(req.n) || req.n < 1) throw new RangeError(`generate: n must be a positive integer, got ${req.n}`);
      return guarded(signal, () => sample(req, signal));
    },

    async nextToken(req: NextTokenRequest, signal?: AbortSignal): Promise<NextTokenResult> {
      if (!Number.isInteger(req.topLogprobs) || req.topLogprobs < 1) throw new RangeError(`nextToken: topLogprobs must be a positive integer, got ${req.topLogprobs}`);
      const limit = caps?.topLogprobs;
      if (limit === null) throw new BackendError(`${ctx.endpointUrl} returns no logprobs (${caps?.said.topLogprobs ?? 'probed'}); pick a verifier that samples (cot-score, cot-binary, tournament).`, 'fatal');
      // Limits differ between servers (OpenAI: 5 on completions, 20 on chat): the probed one
      // applies; unprobed, the server's own error message says best what it accepts.
      const k = limit === undefined ? req.topLogprobs : Math.min(req.topLogprobs, limit);
      const body = api === 'chat'
        ? { model, messages: [{ role: 'user', content: req.prompt }], ...greedyParams(caps, 1), logprobs: true, top_logprobs: k }
        : { model, prompt: req.prompt, ...greedyParams(caps, 1), logprobs: k };
      return guarded(signal, async () => readTopLogprobs(api, await post(body, signal), ctx.endpointUrl));
    },

    ...(scorer
      ? { continuationLogprobs: (req: ContinuationRequest, signal?: AbortSignal): Promise<ContinuationResult> => guarded(signal, () => scorer.score(req, signal)) }
      : {}),

    async close(): Promise<void> {
      endpoint.close();
    },
  };
}

/** Whether an error is the endpoint saying it cannot return several choices (llama.cpp: HTTP 500 "Only one completion choice is allowed"). */
function rejectsN(err: unknown): boolean {
  if (!(err instanceof HttpStatusError)) return false;
  if (err.status !== 400 && err.status !== 422 && err.status < 500) return false;
  return err.server.param === 'n' || /\bn\b|choice/i.test(err.server.message);
}

/**
 * Each choice's share of the request's token counts when only the totals are known (n > 1):
 * completion tokens in proportion to text length, reasoning tokens (which no text shows) evenly.
 */
function perChoice(choices: TextChoice[], completionTokens: number, reasoningTokens: number | undefined): Generation[] {
  const completion = apportion(completionTokens, choices.map((c) => c.text.length));
  const reasoning = reasoningTokens === undefined ? undefined : apportion(reasoningTokens, choices.map(() => 1));
  return choices.map((c, i) => ({
    text: c.text,
    finishReason: c.finishReason,
    completionTokens: completion[i] ?? 0,
    ...(reasoning ? { reasoningTokens: reasoning[i] ?? 0 } : {}),
  }));
}

/** `total` split in proportion to `weights` (evenly when they are all 0), largest remainders first, so the parts add up to it. */
function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const shares = weights.map((w) => (sum > 0 ? (total * w) / sum : total / weights.length));
  const counts = shares.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const byRemainder = shares.map((s, i) => ({ i, r: s - Math.floor(s) })).sort((a, b) => b.r - a.r);
  for (const { i } of byRemainder) {
    if (left <= 0) break;
    counts[i] = (counts[i] ?? 0) + 1;
    left--;
  }
  return counts;
}
