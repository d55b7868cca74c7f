// `gaplens doctor MODEL` and VS Code's "Check Model…": what an endpoint accepts (probed afresh,
// and cached for the runs after it), whether the logprobs it returns are what mc takes them for,
// and what that means for each verifier (docs/providers.md, "gaplens doctor").
import type { TokenLogprob } from '../llm/backend';
import type { EndpointCapabilities } from '../runs/endpointCapabilities';
import { parseModelSpec } from '../llm/modelSpec';
import { patientPost } from '../llm/openaiCapabilityProbe';
import { createContinuationScorer } from '../llm/openaiContinuations';
import { endpointOptionsOf, openOpenAIEndpoint, type OpenAIEndpoint } from '../llm/openaiEndpoint';
import { greedyParams } from '../llm/openaiParams';
import { readListedTop, type OpenAIApi } from '../llm/openaiResponses';
import { loadTemplates, renderTemplate } from '../prompts/load';
import { endpointSupport, type VerifierSupport } from '../verify/endpointSupport';
import { labelOfToken, MC_CONTINUATIONS } from '../verify/mc';
import { BASE_VERIFIERS } from '../verify/verifier';
import { endpointCapabilities, type CapabilityOptions } from './runCapabilities';

/** One logprob conformance check: passed, failed, or not run (`ok: null`, e.g. no logprobs to check). */
export interface ConformanceCheck {
  check: 'top-k' | 'values' | 'repeat' | 'labels' | 'continuation';
  ok: boolean | null;
  detail: string;
}

export interface DoctorReport {
  model: string;
  api: OpenAIApi;
  /** The endpoint does not serve this API at all: the server's words. */
  apiRefused?: string;
  /** Absent for an embedded model (nothing to probe) and when the API is refused. */
  capabilities?: EndpointCapabilities;
  conformance: ConformanceCheck[];
  verifiers: VerifierSupport[];
}

/** Two logprobs of one token "agree" within this many nats (|Δ ln p|): GPU kernels are not bit-exact, a different distribution is. */
export const REPEAT_TOLERANCE = 0.01;
/** Rounding slack for "a logprob ≤ 0" and "probabilities sum to ≤ 1". */
const SLACK = 1e-6;
/** A question and a right response in the verify-mc template: a prompt whose next token should be " Correct" or " Incorrect". */
const SAMPLE = { question: 'What is 6 times 7?', response: '6 times 7 is 42. The answer is 42.' };

type DoctorOptions = Omit<CapabilityOptions, 'refresh'>;

export async function runDoctor(model: string, api: OpenAIApi, opts: DoctorOptions, onWarning: (message: string) => void): Promise<DoctorReport> {
  const spec = parseModelSpec(model);
  if (spec.backend !== 'openai') {
    const why = 'embedded llama.cpp: exact logprobs over the whole vocabulary, every sampling setting applied';
    return { model, api: 'completions', conformance: [], verifiers: BASE_VERIFIERS.map((verifier) => ({ verifier, verdict: 'exact', why })) };
  }
  const outcome = await endpointCapabilities(model, api, { ...opts, refresh: true }, onWarning);
  if (outcome === null) throw new Error(`internal: ${model} is an HTTP endpoint but was not probed`);
  if ('apiRefused' in outcome) {
    const why = `the endpoint does not serve the ${api} API`;
    return { model, api, apiRefused: outcome.apiRefused, conformance: [], verifiers: BASE_VERIFIERS.map((verifier) => ({ verifier, verdict: 'impossible', why })) };
  }
  const caps = outcome.capabilities;
  const apiKey = opts.keyFor?.(model);
  // The conformance checks ask the server that was probed (the first of several that answered).
  const endpoint = openOpenAIEndpoint(endpointOptionsOf(spec, api, { ...(apiKey ? { apiKey } : {}), ...(opts.maxAnswerBytes !== undefined ? { maxAnswerBytes: opts.maxAnswerBytes } : {}) }, outcome.baseUrl));
  try {
    const conformance = await endpoint.guarded(opts.signal, () => checkConformance(endpoint, caps, opts));
    return { model, api, capabilities: caps, conformance, verifiers: withConformance(endpointSupport(caps), caps, conformance) };
  } finally {
    endpoint.close();
  }
}

