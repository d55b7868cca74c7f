// A ModelBackend for any OpenAI-compatible HTTP endpoint (OpenAI, vLLM, llama.cpp's server, …) and
// for Azure OpenAI deployments. It sends the calls it needs through the openai SDK
// (openaiClient.ts) and validates every answer before using it. One attempt per call: the
// scheduler owns retries and timeouts.
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { CompletionCreateParamsNonStreaming } from 'openai/resources/completions';
import { UserError } from '../util/errors';
import { abortReason } from './abort';
import { createEndpointClient } from './openaiClient';
import { BackendError, SeveralChoicesUnsupportedError, type ContinuationRequest, type ContinuationResult, type GenerateRequest, type GenerateResult, type Generation, type ModelBackend, type NextTokenRequest, type NextTokenResult } from './backend';
import { HttpStatusError, toBackendError, type EndpointContext } from './openaiErrors';
import { createContinuationScorer, type ScoringBody } from './openaiContinuations';
import { readTextChoices, readTopLogprobs, type OpenAIApi, type TextChoice } from './openaiResponses';

export interface OpenAIBackendOptions {
  /** OpenAI-compatible: the base URL (…/v1). Azure: the resource endpoint, https://RESOURCE.openai.azure.com. */
  baseUrl: string;
  /** The model name; on Azure, the deployment name. */
  model: string;
  apiKey?: string;
  api: OpenAIApi;
  /** Set for an Azure OpenAI deployment. */
  azure?: { apiVersion: string };
  /** Sent as OpenAI-Organization / OpenAI-Project. */
  organization?: string;
  project?: string;
  /** Answers with a longer body fail that call as a bad answer (default: cappedFetch's DEFAULT_MAX_ANSWER_BYTES). */
  maxAnswerBytes?: number;
}

/**
 * The Azure OpenAI API version used when OPENAI_API_VERSION names none: the latest generally
 * available version of the dated data-plane API.
 */
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';

/** What the environment says about the account: OPENAI_ORG_ID, OPENAI_PROJECT_ID (the SDK's own variables). */
export function accountFromEnv(env: NodeJS.ProcessEnv = process.env): Pick<OpenAIBackendOptions, 'organization' | 'project'> {
  return {
    ...(env.OPENAI_ORG_ID ? { organization: env.OPENAI_ORG_ID } : {}),
    ...(env.OPENAI_PROJECT_ID ? { project: env.OPENAI_PROJECT_ID } : {}),
  };
}

/** The Azure API version: OPENAI_API_VERSION (the SDK's own variable), else DEFAULT_AZURE_API_VERSION. */
export function azureApiVersion(env: NodeJS.ProcessEnv = process.env): string {
  return env.OPENAI_API_VERSION || DEFAULT_AZURE_API_VERSION;
}

type RequestBody = CompletionCreateParamsNonStreaming | ChatCompletionCreateParamsNonStreaming;

/**
 * Answers of exactly one choice to n > 1 in a row that mean the server ignores `n` (some servers
 * do so silently). One such answer alone is a bad answer, retried like any other: a transient
 * short answer must not switch `n` off for the rest of the run.
 */
const SINGLE_CHOICE_ANSWERS_MEANING_NO_N = 2;

