// A `fetch` for the openai SDK over node:http(s) with keep-alive connections. Node's built-in
// fetch (undici) costs about four times the CPU per request; at 64 calls in flight against a
// fast server that decides whether a run is bound by the client or by the model. Answers are
// small and never streamed, so each body is read whole before the Response is handed over.
import http from 'node:http';
import https from 'node:https';

/** The connection closed before the promised body arrived in full. */
export class TruncatedBodyError extends Error {
  constructor(readonly received: number, readonly expected: number | undefined, options?: { cause?: unknown }) {
    super(`the connection closed after ${received}${expected === undefined ? '' : ` of ${expected}`} body bytes`, options);
    this.name = 'TruncatedBodyError';
  }
}

export interface HttpFetch {
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** Closes the pooled connections. */
  close(): void;
}

/**
 * The part of a Response the openai SDK reads for non-streaming calls, over a body already in
 * memory. A real Response would wrap the bytes in a web stream only to read them back: that
 * costs about as much CPU as the HTTP exchange itself.
 */
class BufferedResponse {
  readonly ok: boolean;
  // Already read: there is nothing left to cancel when the SDK discards an error answer's body.
  readonly body = null;

  constructor(readonly status: number, readonly statusText: string, readonly headers: Headers, readonly url: string, private readonly bytes: Buffer) {
    this.ok = status >= 200 && status < 300;
  }

  async text(): Promise<string> {
    return this.bytes.toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.bytes.toString('utf8'));
  }
}

export function createHttpFetch(): HttpFetch {
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

  function fetchOverNode(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    if (typeof input !== 'string' && !(input instanceof URL)) return Promise.reject(new TypeError('httpFetch: pass a URL, not a Request'));
    const url = typeof input === 'string' ? new URL(input) : input;
    const secure = url.protocol === 'https:';
    const body = init?.body;
    if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      return Promise.reject(new TypeError('httpFetch: only string and byte bodies are supported'));
    }
    const headers = requestHeaders(init?.headers);
    if (body !== undefined && body !== null) headers['content-length'] = String(Buffer.byteLength(body));
    return new Promise<Response>((resolve, reject) => {
      const request = (secure ? https : http).request(url, {
        method: init?.method ?? 'GET',
        headers,
        agent: secure ? agents.https : agents.http,
        ...(init?.signal ? { signal: init.signal } : {}),
      }, (res) => {
        const chunks: Buffer[] = [];
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          received += chunk.length;
        });
        res.on('error', (err) => {
          const promised = res.headers['content-length'];
          reject(new TruncatedBodyError(received, promised === undefined ? undefined : Number(promised), { cause: err }));
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 599) {
            reject(new Error(`the server answered with HTTP status ${status}`));
            return;
          }
          const responseHeaders = new Headers();
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) responseHeaders.append(res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string);
          const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
          resolve(new BufferedResponse(status, res.statusMessage ?? '', responseHeaders, url.href, bytes) as unknown as Response);
        });
      });
      request.on('error', reject);
      request.end(body ?? undefined);
    });
  }

  return {
    fetch: fetchOverNode,
    close: () => {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

function requestHeaders(given: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  // Headers and plain records both flatten the same way through a Headers object.
  (given instanceof Headers ? given : new Headers(given as ConstructorParameters<typeof Headers>[0])).forEach((value, name) => {
    out[name] = value;
  });
  return out;
}
