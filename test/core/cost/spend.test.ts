import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parsePricing } from '../../../src/core/cost/pricing';
import { SpendMeter } from '../../../src/core/cost/spend';
import { RunController } from '../../../src/core/pipeline/runController';
import type { RunConfig } from '../../../src/core/runs/records';
import { UserError } from '../../../src/core/util/errors';
import { startFakeOpenAI } from '../../fixtures/openaiServer';
import { tempDir } from '../../helpers/cli';
import { writeTasks } from '../../helpers/runs';

const PRICING = parsePricing(JSON.stringify({ currency: 'USD', models: [{ model: 'a', inputPerMTok: 3, cachedInputPerMTok: 1, outputPerMTok: 7 }, { model: 'b', inputPerMTok: 2, outputPerMTok: 4 }] }), 'pricing.json');

describe('spend', () => {
  it('adds each model\'s usage and prices it, cache hits at the cached price', () => {
    const meter = new SpendMeter(PRICING);
    assert.deepEqual(meter.spend(), { currency: 'USD', total: 0, byModel: [] });
    meter.add('openai:a@http://h/v1', { promptTokens: 100, completionTokens: 10, cachedPromptTokens: 40 });
    meter.add('openai:b@http://h/v1', { promptTokens: 50, completionTokens: 5 });
    meter.add('openai:a@http://h/v1', { promptTokens: 20, completionTokens: 2 });
    const a = (80 * 3 + 40 * 1 + 12 * 7) / 1e6;
    const b = (50 * 2 + 5 * 4) / 1e6;
    assert.deepEqual(meter.spend(), {
      currency: 'USD',
      total: a + b,
      byModel: [
        { model: 'openai:a@http://h/v1', promptTokens: 120, cachedPromptTokens: 40, completionTokens: 12, unreportedCalls: 0, cost: a },
        { model: 'openai:b@http://h/v1', promptTokens: 50, cachedPromptTokens: 0, completionTokens: 5, unreportedCalls: 0, cost: b },
      ],
    });
  });

  it('is unknown, never a guess, once a model without a price has been used', () => {
    const meter = new SpendMeter(PRICING);
    meter.add('openai:a@http://h/v1', { promptTokens: 100, completionTokens: 10 });
    meter.add('llama:/m.gguf', { promptTokens: 100, completionTokens: 10 });
    const spend = meter.spend();
    assert.equal(spend.total, null);
    assert.equal(spend.unknownBecause, 'pricing.json has no price for llama:/m.gguf');
    assert.deepEqual(spend.byModel.map((m) => m.cost === null), [false, true]);
  });

  it('is unknown, not 0, once a server answered without saying what it used', () => {
    const meter = new SpendMeter(PRICING);
    meter.add('openai:a@http://h/v1', { promptTokens: 100, completionTokens: 10 });
    meter.add('openai:b@http://h/v1', { promptTokens: 0, completionTokens: 0, unreported: true });
    const spend = meter.spend();
    assert.equal(spend.total, null);
    assert.equal(spend.unknownBecause, 'openai:b@http://h/v1 answered without saying how many tokens it used');
    assert.deepEqual(spend.byModel.map((m) => [m.cost === null, m.unreportedCalls]), [[false, 0], [true, 1]]);
    // At a price of nothing, unmeasured tokens cost nothing.
    const free = new SpendMeter(parsePricing('{"currency": "USD", "models": [{"model": "*", "inputPerMTok": 0, "outputPerMTok": 0}]}', 'p.json'));
    free.add('openai:b@http://h/v1', { promptTokens: 0, completionTokens: 0, unreported: true });
    assert.equal(free.spend().total, 0);
  });

  it('a cost limit the run controller could not keep fails the execution before any call', async () => {
    const tmp = tempDir();
    const fake = await startFakeOpenAI();
    try {
      const tasks = join(tmp.dir, 'tasks.jsonl');
      writeTasks(tasks, 2);
      const config: RunConfig = {
        tasks, model: `openai:unpriced@${fake.url}`, api: 'completions', n: 2, verifiers: ['mc'], filter: 'quantile:0.8',
        temperature: 0.7, topP: 0.9, maxTokens: 16, verifierTemperature: 0.7, verifierMaxTokens: 16, seed: 0, concurrency: 2,
      };
      const controller = await RunController.open({ kind: 'new', config, options: { out: join(tmp.dir, 'run'), runsRoot: tmp.dir } }, { by: 'test', onWarning: () => undefined });
      const outcome = await controller.execute({ concurrency: 2, cacheDir: null, pricing: PRICING, costLimit: 1 });
      assert.equal(outcome.status, 'failed');
      const error = outcome.status === 'failed' ? outcome.error : undefined;
      assert.ok(error instanceof UserError);
      assert.equal(error.message, `a cost limit needs the price of every model the run calls, and pricing.json has no price for ${config.model}; add an entry (docs/cost.md) or leave the limit out`);
      assert.equal(fake.counters.requests, 0);
    } finally {
      await fake.close();
      tmp.cleanup();
    }
  });
});
