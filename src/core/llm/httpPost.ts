// The HTTP layer under the openai SDK by default: POSTs of already serialised JSON over keep-alive
// node:http(s) connections, each answer read whole up to a size cap, presented to the SDK as a
// fetch. Node's fetch (undici: web streams, Request/Response/Headers objects, its own signal per
// request) costs about three times the client CPU per call of this (bench/RESULTS.md,
// "transport"), which at hundreds of calls in flight decides whether a run is bound by the client
// or by the model. No timeouts of its own: the scheduler's per-call timeout is the one that
// applies. Inside VS Code the extension host routes node:http through the user's proxy settings.
import http from 'node:http';
import https from 'node:https';
import { abortReason } from './abort';
import { AnswerTooLargeError, bufferedResponse, DEFAULT_MAX_ANSWER_BYTES, TruncatedBodyError, type CappedFetch } from './cappedFetch';

/** No HTTP answer arrived: the connection was refused, reset or broken before a response began. */
export class ConnectionError extends Error {
  constructor(cause: Error) {
    super(cause.message, { cause });
    this.name = 'ConnectionError';
  }
}

/** A complete HTTP answer, whatever its status. */
export interface HttpAnswer {
  status: number;
  /** As node:http gives them: lower-cased names. */
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface JsonPoster {
  /**
   * POSTs `json` to `path` (with its query) and resolves with the answer; rejects with a
   * ConnectionError, TruncatedBodyError or AnswerTooLargeError, or with the signal's reason once
   * it aborts.
   */
  post(path: string, json: string, headers: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<HttpAnswer>;
  /** Closes the pooled connections. */
  close(): void;
}

/** A poster to one origin (scheme, host, port); answers with a longer body than `maxAnswerBytes` fail. */
export function createJsonPoster(origin: URL, maxAnswerBytes: number = DEFAULT_MAX_ANSWER_BYTES): JsonPoster {
  const secure = origin.protocol === 'https:';
  if (!secure && origin.protocol !== 'http:') throw new TypeError(`createJsonPoster: ${origin.href} is not an http(s) URL`);
  const agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const send = secure ? https.request : http.request;
  // Worked out once: node:http would otherwise re-derive them from a URL on every request.
  const target = {
    protocol: origin.protocol,
    // URL keeps an IPv6 literal's brackets, which node:http does not want.
    hostname: origin.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: origin.port,
    method: 'POST',
    agent,
  };

  function post(path: string, json: string, headers: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<HttpAnswer> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<HttpAnswer>((resolve, reject) => {
      // One plain listener, removed when the exchange settles: node:http's own `signal` option
      // also watches the request stream's end and costs several times more per request.
      const onAbort = (): void => {
        reject(abortReason(signal as AbortSignal));
        request.destroy();
      };
      const fail = (err: Error): void => {
        signal?.removeEventListener('abort', onAbort);
        reject(err);
        request.destroy();
      };
      const request = send({ ...target, path, headers: { ...headers, 'content-length': Buffer.byteLength(json) } }, (res) => {
        const declared = res.headers['content-length'];
        const expected = declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : undefined;
        // Announced too large: not one byte of it is read.
        if (expected !== undefined && expected > maxAnswerBytes) return fail(new AnswerTooLargeError(maxAnswerBytes));
        const chunks: Buffer[] = [];
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          // Checked as the bytes arrive, so an endless answer never fills the memory.
          if (received > maxAnswerBytes) return fail(new AnswerTooLargeError(maxAnswerBytes));
          chunks.push(chunk);
        });
        res.on('error', (err) => fail(new TruncatedBodyError(received, expected, { cause: err })));
        res.on('end', () => {
          signal?.removeEventListener('abort', onAbort);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks) });
        });
      });
      request.on('error', (err) => fail(new ConnectionError(err)));
      signal?.addEventListener('abort', onAbort);
      request.end(json);
    });
  }

  return { post, close: () => agent.destroy() };
}

/**
 * The posters as the fetch the openai SDK calls (POSTs with a string body, which is all the
 * backend sends), one poster per origin, with cappedFetch's contract: the body already read, error
 * bodies kept whole.
 */
export function createPosterFetch(maxAnswerBytes: number = DEFAULT_MAX_ANSWER_BYTES): CappedFetch {
  const posters = new Map<string, JsonPoster>();
  const errorBodies = new WeakMap<Headers, string>();

  async function posterFetch(input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (init?.method !== 'POST' || typeof init.body !== 'string') throw new TypeError(`posterFetch: only POSTs of a JSON string are sent this way, not ${init?.method ?? 'GET'} ${url.href}`);
    let poster = posters.get(url.origin);
    if (!poster) posters.set(url.origin, (poster = createJsonPoster(url, maxAnswerBytes)));
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => void (headers[name] = value));
    const answer = await poster.post(`${url.pathname}${url.search}`, init.body, headers, init.signal ?? undefined);
    return bufferedResponse(answer.body, { status: answer.status, headers: webHeaders(answer.headers) }, errorBodies);
  }

  return { fetch: posterFetch as typeof fetch, errorBody: (headers) => errorBodies.get(headers), close: () => posters.forEach((p) => p.close()) };
}

function webHeaders(headers: http.IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (Array.isArray(value)) for (const v of value) out.append(name, v);
    else if (value !== undefined) out.set(name, value);
  }
  return out;
}
