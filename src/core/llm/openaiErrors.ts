// Turns what a call to an OpenAI-compatible endpoint fails with (an HTTP error status, a connection
// failure, a broken body — as the openai SDK and cappedFetch report them) into a BackendError that
// says whether a retry can help and what the user should do otherwise.
import { APIConnectionError, APIConnectionTimeoutError } from 'openai';
import { isPlainObject } from '../util/plainObject';
import { BackendError, PromptTooLongError, type EndpointSignal } from './backend';
import { AnswerTooLargeError, TruncatedBodyError } from './cappedFetch';

export interface EndpointContext {
  /** The full URL that was called, e.g. http://host/v1/chat/completions. */
  endpointUrl: string;
  baseUrl: string;
  /** The model name, or on Azure the deployment name. */
  model: string;
  azure: boolean;
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
  /** What the body says, read once: the server's message, error code and offending parameter. */
  readonly server: ServerError;

  constructor(readonly status: number, readonly headers: Headers, body: string) {
    const server = readServerError(body);
    super(`HTTP ${status}: ${server.message}`);
    this.name = 'HttpStatusError';
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
  // The SDK reports whatever its fetch rejected with as a connection error, the body's failures too.
  const reading = err instanceof APIConnectionError && (err.cause instanceof AnswerTooLargeError || err.cause instanceof TruncatedBodyError) ? err.cause : err;
  if (reading instanceof AnswerTooLargeError) {
    return new BackendError(`${ctx.endpointUrl} sent an answer larger than the cap (${reading.message}); raise --max-answer-mb if answers this large are expected.`, 'bad-answer');
  }
  if (reading instanceof TruncatedBodyError) return new BackendError(`${ctx.endpointUrl} cut its answer short: ${reading.message} (${ctx.redact(describeCause(reading.cause))}).`, 'transient', undefined, 'unreachable');
  // Raised by the SDK for a connection attempt that timed out (its own request timer is longer
  // than the scheduler's, which aborts first).
  if (err instanceof APIConnectionTimeoutError) {
    return new BackendError(`Could not reach ${ctx.endpointUrl}: the connection timed out. Is the server running and the ${ctx.azure ? 'endpoint' : 'base URL'} right?`, 'transient', undefined, 'unreachable');
  }
  if (err instanceof APIConnectionError) {
    const tls = certificateProblem(err);
    if (tls !== undefined) return new BackendError(`Could not reach ${ctx.endpointUrl}: ${ctx.redact(describeCause(err.cause))} — ${tls}`, 'fatal');
    return new BackendError(`Could not reach ${ctx.endpointUrl}: ${ctx.redact(describeCause(err.cause ?? err))}. Is the server running and the ${ctx.azure ? 'endpoint' : 'base URL'} right?`, 'transient', undefined, 'unreachable');
  }
  if (err instanceof SyntaxError) {
    return new BackendError(`${ctx.endpointUrl} sent a body that is not valid JSON (${ctx.redact(err.message)}); probably cut short.`, 'bad-answer');
  }
  // Anything else thrown while the exchange was under way is a transport failure.
  return new BackendError(`The connection to ${ctx.endpointUrl} failed while reading the answer: ${ctx.redact(describeCause(err))}.`, 'transient', undefined, 'unreachable');
}

function fromStatus(err: HttpStatusError, ctx: EndpointContext): BackendError {
  const byStatus = classifyStatus(err, ctx);
  // OpenAI says per answer whether a retry can help (the SDK obeys it before the status): e.g. a
  // 429 for a used-up quota comes with `x-should-retry: false`. It overrules the status here too.
  const verdict = err.headers.get('x-should-retry');
  const requestId = err.headers.get('x-request-id');
  const cited = requestId ? ` (x-request-id ${ctx.redact(requestId)})` : '';
  if (verdict === 'false' && byStatus.retryable) {
    return new BackendError(`${byStatus.message} — the server says a retry will not help (x-should-retry: false)${cited}.`, 'fatal');
  }
  if (verdict === 'true' && !byStatus.retryable) {
    return new BackendError(`${byStatus.message} The server says a retry may help (x-should-retry: true)${cited}.`, 'transient', retryAfterMs(err.headers), endpointSignalOf(err));
  }
  if (!cited) return byStatus;
  return byStatus instanceof PromptTooLongError ? new PromptTooLongError(`${byStatus.message}${cited}`) : new BackendError(`${byStatus.message}${cited}`, byStatus.failure, byStatus.retryAfterMs, byStatus.endpointSignal);
}

/** What the status alone says: the message, and whether a retry can help. */
function classifyStatus(err: HttpStatusError, ctx: EndpointContext): BackendError {
  const { status } = err;
  const said = ctx.redact(err.server.message);
  const head = `${ctx.endpointUrl} answered HTTP ${status}: ${said}`;
  if (status === 401) return new BackendError(`${head} — the API key was rejected; ${KEY_HINT}.`, 'fatal');
  if (status === 403) return new BackendError(`${head} — access denied; ${KEY_HINT} and that it may use ${ctx.azure ? 'deployment' : 'model'} "${ctx.model}".`, 'fatal');
  if (status === 404) return new BackendError(`${head} — ${ctx.azure ? azureNotFound(err, ctx) : notFound(err, ctx)}`, 'fatal');
  if (status === 400 && CONTEXT_OVERFLOW.test(said)) return new PromptTooLongError(`${head} — the prompt does not fit the model's context; lower --max-tokens or shorten the prompt.`);
  if (status === 429 || status === 408 || status === 409 || status >= 500) {
    return new BackendError(head, 'transient', retryAfterMs(err.headers), endpointSignalOf(err));
  }
  return new BackendError(`${head} — the server refused the request; check that it supports these parameters (${ctx.azure ? 'deployment' : 'model'} "${ctx.model}").`, 'fatal');
}

function notFound(err: HttpStatusError, ctx: EndpointContext): string {
  const aboutModel = err.server.code === 'model_not_found' || /model/i.test(err.server.message);
  return aboutModel
    ? `model "${ctx.model}" not found at ${ctx.baseUrl}; check the model name (GET ${ctx.baseUrl}/models lists the served ones).`
    : `nothing is served there; check the base URL (it usually ends in /v1) and the API kind (chat or completions), and that model "${ctx.model}" exists.`;
}

/** Azure says DeploymentNotFound for an unknown deployment, and "Resource not found" for a path it does not serve. */
function azureNotFound(err: HttpStatusError, ctx: EndpointContext): string {
  const aboutDeployment = err.server.code === 'DeploymentNotFound' || /deployment\b.*\bdoes not exist/i.test(err.server.message);
  return aboutDeployment
    ? `deployment "${ctx.model}" not found at ${ctx.baseUrl}; check the deployment name (the Azure portal lists them under Deployments).`
    : `nothing is served there; check the endpoint (https://RESOURCE.openai.azure.com), the API kind (chat or completions) and the API version (OPENAI_API_VERSION).`;
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

/** What an error answer says about the endpoint (EndpointSignal): busy, or a gateway that cannot reach it. */
function endpointSignalOf(err: HttpStatusError): EndpointSignal | undefined {
  if (err.status === 429 || err.status === 503 || retryAfterMs(err.headers) !== undefined) return 'overloaded';
  if (err.status === 502 || err.status === 504) return 'unreachable';
  return undefined;
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

/** Node's codes for a certificate chain that does not end at a trusted CA. */
const UNTRUSTED_ISSUER = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_UNTRUSTED']);
/** Certificates that no retry will make acceptable: expired, for another host, revoked, malformed. */
const CERTIFICATE_CODE = /^(CERT_|ERR_TLS_CERT_)/;

/**
 * What to do about a server certificate the connection refused, or undefined when the failure is
 * not about the certificate. Not retried: the same certificate comes back every time.
 */
function certificateProblem(err: Error): string | undefined {
  for (let current: unknown = err, depth = 0; depth < 5 && current instanceof Error; depth++, current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    if (UNTRUSTED_ISSUER.has(code)) return "the server's TLS certificate is not signed by a CA this machine trusts; if your organisation has its own CA, point NODE_EXTRA_CA_CERTS at its PEM file.";
    if (CERTIFICATE_CODE.test(code)) return "the server's TLS certificate was refused; check the URL's host name and the certificate's validity.";
  }
  return undefined;
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
