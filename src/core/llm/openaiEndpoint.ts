// One OpenAI-compatible or Azure OpenAI endpoint as the backend and the capability probe talk to
// it: where calls go, the openai SDK client under them (openaiClient.ts), one exchange at a time
// turned into parsed JSON or a BackendError that names the endpoint.
import { UserError } from '../util/errors';
import { abortReason } from './abort';
import { BackendError } from './backend';
import type { ModelSpec } from './modelSpec';
import { createEndpointClient } from './openaiClient';
import { toBackendError, type EndpointContext } from './openaiErrors';
import type { OpenAIApi } from './openaiResponses';

export interface OpenAIEndpointOptions {
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
  /**
   * Answers exchanges instead of the endpoint (the batch executor: from batch results, or by
   * setting the request aside for a batch): the parsed JSON body of a 2xx answer, or an
   * HttpStatusError. No connection is opened then.
   */
  exchange?: Exchange;
}

/** One exchange: a request body POSTed to the endpoint's path, and the parsed JSON of its 2xx answer. */
export type Exchange = (body: object, signal: AbortSignal | undefined) => Promise<unknown>;

/**
 * The Azure OpenAI API version used when OPENAI_API_VERSION names none: the latest generally
 * available version of the dated data-plane API.
 */
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';

/** What the environment says about the account: OPENAI_ORG_ID, OPENAI_PROJECT_ID (the SDK's own variables). */
export function accountFromEnv(env: NodeJS.ProcessEnv = process.env): Pick<OpenAIEndpointOptions, 'organization' | 'project'> {
  return {
    ...(env.OPENAI_ORG_ID ? { organization: env.OPENAI_ORG_ID } : {}),
    ...(env.OPENAI_PROJECT_ID ? { project: env.OPENAI_PROJECT_ID } : {}),
  };
}

/** The Azure API version of a spec that names none: OPENAI_API_VERSION (the SDK's own variable), else DEFAULT_AZURE_API_VERSION. */
export function azureApiVersion(env: NodeJS.ProcessEnv = process.env): string {
  return env.OPENAI_API_VERSION || DEFAULT_AZURE_API_VERSION;
}

type HttpSpec = Extract<ModelSpec, { backend: 'openai' }>;

/**
 * The endpoint options of a model spec at `baseUrl`, one of its servers (default: its first), as a
 * run opens it: the organisation and project go with the key, only where the key may go.
 */
export function endpointOptionsOf(spec: HttpSpec, api: OpenAIApi, opts: { apiKey?: string; maxAnswerBytes?: number }, baseUrl: string = spec.baseUrls[0]): OpenAIEndpointOptions {
  return {
    baseUrl,
    model: spec.model,
    api,
    ...(spec.provider === 'azure' ? { azure: { apiVersion: spec.apiVersion ?? azureApiVersion() } } : {}),
    ...(opts.apiKey ? { apiKey: opts.apiKey, ...accountFromEnv() } : {}),
    ...(opts.maxAnswerBytes !== undefined ? { maxAnswerBytes: opts.maxAnswerBytes } : {}),
  };
}

export interface OpenAIEndpoint {
  /** `openai:API:MODEL@BASE_URL` or `azure:API:DEPLOYMENT@ENDPOINT`: everything that determines its answers. */
  readonly id: string;
  readonly ctx: EndpointContext;
  readonly api: OpenAIApi;
  readonly model: string;
  /** One exchange: the parsed JSON of a 2xx answer; an HttpStatusError for any other status. */
  post(body: object, signal: AbortSignal | undefined): Promise<unknown>;
  /** Runs exchanges, turning every failure into the abort reason or a BackendError. */
  guarded<T>(signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T>;
  close(): void;
}

export function openOpenAIEndpoint(opts: OpenAIEndpointOptions): OpenAIEndpoint {
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

  return {
    id: `${azure ? 'azure' : 'openai'}:${api}:${model}@${baseUrl}`,
    ctx,
    api,
    model,
    async post(body, signal) {
      if (opts.exchange) return opts.exchange(body, signal);
      const answer = await client.post(path, body, signal);
      const type = answer.headers.get('content-type');
      if (type !== null && !/\bjson\b/i.test(type)) {
        throw new BackendError(`${ctx.endpointUrl} answered with ${type}, not JSON; is it an OpenAI-compatible ${api} endpoint?`, 'bad-answer');
      }
      // A SyntaxError here is mapped by toBackendError: a body cut short.
      return JSON.parse(await answer.text()) as unknown;
    },
    async guarded(signal, run) {
      try {
        return await run();
      } catch (err) {
        if (signal?.aborted) throw abortReason(signal);
        throw toBackendError(err, ctx);
      }
    },
    close: () => client.close(),
  };
}
