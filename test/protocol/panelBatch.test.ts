// The panel protocol's 'batch' notification (panelProtocol.ts): what a batch run's progress may
// carry into the webview, refused field by field when it is not a measured value.
import assert from 'node:assert/strict';
import { parseHostMessage } from '../../src/protocol/panelProtocol';

describe('panel protocol: batch progress', () => {
  const progress = {
    phase: 2,
    stages: { mc: 16, tournament: 8 },
    shards: { toSubmit: 0, submitted: 2, inProgress: 3, done: 1, failed: 0 },
    requests: { total: 40, done: 7 },
    cost: { amount: 0.0123, currency: 'USD', text: '0.0123 USD' },
  };
  const batch = (p: unknown): unknown => ({ kind: 'notify', method: 'batch', params: { progress: p } });
  const refused = (p: unknown, field: string): void => {
    const parsed = parseHostMessage(batch(p));
    assert.equal(parsed.ok, false, `accepted ${JSON.stringify(p)}`);
    if (!parsed.ok) assert.match(parsed.error, new RegExp(field));
  };

  it('accepts the figures, a cost with its reason for being unknown, and null (cleared)', () => {
    for (const p of [progress, { ...progress, cost: { amount: null, why: 'no batch has been downloaded yet' } }, { ...progress, cost: { amount: 0, currency: null, text: '0' } }, null]) {
      const parsed = parseHostMessage(batch(p));
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
    }
  });

  it('refuses what cannot be a measured value, naming the field', () => {
    refused({ ...progress, phase: 0 }, 'phase');
    refused({ ...progress, shards: { ...progress.shards, failed: -1 } }, 'failed');
    refused({ ...progress, requests: { total: 4, done: 5 } }, 'more requests done than there are');
    refused({ ...progress, stages: { mc: 1.5 } }, 'mc');
    refused({ ...progress, cost: { amount: Number.NaN, currency: 'USD', text: 'NaN USD' } }, 'progress.cost');
    // An unknown cost says why; a zero never stands in for it.
    refused({ ...progress, cost: { amount: null } }, 'progress.cost');
    refused({ ...progress, cost: { amount: null, why: '' } }, 'progress.cost');
  });
});
