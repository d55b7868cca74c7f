// Finds out what an OpenAI-compatible endpoint accepts (docs/providers.md, "Capabilities") with a
// few tiny requests, before a run makes its first call. One request carries every parameter a run
// may send (a non-default temperature and top-p, n = 2, 20 top logprobs, the token budget); each
// refusal names a parameter, which is then dropped, renamed or lowered and the request sent again,
// so a server that takes everything costs one request. Then, together (a second round trip), `n`
// again if that answer looked like n ignored, `reasoning_effort` alone, and on completions the prompt
// logprobs that exact mc needs (the way openaiContinuations.ts probes them).
import { setTimeout as sleep } from 'node:timers/promises';
import { abortReason } from './abort';
import { BackendError, type ContinuationRequest } from './backend';
import type { CapabilityName, EndpointCapabilities, TokenLimitParameter } from '../runs/endpointCapabilities';
import { createContinuationScorer, type ScoringState } from './openaiContinuations';
import type { SamplingCapabilities } from './openaiParams';
import type { OpenAIEndpoint } from './openaiEndpoint';
import { HttpStatusError, toBackendError } from './openaiErrors';
import { readListedTop, readTextChoices } from './openaiResponses';

/** What a probe found: the endpoint's capabilities, or that it does not serve this API at all (a reasoning model's completions endpoint). */
export type ProbeOutcome = { capabilities: EndpointCapabilities } | { apiRefused: string };

export interface ProbeOptions {
  /** Per request (default 120000, a run's own default). */
  timeoutMs?: number;
  signal?: AbortSignal;
  now?: () => Date;
}

const PROMPT = 'Reply with one word: OK';
/** The most top logprobs the OpenAI API returns, and what mc asks for. */
export const MOST_TOP_LOGPROBS = 20;
/** Tried in turn when a server refuses more top logprobs without saying its limit (OpenAI completions: 5). */
const SMALLER_TOP_LOGPROBS = [5, 1];
/** Values no server takes for its default, so that one that takes only its default refuses them. */
const PROBE_TEMPERATURE = 0.5;
const PROBE_TOP_P = 0.5;
/** How the mc verifier's prompt ends and continues (verify/mc.ts): the text exact scoring is probed on. */
const SCORING_PROBE: ContinuationRequest = { prompt: 'Judgement:', continuations: [' Correct'] };
/** A probe request that fails for a passing reason (a 429, a 5xx, a timeout) is asked again this many times. */
const TRANSIENT_RETRIES = 2;
const LONGEST_WAIT_MS = 30_000;

