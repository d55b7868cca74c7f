// The capability cache (docs/providers.md, "Capabilities"): a probe is kept for 24 hours per
// endpoint; anything else in its place is a miss, and a cache that cannot be written costs a probe.
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EndpointCapabilities } from '../../../src/core/runs/endpointCapabilities';
import { CAPABILITY_TTL_MS, cachedCapabilities, storeCapabilities } from '../../../src/core/llm/capabilityCache';
import { tempDir } from '../../helpers/cli';
import { capabilities } from './capabilityFixtures';

const PROBED = new Date('2026-12-01T00:00:00.000Z');
const caps = (endpoint: string): EndpointCapabilities => capabilities(endpoint, { reasoningEffort: false, said: { reasoningEffort: 'HTTP 400: Unrecognized request argument supplied: reasoning_effort' } });

describe('capabilityCache', () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());
  const warnings: string[] = [];
  const warn = (m: string): void => void warnings.push(m);

  it('keeps a probe per endpoint for 24 hours, then misses', async () => {
    const dir = join(tmp.dir, 'capabilities');
    await storeCapabilities(dir, caps('openai:chat:a@http://h/v1'), warn);
    await storeCapabilities(dir, caps('openai:completions:a@http://h/v1'), warn);
    assert.equal(readdirSync(dir).length, 2);
    const at = (ms: number): Date => new Date(PROBED.getTime() + ms);
    assert.deepEqual(await cachedCapabilities(dir, 'openai:chat:a@http://h/v1', at(CAPABILITY_TTL_MS - 1)), caps('openai:chat:a@http://h/v1'));
    assert.equal(await cachedCapabilities(dir, 'openai:chat:a@http://h/v1', at(CAPABILITY_TTL_MS)), undefined, 'stale');
    assert.equal(await cachedCapabilities(dir, 'openai:chat:a@http://h/v1', at(-1000)), undefined, 'probed in the future');
    assert.equal(await cachedCapabilities(dir, 'openai:chat:b@http://h/v1', at(0)), undefined, 'another endpoint');
    assert.deepEqual(warnings, []);
  });

  it('a malformed entry, or one for another endpoint under its name, is a miss', async () => {
    const dir = join(tmp.dir, 'capabilities');
    await storeCapabilities(dir, caps('openai:chat:a@http://h/v1'), warn);
    const [file] = readdirSync(dir);
    writeFileSync(join(dir, file as string), JSON.stringify({ ...caps('openai:chat:a@http://h/v1'), topLogprobs: 0 }));
    assert.equal(await cachedCapabilities(dir, 'openai:chat:a@http://h/v1', PROBED), undefined);
    writeFileSync(join(dir, file as string), JSON.stringify(caps('openai:chat:other@http://h/v1')));
    assert.equal(await cachedCapabilities(dir, 'openai:chat:a@http://h/v1', PROBED), undefined);
    writeFileSync(join(dir, file as string), '{"endpoint": ');
    assert.equal(await cachedCapabilities(dir, 'openai:chat:a@http://h/v1', PROBED), undefined);
  });

  it('a cache folder that cannot be made: a warning naming it, no error', async () => {
    // A file where the cache's parent folder should be: no folder can be made there, whoever runs the test.
    const blocked = join(tmp.dir, 'blocked');
    writeFileSync(blocked, '');
    await storeCapabilities(join(blocked, 'capabilities'), caps('openai:chat:a@http://h/v1'), warn);
    assert.match(warnings.at(-1) ?? '', /could not keep the capabilities of openai:chat:a@http:\/\/h\/v1 in .*blocked\/capabilities .*probed again next time/);
  });
});
