import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { atBatchPrices, costOf, missingPrices, parsePricing, priceOf, pricingPath, readPricing, type Pricing } from '../../../src/core/cost/pricing';
import { UserError } from '../../../src/core/util/errors';

const FILE = '/home/u/.config/gaplens/pricing.json';

function problems(text: string): string[] {
  try {
    parsePricing(text, FILE);
  } catch (err) {
    assert.ok(err instanceof UserError, String(err));
    const [head, ...lines] = err.message.split('\n');
    assert.match(head ?? '', /^the pricing file has (a problem|\d+ problems) \(docs\/cost\.md\):$/);
    return lines;
  }
  assert.fail('the file was accepted');
}

const EXAMPLE = `{
  "currency": "USD",
  "note": "read from the providers' pages on 2025-01-01",
  "models": [
    { "model": "openai:gpt-4o-mini@https://api.openai.com/v1", "inputPerMTok": 0.15, "outputPerMTok": 0.6, "cachedInputPerMTok": 0.075, "batchDiscount": 0.5 },
    { "model": "gpt-4o*", "inputPerMTok": 2.5, "outputPerMTok": 10 },
    { "model": "openai:*@http://127.0.0.1:8000/v1", "inputPerMTok": 0, "outputPerMTok": 0, "note": "our own vLLM" },
    { "model": "llama:*", "inputPerMTok": 0, "outputPerMTok": 0 }
  ]
}
`;