/** The parameters of the combined request a refusal may name, most specific first (`max_tokens` before `n`). */
const PARAMETERS = ['max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'top_logprobs', 'logprobs', 'n'] as const;
type Parameter = (typeof PARAMETERS)[number];

export async function probeCapabilities(endpoint: OpenAIEndpoint, opts: ProbeOptions = {}): Promise<ProbeOutcome> {
  return endpoint.guarded(opts.signal, async () => {
    const post = (body: object, signal: AbortSignal | undefined): Promise<unknown> => patientPost(endpoint, body, opts, signal);
    const said: Partial<Record<CapabilityName, string>> = {};
    const wants = { tokenLimitParameter: 'max_tokens' as TokenLimitParameter, temperature: true, topP: true, n: true, topLogprobs: MOST_TOP_LOGPROBS as number | null };
    let answer: unknown;
    for (;;) {
      const body = combinedRequest(endpoint, wants);
      try {
        answer = await post(body, opts.signal);
        break;
      } catch (err) {
        if (!(err instanceof HttpStatusError)) throw err;
        if (refusesApi(err)) return { apiRefused: `${endpoint.ctx.endpointUrl} answered HTTP ${err.status}: ${endpoint.ctx.redact(err.server.message)}` };
        const words = `HTTP ${err.status}: ${endpoint.ctx.redact(err.server.message)}`;
        const parameter = refusedParameter(err, Object.keys(body));
        if (parameter === 'max_tokens') {
          wants.tokenLimitParameter = 'max_completion_tokens';
          said.tokenLimitParameter = words;
        } else if (parameter === 'temperature') {
          wants.temperature = false;
          said.temperature = words;
        } else if (parameter === 'top_p') {
          wants.topP = false;
          said.topP = words;
        } else if (parameter === 'n') {
          wants.n = false;
          said.n = words;
        } else if (parameter === 'logprobs' || parameter === 'top_logprobs') {
          wants.topLogprobs = fewerTopLogprobs(wants.topLogprobs as number, err.server.message);
          said.topLogprobs = words;
        } else {
          // A refusal the probe cannot pin on one parameter: the endpoint cannot serve a run as is.
          throw toBackendError(err, endpoint.ctx);
        }
      }
    }
    // The rest depends on that answer alone, not on each other: sent together, so that a probe
    // costs two round trips however many questions remain (at a second a call, seconds before a
    // run's first call).
    const [nAgain, reasoningEffort, promptLogprobs] = await allOrNone(opts.signal, [
      (async (signal) => {
        const choices = (body: unknown): number => readTextChoices(endpoint.api, body, endpoint.ctx.endpointUrl).choices.length;
        // One short answer may be a fluke (as the backend counts them, two in a row mean no n): asked again, without the rest.
        return wants.n && choices(answer) !== 2 ? choices(await post({ ...promptOf(endpoint), [wants.tokenLimitParameter]: 1, n: 2 }, signal)) : null;
      }),
      (signal) => acceptsReasoningEffort(endpoint, wants.tokenLimitParameter, post, signal),
      (signal) => (endpoint.api === 'completions' ? promptLogprobsWay(endpoint, post, wants, signal) : Promise.resolve(null)),
    ]);
    if (nAgain !== null && nAgain !== 2) {
      wants.n = false;
      said.n = `answered n=2 with ${nAgain} choice${nAgain === 1 ? '' : 's'}, twice: it ignores n`;
    }
    if (wants.topLogprobs !== null) {
      const { top } = readListedTop(endpoint.api, answer, endpoint.ctx.endpointUrl);
      if (top === undefined || top.length === 0) {
        said.topLogprobs = `answered without logprobs: it drops them silently${said.topLogprobs ? ` (after ${said.topLogprobs})` : ''}`;
        wants.topLogprobs = null;
      } else if (top.length < wants.topLogprobs) {
        said.topLogprobs = `listed ${top.length} of the ${wants.topLogprobs} top logprobs asked for`;
      }
    }
    if (reasoningEffort !== true) said.reasoningEffort = reasoningEffort;
    if (promptLogprobs === null) said.promptLogprobs = 'the chat API has no prompt logprobs';
    else if (!('way' in promptLogprobs)) said.promptLogprobs = promptLogprobs.unsupported;
    const capabilities: EndpointCapabilities = {
      endpoint: endpoint.id,
      probedAt: (opts.now?.() ?? new Date()).toISOString(),
      ...wants,
      reasoningEffort: reasoningEffort === true,
      said,
      promptLogprobs: promptLogprobs !== null && 'way' in promptLogprobs ? promptLogprobs.way : null,
    };
    return { capabilities };
  });
}

/** The request with every parameter the probe still expects the endpoint to take. */
function combinedRequest(endpoint: OpenAIEndpoint, wants: { tokenLimitParameter: TokenLimitParameter; temperature: boolean; topP: boolean; n: boolean; topLogprobs: number | null }): object {
  const k = wants.topLogprobs;
  return {
    ...promptOf(endpoint),
    [wants.tokenLimitParameter]: 1,
    ...(wants.temperature ? { temperature: PROBE_TEMPERATURE } : {}),
    ...(wants.topP ? { top_p: PROBE_TOP_P } : {}),
    ...(wants.n ? { n: 2 } : {}),
    ...(k === null ? {} : endpoint.api === 'chat' ? { logprobs: true, top_logprobs: k } : { logprobs: k }),
  };
}

function promptOf(endpoint: OpenAIEndpoint): object {
  return endpoint.api === 'chat' ? { model: endpoint.model, messages: [{ role: 'user', content: PROMPT }] } : { model: endpoint.model, prompt: PROMPT };
}

/**
 * Runs `jobs` at once. The first to fail aborts the others (no probe request outlives the probe) and
 * is what rejects, once all have stopped.
 */
async function allOrNone<T extends unknown[]>(signal: AbortSignal | undefined, jobs: { [K in keyof T]: (signal: AbortSignal) => Promise<T[K]> }): Promise<T> {
  const siblings = new AbortController();
  const shared = signal ? AbortSignal.any([signal, siblings.signal]) : siblings.signal;
  let failed: { error: unknown } | undefined;
  const settled = await Promise.allSettled(
    jobs.map((job) =>
      job(shared).catch((error: unknown) => {
        failed ??= { error };
        siblings.abort();
        throw error;
      }),
    ),
  );
  if (failed) throw failed.error;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as T;
}

/** Completions: the way the endpoint returns the prompt logprobs exact mc needs (found as openaiContinuations.ts finds it), or why it returns none. */
async function promptLogprobsWay(endpoint: OpenAIEndpoint, post: (body: object, signal: AbortSignal | undefined) => Promise<unknown>, capabilities: SamplingCapabilities, signal: AbortSignal): Promise<ScoringState> {
  const scorer = createContinuationScorer(post, endpoint.ctx, { capabilities });
  await scorer.score(SCORING_PROBE, signal);
  return scorer.state() ?? { unsupported: 'not found out' };
}

/** true, or the server's words refusing `reasoning_effort`. */
async function acceptsReasoningEffort(endpoint: OpenAIEndpoint, limit: TokenLimitParameter, post: (body: object, signal: AbortSignal | undefined) => Promise<unknown>, signal: AbortSignal | undefined): Promise<true | string> {
  try {
    await post({ ...promptOf(endpoint), [limit]: 1, reasoning_effort: 'low' }, signal);
    return true;
  } catch (err) {
    if (err instanceof HttpStatusError && (err.status === 400 || err.status === 422)) return `HTTP ${err.status}: ${endpoint.ctx.redact(err.server.message)}`;
    throw err;
  }
}

/** OpenAI's answer to a chat model's completions call ("This is a chat model and not supported in the v1/completions endpoint"), and the like. */
function refusesApi(err: HttpStatusError): boolean {
  return (err.status === 404 || err.status === 400) && /\b(?:is a|is not a) chat model\b|not supported in the v1\/(?:chat\/)?completions endpoint|did you mean to use v1\/chat\/completions/i.test(err.server.message);
}

/** The request parameter a 400/422 refuses: the one the server names in `param`, else the first its message names. */
function refusedParameter(err: HttpStatusError, sent: string[]): Parameter | undefined {
  if (err.status !== 400 && err.status !== 422) return undefined;
  const candidates = PARAMETERS.filter((p) => sent.includes(p));
  const named = candidates.find((p) => p === err.server.param);
  if (named) return named;
  const message = err.server.message;
  return candidates.find((p) => (p === 'n' ? /\bn\b|\bchoices?\b/i : new RegExp(`(?:^|[^a-z_])${p}(?:[^a-z_]|$)`, 'i')).test(message));
}

/**
 * The next number of top logprobs to ask for after `k` was refused: the limit the message states;
 * none when it says logprobs are not supported at all; else the next smaller of 5 and 1.
 */
function fewerTopLogprobs(k: number, message: string): number | null {
  const stated = /(?:at most|less than or equal to|no more than|maximum(?: value)?(?: is| of)?|up to|<=|≤)\s*(\d+)/i.exec(message);
  const limit = stated ? Number(stated[1]) : NaN;
  if (Number.isInteger(limit) && limit >= 1 && limit < k) return limit;
  if (/not supported|unsupported|not allowed|not enabled|unrecognized|does not support/i.test(message)) return null;
  return SMALLER_TOP_LOGPROBS.find((s) => s < k) ?? null;
}

/** One probe (or doctor) request, with its own timeout, asked again after a passing failure. */
export async function patientPost(endpoint: OpenAIEndpoint, body: object, opts: ProbeOptions, signal: AbortSignal | undefined): Promise<unknown> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  for (let attempt = 0; ; attempt++) {
    const timer = AbortSignal.timeout(timeoutMs);
    try {
      return await endpoint.post(body, signal ? AbortSignal.any([signal, timer]) : timer);
    } catch (err) {
      if (signal?.aborted) throw abortReason(signal);
      const failure = timer.aborted ? new BackendError(`${endpoint.ctx.endpointUrl} did not answer within ${timeoutMs} ms`, 'transient') : toBackendError(err, endpoint.ctx);
      if (failure.failure !== 'transient' || attempt >= TRANSIENT_RETRIES) throw timer.aborted ? failure : err;
      // Abortable: a probe request that failed stops its siblings waiting here (allOrNone).
      await sleep(Math.min(LONGEST_WAIT_MS, failure.retryAfterMs ?? 1000 * 2 ** attempt), undefined, signal ? { signal } : undefined).catch(() => {
        throw abortReason(signal as AbortSignal);
      });
    }
  }
}
