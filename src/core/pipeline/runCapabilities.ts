// What the HTTP endpoints of a run accept, found out before its first call (docs/providers.md,
// "Capabilities"): each endpoint the execution will call is probed (or its probe read from the
// capability cache), a verifier an endpoint cannot serve is refused with the reason and what to
// use instead, and settings the endpoint will not take are said up front. The result is recorded
// in run.json and words every request of the run.
import { BackendError } from '../llm/backend';
import type { EndpointCapabilities } from '../runs/endpointCapabilities';
import { settingsNotSent } from '../runs/endpointCapabilities';
import { cachedCapabilities, storeCapabilities } from '../llm/capabilityCache';
import { parseModelSpec, sameModel, type ModelSpec } from '../llm/modelSpec';
import { probeCapabilities, type ProbeOutcome } from '../llm/openaiCapabilityProbe';
import { endpointOptionsOf, openOpenAIEndpoint } from '../llm/openaiEndpoint';
import type { OpenAIApi } from '../llm/openaiResponses';
import { UserError } from '../util/errors';
import { SAMPLING_VERIFIERS, verifierSupport } from '../verify/endpointSupport';
import { baseVerifierOf } from '../verify/index';

export interface CapabilityOptions {
  /** The API key for a model spec's endpoint, if one may be sent there. */
  keyFor?: (model: string) => string | undefined;
  /** The capability cache folder; null: neither read nor written (--no-cache). */
  cacheDir: string | null;
  /**
   * Specs that serve models of the run from other endpoints (a resume's --model, ExecuteOptions.servedBy):
   * a model of the run is probed there, its capabilities recorded under the run's spec.
   */
  servedBy?: readonly string[];
  /** Probe anew even when the cache holds a fresh result (--refresh-capabilities). */
  refresh?: boolean;
  timeoutMs?: number;
  maxAnswerBytes?: number;
  signal?: AbortSignal;
  now?: () => Date;
}

type HttpSpec = Extract<ModelSpec, { backend: 'openai' }>;

/** What an execution asks of one model: generations, and the verifiers it runs (names as records carry them). */
export interface ModelUse {
  model: string;
  generates: boolean;
  verifiers: string[];
}

/**
 * The endpoint's capabilities, from the cache when fresh, else probed (and cached), with the base
 * URL they are of; null for an embedded model, which needs no probe. The servers of a model with
 * several serve it alike: the first that answers is probed for all (docs/run-format.md, "Several
 * endpoints"), so that a server that is down does not stop the run before it starts.
 */
export async function endpointCapabilities(model: string, api: OpenAIApi, opts: CapabilityOptions, onWarning: (message: string) => void): Promise<(ProbeOutcome & { baseUrl: string }) | null> {
  const spec = parseModelSpec(model);
  if (spec.backend !== 'openai') return null;
  const last = spec.baseUrls.length - 1;
  for (const [i, baseUrl] of spec.baseUrls.entries()) {
    try {
      return { ...(await probeAt(spec, baseUrl, model, api, opts, onWarning)), baseUrl };
    } catch (err) {
      if (i < last && err instanceof BackendError && err.endpointSignal === 'unreachable') continue;
      throw err;
    }
  }
  throw new Error(`internal: ${model} lists no endpoint`);
}

async function probeAt(spec: HttpSpec, baseUrl: string, model: string, api: OpenAIApi, opts: CapabilityOptions, onWarning: (message: string) => void): Promise<ProbeOutcome> {
  const apiKey = opts.keyFor?.(model);
  const endpoint = openOpenAIEndpoint(endpointOptionsOf(spec, api, { ...(apiKey ? { apiKey } : {}), ...(opts.maxAnswerBytes !== undefined ? { maxAnswerBytes: opts.maxAnswerBytes } : {}) }, baseUrl));
  try {
    const now = opts.now?.() ?? new Date();
    const cached = opts.cacheDir === null || opts.refresh ? undefined : await cachedCapabilities(opts.cacheDir, endpoint.id, now);
    if (cached) return { capabilities: cached };
    const outcome = await probeCapabilities(endpoint, {
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.now ? { now: opts.now } : {}),
    });
    if ('capabilities' in outcome && opts.cacheDir !== null) await storeCapabilities(opts.cacheDir, outcome.capabilities, onWarning);
    return outcome;
  } finally {
    endpoint.close();
  }
}

/**
 * Probes every HTTP endpoint of `uses` and refuses (a usage error, exit 2) what one of them cannot
 * serve: its API, or a verifier. Returns the capabilities by model spec, to record in run.json.
 */