/** Whether every check that ran passed and the endpoint serves the API: the doctor's exit status. */
export function doctorPassed(report: DoctorReport): boolean {
  return report.apiRefused === undefined && report.conformance.every((c) => c.ok !== false);
}

async function checkConformance(endpoint: OpenAIEndpoint, caps: EndpointCapabilities, opts: DoctorOptions): Promise<ConformanceCheck[]> {
  const k = caps.topLogprobs;
  if (k === null) {
    const detail = `not checked: the endpoint returns no logprobs (${caps.said.topLogprobs ?? 'none'})`;
    return (['top-k', 'values', 'repeat', 'labels'] as const).map((check) => ({ check, ok: null, detail }));
  }
  const prompt = renderTemplate(loadTemplates().get('verify-mc', 'numeric'), SAMPLE);
  const ask = async (count: number): Promise<TokenLogprob[]> => {
    const body = endpoint.api === 'chat'
      ? { model: endpoint.model, messages: [{ role: 'user', content: prompt }], ...greedyParams(caps, 1), logprobs: true, top_logprobs: count }
      : { model: endpoint.model, prompt, ...greedyParams(caps, 1), logprobs: count };
    return readListedTop(endpoint.api, await patientPost(endpoint, body, opts, opts.signal), endpoint.ctx.endpointUrl).top ?? [];
  };
  const fewer = Math.ceil(k / 2);
  const first = await ask(k);
  const again = await ask(k);
  const smaller = await ask(fewer);
  const checks = [countCheck(first, smaller, k, fewer), valuesCheck(first), repeatCheck(first, again, caps), labelsCheck(first)];
  if (caps.promptLogprobs !== null) checks.push(await continuationCheck(endpoint, caps, prompt, opts));
  return checks;
}

/** k distinct texts, as asked; if fewer, whether a fixed cap cut the list (truncated) or texts merged (collapsed). */
function countCheck(listed: TokenLogprob[], smaller: TokenLogprob[], k: number, fewer: number): ConformanceCheck {
  const distinct = new Set(listed.map((t) => t.token)).size;
  if (distinct === k && listed.length === k) return { check: 'top-k', ok: true, detail: `${k} distinct tokens, as asked` };
  if (listed.length > distinct) return { check: 'top-k', ok: false, detail: `lists ${listed.length - distinct} token text${listed.length - distinct === 1 ? '' : 's'} more than once among ${listed.length}` };
  const sameValues = smaller.every((t) => { const x = listed.find((l) => l.token === t.token); return x === undefined || Math.abs(x.logprob - t.logprob) <= SLACK; });
  const truncated = smaller.length === Math.min(fewer, listed.length) && sameValues;
  return {
    check: 'top-k',
    ok: false,
    detail: truncated
      ? `listed ${listed.length} of the ${k} asked for: truncated at ${listed.length} (asked for ${fewer}, it listed ${smaller.length})`
      : `listed ${listed.length} of the ${k} asked for, and ${smaller.length} of ${fewer}: tokens that decode to the same text collapse into one entry, and the entry left may carry another token's logprob`,
  };
}

/** Logprobs of one distribution: each ≤ 0, their probabilities summing to at most 1. */
function valuesCheck(listed: TokenLogprob[]): ConformanceCheck {
  const positive = listed.find((t) => !(t.logprob <= SLACK));
  const total = listed.reduce((sum, t) => sum + Math.exp(t.logprob), 0);
  if (positive) return { check: 'values', ok: false, detail: `${JSON.stringify(positive.token)} has logprob ${positive.logprob.toFixed(4)} > 0 (probabilities sum to ${total.toFixed(3)}): not logprobs of one distribution` };
  if (total > 1 + SLACK) return { check: 'values', ok: false, detail: `probabilities sum to ${total.toFixed(3)} > 1: not logprobs of one distribution` };
  return { check: 'values', ok: true, detail: `every logprob ≤ 0; probabilities sum to ${total.toFixed(3)} ≤ 1` };
}

