// The sampling parameters of a request as an endpoint takes them (docs/providers.md,
// "Capabilities"): the token budget in the parameter it accepts, and temperature and top-p only
// where it accepts them. Without probed capabilities, the OpenAI API's own names, all sent.
import type { EndpointCapabilities } from '../runs/endpointCapabilities';

export interface Sampling {
  maxTokens: number;
  temperature: number;
  /** Absent: not asked for (greedy calls send none). */
  topP?: number;
}

/** What of an endpoint's capabilities words its sampling parameters. */
export type SamplingCapabilities = Pick<EndpointCapabilities, 'tokenLimitParameter' | 'temperature' | 'topP'>;

export function samplingParams(caps: SamplingCapabilities | undefined, s: Sampling): Record<string, number> {
  return {
    [caps?.tokenLimitParameter ?? 'max_tokens']: s.maxTokens,
    ...(caps?.temperature === false ? {} : { temperature: s.temperature }),
    ...(s.topP === undefined || caps?.topP === false ? {} : { top_p: s.topP }),
  };
}

/** A call that reads probabilities rather than sampling text: `maxTokens` tokens at temperature 0 (where it may be asked for). */
export function greedyParams(caps: SamplingCapabilities | undefined, maxTokens: number): Record<string, number> {
  return samplingParams(caps, { maxTokens, temperature: 0 });
}
