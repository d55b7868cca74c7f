// Which verifiers an HTTP endpoint can serve, from its probed capabilities (docs/providers.md,
// "What each verifier needs"): mc needs logprobs, the others sample text. Decided before a run's
// first call, so a verifier the endpoint cannot serve is refused up front, not per sample.
import { settingsNotSent, type EndpointCapabilities } from '../runs/endpointCapabilities';
import { BASE_VERIFIERS, type BaseVerifierName } from './verifier';

/**
 * exact: as the run asks (mc: exact continuation logprobs; the others: every sampling setting
 * sent); approximate: it runs, in a weaker form (mc: top-k; the others: at the endpoint's own
 * temperature or top-p); impossible: the endpoint lacks what it needs.
 */
export type Verdict = 'exact' | 'approximate' | 'impossible';

export interface VerifierSupport {
  verifier: BaseVerifierName;
  verdict: Verdict;
  /** Why, in words, with the server's own where it refused something. */
  why: string;
}

/** The verifiers that sample text, and so need no logprobs: what to use where mc cannot run. */
export const SAMPLING_VERIFIERS: readonly BaseVerifierName[] = ['cot-score', 'cot-binary', 'tournament'];

export function verifierSupport(verifier: BaseVerifierName, caps: EndpointCapabilities): VerifierSupport {
  if (verifier === 'mc') {
    if (caps.promptLogprobs !== null) return { verifier, verdict: 'exact', why: `exact continuation logprobs from the prompt logprobs the endpoint returns (${caps.promptLogprobs})` };
    if (caps.topLogprobs !== null) {
      return { verifier, verdict: 'approximate', why: `top-k: from the ${caps.topLogprobs} most likely first tokens, since there are no prompt logprobs (${caps.said.promptLogprobs ?? 'none'})` };
    }
    return { verifier, verdict: 'impossible', why: `the endpoint returns no logprobs (${caps.said.topLogprobs ?? 'none'})` };
  }
  const notSent = settingsNotSent(caps);
  if (notSent.length === 0) return { verifier, verdict: 'exact', why: "sampled with the run's temperature and top-p" };
  return { verifier, verdict: 'approximate', why: `sampled at the endpoint's own ${notSent.join(' and ')}: it refuses the run's (${notSent.map((s) => caps.said[s === 'temperature' ? 'temperature' : 'topP']).join('; ')})` };
}

/** Every base verifier's support, in the usual order. */
export function endpointSupport(caps: EndpointCapabilities): VerifierSupport[] {
  return BASE_VERIFIERS.map((v) => verifierSupport(v, caps));
}