/** The same request twice (at temperature 0 where it may be asked for) lists the same tokens with logprobs within REPEAT_TOLERANCE. */
function repeatCheck(first: TokenLogprob[], again: TokenLogprob[], caps: EndpointCapabilities): ConformanceCheck {
  const how = caps.temperature ? 'at temperature 0' : "at the endpoint's own temperature (it refuses others)";
  const other = new Map(again.map((t) => [t.token, t.logprob]));
  if (first.length !== again.length || !first.every((t) => other.has(t.token))) {
    return { check: 'repeat', ok: false, detail: `asked twice ${how}, it listed different tokens (${first.length}, then ${again.length})` };
  }
  let worst: { token: string; a: number; b: number } | undefined;
  for (const t of first) {
    const b = other.get(t.token) as number;
    if (worst === undefined || Math.abs(t.logprob - b) > Math.abs(worst.a - worst.b)) worst = { token: t.token, a: t.logprob, b };
  }
  if (worst === undefined || Math.abs(worst.a - worst.b) <= REPEAT_TOLERANCE) {
    return { check: 'repeat', ok: true, detail: `asked twice ${how}: the same tokens, logprobs within ${REPEAT_TOLERANCE}` };
  }
  return { check: 'repeat', ok: false, detail: `asked twice ${how}, the answers differ: ${JSON.stringify(worst.token)} had logprob ${worst.a.toFixed(4)}, then ${worst.b.toFixed(4)}` };
}

/** Both labels appear among the top tokens as first tokens mc counts (verify/mc.ts, labelOfToken). */
function labelsCheck(listed: TokenLogprob[]): ConformanceCheck {
  const found = (label: string): string[] => listed.filter((t) => labelOfToken(t.token) === label).map((t) => JSON.stringify(t.token));
  const correct = found('Correct');
  const incorrect = found('Incorrect');
  if (correct.length > 0 && incorrect.length > 0) return { check: 'labels', ok: true, detail: `"Correct" as ${correct.join(', ')} and "Incorrect" as ${incorrect.join(', ')}, first tokens mc counts` };
  const absent = [...(correct.length === 0 ? ['"Correct"'] : []), ...(incorrect.length === 0 ? ['"Incorrect"'] : [])];
  return { check: 'labels', ok: false, detail: `${absent.join(' and ')} ${absent.length === 1 ? 'is' : 'are'} not among the ${listed.length} top tokens after a verify-mc prompt as a first token mc counts (one that, trimmed and lowercased, starts the label with at least 2 characters)` };
}

/** Exact mc: both labels scored as whole continuations, their tokens starting where the prompt ends. */
async function continuationCheck(endpoint: OpenAIEndpoint, caps: EndpointCapabilities, prompt: string, opts: DoctorOptions): Promise<ConformanceCheck> {
  const way = caps.promptLogprobs as NonNullable<EndpointCapabilities['promptLogprobs']>;
  const scorer = createContinuationScorer((body, signal) => patientPost(endpoint, body, opts, signal), endpoint.ctx, { capabilities: caps, known: { way } });
  const result = await scorer.score({ prompt, continuations: [...MC_CONTINUATIONS] }, opts.signal);
  if (result.scores === null) return { check: 'continuation', ok: false, detail: `exact mc falls back to top-k: ${result.unavailable}` };
  const sizes = result.scores.map((s) => `${JSON.stringify(s.continuation)} is ${s.tokens.length} token${s.tokens.length === 1 ? '' : 's'} (logprob ${s.logprob.toFixed(3)})`);
  return { check: 'continuation', ok: true, detail: `scored exactly via ${way}: ${sizes.join(', ')}` };
}

/** mc's verdict in the light of the checks: top-k logprobs that are no probabilities make it impossible, other failures are said beside it. */
function withConformance(support: VerifierSupport[], caps: EndpointCapabilities, conformance: ConformanceCheck[]): VerifierSupport[] {
  const failed = (check: ConformanceCheck['check']): ConformanceCheck | undefined => conformance.find((c) => c.check === check && c.ok === false);
  return support.map((s) => {
    if (s.verifier !== 'mc' || s.verdict === 'impossible') return s;
    if (s.verdict === 'exact' && !failed('continuation')) return s;
    const values = failed('values');
    if (values) return { ...s, verdict: 'impossible', why: `the top logprobs are not probabilities: ${values.detail}` };
    const base = s.verdict === 'exact' ? `top-k from the ${caps.topLogprobs ?? 0} most likely first tokens` : s.why;
    const problems = conformance.filter((c) => c.ok === false).map((c) => c.detail);
    return { ...s, verdict: 'approximate', why: problems.length > 0 ? `${base}; but ${problems.join('; ')}` : base };
  });
}
