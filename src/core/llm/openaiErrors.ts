// Turns what a call to an OpenAI-compatible endpoint fails with (an HTTP error status, a connection
// failure, a broken body) into a BackendError that says whether a retry can help and what the user
// should do otherwise.
import type { IncomingHttpHeaders } from 'node:http';
import { isPlainObject } from '../util/plainObject';
import { BackendError, PromptTooLongError } from './backend';
import { AnswerTooLargeError, ConnectionError, TruncatedBodyError, type HttpAnswer } from './httpPost';

export interface EndpointContext {
  /** The full URL that was called, e.g. http://host/v1/chat/completions. */
  endpointUrl: string;
  baseUrl: string;
  model: string;
  /** Removes secrets from text the server or the network stack produced (servers echo keys). */
  redact: (text: string) => string;
}

/** What an error body may say about the error: OpenAI's `{"error": {message, code, param}}`, and the looser shapes other servers send. */
interface ServerError {
  message: string;
  code: string | undefined;
  param: string | undefined;
}

/** The endpoint answered with a status other than 2xx. */
export class HttpStatusError extends Error {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** What the body says, read once: the server's message, error code and offending parameter. */
  readonly server: ServerError;

  constructor(answer: HttpAnswer) {
    const server = readServerError(answer.body);
    super(`HTTP ${answer.status}: ${server.message}`);
    this.name = 'HttpStatusError';
    this.status = answer.status;
    this.headers = answer.headers;
    this.server = server;
  }
}

const KEY_HINT = 'check the API key in OPENAI_API_KEY / GAPLENS_API_KEY';
const MAX_SERVER_MESSAGE = 500;
/** How OpenAI, vLLM and llama.cpp's server word a prompt that is too long. */
const CONTEXT_OVERFLOW = /context length|context window|maximum context|exceeds the context|too many tokens|prompt is too long/i;

/** Maps an error from one exchange to a BackendError. Abort errors are the caller's business: pass them through first. */
export function toBackendError(err: unknown, ctx: EndpointContext): BackendError {
  if (err instanceof BackendError) return err;
  if (err instanceof HttpStatusError) return fromStatus(err, ctx);
  if (err instanceof AnswerTooLargeError) {
    return new BackendError(`${ctx.endpointUrl} sent an answer larger than the cap (${err.message}); raise --max-answer-mb if answers this large are expected.`, 'bad-answer');
  }
  if (err instanceof TruncatedBodyError) return new BackendError(`${ctx.endpointUrl} cut its answer short: ${err.message} (${ctx.redact(describeCause(err.cause))}).`, 'transient');
  if (err instanceof ConnectionError) {
    return new BackendError(`Could not reach ${ctx.endpointUrl}: ${ctx.redact(describeCause(err))}. Is the server running and the base URL right?`, 'transient');
  }
  if (err instanceof SyntaxError) {
    return new BackendError(`${ctx.endpointUrl} sent a body that is not valid JSON (${ctx.redact(err.message)}); probably cut short.`, 'bad-answer');
  }
  // Anything else thrown while the exchange was under way is a transport failure.
  return new BackendError(`The connection to ${ctx.endpointUrl} failed while reading the answer: ${ctx.redact(describeCause(err))}.`, 'transient');
}

function fromStatus(err: HttpStatusError, ctx: EndpointContext): BackendError {
  const { status } = err;
  const said = ctx.redact(err.server.message);
  const head = `${ctx.endpointUrl} answered HTTP ${status}: ${said}`;
  if (status === 401) return new BackendError(`${head} — the API key was rejected; ${KEY_HINT}.`, 'fatal');
  if (status === 403) return new BackendError(`${head} — access denied; ${KEY_HINT} and that it may use model "${ctx.model}".`, 'fatal');
  if (status === 404) {
    const aboutModel = err.server.code === 'model_not_found' || /model/i.test(said);
    return new BackendError(aboutModel
      ? `${head} — model "${ctx.model}" not found at ${ctx.baseUrl}; check the model name (GET ${ctx.baseUrl}/models lists the served ones).`
      : `${head} — nothing is served there; check the base URL (it usually ends in /v1) and the API kind (chat or completions), and that model "${ctx.model}" exists.`, 'fatal');
  }
  if (status === 400 && CONTEXT_OVERFLOW.test(said)) return new PromptTooLongError(`${head} — the prompt does not fit the model's context; lower --max-tokens or shorten the prompt.`);
  if (status === 429 || status === 408 || status === 409 || status >= 500) {
    return new BackendError(head, 'transient', retryAfterMs(err.headers));
  }
  return new BackendError(`${head} — the server refused the request; check that it supports these parameters (model "${ctx.model}").`, 'fatal');
}

/**
 * The server's own words from an error body: OpenAI's `error.message`, a bare `error` string, or a
 * top-level `message` (vLLM); otherwise the body itself, which may be plain text or HTML.
 */
function readServerError(body: string): ServerError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const outer = isPlainObject(parsed) ? parsed : {};
  const inner = isPlainObject(outer.error) ? outer.error : outer;
  const said = [inner.message, outer.error, outer.message].find((m): m is string => typeof m === 'string' && m.length > 0) ?? body.trim();
  const text = said.length === 0 ? '(no body)' : said.length > MAX_SERVER_MESSAGE ? `${said.slice(0, MAX_SERVER_MESSAGE)}…` : said;
  return { message: text, code: stringOrUndefined(inner.code), param: stringOrUndefined(inner.param) };
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `retry-after-ms` (milliseconds) or `Retry-After` (seconds or an HTTP date), if present and sensible. */
export function retryAfterMs(headers: IncomingHttpHeaders | undefined, now: number = Date.now()): number | undefined {
  const ms = header(headers, 'retry-after-ms');
  if (ms && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Number(ms);
  const after = header(headers, 'retry-after');
  if (!after) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(after)) return Number(after) * 1000;
  const at = Date.parse(after);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function header(headers: IncomingHttpHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The innermost useful description of a failure: "connect ECONNREFUSED 127.0.0.1:9", "read ECONNRESET", … */
function describeCause(err: unknown): string {
  let current: unknown = err;
  let description = err instanceof Error ? err.message : String(err);
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (current.message) description = current.message;
    if (typeof code === 'string' && !description.includes(code)) description = `${code} ${description}`;
    current = current.cause;
  }
  return description;
}
