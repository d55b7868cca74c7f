import assert from 'node:assert/strict';
import { UserError } from '../../../src/core/util/errors';
import { resolveRunsRoot } from '../../../src/core/config/runsRoot';
import { apiKeySecretId, DEFAULT_PROFILES, inspectSettings, modelSpecOf, readSettings, type ModelProfile } from '../../../src/extension/config/settings';

const ROOT = '/work/project';

function read(values: Record<string, unknown>): ReturnType<typeof readSettings> {
  return readSettings((key) => values[key], ROOT);
}

function problems(values: Record<string, unknown>): string {
  try {
    read(values);
  } catch (err) {
    assert.ok(err instanceof UserError, `expected a UserError, got ${String(err)}`);
    return err.message;
  }
  assert.fail('expected the settings to be refused');
}

describe('extension settings', () => {
  it('reads unset settings as the documented defaults', () => {
    const s = read({});
    assert.deepEqual(s.profiles, DEFAULT_PROFILES);
    assert.equal(s.samplesPerTask, 8);
    assert.equal(s.temperature, 0.7);
    assert.equal(s.topP, 0.9);
    assert.equal(s.maxTokens, 512);
    assert.deepEqual(s.defaultVerifiers, ['mc']);
    assert.equal(s.defaultFilter, 'quantile:0.8');
    assert.equal(s.runsFolder, '.gaplens/runs');
    assert.equal(s.costLimit, null);
  });

  it('reads the cost limit as an amount > 0, empty for none', () => {
    assert.equal(read({ costLimit: 2.5 }).costLimit, 2.5);
    assert.equal(read({ costLimit: null }).costLimit, null);
    for (const bad of [0, -1, '5', Number.NaN]) {
      assert.match(problems({ costLimit: bad }), /"gaplens\.costLimit" must be a number greater than 0 \(got .*\); leave it empty for no limit/);
    }
  });

  it('reads valid profiles of both backends, with per-backend defaults and relative model paths resolved', () => {
    const s = read({
      modelProfiles: [
        { name: 'vllm', backend: 'openai', baseUrl: 'http://127.0.0.1:8000/v1/', model: 'Qwen/Qwen2.5-7B', api: 'chat', pretrainingFlops: 8.2e23 },
        { name: 'azure', backend: 'openai', provider: 'azure', apiVersion: '2025-04-01-preview', baseUrl: 'https://res.openai.azure.com', model: 'gpt-4o-mini', api: 'chat' },
        { name: 'local', backend: 'llama', modelPath: 'models/x.gguf' },
        { name: 'embedded', backend: 'llama' },
      ],
      samplesPerTask: 16,
      defaultVerifiers: ['cot-score', 'mc'],
      defaultFilter: ' topk:2 ',
    });
    const expected: ModelProfile[] = [
      { name: 'vllm', backend: 'openai', provider: 'openai', baseUrls: ['http://127.0.0.1:8000/v1'], model: 'Qwen/Qwen2.5-7B', api: 'chat', maxConcurrency: 8, pretrainingFlops: 8.2e23 },
      { name: 'azure', backend: 'openai', provider: 'azure', apiVersion: '2025-04-01-preview', baseUrls: ['https://res.openai.azure.com'], model: 'gpt-4o-mini', api: 'chat', maxConcurrency: 8 },
      { name: 'local', backend: 'llama', modelPath: '/work/project/models/x.gguf', api: 'completions', maxConcurrency: 2 },
      { name: 'embedded', backend: 'llama', modelPath: null, api: 'completions', maxConcurrency: 2 },
    ];
    assert.deepEqual(s.profiles, expected);
    assert.deepEqual(s.profiles.map(modelSpecOf).slice(0, 2), ['openai:Qwen/Qwen2.5-7B@http://127.0.0.1:8000/v1', 'azure:gpt-4o-mini@https://res.openai.azure.com?api-version=2025-04-01-preview']);
    assert.equal(s.samplesPerTask, 16);
    assert.deepEqual(s.defaultVerifiers, ['cot-score', 'mc']);
    assert.equal(s.defaultFilter, 'topk:2');
  });

  it('says what is wrong with an Azure profile field', () => {
    const message = problems({
      modelProfiles: [
        { name: 'a', backend: 'openai', provider: 'aws', baseUrl: 'https://x', model: 'm' },
        { name: 'b', backend: 'openai', provider: 'azure', apiVersion: 'latest', baseUrl: 'https://x', model: 'm' },
        { name: 'c', backend: 'openai', apiVersion: '2024-10-21', baseUrl: 'https://x', model: 'm' },
        { name: 'd', backend: 'llama', provider: 'azure' },
      ],
    });
    assert.match(message, /provider" must be "openai" \(any OpenAI-compatible server\) or "azure"/);
    assert.match(message, /apiVersion" must be an Azure OpenAI API version such as "2024-10-21"/);
    assert.match(message, /apiVersion" applies to "provider": "azure" profiles only/);
    assert.match(message, /provider" applies to openai profiles only/);
  });

  it('reads an openai profile’s executor, and says what is wrong with one', () => {
    const s = readSettings((k) => ({ modelProfiles: [{ name: 'b', backend: 'openai', baseUrl: 'https://x', model: 'm', executor: 'batch' }, { name: 'o', backend: 'openai', baseUrl: 'https://x', model: 'm', executor: 'online' }] })[k], '/w');
    assert.deepEqual(s.profiles.map((p) => (p.backend === 'openai' ? p.executor : 'llama')), ['batch', undefined]);
    const message = problems({
      modelProfiles: [
        { name: 'a', backend: 'openai', baseUrl: 'https://x', model: 'm', executor: 'vllm' },
        { name: 'd', backend: 'llama', executor: 'batch' },
      ],
    });
    assert.match(message, /executor" must be "online" \(each call when it is made\) or "batch" \(the OpenAI Batch API\) \(got "vllm"\)/);
    assert.match(message, /executor" applies to openai profiles only/);
  });

  it('lists every invalid setting in one message naming the setting and the fix', () => {
    const message = problems({
      samplesPerTask: 0,
      topP: 0,
      temperature: 'hot',
      defaultVerifiers: ['mc', 'oracle'],
      defaultFilter: 'quantile:1.5',
      runsFolder: '',
    });
    assert.match(message, /^Gap Lens settings are invalid; fix them in Settings \(gaplens\.\*\):/);
    assert.match(message, /"gaplens\.samplesPerTask" must be a whole number at least 1 and at most 100000 \(got 0\)/);
    assert.match(message, /"gaplens\.topP" must be a number greater than 0 and at most 1 \(got 0\)/);
    assert.match(message, /"gaplens\.temperature" must be a number at least 0 and at most 5 \(got "hot"\)/);
    assert.match(message, /"gaplens\.defaultVerifiers" names unknown verifier "oracle"; valid verifiers: mc, cot-binary, cot-score, tournament/);
    assert.match(message, /"gaplens\.defaultFilter" is not a filter: .*q must be between 0 and 1/);
    assert.match(message, /"gaplens\.runsFolder" must be a folder path/);
  });

  it('refuses profiles that are incomplete, mix backends, repeat a name, or carry credentials', () => {
    const message = problems({
      modelProfiles: [
        { name: 'a', backend: 'openai', baseUrl: 'ftp://host/v1', model: 'm' },
        { name: 'b', backend: 'openai', model: '' , baseUrl: 'http://127.0.0.1:8000/v1' },
        { name: 'c', backend: 'llama', baseUrl: 'http://127.0.0.1:8000/v1', api: 'chat' },
        { name: 'd', backend: 'gpt' },
        { name: 'e', backend: 'openai', baseUrl: 'https://user:pw@api.example.com/v1', model: 'm' },
        { name: 'f', backend: 'openai', baseUrl: 'https://api.example.com/v1', model: 'm', apiKey: 'sk-123' },
        { name: 'g', backend: 'llama', maxConcurrency: 0, pretrainingFlops: -1 },
        { name: 'h', backend: 'llama' },
        { name: 'h', backend: 'llama' },
      ],
    });
    assert.match(message, /"gaplens\.modelProfiles\[0\]" .*"baseUrl" must be an http:\/\/ or https:\/\/ URL \(got "ftp:\/\/host\/v1"\)/);
    assert.match(message, /"gaplens\.modelProfiles\[1\]" .*"model" must be the model name the server serves/);
    assert.match(message, /"gaplens\.modelProfiles\[2\]" .*"baseUrl" applies to openai profiles only/);
    assert.match(message, /"gaplens\.modelProfiles\[2\]" .*"api" must be "completions" \(or left out\) for llama profiles/);
    assert.match(message, /"gaplens\.modelProfiles\[3\]" .*"backend" must be "openai" or "llama" \(got "gpt"\)/);
    assert.match(message, /"gaplens\.modelProfiles\[4\]" .*"baseUrl" must not contain a user name or password/);
    assert.match(message, /"gaplens\.modelProfiles\[5\]" .*it must not hold credentials: store the API key with the command "Gap Lens: Set API Key…"/);
    assert.match(message, /"gaplens\.modelProfiles\[6\]" .*"maxConcurrency" must be a whole number at least 1/);
    assert.match(message, /"gaplens\.modelProfiles\[6\]" .*"pretrainingFlops" must be a positive number of FLOPs/);
    assert.match(message, /"gaplens\.modelProfiles\[8\]" .*"name" "h" is already the name of modelProfiles\[7\]/);
    assert.doesNotMatch(message, /sk-123/, 'a pasted key must not be echoed back');
  });

  it('reads a profile of several servers of one model, and refuses a list that is empty, repeats a server, holds a non-URL, or comes with baseUrl', () => {
    const [fleet] = read({
      modelProfiles: [{ name: 'fleet', backend: 'openai', baseUrls: ['http://10.0.0.1:8000/v1/', 'http://10.0.0.2:8000/v1'], model: 'qwen' }],
    }).profiles as [ModelProfile];
    assert.equal(modelSpecOf(fleet), 'openai:qwen@http://10.0.0.1:8000/v1,http://10.0.0.2:8000/v1');
    const message = problems({
      modelProfiles: [
        { name: 'a', backend: 'openai', baseUrls: [], model: 'm' },
        { name: 'b', backend: 'openai', baseUrls: ['http://h/v1', 'http://h/v1/'], model: 'm' },
        { name: 'c', backend: 'openai', baseUrls: ['http://h/v1', 'h2:8000'], model: 'm' },
        { name: 'd', backend: 'openai', baseUrl: 'http://h/v1', baseUrls: ['http://h2/v1'], model: 'm' },
        { name: 'e', backend: 'llama', baseUrls: ['http://h/v1'] },
      ],
    });
    assert.match(message, /"gaplens\.modelProfiles\[0\]" .*"baseUrls" must be a non-empty list of the model's servers/);
    assert.match(message, /"gaplens\.modelProfiles\[1\]" .*"baseUrls\[1\]" repeats "http:\/\/h\/v1": list each server once/);
    assert.match(message, /"gaplens\.modelProfiles\[2\]" .*"baseUrls\[1\]" (is not a URL|must be an http)/);
    assert.match(message, /"gaplens\.modelProfiles\[3\]" .*"baseUrl" and "baseUrls" are both set/);
    assert.match(message, /"gaplens\.modelProfiles\[4\]" .*"baseUrls" applies to openai profiles only/);
  });

  it('leaves out one bad profile with one message naming the setting and the profile; the runs folder and the other profiles still read', () => {
    const { settings, problems } = inspectSettings(
      (key) =>
        ({
          modelProfiles: [
            { name: 'good', backend: 'openai', baseUrl: 'http://127.0.0.1:8000/v1', model: 'qwen' },
            { name: 'broken', backend: 'openai', baseUrl: 'not a url', model: '' },
          ],
          runsFolder: 'my-runs',
        })[key],
      ROOT,
    );
    assert.deepEqual(settings.profiles.map((p) => p.name), ['good']);
    assert.equal(settings.runsFolder, 'my-runs');
    assert.deepEqual(problems.of(['modelProfiles']), [
      '"gaplens.modelProfiles[1]" ("broken") is left out: "baseUrl" is not a URL: "not a url"; write it such as "http://127.0.0.1:8000/v1"; "model" must be the model name the server serves, e.g. "Qwen/Qwen2.5-7B" (got "")',
    ]);
    // What reads only the runs folder (the runs tree) or a run's other settings is not stopped by it.
    assert.doesNotThrow(() => problems.throwIfAny(['runsFolder']));
    assert.deepEqual(problems.of(['runsFolder', 'samplesPerTask', 'temperature']), []);
    assert.throws(() => problems.throwIfAny(), /"gaplens\.modelProfiles\[1\]" \("broken"\) is left out/);
  });

  it('refuses a relative model path when there is no workspace folder to anchor it', () => {
    assert.throws(() => readSettings((k) => (k === 'modelProfiles' ? [{ name: 'x', backend: 'llama', modelPath: 'm.gguf' }] : undefined), undefined), /"m\.gguf" is relative, and there is no workspace folder/);
  });

  it('turns profiles into the model specs core parses', () => {
    const [vllm, local, embedded] = read({
      modelProfiles: [
        { name: 'vllm', backend: 'openai', baseUrl: 'http://127.0.0.1:8000/v1', model: 'Qwen/Qwen2.5-7B' },
        { name: 'local', backend: 'llama', modelPath: '/m/x.gguf' },
        { name: 'embedded', backend: 'llama' },
      ],
    }).profiles as [ModelProfile, ModelProfile, ModelProfile];
    assert.equal(modelSpecOf(vllm), 'openai:Qwen/Qwen2.5-7B@http://127.0.0.1:8000/v1');
    assert.equal(modelSpecOf(local), 'llama:/m/x.gguf');
    assert.equal(modelSpecOf(embedded), 'llama:default');
  });

  it('binds API keys to the server origin, so another path on the same server shares it and another host does not', () => {
    assert.equal(apiKeySecretId('https://api.example.com/v1'), 'gaplens.apiKey:https://api.example.com');
    assert.equal(apiKeySecretId('https://api.example.com/other'), apiKeySecretId('https://api.example.com/v1'));
    assert.notEqual(apiKeySecretId('https://evil.example.net/v1'), apiKeySecretId('https://api.example.com/v1'));
    assert.notEqual(apiKeySecretId('http://api.example.com/v1'), apiKeySecretId('https://api.example.com/v1'));
  });

  it('resolves the runs folder against the workspace folder, else the global storage', () => {
    assert.equal(resolveRunsRoot('.gaplens/runs', '/w', '/g'), '/w/.gaplens/runs');
    assert.equal(resolveRunsRoot('/abs/runs', '/w', '/g'), '/abs/runs');
    assert.equal(resolveRunsRoot('.gaplens/runs', undefined, '/g'), '/g/runs');
  });
});
