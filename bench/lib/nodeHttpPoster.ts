// The transport Gap Lens used before the openai SDK, kept as the transport benchmark's baseline
// (bench/benchmarks/transport.ts): it POSTs an already serialised JSON body to one HTTP(S)
// endpoint over keep-alive node:http connections and reads the whole answer, up to the same size
// cap, with one plain abort listener per request. What the SDK (headers, its own abort signal and
// timer per request, fetch's Response objects) costs on top of it is what the benchmark measures.
import http from 'node:http';
import https from 'node:https';
import { abortReason } from '../../src/core/llm/abort';
import { AnswerTooLargeError, DEFAULT_MAX_ANSWER_BYTES, TruncatedBodyError } from '../../src/core/llm/cappedFetch';

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

export interface JsonPosterOptions {
  /** Sent besides content-type and content-length with every request. */
  headers?: Readonly<Record<string, string>>;
  /** Answers with a longer body fail with AnswerTooLargeError (default DEFAULT_MAX_ANSWER_BYTES). */
  maxAnswerBytes?: number;
}

/** A poster to `url`. */
export function createJsonPoster(url: URL, opts: JsonPosterOptions = {}): JsonPoster {
  const maxAnswerBytes = opts.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
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
  const baseHeaders = { 'content-type': 'application/json', accept: 'application/json', ...opts.headers };

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
          received += chunk.length;
          if (received > maxAnswerBytes) {
            // Checked as the bytes arrive, so an endless answer never fills the memory.
            settled();
            reject(new AnswerTooLargeError(maxAnswerBytes));
            request.destroy();
            return;
          }
          chunks.push(chunk);
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
