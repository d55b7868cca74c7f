// Exact continuation logprobs from an OpenAI-compatible completions server, for servers that score
// the tokens of a prompt: each continuation is sent appended to the prompt, and the logprobs of
// the tokens after the prompt are read back. Two ways to ask, tried in this order once per backend
// (the first call is the probe; calls arriving meanwhile wait for its outcome), unless the
// capability probe found out already (ScorerOptions.known; openaiCapabilityProbe.ts):
//   echo:            `echo: true, logprobs: 1` — the legacy OpenAI way; vLLM, SGLang answer it too;
//   prompt_logprobs: `prompt_logprobs: 0` — vLLM's own parameter.
// The budget (`max_tokens`, or the parameter the endpoint takes) is 1, not 0: vLLM rejects 0 outside echo (vllm#9336) and lm-evaluation-harness sends
// 1 for the same reason; the one generated token (greedy) comes after the continuation and is not
// read. A server that refuses both (HTTP 400/422) or answers without prompt logprobs (llama.cpp's
// server ignores echo) gets `scores: null` for the rest of the run, and mc falls back to top-k.
import { addUsage, BackendError, checkContinuations, PromptTooLongError, type ContinuationLogprob, type ContinuationRequest, type ContinuationResult, type Usage } from './backend';
import type { PromptLogprobsWay } from '../runs/endpointCapabilities';
import { HttpStatusError, toBackendError, type EndpointContext } from './openaiErrors';
import { greedyParams, type SamplingCapabilities } from './openaiParams';
import { codePointLength, readEchoedTokens, readPromptLogprobTokens, type ScoredToken } from './openaiResponses';

type Post = (body: object, signal: AbortSignal | undefined) => Promise<unknown>;

type Mode = PromptLogprobsWay;
const MODES: readonly Mode[] = ['echo', 'prompt_logprobs'];

/** What a scorer knows about its server: the way that works, or why none does. */
export type ScoringState = { way: Mode } | { unsupported: string };

export interface ContinuationScorer {
  score(req: ContinuationRequest, signal?: AbortSignal): Promise<ContinuationResult>;
  /** undefined until a probe (the first call, or the capability probe) decided. */
  state(): ScoringState | undefined;
}

export interface ScorerOptions {
  /** The endpoint's probed capabilities: how greedy calls are worded. */
  capabilities?: SamplingCapabilities;
  /** Already known (from the capability probe): no lazy probe then. */
  known?: ScoringState;
}

/** What one request for one continuation gave. */
type Outcome =
  | { score: ContinuationLogprob; usage: Usage }
  /** The server scored the text, but no token starts where the continuation does. */
  | { merged: string; usage: Usage }
  /** The server cannot score prompt tokens this way. */
  | { unsupported: string; usage: Usage };

