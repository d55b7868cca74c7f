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

  it('reads an Azure api-version from the spec\'s query, and refuses any other query', () => {
    assert.deepEqual(parseModelSpec('azure:dep@https://r.openai.azure.com/?api-version=2025-04-01-preview'), { backend: 'openai', provider: 'azure', model: 'dep', baseUrl: 'https://r.openai.azure.com', apiVersion: '2025-04-01-preview' });
    assert.equal(canonicalModelSpec('azure:dep@https://r.openai.azure.com/?api-version=2024-10-21'), 'azure:dep@https://r.openai.azure.com?api-version=2024-10-21');
    for (const bad of ['azure:dep@https://r.openai.azure.com?api-version=latest', 'azure:dep@https://r.openai.azure.com?x=1', 'openai:m@http://h/v1?api-version=2024-10-21']) {
      assert.throws(() => parseModelSpec(bad), /the only query a model spec takes is an Azure \?api-version=YYYY-MM-DD/);
    }
  });

  it('refuses an azure spec without a deployment or an http(s) endpoint, naming the forms it takes', () => {
    for (const bad of ['azure:@https://r.openai.azure.com', 'azure:dep@r.openai.azure.com', 'azure:dep']) {
      assert.throws(() => parseModelSpec(bad), /is not a model spec: .*azure:DEPLOYMENT@https:\/\/RESOURCE\.openai\.azure\.com/);
    }
  });
});
