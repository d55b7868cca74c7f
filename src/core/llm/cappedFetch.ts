// The contract of the fetch the openai SDK sends model calls through: it reads each answer's whole
// body itself, as the bytes arrive, and gives up past a size cap, so that an endless or huge
// answer fails one call instead of filling the memory (or, past ~512 MiB, crashing the process
// with ERR_STRING_TOO_LONG when the SDK turns it into a string). The SDK reads error bodies with
// `response.text()` and keeps only their JSON `error` field; the body as sent is kept too, so that
// messages can quote servers whose errors have another shape (vLLM's top-level `message`, plain
// text, an HTML page). Two implementations: httpPost.ts's posters (the default), and the wrapper
// here around any other fetch (undici's, when the CLI must go through a proxy).

/** The connection closed before the promised body arrived in full. */
export class TruncatedBodyError extends Error {
  constructor(readonly received: number, readonly expected: number | undefined, options?: { cause?: unknown }) {
    super(`the connection closed after ${received}${expected === undefined ? '' : ` of ${expected}`} body bytes`, options);
    this.name = 'TruncatedBodyError';
  }
}

/** The answer's body passed the size cap; the exchange was dropped there. */
export class AnswerTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the answer's body passed ${formatBytes(limit)}`);
    this.name = 'AnswerTooLargeError';
  }
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB` : `${n} bytes`;
}

/**
 * The largest answer body read by default: far above any real completion (128 samples of 4k
 * tokens are a few MB), far below what a JS string can hold.
 */
export const DEFAULT_MAX_ANSWER_BYTES = 64 * 1024 * 1024;

export interface CappedFetch {
  fetch: typeof fetch;
  /** The body of an error answer (status outside 2xx) this fetch returned, by that answer's headers object. */
  errorBody(headers: Headers): string | undefined;
  /** Closes the connections it pooled itself. */
  close(): void;
}

// Statuses whose Response must have no body (the Response constructor throws otherwise).
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** A Response of a body already in memory, recording it by the Response's headers when the status is an error. */
export function bufferedResponse(bytes: Buffer, init: { status: number; statusText?: string; headers: Headers }, errorBodies: WeakMap<Headers, string>): Response {
  const response = new Response(NULL_BODY_STATUSES.has(init.status) ? null : bytes, init);
  if (!response.ok) errorBodies.set(response.headers, bytes.toString('utf8'));
  return response;
}

/**
 * Wraps `inner`. Resolves with a Response whose body is already in memory; rejects with
 * AnswerTooLargeError or TruncatedBodyError while reading it, or with what `inner` rejects with.
 */
export function createCappedFetch(inner: typeof fetch, maxBytes: number = DEFAULT_MAX_ANSWER_BYTES): CappedFetch {
  // Weak: an entry lives as long as the SDK's error that holds the headers.
  const errorBodies = new WeakMap<Headers, string>();

  async function cappedFetch(input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> {
    const response = await inner(input, init);
    const bytes = await readCapped(response, maxBytes);
    return bufferedResponse(bytes, { status: response.status, statusText: response.statusText, headers: response.headers }, errorBodies);
  }

  // The connections are `inner`'s.
  return { fetch: cappedFetch as typeof fetch, errorBody: (headers) => errorBodies.get(headers), close: () => undefined };
}

async function readCapped(response: Response, maxBytes: number): Promise<Buffer> {
  const declared = response.headers.get('content-length');
  const expected = declared !== null && /^\d+$/.test(declared) ? Number(declared) : undefined;
  if (!response.body) return Buffer.alloc(0);
  if (expected !== undefined && expected > maxBytes) {
    // Announced too large: not one byte of it is read.
    await response.body.cancel().catch(() => undefined);
    throw new AnswerTooLargeError(maxBytes);
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  // An abort surfaces as a failed read too; the SDK and the backend check their signal first.
  const read = () => reader.read().catch((err: unknown) => Promise.reject(new TruncatedBodyError(received, expected, { cause: err })));
  for (let chunk = await read(); !chunk.done; chunk = await read()) {
    received += chunk.value.byteLength;
    if (received > maxBytes) {
      // Checked as the bytes arrive, so an endless answer without a length stops here too.
      await reader.cancel().catch(() => undefined);
      throw new AnswerTooLargeError(maxBytes);
    }
    chunks.push(chunk.value);
  }
  return chunks.length === 1 ? Buffer.from((chunks[0] as Uint8Array).buffer, (chunks[0] as Uint8Array).byteOffset, received) : Buffer.concat(chunks, received);
}
