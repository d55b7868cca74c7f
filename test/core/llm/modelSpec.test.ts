import assert from 'node:assert/strict';
import { canonicalModelSpec, endpointOrigin, modelLabel, parseModelSpec } from '../../../src/core/llm/modelSpec';

describe('modelSpec', () => {
  it('reads openai:MODEL@BASE_URL and azure:DEPLOYMENT@ENDPOINT as HTTP endpoints of either provider', () => {
    assert.deepEqual(parseModelSpec('openai:Qwen/Qwen2.5-7B@http://127.0.0.1:8000/v1/'), { backend: 'openai', provider: 'openai', model: 'Qwen/Qwen2.5-7B', baseUrl: 'http://127.0.0.1:8000/v1' });
    const azure = parseModelSpec('azure:gpt-4o-mini@https://my-res.openai.azure.com/');
    assert.deepEqual(azure, { backend: 'openai', provider: 'azure', model: 'gpt-4o-mini', baseUrl: 'https://my-res.openai.azure.com' });
    assert.equal(modelLabel(azure), 'gpt-4o-mini');
  });

  it('keeps the provider in the stored spec, and the key policy sees the endpoint origin', () => {
    assert.equal(canonicalModelSpec('azure:dep@https://my-res.openai.azure.com/'), 'azure:dep@https://my-res.openai.azure.com');
    assert.equal(endpointOrigin('azure:dep@https://my-res.openai.azure.com'), 'https://my-res.openai.azure.com');
  });

  it('refuses an azure spec without a deployment or an http(s) endpoint, naming the forms it takes', () => {
    for (const bad of ['azure:@https://r.openai.azure.com', 'azure:dep@r.openai.azure.com', 'azure:dep']) {
      assert.throws(() => parseModelSpec(bad), /is not a model spec: .*azure:DEPLOYMENT@https:\/\/RESOURCE\.openai\.azure\.com/);
    }
  });
});
