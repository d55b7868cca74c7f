// The one interface every model backend (OpenAI-compatible HTTP, embedded llama.cpp) implements,
// and that the scheduler wraps. Prompts are plain text: in chat mode a backend sends the text as
// one user message, so templates stay the same for base and chat models.

export interface SamplingParams {
  temperature: number;
  topP: number;
  maxTokens: number;
  /** Per-request seed; backends that support seeding must be deterministic for a fixed seed. */
  seed?: number;
  stop?: string[];
}

export interface GenerateRequest extends SamplingParams {
  prompt: string;
  /** Number of samples wanted for this prompt. */
  n: number;
}

export interface Generation {
  text: string;
  /** 'stop' | 'length' | whatever the backend reported. */
  finishReason: string;
  completionTokens: number;
  /** Of `completionTokens`, those the model spent reasoning (not in `text`), where the endpoint reports them. */
  reasoningTokens?: number;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  /** Of `completionTokens`, those spent reasoning: reported by reasoning models (`completion_tokens_details.reasoning_tokens`). */
  reasoningTokens?: number;
  /** Of the prompt tokens, those the server says it served from its prompt cache; absent: it said nothing. */
  cachedPromptTokens?: number;
  /** The server's answer said nothing of usage: the counts are 0 for want of them, not measured. */
  unreported?: true;
}

/** The usage of several requests together: unreported if any of theirs was. */
export function addUsage(a: Usage, b: Usage): Usage {
  const cached = (a.cachedPromptTokens ?? 0) + (b.cachedPromptTokens ?? 0);
  const reasoning = (a.reasoningTokens ?? 0) + (b.reasoningTokens ?? 0);
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    ...(reasoning > 0 ? { reasoningTokens: reasoning } : {}),
    ...(cached > 0 ? { cachedPromptTokens: cached } : {}),
    ...(a.unreported || b.unreported ? { unreported: true as const } : {}),
  };
}

export interface GenerateResult {
  /** Exactly `n` generations, in order. */
  generations: Generation[];
  usage: Usage;
}

export interface NextTokenRequest {
  prompt: string;
  /** How many of the most likely first tokens to return. */
  topLogprobs: number;
}

export interface TokenLogprob {
  token: string;
  logprob: number;
}

export interface NextTokenResult {
  /** The most likely first tokens of the continuation, most likely first. */
  top: TokenLogprob[];
  usage: Usage;
}

export interface ContinuationRequest {
  prompt: string;
  /** Texts that may follow the prompt verbatim, leading space included (" Correct"); each non-empty. */
  continuations: string[];
}

/**
 * One continuation scored as a whole. Its tokens are the ones that follow the prompt's own tokens
 * when prompt + continuation is tokenized as one text (docs/verifiers.md): the tokenization the
 * model sees when it reads or writes that text.
 */
export interface ContinuationLogprob {
  continuation: string;
  /** ln p(the continuation's tokens | the prompt's tokens): the sum of `tokens`' logprobs. */
  logprob: number;
  /** Each token with its logprob given the prompt and the continuation's tokens before it. */
  tokens: TokenLogprob[];
}

/** Every continuation scored, in request order; or why they could not be (the caller falls back to top-k). */
export type ContinuationResult =
  | { scores: ContinuationLogprob[]; usage: Usage }
  | { scores: null; unavailable: string; usage: Usage };

export interface ModelBackend {
  /** Everything about the backend that determines its answers (model, endpoint, api); part of cache keys. */
  readonly id: string;
  generate(req: GenerateRequest, signal?: AbortSignal): Promise<GenerateResult>;
  nextToken(req: NextTokenRequest, signal?: AbortSignal): Promise<NextTokenResult>;
  /**
   * Exact log-probabilities of whole continuations of a prompt, where the backend can compute them
   * (embedded llama.cpp; completions servers that return prompt logprobs). Absent: it cannot.
   */
  continuationLogprobs?(req: ContinuationRequest, signal?: AbortSignal): Promise<ContinuationResult>;
  /**
   * A view of the backend for one task's calls, where the backend has several endpoints: all of
   * them go to one endpoint while it answers, so that its prefix cache serves the task's shared
   * prompt text (docs/run-format.md, "Several endpoints"). Absent: every call goes the same way.
   */
  forTask?(): ModelBackend;
  close(): Promise<void>;
}

