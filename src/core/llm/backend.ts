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
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
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
  close(): Promise<void>;
}

/**
 * A failed model call. `retryable` errors (429, 5xx, resets, timeouts, truncated bodies) are
 * retried by the scheduler; the message names the endpoint and says what to do.
 */
export class BackendError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /** Server-requested delay (from Retry-After), if any. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'BackendError';
  }
}

/**
 * The prompt (plus the completion budget) does not fit the model's context. Not retryable; a
 * verifier records it as a failed verification of that one sample instead of ending the run,
 * since one rambling generation must not cost a 300k-call gap check.
 */
export class PromptTooLongError extends BackendError {
  constructor(message: string) {
    super(message, false);
    this.name = 'PromptTooLongError';
  }
}

/** Rejects a continuation request a backend cannot mean anything by: an empty prompt (its first token has no context), no continuations, or an empty one. */
export function checkContinuations(req: ContinuationRequest, backend: string): void {
  const { prompt, continuations } = req;
  if (typeof prompt !== 'string' || prompt.length === 0) throw new BackendError(`invalid ${backend} request: the prompt to score continuations of is empty`, false);
  if (!Array.isArray(continuations) || continuations.length === 0 || !continuations.every((c) => typeof c === 'string' && c.length > 0)) {
    throw new BackendError(`invalid ${backend} request: continuations must be a non-empty list of non-empty strings`, false);
  }
}