export function createOpenAIBackend(opts: OpenAIBackendOptions): ModelBackend {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  if (!/^https?:\/\/\S+$/.test(baseUrl)) throw new UserError(`The base URL "${baseUrl}" is not an http(s) URL; give one like http://127.0.0.1:8000/v1.`);
  const { api, model, apiKey, azure } = opts;
  const path = api === 'chat' ? '/chat/completions' : '/completions';
  const ctx: EndpointContext = {
    endpointUrl: azure ? `${baseUrl}/openai/deployments/${model}${path}?api-version=${azure.apiVersion}` : `${baseUrl}${path}`,
    baseUrl,
    model,
    azure: azure !== undefined,
    redact: (text) => (apiKey ? text.split(apiKey).join('***') : text),
  };
  const client = createEndpointClient({
    baseUrl,
    ...(azure ? { azure: { deployment: model, apiVersion: azure.apiVersion } } : {}),
    ...(apiKey !== undefined ? { apiKey } : {}),
    ...(opts.organization !== undefined ? { organization: opts.organization } : {}),
    ...(opts.project !== undefined ? { project: opts.project } : {}),
    ...(opts.maxAnswerBytes !== undefined ? { maxAnswerBytes: opts.maxAnswerBytes } : {}),
  });
  let singleChoiceAnswers = 0;

  /** One exchange: the parsed JSON of a 2xx answer; an HttpStatusError for any other status. */
  async function post(body: RequestBody | ScoringBody, signal: AbortSignal | undefined): Promise<unknown> {
    const answer = await client.post(path, body, signal);
    const type = answer.headers.get('content-type');
    if (type !== null && !/\bjson\b/i.test(type)) {
      throw new BackendError(`${ctx.endpointUrl} answered with ${type}, not JSON; is it an OpenAI-compatible ${api} endpoint?`, 'bad-answer');
    }
    // A SyntaxError here is mapped by toBackendError: a body cut short.
    return JSON.parse(await answer.text()) as unknown;
  }

  /** Runs one exchange and turns every failure into the abort reason or a BackendError. */
  async function guarded<T>(signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (signal?.aborted) throw abortReason(signal);
      throw toBackendError(err, ctx);
    }
  }

  function samplingBody(req: GenerateRequest): RequestBody {
    const common = {
      model,
      n: req.n,
      temperature: req.temperature,
      top_p: req.topP,
      max_tokens: req.maxTokens,
      ...(req.seed !== undefined ? { seed: req.seed } : {}),
      ...(req.stop && req.stop.length > 0 ? { stop: req.stop } : {}),
    };
    return api === 'chat' ? { ...common, messages: [{ role: 'user', content: req.prompt }] } : { ...common, prompt: req.prompt };
  }

  /** All n choices of one request; SeveralChoicesUnsupportedError once the server shows it cannot return several. */
  async function sample(req: GenerateRequest, signal: AbortSignal | undefined): Promise<GenerateResult> {
    let body: unknown;
    try {
      body = await post(samplingBody(req), signal);
    } catch (err) {
      if (req.n > 1 && !signal?.aborted && rejectsN(err)) {
        throw new SeveralChoicesUnsupportedError(`${ctx.endpointUrl} does not return several choices per request (${(err as Error).message})`);
      }
      throw err;
    }
    const { choices, usage } = readTextChoices(api, body, ctx.endpointUrl);
    if (choices.length === req.n) {
      singleChoiceAnswers = 0;
      return { generations: apportionTokens(choices, usage.completionTokens), usage };
    }
    if (req.n > 1 && choices.length === 1 && ++singleChoiceAnswers >= SINGLE_CHOICE_ANSWERS_MEANING_NO_N) {
      throw new SeveralChoicesUnsupportedError(`${ctx.endpointUrl} answered n=${req.n} with one choice ${SINGLE_CHOICE_ANSWERS_MEANING_NO_N} times in a row: it ignores n`);
    }
    throw new BackendError(`${ctx.endpointUrl} returned ${choices.length} choices for n=${req.n}.`, 'bad-answer');
  }

  // Prompt logprobs exist on the completions API only; chat mc stays top-k.
  const scoreContinuations = api === 'completions' ? createContinuationScorer(post, ctx) : undefined;

  return {
    id: `${azure ? 'azure' : 'openai'}:${api}:${model}@${baseUrl}`,

    async generate(req: GenerateRequest, signal?: AbortSignal): Promise<GenerateResult> {
      if (!Number.isInteger(req.n) || req.n < 1) throw new RangeError(`generate: n must be a positive integer, got ${req.n}`);
      return guarded(signal, () => sample(req, signal));
    },

    async nextToken(req: NextTokenRequest, signal?: AbortSignal): Promise<NextTokenResult> {
      if (!Number.isInteger(req.topLogprobs) || req.topLogprobs < 1) throw new RangeError(`nextToken: topLogprobs must be a positive integer, got ${req.topLogprobs}`);
      // No clamping of topLogprobs: limits differ between servers (OpenAI: 5 on completions, 20 on
      // chat), and the server's own error message says best what it accepts.
      const body: RequestBody = api === 'chat'
        ? { model, messages: [{ role: 'user', content: req.prompt }], max_tokens: 1, temperature: 0, logprobs: true, top_logprobs: req.topLogprobs }
        : { model, prompt: req.prompt, max_tokens: 1, temperature: 0, logprobs: req.topLogprobs };
      return guarded(signal, async () => readTopLogprobs(api, await post(body, signal), ctx.endpointUrl));
    },

    ...(scoreContinuations
      ? { continuationLogprobs: (req: ContinuationRequest, signal?: AbortSignal): Promise<ContinuationResult> => guarded(signal, () => scoreContinuations(req, signal)) }
      : {}),

    async close(): Promise<void> {
      client.close();
    },
  };
}

/** Whether an error is the endpoint saying it cannot return several choices (llama.cpp: HTTP 500 "Only one completion choice is allowed"). */
function rejectsN(err: unknown): boolean {
  if (!(err instanceof HttpStatusError)) return false;
  if (err.status !== 400 && err.status !== 422 && err.status < 500) return false;
  return err.server.param === 'n' || /\bn\b|choice/i.test(err.server.message);
}

/**
 * Per-choice completion tokens when only the request's total is known (n > 1): the total split in
 * proportion to text length, largest remainders first, so the parts add up to the reported total.
 */
function apportionTokens(choices: TextChoice[], total: number): Generation[] {
  const totalChars = choices.reduce((sum, c) => sum + c.text.length, 0);
  const shares = choices.map((c) => (totalChars > 0 ? (total * c.text.length) / totalChars : total / choices.length));
  const counts = shares.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const byRemainder = shares.map((s, i) => ({ i, r: s - Math.floor(s) })).sort((a, b) => b.r - a.r);
  for (const { i } of byRemainder) {
    if (left <= 0) break;
    counts[i] = (counts[i] ?? 0) + 1;
    left--;
  }
  return choices.map((c, i) => ({ text: c.text, finishReason: c.finishReason, completionTokens: counts[i] ?? 0 }));
}
