// The client of every OpenAI-compatible and Azure OpenAI endpoint: the openai SDK, built so that
// the scheduler stays the one place that decides retries and timeouts (one attempt per call, no
// request timer of its own that could fire first). The SDK brings Azure's paths and `api-key`
// header, organisation and project headers, and typed errors that carry the answer's headers
// (x-request-id, x-should-retry, Retry-After). Under it, the node:http posters (httpPost.ts), or
// the fetch a process chose for endpoint calls (useFetchForEndpoints), each answer read whole up
// to a size cap (cappedFetch.ts).
import OpenAI, { APIError, AzureOpenAI } from 'openai';
import { createCappedFetch, type CappedFetch } from './cappedFetch';
import { createPosterFetch } from './httpPost';
import { HttpStatusError } from './openaiErrors';

export interface EndpointClientOptions {
  /** OpenAI-compatible: the base URL (usually ending in /v1). Azure: the resource endpoint, https://RESOURCE.openai.azure.com. */
  baseUrl: string;
  /**
   * Set for Azure OpenAI: requests go to {baseUrl}/openai/deployments/{deployment}/…?api-version=…,
   * the key in `api-key`; without a deployment to {baseUrl}/openai/… (the Files and Batches endpoints).
   */
  azure?: { deployment?: string; apiVersion: string };
  /** None: no Authorization (or api-key) header at all, as local servers want. */
  apiKey?: string;
  /** Sent as OpenAI-Organization / OpenAI-Project. */
  organization?: string;
  project?: string;
  /** Answers with a longer body fail with AnswerTooLargeError (default cappedFetch's DEFAULT_MAX_ANSWER_BYTES). */
  maxAnswerBytes?: number;
}

export interface EndpointClient {
  /**
   * POSTs `body` as JSON to `path` ('/completions' or '/chat/completions') in one attempt, and
   * resolves with the 2xx answer, its body already read. Rejects with an HttpStatusError for any
   * other status, or with the SDK's errors (APIConnectionError, with cappedFetch's errors as the
   * cause when the body broke; APIUserAbortError once `signal` aborts).
   */
  post(path: string, body: object, signal: AbortSignal | undefined): Promise<Response>;
  /** Closes the connections it pooled. */
  close(): void;
}

/** Set by useFetchForEndpoints; undefined: the node:http posters. */
let processFetch: typeof fetch | undefined;

/**
 * Sends the endpoint calls of clients made from now on through `fetch` instead of the node:http
 * posters: the CLI's choice when proxy variables are set (undici's fetch with its proxy agent).
 * Process-wide, like the global fetch it stands beside; undefined goes back to the posters.
 */
export function useFetchForEndpoints(fetch: typeof globalThis.fetch | undefined): void {
  processFetch = fetch;
}

/**
 * The SDK client of an endpoint over `fetch`, with the account's headers and no key header when
 * there is no key. `retries`: the SDK's own retries and request timer (endpoint calls: none, and a
 * timer longer than the scheduler's; batch management calls: a few, with their own timer).
 */
export function createSdkClient(opts: EndpointClientOptions, fetch: typeof globalThis.fetch, retries: { maxRetries: number; timeout: number }): OpenAI {
  const keyHeader = opts.azure ? 'api-key' : 'Authorization';
  const common = {
    // The SDK insists on a key; without one the header is removed again (a null default header).
    apiKey: opts.apiKey ?? 'no-key',
    ...(opts.apiKey === undefined ? { defaultHeaders: { [keyHeader]: null } } : {}),
    // null, not undefined: undefined would make the SDK read OPENAI_ORG_ID / OPENAI_PROJECT_ID
    // itself, and send them to endpoints the user's key does not go to.
    organization: opts.organization ?? null,
    project: opts.project ?? null,
    fetch,
    ...retries,
  };
  // baseURL is always given: the SDK would otherwise read OPENAI_BASE_URL from the environment.
  return opts.azure
    ? new AzureOpenAI({ ...common, baseURL: `${opts.baseUrl}/openai`, ...(opts.azure.deployment ? { deployment: opts.azure.deployment } : {}), apiVersion: opts.azure.apiVersion })
    : new OpenAI({ ...common, baseURL: opts.baseUrl });
}

/** The fetch for requests whose answers may be large and are streamed (batch files): the process's choice, else the global one. */
export function streamingFetch(): typeof globalThis.fetch {
  return processFetch ?? globalThis.fetch;
}

// The longest delay a Node timer can express: the SDK arms one per request, and the scheduler's
// per-attempt timeout must be the one that fires.
const LONGEST_TIMER_MS = 2_147_483_647;

export function createEndpointClient(opts: EndpointClientOptions): EndpointClient {
  const capped: CappedFetch = processFetch ? createCappedFetch(processFetch, opts.maxAnswerBytes) : createPosterFetch(opts.maxAnswerBytes);
  const client = createSdkClient(opts, capped.fetch, { maxRetries: 0, timeout: LONGEST_TIMER_MS });

  return {
    async post(path, body, signal) {
      try {
        return await client.post(path, { body, maxRetries: 0, ...(signal ? { signal } : {}) }).asResponse();
      } catch (err) {
        // The SDK keeps only the JSON `error` field of the body; the message is read from all of it.
        if (err instanceof APIError && typeof err.status === 'number' && err.headers) {
          throw new HttpStatusError(err.status, err.headers, capped.errorBody(err.headers) ?? '');
        }
        throw err;
      }
    },
    close: () => capped.close(),
  };
}
