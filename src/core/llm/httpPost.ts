// POSTs an already serialised JSON body to one HTTP(S) endpoint over keep-alive connections and
// reads the whole answer. The OpenAI-compatible backend sends every model call through this: with
// 64 calls in flight against a fast server, the client's CPU per call decides whether a run is
// bound by the client or by the model, and both fetch (undici, web streams) and the openai SDK on
// top of it (headers, logging, its own abort signal and timer per request, Response objects) cost
// several times what the exchange itself does on node:http. Retries and timeouts belong to the
// scheduler; answers are small and never streamed, so each body is read whole.
import http from 'node:http';
import https from 'node:https';
import { abortReason } from './abort';

/** The connection closed before the promised body arrived in full. */
export class TruncatedBodyError extends Error {
  constructor(readonly received: number, readonly expected: number | undefined, options?: { cause?: unknown }) {
    super(`the connection closed after ${received}${expected === undefined ? '' : ` of ${expected}`} body bytes`, options);
    this.name = 'TruncatedBodyError';
  }
}

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
  body: string;
}

export interface JsonPoster {
  /**
   * Sends `json` and resolves with the answer; rejects with a ConnectionError or a
   * TruncatedBodyError, or with the signal's reason once it aborts.
   */
  post(json: string, signal?: AbortSignal): Promise<HttpAnswer>;
  /** Closes the pooled connections. */
  close(): void;
}

/** A poster to `url` that sends `headers` (besides content-type and content-length) with every request. */
export function createJsonPoster(url: URL, headers: Readonly<Record<string, string>> = {}): JsonPoster {
  const secure = url.protocol === 'https:';
  if (!secure && url.protocol !== 'http:') throw new TypeError(`createJsonPoster: ${url.href} is not an http(s) URL`);
  const agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const send = secure ? https.request : http.request;
  // Worked out once: node:http would otherwise re-derive them from the URL on every request.
  const target = {
    protocol: url.protocol,
    // URL keeps an IPv6 literal's brackets, which node:http does not want.
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port,
    path: `${url.pathname}${url.search}`,
    method: 'POST',
    agent,
    ...(url.username || url.password ? { auth: `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` } : {}),
  };
  const baseHeaders = { 'content-type': 'application/json', accept: 'application/json', ...headers };

  function post(json: string, signal?: AbortSignal): Promise<HttpAnswer> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<HttpAnswer>((resolve, reject) => {
      // One plain listener, removed when the exchange settles: node:http's own `signal` option
      // also watches the request stream's end and costs several times more per request.
      const onAbort = (): void => {
        reject(abortReason(signal as AbortSignal));
        request.destroy();
      };
      const settled = (): void => signal?.removeEventListener('abort', onAbort);
      const request = send({ ...target, headers: { ...baseHeaders, 'content-length': Buffer.byteLength(json) } }, (res) => {
        const chunks: Buffer[] = [];
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          received += chunk.length;
        });
        res.on('error', (err) => {
          const promised = res.headers['content-length'];
          settled();
          reject(new TruncatedBodyError(received, promised === undefined ? undefined : Number(promised), { cause: err }));
        });
        res.on('end', () => {
          const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
          settled();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: bytes.toString('utf8') });
        });
      });
      request.on('error', (err) => {
        settled();
        reject(new ConnectionError(err));
      });
      signal?.addEventListener('abort', onAbort);
      request.end(json);
    });
  }

  return { post, close: () => agent.destroy() };
}
