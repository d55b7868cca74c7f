import assert from 'node:assert/strict';
import { batchPanelFigures, batchProgress, batchProgressText } from '../../../src/core/batch/batchProgress';
import { parseHostMessage } from '../../../src/protocol/panelProtocol';
import type { BatchState, ShardRecord } from '../../../src/core/batch/batchState';
import { parsePricing } from '../../../src/core/cost/pricing';

const shard = (name: string, phase: number, status: ShardRecord['status'], extra: Partial<ShardRecord> = {}): ShardRecord => ({
  name, phase, status, model: 'openai:m@http://h/v1', url: '/v1/chat/completions', requests: 10, bytes: 100, stages: { mc: 6, tournament: 4 }, file: `shards/${name}.jsonl`, ...extra,
});

describe('batch/batchProgress', () => {
  const state: BatchState = {
    v: 1,
    shards: [
      shard('0001', 1, 'completed', { stages: { generation: 10 }, counts: { total: 10, completed: 10, failed: 0 }, usage: { promptTokens: 1_000_000, cachedPromptTokens: 0, completionTokens: 100_000, unreported: 0 }, results: ['results/0001.output.jsonl'] }),
      shard('0002', 2, 'written'),
      shard('0003', 2, 'uploaded'),
      shard('0004', 2, 'validating'),
      shard('0005', 2, 'in_progress', { counts: { total: 10, completed: 3, failed: 1 } }),
      shard('0006', 2, 'cancelling', { cancelled: true }),
      shard('0007', 2, 'completed', { counts: { total: 10, completed: 9, failed: 1 } }),
      shard('0008', 2, 'expired', { counts: { total: 10, completed: 2, failed: 8 } }),
    ],
    imports: [],
    received: [],
  };

  it('counts the latest phase’s shards by where they are, its requests done, and prices every batch at the batch prices', () => {
    const pricing = parsePricing('{"currency": "USD", "models": [{"model": "m", "inputPerMTok": 1, "outputPerMTok": 4, "batchDiscount": 0.5}]}', 'p.json');
    const p = batchProgress(state, pricing);
    assert.equal(p.phase, 2);
    assert.deepEqual(p.stages, { mc: 42, tournament: 28 });
    assert.deepEqual(p.shards, { toSubmit: 2, submitted: 1, inProgress: 2, done: 1, failed: 1 });
    assert.deepEqual(p.requests, { total: 70, done: 24 });
    assert.equal(p.spend?.total, (1 + 0.4) * 0.5);
    assert.equal(batchProgressText(p), 'batch phase 2 (mc 42, tournament 28): shards 2 to submit, 1 submitted, 2 in progress, 1 done, 1 failed; 24/70 requests done; batches so far 0.700 USD at batch prices');
  });

  it('says no cost without a price, and what there is before any shard', () => {
    const unpriced = batchProgress(state, parsePricing('{"currency": "USD", "models": []}', 'p.json'));
    assert.equal(unpriced.spend?.total, null);
    assert.doesNotMatch(batchProgressText(unpriced), /batches so far|cost/);
    assert.equal(batchProgressText(batchProgress({ v: 1, shards: [], imports: [], received: [] }, undefined)), 'batch: nothing submitted yet');
    assert.equal(batchProgressText(batchProgress({ v: 1, shards: [], imports: [{ file: 'imports/0001-r.jsonl', source: '/r.jsonl', lines: 3, at: '' }], received: [] }, undefined)), 'batch: 1 result file imported');
  });

  it('gives the panel the same figures, with the cost or why there is none, in a message the protocol accepts', () => {
    const priced = batchPanelFigures(batchProgress(state, parsePricing('{"currency": "USD", "models": [{"model": "m", "inputPerMTok": 1, "outputPerMTok": 4, "batchDiscount": 0.5}]}', 'p.json')));
    assert.deepEqual(priced?.cost, { amount: 0.7, currency: 'USD', text: '0.700 USD' });
    assert.deepEqual(priced?.shards, { toSubmit: 2, submitted: 1, inProgress: 2, done: 1, failed: 1 });
    const unpriced = batchPanelFigures(batchProgress(state, parsePricing('{"currency": "USD", "models": []}', 'p.json')));
    assert.equal(unpriced?.cost.amount, null);
    assert.match((unpriced?.cost as { why: string }).why, /m/);
    const noFile = batchPanelFigures(batchProgress(state, undefined));
    assert.deepEqual(noFile?.cost, { amount: null, why: 'no pricing file to price the batches (docs/cost.md)' });
    const nothingDownloaded = batchPanelFigures(batchProgress({ ...state, shards: state.shards.slice(1) }, parsePricing('{"currency": "USD", "models": []}', 'p.json')));
    assert.deepEqual(nothingDownloaded?.cost, { amount: null, why: 'no batch has been downloaded yet' });
    assert.equal(batchPanelFigures(batchProgress({ v: 1, shards: [], imports: [], received: [] }, undefined)), null);
    for (const progress of [priced, unpriced, noFile, null]) {
      const parsed = parseHostMessage({ kind: 'notify', method: 'batch', params: { progress } });
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
    }
  });
});
