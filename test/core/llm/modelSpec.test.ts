import assert from 'node:assert/strict';
import { canonicalModelSpec, endpointOrigins, modelLabel, parseModelSpec, sameModel } from '../../../src/core/llm/modelSpec';

describe('modelSpec', () => {
  it('reads openai:MODEL@BASE_URL and azure:DEPLOYMENT@ENDPOINT as HTTP endpoints of either provider', () => {
    assert.deepEqual(parseModelSpec('openai:Qwen/Qwen2.5-7B@http://127.0.0.1:8000/v1/'), { backend: 'openai', provider: 'openai', model: 'Qwen/Qwen2.5-7B', baseUrls: ['http://127.0.0.1:8000/v1'] });
    const azure = parseModelSpec('azure:gpt-4o-mini@https://my-res.openai.azure.com/');
    assert.deepEqual(azure, { backend: 'openai', provider: 'azure', model: 'gpt-4o-mini', baseUrls: ['https://my-res.openai.azure.com'] });
    assert.equal(modelLabel(azure), 'gpt-4o-mini');
  });

  it('keeps the provider in the stored spec, and the key policy sees the endpoint origin', () => {
    assert.equal(canonicalModelSpec('azure:dep@https://my-res.openai.azure.com/'), 'azure:dep@https://my-res.openai.azure.com');
    assert.deepEqual(endpointOrigins('azure:dep@https://my-res.openai.azure.com'), ['https://my-res.openai.azure.com']);
  });

  it('reads an Azure api-version from the spec\'s query, and refuses any other query', () => {
    assert.deepEqual(parseModelSpec('azure:dep@https://r.openai.azure.com/?api-version=2025-04-01-preview'), { backend: 'openai', provider: 'azure', model: 'dep', baseUrls: ['https://r.openai.azure.com'], apiVersion: '2025-04-01-preview' });
    // Several endpoints of one deployment: the version goes at the end of the list, for all of them.
    assert.equal(canonicalModelSpec('azure:dep@https://a.openai.azure.com,https://b.openai.azure.com/?api-version=2024-10-21'), 'azure:dep@https://a.openai.azure.com,https://b.openai.azure.com?api-version=2024-10-21');
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

  it('reads several servers of one model, comma-separated, keeping commas inside a URL', () => {
    const spec = parseModelSpec('openai:qwen@http://10.0.0.1:8000/v1/,http://10.0.0.2:8000/v1,https://gw.example/v1;a,b');
    assert.deepEqual(spec, { backend: 'openai', provider: 'openai', model: 'qwen', baseUrls: ['http://10.0.0.1:8000/v1', 'http://10.0.0.2:8000/v1', 'https://gw.example/v1;a,b'] });
    assert.equal(canonicalModelSpec('openai:qwen@http://a:1/v1/,http://b:2/v1'), 'openai:qwen@http://a:1/v1,http://b:2/v1');
    assert.deepEqual(endpointOrigins('openai:qwen@http://a:1/v1,http://a:1/v2,http://b:2/v1'), ['http://a:1', 'http://b:2']);
    assert.deepEqual(endpointOrigins('llama:default'), []);
  });

  it('refuses a list with a repeated server or an entry that is not a URL, as a usage error', () => {
    assert.throws(() => parseModelSpec('openai:m@http://a:1/v1,http://a:1/v1/'), (err: Error & { exitCode?: number }) => /lists the endpoint http:\/\/a:1\/v1 twice/.test(err.message));
    assert.throws(() => parseModelSpec('openai:m@http://a:1/v1,'), /is not a model spec/);
    assert.throws(() => parseModelSpec('openai:m@http://a:1/v1, http://b/v1'), /is not a model spec/);
  });

  it('takes specs of one provider and model name for the same model, whichever servers they list', () => {
    assert.ok(sameModel('openai:m@http://a/v1', 'openai:m@http://b/v1,http://c/v1'));
    assert.ok(!sameModel('openai:m@http://a/v1', 'openai:n@http://a/v1'));
    assert.ok(!sameModel('openai:m@http://a/v1', 'azure:m@http://a'));
    assert.ok(sameModel('llama:default', 'llama:default'));
    assert.ok(!sameModel('llama:/x.gguf', 'llama:/y.gguf'));
  });
});
