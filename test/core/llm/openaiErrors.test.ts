import assert from 'node:assert/strict';
import { APIConnectionError } from 'openai';
import { BackendError, PromptTooLongError } from '../../../src/core/llm/backend';
import { HttpStatusError, retryAfterMs, toBackendError } from '../../../src/core/llm/openaiErrors';

describe('openaiErrors', () => {
  describe('retryAfterMs', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    const h = (entries: Record<string, string>): Headers => new Headers(entries);

    it('reads Retry-After in seconds, or as an HTTP date', () => {
      assert.equal(retryAfterMs(h({ 'retry-after': '3' }), now), 3000);
      assert.equal(retryAfterMs(h({ 'retry-after': '0.5' }), now), 500);
      assert.equal(retryAfterMs(h({ 'retry-after': 'Wed, 01 Jan 2025 00:00:07 GMT' }), now), 7000);
      assert.equal(retryAfterMs(h({ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }), now), 0);
    });

    it('prefers retry-after-ms', () => {
      assert.equal(retryAfterMs(h({ 'retry-after-ms': '250', 'retry-after': '9' }), now), 250);
    });

    it('ignores absent or unreadable values', () => {
      assert.equal(retryAfterMs(undefined, now), undefined);
      assert.equal(retryAfterMs(h({}), now), undefined);
      assert.equal(retryAfterMs(h({ 'retry-after': 'soon' }), now), undefined);
      assert.equal(retryAfterMs(h({ 'retry-after-ms': '-5' }), now), undefined);
    });
  });

  describe('error bodies', () => {
    const ctx = { endpointUrl: 'http://h/v1/completions', baseUrl: 'http://h/v1', model: 'm', azure: false, redact: (t: string) => t.split('sk-1').join('***') };
    const said = (status: number, body: string, headers: Record<string, string> = {}): BackendError => toBackendError(new HttpStatusError(status, new Headers(headers), body), ctx);

    it("quotes the server's words, whichever shape the body has", () => {
      assert.match(said(400, '{"error":{"message":"bad n","param":"n"}}').message, /^http:\/\/h\/v1\/completions answered HTTP 400: bad n — /);
      assert.match(said(400, '{"error":"no such option"}').message, /HTTP 400: no such option — /);
      assert.match(said(400, '{"object":"error","message":"vLLM says no","code":400}').message, /HTTP 400: vLLM says no — /);
      assert.match(said(502, '<html>Bad Gateway</html>').message, /HTTP 502: <html>Bad Gateway<\/html>$/);
      assert.match(said(500, '').message, /HTTP 500: \(no body\)$/);
      assert.match(said(500, 'x'.repeat(600)).message, /HTTP 500: x{500}…$/);
    });

    it("lets the server's x-should-retry overrule the status, and cites its x-request-id", () => {
      const never = said(503, '{"error":{"message":"later"}}', { 'x-should-retry': 'false', 'x-request-id': 'req_9' });
      assert.equal(never.failure, 'fatal');
      assert.equal(never.message, 'http://h/v1/completions answered HTTP 503: later — the server says a retry will not help (x-should-retry: false) (x-request-id req_9).');
      const again = said(403, '{"error":{"message":"not yet"}}', { 'x-should-retry': 'true', 'retry-after-ms': '250' });
      assert.deepEqual([again.failure, again.retryAfterMs], ['transient', 250]);
      assert.match(again.message, /HTTP 403: not yet — access denied; .* The server says a retry may help \(x-should-retry: true\)\.$/);
      // Agreeing with the status, it changes nothing.
      assert.equal(said(500, 'boom', { 'x-should-retry': 'true' }).message, 'http://h/v1/completions answered HTTP 500: boom');
      const long = said(400, '{"error":{"message":"maximum context length is 8 tokens"}}', { 'x-request-id': 'req_1' });
      assert.ok(long instanceof PromptTooLongError);
      assert.match(long.message, /\(x-request-id req_1\)$/);
    });

    it('a certificate no retry will make acceptable ends the run, and says which variable adds a CA', () => {
      const failed = (code: string): BackendError => {
        const socket = Object.assign(new Error('unable to verify the first certificate'), { code });
        return toBackendError(new APIConnectionError({ message: 'Connection error.', cause: new TypeError('fetch failed', { cause: socket }) }), ctx);
      };
      const untrusted = failed('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
      assert.equal(untrusted.failure, 'fatal');
      assert.match(untrusted.message, /^Could not reach http:\/\/h\/v1\/completions: UNABLE_TO_VERIFY_LEAF_SIGNATURE unable to verify the first certificate — .*NODE_EXTRA_CA_CERTS/);
      assert.equal(failed('CERT_HAS_EXPIRED').failure, 'fatal');
      assert.equal(failed('ECONNRESET').failure, 'transient');
    });

    it('reads the error code and never shows the key', () => {
      const err = said(404, '{"error":{"message":"The model m does not exist (key sk-1)","code":"model_not_found"}}');
      assert.match(err.message, /model "m" not found at http:\/\/h\/v1/);
      assert.ok(!err.message.includes('sk-1'), err.message);
      assert.equal(err.retryable, false);
    });
  });
});