/**
 * What a failed call means for the run (docs/run-format.md, "Failures and when a run stops"):
 * - transient: no usable answer this time (timeouts, 429, 5xx, resets): retried with backoff;
 * - bad-answer: the endpoint answered, but with something unusable for this request (not JSON, no
 *   logprobs, too large, the wrong number of choices): retried once;
 * - fatal: the endpoint cannot serve the run as configured (key, model, URL, parameters): never
 *   retried, and it ends the run.
 * A transient or bad-answer failure that outlives its retries fails that sample only.
 */
export type BackendFailure = 'transient' | 'bad-answer' | 'fatal';

/**
 * What a failed attempt says about the endpoint that made it (endpointPool.ts): 'overloaded', it
 * answered that it is busy (HTTP 429 or 503, or any error answer with Retry-After); 'unreachable',
 * no answer came (connection refused or reset, a body cut short, a gateway's 502 or 504, a
 * timeout). Other failures say nothing about the endpoint's health.
 */
export type EndpointSignal = 'overloaded' | 'unreachable';

/** A failed model call; the message names the endpoint and says what to do. */
export class BackendError extends Error {
  constructor(
    message: string,
    readonly failure: BackendFailure,
    /** Server-requested delay (from Retry-After), if any. */
    readonly retryAfterMs?: number,
    readonly endpointSignal?: EndpointSignal,
  ) {
    super(message);
    this.name = 'BackendError';
  }

  get retryable(): boolean {
    return this.failure !== 'fatal';
  }
}

/**
 * The prompt (plus the completion budget) does not fit the model's context. Never retried; it fails
 * the one sample (a verifier records a failed verification, a generation a failure record) instead
 * of ending the run, since one rambling generation must not cost a 300k-call gap check.
 */
export class PromptTooLongError extends BackendError {
  constructor(message: string) {
    super(message, 'fatal');
    this.name = 'PromptTooLongError';
  }
}

/** A call whose retries ran out; `last` is the error of its last attempt. */
export class RetriesExhaustedError extends BackendError {
  constructor(
    message: string,
    readonly last: BackendError,
  ) {
    super(message, last.failure);
    this.name = 'RetriesExhaustedError';
  }

  // Its retries are spent: whoever receives it must not retry it again.
  override get retryable(): boolean {
    return false;
  }
}

/**
 * The endpoint does not return several choices per request (it refused `n`, or answered n > 1 with
 * one choice twice in a row). The scheduler then sends the n samples as n scheduled requests.
 */
export class SeveralChoicesUnsupportedError extends BackendError {
  constructor(message: string) {
    super(message, 'fatal');
    this.name = 'SeveralChoicesUnsupportedError';
  }
}

/**
 * The call was not sent: the batch executor set its request aside for the next batch
 * (docs/batch.md). Neither an attempt nor a failure: the pass of the pipeline that made the call
 * skips the work that needed its answer, and a later pass, with the answer at hand, does it.
 */
export class CallDeferredError extends Error {
  constructor() {
    super('the call waits for its batch');
    this.name = 'CallDeferredError';
  }
}

/** Rejects a continuation request a backend cannot mean anything by: an empty prompt (its first token has no context), no continuations, or an empty one. */
export function checkContinuations(req: ContinuationRequest, backend: string): void {
  const { prompt, continuations } = req;
  if (typeof prompt !== 'string' || prompt.length === 0) throw new BackendError(`invalid ${backend} request: the prompt to score continuations of is empty`, 'fatal');
  if (!Array.isArray(continuations) || continuations.length === 0 || !continuations.every((c) => typeof c === 'string' && c.length > 0)) {
    throw new BackendError(`invalid ${backend} request: continuations must be a non-empty list of non-empty strings`, 'fatal');
  }
}
