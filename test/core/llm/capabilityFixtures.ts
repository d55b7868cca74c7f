// Endpoint capabilities as tests need them: a server that takes everything, with what differs.
import type { EndpointCapabilities } from '../../../src/core/runs/endpointCapabilities';

export function capabilities(endpoint: string, differs: Partial<EndpointCapabilities> = {}): EndpointCapabilities {
  return {
    endpoint,
    probedAt: '2026-12-01T00:00:00.000Z',
    tokenLimitParameter: 'max_tokens',
    temperature: true,
    topP: true,
    n: true,
    topLogprobs: 20,
    promptLogprobs: 'echo',
    reasoningEffort: true,
    said: {},
    ...differs,
  };
}

/** What a reasoning model's chat endpoint accepts (the fake server's `provider: 'reasoning'`). */
export function reasoningCapabilities(endpoint: string): EndpointCapabilities {
  return capabilities(endpoint, {
    tokenLimitParameter: 'max_completion_tokens',
    temperature: false,
    topP: false,
    topLogprobs: null,
    promptLogprobs: null,
    said: { topLogprobs: "HTTP 400: Unsupported parameter: 'logprobs' is not supported with this model." },
  });
}
