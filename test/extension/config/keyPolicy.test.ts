// Which endpoints a run folder may send the user's key to from VS Code (src/extension/config/keyPolicy.ts),
// for models served by several endpoints: every endpoint's origin counts, and one key serves them all.
import assert from 'node:assert/strict';
import { originsToConfirm, sharedKey } from '../../../src/extension/config/keyPolicy';
import type { ModelProfile } from '../../../src/extension/config/settings';

const profile: ModelProfile = { name: 'fleet', backend: 'openai', provider: 'openai', baseUrls: ['http://a:1/v1', 'http://b:2/v1'], model: 'm', api: 'completions', maxConcurrency: 8 };

describe('extension key policy', () => {
  it('asks about every origin of a run folder\'s model that no user profile names, each once', () => {
    assert.deepEqual(originsToConfirm(['openai:m@http://a:1/v1,http://c:3/v1,http://c:3/v2'], [profile]), ['http://c:3']);
    assert.deepEqual(originsToConfirm(['openai:m@http://b:2/v1,http://a:1/v1', 'llama:default'], [profile]), []);
  });

  it('sends one key to all of a model\'s servers only when each origin holds that key, or none', () => {
    const model = 'openai:m@http://a:1/v1,http://b:2/v1';
    assert.equal(sharedKey(model, [{ origin: 'http://a:1', key: 'k' }, { origin: 'http://b:2', key: 'k' }]), 'k');
    assert.equal(sharedKey(model, [{ origin: 'http://a:1', key: undefined }, { origin: 'http://b:2', key: undefined }]), undefined);
    assert.throws(() => sharedKey(model, [{ origin: 'http://a:1', key: 'k' }, { origin: 'http://b:2', key: undefined }]), /do not share one API key \(http:\/\/a:1: one key; http:\/\/b:2: another key or none\)/);
    assert.throws(() => sharedKey(model, [{ origin: 'http://a:1', key: 'k' }, { origin: 'http://b:2', key: 'other' }]), /store the same key for each/);
  });
});