export function createContinuationScorer(post: Post, ctx: EndpointContext, opts: ScorerOptions = {}): ContinuationScorer {
  /** undefined until the probe finds out; null when neither way works. */
  let mode: Mode | null | undefined = opts.known === undefined ? undefined : 'way' in opts.known ? opts.known.way : null;
  let unsupported = opts.known !== undefined && 'unsupported' in opts.known ? opts.known.unsupported : '';
  let probing: Promise<unknown> | undefined;
  const greedy = greedyParams(opts.capabilities, 1);

  async function scoreOne(how: Mode, prompt: string, continuation: string, signal: AbortSignal | undefined): Promise<Outcome> {
    const text = prompt + continuation;
    const body = how === 'echo'
      ? { model: ctx.model, prompt: text, ...greedy, echo: true, logprobs: 1 }
      : { model: ctx.model, prompt: text, ...greedy, prompt_logprobs: 0 };
    let answer: unknown;
    try {
      answer = await post(body, signal);
    } catch (err) {
      const refusal = refusalOf(err, ctx);
      if (refusal === undefined) throw err;
      return { unsupported: `${how === 'echo' ? 'echo with logprobs' : 'prompt_logprobs'} was refused (${refusal})`, usage: { promptTokens: 0, completionTokens: 0 } };
    }
    const { tokens, usage } = how === 'echo' ? readEchoedTokens(answer, ctx.endpointUrl, text) : readPromptLogprobTokens(answer, ctx.endpointUrl, text);
    if (!tokens) {
      return { unsupported: how === 'echo' ? 'echo with logprobs returned no logprobs of the echoed prompt' : 'prompt_logprobs returned no logprobs of the prompt tokens, one token each', usage };
    }
    const own = continuationTokens(tokens, codePointLength(prompt), codePointLength(text));
    if (own === 'merged') return { merged: `${ctx.endpointUrl} tokenizes the end of the prompt together with the start of ${JSON.stringify(continuation)}`, usage };
    return { score: { continuation, logprob: own.reduce((sum, t) => sum + t.logprob, 0), tokens: own }, usage };
  }

  /**
   * Every continuation, one request each, sent together: the call is one scheduled attempt with one
   * timeout, which requests in a row would have to share. The first that cannot be scored decides.
   */
  async function scoreAll(how: Mode, req: ContinuationRequest, signal: AbortSignal | undefined): Promise<ContinuationResult | { unsupported: string; usage: Usage }> {
    const scores: ContinuationLogprob[] = [];
    const outcomes = await Promise.all(req.continuations.map((continuation) => scoreOne(how, req.prompt, continuation, signal)));
    // Every request was answered, whichever decides: all of them count as used.
    const usage = outcomes.reduce<Usage>((sum, outcome) => addUsage(sum, outcome.usage), { promptTokens: 0, completionTokens: 0 });
    for (const outcome of outcomes) {
      if ('unsupported' in outcome) return { unsupported: outcome.unsupported, usage };
      if ('merged' in outcome) return { scores: null, unavailable: outcome.merged, usage };
      scores.push(outcome.score);
    }
    return { scores, usage };
  }

  /**
   * Every way at once (one round trip, where asking in turn costs one more for each way refused);
   * the first way in MODES order that works is used, as if asked in turn: a later way's failure
   * counts only when no earlier way worked.
   */
  async function probe(req: ContinuationRequest, signal: AbortSignal | undefined): Promise<ContinuationResult> {
    const settled = await Promise.allSettled(MODES.map((how) => scoreAll(how, req, signal)));
    const refused: string[] = [];
    // The requests of every way were answered (or failed) alike, and count as used.
    let usage: Usage = { promptTokens: 0, completionTokens: 0 };
    for (const outcome of settled) if (outcome.status === 'fulfilled') usage = addUsage(usage, outcome.value.usage);
    for (const [i, outcome] of settled.entries()) {
      if (outcome.status === 'rejected') throw outcome.reason;
      const result = outcome.value;
      if (!('unsupported' in result)) {
        mode = MODES[i] as Mode;
        return { ...result, usage };
      }
      refused.push(result.unsupported);
    }
    mode = null;
    unsupported = `${ctx.endpointUrl} does not return prompt logprobs: ${refused.join('; ')}`;
    return { scores: null, unavailable: unsupported, usage };
  }

  async function score(req: ContinuationRequest, signal?: AbortSignal): Promise<ContinuationResult> {
    checkContinuations(req, 'completions');
    for (;;) {
      if (mode === null) return { scores: null, unavailable: unsupported, usage: { promptTokens: 0, completionTokens: 0 } };
      if (mode !== undefined) {
        const result = await scoreAll(mode, req, signal);
        // The server answered the probe with prompt logprobs; an answer without them now is broken.
        if ('unsupported' in result) throw new BackendError(`${ctx.endpointUrl}: ${result.unsupported}, though earlier answers had them.`, 'bad-answer');
        return result;
      }
      if (!probing) {
        const run = probe(req, signal);
        probing = run;
        try {
          return await run;
        } finally {
          probing = undefined;
        }
      }
      // Another call is probing; a failed probe leaves the mode unknown and the next call probes again.
      await probing.catch(() => undefined);
    }
  }

  return {
    score,
    state: () => (mode === undefined ? undefined : mode === null ? { unsupported } : { way: mode }),
  };
}

/**
 * The continuation's own tokens among the scored text's (which cover it from its start): those
 * starting in [promptEnd, textEnd). 'merged' when no token starts at promptEnd: one starts before
 * it and runs past it, so the server's tokenization joins the prompt's end to the continuation.
 */
function continuationTokens(tokens: readonly ScoredToken[], promptEnd: number, textEnd: number): { token: string; logprob: number }[] | 'merged' {
  const first = tokens.findIndex((t) => t.start >= promptEnd);
  if (first < 0 || (tokens[first] as ScoredToken).start > promptEnd) return 'merged';
  // Only the first token has a null logprob, and it starts at 0, before any non-empty prompt ends.
  return tokens.slice(first).filter((t) => t.start < textEnd).map((t) => ({ token: t.token, logprob: t.logprob as number }));
}

/** The server's reason when an error is it refusing the request's parameters (not the prompt's length). */
function refusalOf(err: unknown, ctx: EndpointContext): string | undefined {
  if (!(err instanceof HttpStatusError) || (err.status !== 400 && err.status !== 422)) return undefined;
  if (toBackendError(err, ctx) instanceof PromptTooLongError) return undefined;
  return `HTTP ${err.status}: ${ctx.redact(err.server.message)}`;
}