export async function checkRunCapabilities(uses: readonly ModelUse[], api: OpenAIApi, opts: CapabilityOptions, onWarning: (message: string) => void): Promise<Record<string, EndpointCapabilities>> {
  const found: Record<string, EndpointCapabilities> = {};
  for (const use of uses) {
    // An endpoint that cannot be probed (down, a wrong key, a refusal) is said as such: the run has not begun.
    const at = opts.servedBy?.find((spec) => sameModel(spec, use.model)) ?? use.model;
    const outcome = await endpointCapabilities(at, api, opts, onWarning).catch((err: unknown) => {
      if (!(err instanceof BackendError)) throw err;
      throw new UserError(`${err.message} (while finding out what the endpoint accepts, before the run's first call)`);
    });
    if (outcome === null) continue;
    if ('apiRefused' in outcome) throw new UserError(apiRefusal(use.model, api, outcome.apiRefused), 2);
    const caps = outcome.capabilities;
    const refused = use.verifiers.map((name) => ({ name, support: verifierSupport(baseVerifierOf(name), caps) })).filter((v) => v.support.verdict === 'impossible');
    if (refused.length > 0) throw new UserError(verifierRefusal(use.model, refused.map((r) => `${r.name}: ${r.support.why}`), caps), 2);
    const notSent = settingsNotSent(caps);
    if (notSent.length > 0 && (use.generates || use.verifiers.some((name) => baseVerifierOf(name) !== 'mc'))) {
      onWarning(`${use.model}: ${notSent.join(' and ')} ${notSent.length === 1 ? 'is' : 'are'} not sent, since the endpoint refuses ${notSent.length === 1 ? 'it' : 'them'}; it samples at its own, and the run's report says so`);
    }
    if (caps.tokenLimitParameter === 'max_completion_tokens') {
      onWarning(`${use.model}: token budgets go in max_completion_tokens; its reasoning tokens count against them, so raise --max-tokens if answers end at the limit`);
    }
    found[use.model] = caps;
  }
  return found;
}

/**
 * Refuses a resume whose endpoint now takes a sampling setting it refused when the run started,
 * or the other way round: the run's samples would mix two samplings under one configuration.
 */
export function checkSamplingUnchanged(recorded: Record<string, EndpointCapabilities> | undefined, now: Record<string, EndpointCapabilities>): void {
  for (const [model, caps] of Object.entries(now)) {
    const before = recorded?.[model];
    if (!before) continue;
    const was = settingsNotSent(before).join(' and ') || 'nothing';
    const is = settingsNotSent(caps).join(' and ') || 'nothing';
    if (was !== is) {
      throw new UserError(
        `${model} refused ${was} of the run's sampling settings when the run was probed (${before.probedAt}) and refuses ${is} now: ` +
          `the run's samples would mix two samplings. Start a new run; if the endpoint is back as it was, --refresh-capabilities probes it again.`,
      );
    }
  }
}

function apiRefusal(model: string, api: OpenAIApi, said: string): string {
  const other = api === 'completions' ? 'chat' : 'completions';
  return `${model} does not serve the ${api} API (${said}): use the ${other} API (--api ${other}, or "api": "${other}" in the model profile).`;
}

function verifierRefusal(model: string, reasons: string[], caps: EndpointCapabilities): string {
  const alternatives = SAMPLING_VERIFIERS.filter((v) => verifierSupport(v, caps).verdict !== 'impossible');
  return `${model} cannot serve ${reasons.length === 1 ? 'this verifier' : 'these verifiers'}: ${reasons.join('; ')}. ` +
    `Pick a verifier that samples instead: ${alternatives.join(', ')} (e.g. --verifier ${alternatives[0] ?? 'cot-score'}). ` +
    `gaplens doctor ${model} (in VS Code: Gap Lens: Check Model…) shows what the endpoint can do.`;
}

/** The models an execution calls and what for: generations by the run's model, each verifier by its own (cross-verification) or the run's. */
export function modelUses(model: string, verifierModels: Record<string, string> | undefined, verifiers: readonly string[], generates: boolean): ModelUse[] {
  const uses = new Map<string, ModelUse>();
  const use = (spec: string): ModelUse => {
    const existing = uses.get(spec);
    if (existing) return existing;
    const created: ModelUse = { model: spec, generates: false, verifiers: [] };
    uses.set(spec, created);
    return created;
  };
  if (generates) use(model).generates = true;
  for (const name of verifiers) use(verifierModels?.[name] ?? model).verifiers.push(name);
  return [...uses.values()];
}
