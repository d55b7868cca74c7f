import assert from 'node:assert/strict';
import { BLOCK_STOP, withBlockStop } from '../../../src/core/prompts/stop';

describe('prompts/stop', () => {
  const sampling = { temperature: 0.7, topP: 0.9, maxTokens: 512 };

  it('adds the block stop once, after any stop sequences already set', () => {
    assert.deepEqual(withBlockStop(sampling), { ...sampling, stop: [BLOCK_STOP] });
    assert.deepEqual(withBlockStop({ ...sampling, stop: ['</s>'] }).stop, ['</s>', BLOCK_STOP]);
    assert.deepEqual(withBlockStop({ ...sampling, stop: [BLOCK_STOP, '</s>'] }).stop, [BLOCK_STOP, '</s>']);
  });

  it('leaves the given parameters untouched', () => {
    const stop = ['</s>'];
    withBlockStop({ ...sampling, stop });
    assert.deepEqual(stop, ['</s>']);
  });
});
