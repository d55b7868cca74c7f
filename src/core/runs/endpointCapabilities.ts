// What an OpenAI-compatible endpoint accepts and returns, found out once per endpoint by probing
// it (openaiCapabilityProbe.ts), cached (capabilityCache.ts) and recorded in every run's run.json:
// it decides how requests are worded (openaiBackend.ts) and which verifiers the endpoint can serve
// (verify/endpointSupport.ts). docs/providers.md, "Capabilities", defines every field.

export type TokenLimitParameter = 'max_tokens' | 'max_completion_tokens';
/** How a completions server returns the logprobs of a prompt's tokens (docs/verifiers.md, "Exact"). */
export type PromptLogprobsWay = 'echo' | 'prompt_logprobs';

export const CAPABILITY_NAMES = ['tokenLimitParameter', 'temperature', 'topP', 'n', 'topLogprobs', 'promptLogprobs', 'reasoningEffort'] as const;
export type CapabilityName = (typeof CAPABILITY_NAMES)[number];

export interface EndpointCapabilities {
  /** The endpoint probed: `openai:API:MODEL@BASE_URL` or `azure:API:DEPLOYMENT@ENDPOINT`. */
  endpoint: string;
  /** When it was probed (a cached result keeps its own time). */
  probedAt: string;
  /** The parameter the token budget goes in: reasoning models refuse `max_tokens`. */
  tokenLimitParameter: TokenLimitParameter;
  /** Whether a temperature other than the default is accepted; false: it is never sent. */
  temperature: boolean;
  /** Whether `top_p` is accepted; false: it is never sent. */
  topP: boolean;
  /** Whether one request returns several choices (`n`); false: each sample is its own request. */
  n: boolean;
  /** The most top logprobs per token the endpoint may be asked for (at most 20); null: it returns none. */
  topLogprobs: number | null;
  /** How it returns prompt logprobs (completions only); null: it does not (always null on chat). */
  promptLogprobs: PromptLogprobsWay | null;
  /** Whether `reasoning_effort` is accepted without error (a server that ignores unknown parameters accepts it too). */
  reasoningEffort: boolean;
  /** For each capability the endpoint lacks, or has in another form, the server's words or what the probe saw. */
  said: Partial<Record<CapabilityName, string>>;
}

/** The request settings a run records that the endpoint does not take, as the run's report names them. */
export function settingsNotSent(caps: EndpointCapabilities): ('temperature' | 'top-p')[] {
  return [...(caps.temperature ? [] : ['temperature' as const]), ...(caps.topP ? [] : ['top-p' as const])];
}