describe('pricing file', () => {
  it('reads the documented format, entries in file order with their lines', () => {
    const pricing = parsePricing(EXAMPLE, FILE);
    assert.equal(pricing.currency, 'USD');
    assert.deepEqual(pricing.prices.map((p) => [p.model, p.line]), [
      ['openai:gpt-4o-mini@https://api.openai.com/v1', 5],
      ['gpt-4o*', 6],
      ['openai:*@http://127.0.0.1:8000/v1', 7],
      ['llama:*', 8],
    ]);
    assert.deepEqual(pricing.prices[0], { model: 'openai:gpt-4o-mini@https://api.openai.com/v1', inputPerMTok: 0.15, outputPerMTok: 0.6, cachedInputPerMTok: 0.075, batchDiscount: 0.5, line: 5 });
  });

  it('prices a model by the first entry matching its whole spec or, for an endpoint model, its name', () => {
    const pricing = parsePricing(EXAMPLE, FILE);
    const line = (model: string): number | undefined => priceOf(pricing, model)?.line;
    assert.equal(line('openai:gpt-4o-mini@https://api.openai.com/v1'), 5);
    // The exact spec comes first; elsewhere the name matches the wider pattern.
    assert.equal(line('openai:gpt-4o-mini@https://proxy.example/v1'), 6);
    assert.equal(line('openai:gpt-4o@https://api.openai.com/v1/'), 6, 'a trailing slash is the same endpoint');
    assert.equal(line('openai:qwen@http://127.0.0.1:8000/v1'), 7);
    assert.equal(line('llama:/models/x.gguf'), 8);
    assert.equal(line('llama:default'), 8);
    assert.equal(line('openai:qwen@http://127.0.0.1:8001/v1'), undefined);
    // A pattern is not a regular expression: its dots are dots.
    assert.equal(priceOf(parsePricing('{"currency": "USD", "models": [{"model": "gpt-4.1", "inputPerMTok": 1, "outputPerMTok": 1}]}', FILE), 'openai:gpt-401@https://x/v1'), null);
  });

  it('costs tokens per million, cache hits at the cached-input price', () => {
    const [mini, big] = parsePricing(EXAMPLE, FILE).prices;
    assert.ok(mini && big);
    assert.equal(costOf(big, { promptTokens: 2_000_000, completionTokens: 500_000 }), 2 * 2.5 + 0.5 * 10);
    assert.equal(costOf(mini, { promptTokens: 1_000_000, cachedPromptTokens: 400_000, completionTokens: 0 }), 0.6 * 0.15 + 0.4 * 0.075);
    // Without a cached price, a cache hit costs the input price.
    assert.equal(costOf(big, { promptTokens: 1_000_000, cachedPromptTokens: 1_000_000, completionTokens: 0 }), 2.5);
  });

  it('batch prices: every price of an entry less its batch discount; an entry without one at its full price', () => {
    const [mini, big] = atBatchPrices(parsePricing(EXAMPLE, FILE)).prices;
    assert.ok(mini && big);
    assert.deepEqual([mini.inputPerMTok, mini.outputPerMTok, mini.cachedInputPerMTok, mini.batchDiscount], [0.075, 0.3, 0.0375, undefined]);
    assert.deepEqual([big.inputPerMTok, big.outputPerMTok], [2.5, 10]);
  });

  it('lists every problem with the file, the line and the field, in line order', () => {
    const text = `{
  "currency": "US D",
  "models": [
    { "model": "fake", "inputPerMTok": "1", "outputPerMtok": 2 },
    { "model": "", "inputPerMTok": 1, "outputPerMTok": -1, "batchDiscount": 1 },
    { "model": "x", "inputPerMTok": 1, "outputPerMTok": 1, "cachedInputPerMTok": 2 },
    { "model": "y", "inputPerMTok": 1, "outputPerMTok": 1 },
    { "model": "y", "inputPerMTok": 2, "outputPerMTok": 2 },
    "z"
  ],
  "extra": 1
}`;
    assert.deepEqual(problems(text), [
      `${FILE}:2: "currency" must be what the prices are in, such as "USD" (at most 12 characters, no spaces; got "US D")`,
      `${FILE}:4: "models[0].outputPerMtok" is not a field here; the fields are model, inputPerMTok, outputPerMTok, cachedInputPerMTok, batchDiscount, note`,
      `${FILE}:4: "models[0].inputPerMTok" must be a price per million tokens, a number ≥ 0 (got "1")`,
      `${FILE}:4: "models[0].outputPerMTok" must be a price per million tokens, a number ≥ 0 (got nothing)`,
      `${FILE}:5: "models[1].model" must be a model name or spec, * matching any characters: "gpt-4o-mini", "openai:*@https://api.openai.com/v1", "llama:*" (got "")`,
      `${FILE}:5: "models[1].outputPerMTok" must be a price per million tokens, a number ≥ 0 (got -1)`,
      `${FILE}:5: "models[1].batchDiscount" must be the share taken off by the batch API, a number in [0, 1) such as 0.5 (got 1)`,
      `${FILE}:6: "models[2].cachedInputPerMTok" must not exceed inputPerMTok (1): it is the price of cache hits`,
      `${FILE}:8: "models[4].model" repeats the pattern of the entry on line 7, which matches first: this entry is never used`,
      `${FILE}:9: "models[5]" must be an object like {"model": "gpt-4o-mini", "inputPerMTok": 0.15, "outputPerMTok": 0.6} (got "z")`,
      `${FILE}:11: "extra" is not a field here; the fields are currency, models, note`,
    ]);
    assert.deepEqual(problems('{"models": {}}'), [
      `${FILE}:1: "currency" must be what the prices are in, such as "USD" (at most 12 characters, no spaces; got nothing)`,
      `${FILE}:1: "models" must be a list of entries like {"model": "gpt-4o-mini", "inputPerMTok": 0.15, "outputPerMTok": 0.6} (got {})`,
    ]);
    assert.throws(() => parsePricing('[]', FILE), { message: `${FILE}:1: expected a JSON object like {"currency": "USD", "models": [{"model": "gpt-4o-mini", "inputPerMTok": 0.15, "outputPerMTok": 0.6}]}` });
    assert.throws(() => parsePricing('{"currency": "USD",\n"models": [}', FILE), { message: `${FILE}:2: not valid JSON: expected a value, found "}"` });
  });

  describe('the file', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'gaplens-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('is $GAPLENS_PRICING, else pricing.json of the user\'s Gap Lens config folder', () => {
      assert.equal(pricingPath({ GAPLENS_PRICING: '/p.json', XDG_CONFIG_HOME: '/x' }), '/p.json');
      assert.equal(pricingPath({ XDG_CONFIG_HOME: '/x' }), join('/x', 'gaplens', 'pricing.json'));
    });

    it('prices nothing when missing, and then says so wherever a price is needed', () => {
      const file = join(dir, 'pricing.json');
      const pricing: Pricing = readPricing({ GAPLENS_PRICING: file });
      assert.deepEqual(pricing, { file, exists: false, currency: null, prices: [] });
      assert.equal(missingPrices(pricing, ['llama:default'], '--cost-limit'), `--cost-limit needs the price of every model the run calls, and there is no pricing file (${file}); add an entry (docs/cost.md) or leave the limit out`);
      writeFileSync(file, EXAMPLE);
      const read = readPricing({ GAPLENS_PRICING: file });
      assert.equal(missingPrices(read, ['llama:default', 'openai:gpt-4o@https://api.openai.com/v1'], '--cost-limit'), null);
      assert.equal(
        missingPrices(read, ['openai:a@http://h/v1', 'openai:a@http://h/v1', 'openai:b@http://h/v1'], '--cost-limit'),
        `--cost-limit needs the price of every model the run calls, and ${file} has no price for openai:a@http://h/v1, openai:b@http://h/v1; add an entry (docs/cost.md) or leave the limit out`,
      );
    });

    it('is a one-line error naming it when it cannot be read', () => {
      assert.throws(() => readPricing({ GAPLENS_PRICING: dir }), (err: unknown) => err instanceof UserError && err.message.startsWith(`cannot read ${dir}: `) && !err.message.includes('\n'));
    });
  });
});
