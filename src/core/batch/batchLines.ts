// The JSONL lines of batch engines (docs/batch.md): the OpenAI Batch API's request and result lines,
// which vLLM's `run-batch` reads and writes too. A result is matched to its request by `custom_id`
// alone: engines write results in any order (OpenAI), or in input order (vLLM), and may repeat them.
import { isPlainObject } from '../util/plainObject';
import { shownValue } from '../util/shownValue';

/**
 * The endpoints a gap check's requests go to (a batch names one of them for all its lines): the
 * OpenAI Batch API's (and vLLM's) `/v1/…`; Azure OpenAI's batch lines name them without `/v1`
 * (Microsoft Learn, "Getting started with Azure OpenAI batch deployments"; docs/batch.md).
 */
export type BatchUrl = '/v1/chat/completions' | '/v1/completions' | '/chat/completions' | '/completions';

export function batchUrlOf(api: 'chat' | 'completions', provider?: string): BatchUrl {
  const path = api === 'chat' ? '/chat/completions' : '/completions';
  return provider === 'azure' ? path : `/v1${path}`;
}

/** The API a batch's endpoint is of. */
export function apiOfBatchUrl(url: BatchUrl): 'chat' | 'completions' {
  return url.endsWith('/chat/completions') ? 'chat' : 'completions';
}

/** One request of a batch: the body an online call would POST to `url`, under its custom id. */
export interface BatchRequest {
  customId: string;
  url: BatchUrl;
  body: object;
}

/** A request as a line of a batch input file (without its newline). */
export function requestLine(request: BatchRequest): string {
  return JSON.stringify({ custom_id: request.customId, method: 'POST', url: request.url, body: request.body });
}

/**
 * What a result line says about its request:
 * - answer: the engine called the endpoint and got this HTTP status and body (an error status
 *   included; a body-less error becomes `{"error": {"message": …}}`, the shape servers use);
 * - not-run: the engine never ran the request (the batch expired, was cancelled, or failed).
 */
export type BatchResult =
  | { customId: string; kind: 'answer'; status: number; body: unknown }
  | { customId: string; kind: 'not-run'; message: string };

/** Whether a result is an answer the pipeline can read (a 2xx with a JSON object body). */
export function isSuccess(result: BatchResult): boolean {
  return result.kind === 'answer' && result.status >= 200 && result.status < 300 && isPlainObject(result.body);
}

/**
 * Reads one result line (OpenAI's output and error files, vLLM's output file):
 * `{"custom_id", "response": {"status_code", "body"} | null, "error": {code, message} | "message" | null}`.
 * A line of another shape is an error message for the caller to place (file and line).
 */
export function parseResultLine(text: string): BatchResult | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { problem: `not JSON (${(err as Error).message})` };
  }
  if (!isPlainObject(value)) return { problem: `expected a result object with "custom_id" and "response" (got ${shownValue(value)})` };
  const customId = value.custom_id;
  if (typeof customId !== 'string' || customId === '') return { problem: `"custom_id" must be a non-empty string (got ${shownValue(customId)})` };
  const { response, error } = value;
  const errorText = errorMessage(error);
  if (response === null || response === undefined) {
    if (errorText === null) return { problem: `${customId}: a result needs a "response" or an "error"` };
    return { customId, kind: 'not-run', message: errorText };
  }
  if (!isPlainObject(response)) return { problem: `${customId}: "response" must be an object (got ${shownValue(response)})` };
  const status = response.status_code;
  if (!Number.isInteger(status) || (status as number) < 100 || (status as number) > 599) {
    return { problem: `${customId}: "response.status_code" must be an HTTP status (got ${shownValue(status)})` };
  }
  const body = response.body ?? (errorText === null ? null : { error: { message: errorText } });
  return { customId, kind: 'answer', status: status as number, body };
}

/** The text of a line's `error`: OpenAI's `{code, message}`, vLLM's plain string; null when there is none. */
function errorMessage(error: unknown): string | null {
  if (error === null || error === undefined) return null;
  if (typeof error === 'string') return error;
  if (isPlainObject(error)) {
    const parts = [error.code, error.message].filter((p): p is string => typeof p === 'string' && p !== '');
    return parts.length > 0 ? parts.join(': ') : JSON.stringify(error);
  }
  return String(error);
}
