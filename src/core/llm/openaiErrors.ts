// Turns what the openai SDK throws (HTTP statuses, connection failures, broken bodies) into a
// BackendError that says whether a retry can help and what the user should do otherwise.
import { APIConnectionError, APIError } from 'openai';
import { BackendError, PromptTooLongError } from './backend';
import { TruncatedBodyError } from './httpFetch';

export interface EndpointContext {
  /** The full URL that was called, e.g. http://host/v1/chat/completions. */
  endpointUrl: string;
  baseUrl: string;
  model: string;
  /** Removes secrets from text the server or the network stack produced (servers echo keys). */
  redact: (text: string) => string;
}

const KEY_HINT = 'check the API key in OPENAI_API_KEY / GAPLENS_API_KEY';
const MAX_SERVER_MESSAGE = 500;
/** How OpenAI, vLLM and llama.cpp's server word a prompt that is too long. */
const CONTEXT_OVERFLOW = /context length|context window|maximum context|exceeds the context|too many tokens|prompt is too long/i;

/** Maps an error from one SDK call to a BackendError. Abort errors are the caller's business: pass them through first. */
export function toBackendError(err: unknown, ctx: EndpointContext): BackendError {
  if (err instanceof BackendError) return err;
  if (err instanceof APIConnectionError) {
    const truncated = findCause(err, TruncatedBodyError);
    if (truncated) return new BackendError(`${ctx.endpointUrl} cut its answer short: ${truncated.message} (${ctx.redact(describeCause(truncated.cause))}).`, true);
    return new BackendError(`Could not reach ${ctx.endpointUrl}: ${ctx.redact(describeCause(err))}. Is the server running and the base URL right?`, true);
  }
  if (err instanceof APIError && typeof err.status === 'number') return fromStatus(err, err.status, ctx);
  if (err instanceof SyntaxError) {
    return new BackendError(`${ctx.endpointUrl} sent a body that is not valid JSON (${ctx.redact(err.message)}); probably cut short.`, true);
  }
  // Anything else thrown while the exchange was under way is a transport failure.
  return new BackendError(`The connection to ${ctx.endpointUrl} failed while reading the answer: ${ctx.redact(describeCause(err))}.`, true);
}

function fromStatus(err: APIError, status: number, ctx: EndpointContext): BackendError {
  const said = ctx.redact(serverMessage(err));
  const head = `${ctx.endpointUrl} answered HTTP ${status}: ${said}`;
  if (status === 401) return new BackendError(`${head} — the API key was rejected; ${KEY_HINT}.`, false);
  if (status === 403) return new BackendError(`${head} — access denied; ${KEY_HINT} and that it may use model "${ctx.model}".`, false);
  if (status === 404) {
    const aboutModel = err.code === 'model_not_found' || /model/i.test(said);
    return new BackendError(aboutModel
      ? `${head} — model "${ctx.model}" not found at ${ctx.baseUrl}; check the model name (GET ${ctx.baseUrl}/models lists the served ones).`
      : `${head} — nothing is served there; check the base URL (it usually ends in /v1) and the API kind (chat or completions), and that model "${ctx.model}" exists.`, false);
  }
  if (status === 400 && CONTEXT_OVERFLOW.test(said)) return new PromptTooLongError(`${head} — the prompt does not fit the model's context; lower --max-tokens or shorten the prompt.`);
  if (status === 429 || status === 408 || status === 409 || status >= 500) {
    return new BackendError(head, true, retryAfterMs(err.headers));
  }
  return new BackendError(`${head} — the server refused the request; check that it supports these parameters (model "${ctx.model}").`, false);
}

/** The server's own words, from the JSON error body if there is one. */
export function serverMessage(err: APIError): string {
  const body = err.error as { message?: unknown } | undefined;
  const text = typeof body?.message === 'string' ? body.message : err.message.replace(/^\d{3} /, '');
  return text.length > MAX_SERVER_MESSAGE ? `${text.slice(0, MAX_SERVER_MESSAGE)}…` : text;
}

/** `retry-after-ms` (milliseconds) or `Retry-After` (seconds or an HTTP date), if present and sensible. */
export function retryAfterMs(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Number(ms);
  const after = headers?.get('retry-after');
  if (!after) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(after)) return Number(after) * 1000;
  const at = Date.parse(after);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function findCause<T extends Error>(err: unknown, type: new (...args: never[]) => T): T | undefined {
  for (let current = err, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (current instanceof type) return current;
  }
  return undefined;
}

/** The innermost useful description of a failure: "connect ECONNREFUSED 127.0.0.1:9", "read ECONNRESET", … */
function describeCause(err: unknown): string {
  let current: unknown = err;
  let description = err instanceof Error ? err.message : String(err);
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    // Skip the SDK's generic wrapper message in favour of what the socket said.
    if (current.message && current.message !== 'Connection error.') description = current.message;
    if (typeof code === 'string' && !description.includes(code)) description = `${code} ${description}`;
    current = current.cause;
  }
  return description;
}
