import assert from 'node:assert/strict';
import { retryAfterMs } from '../../../src/core/llm/openaiErrors';

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
});
