import assert from 'node:assert/strict';
import { BackendError, PromptTooLongError } from '../../../src/core/llm/backend';
import { createVerifier } from '../../../src/core/verify/index';
import { context, samples, task, judged } from './fixtures';
import { ScriptedBackend } from './scriptedBackend';

/** A backend whose context cannot hold any prompt showing sample 1, which "rambled". */
function backendRefusing(marker: string, error: () => Error = () => new PromptTooLongError('the prompt is 9000 tokens; raise --context-size')): ScriptedBackend {
  const refuse = (prompt: string): void => {
    if (prompt.includes(marker)) throw error();
  };
  return new ScriptedBackend({
    nextToken: (prompt) => (refuse(prompt), [{ token: ' Correct', logprob: Math.log(0.8) }, { token: ' Incorrect', logprob: Math.log(0.2) }]),
    generate: (prompt) => (refuse(prompt), prompt.includes('Better:') ? 'A is right.\nBetter: A' : 'Looks right.\nScore: 10\nVerdict: correct'),
  });
}

describe('an overlong verification prompt fails that sample only', () => {
  for (const name of ['mc', 'cot-score', 'cot-binary'] as const) {
    it(`${name}: the sample is recorded as a parse failure with the reason; the others are scored`, async () => {
      const out = judged(await createVerifier(name).verifyTask(task, samples([7, 8, 7]), context(backendRefusing('sample-1 '))));
      assert.deepEqual(out.map((v) => v.parse), ['ok', 'failed', 'ok']);
      assert.equal(out[1]?.score, null);
      assert.equal(out[1]?.failure, 'prompt-too-long');
      assert.match(out[1]?.parseError ?? '', /--context-size/);
      assert.ok(out[0]?.score !== null && out[2]?.score !== null);
    });
  }

  it('tournament: a match that does not fit leaves both samples unscored, and says why', async () => {
    const out = judged(await createVerifier('tournament').verifyTask(task, samples([7, 8]), context(backendRefusing('sample-1 '))));
    assert.deepEqual(out.map((v) => [v.parse, v.failure]), [['failed', 'prompt-too-long'], ['failed', 'prompt-too-long']]);
    assert.match(out[0]?.parseError ?? '', /the prompt did not fit the context in 1 of this sample's 1 match/);
    assert.equal((out[0]?.detail as { unparsedMatches: number }).unparsedMatches, 1);
  });

  it('other backend errors still end the verification', async () => {
    const backend = backendRefusing('sample-1 ', () => new BackendError('endpoint down', 'fatal'));
    await assert.rejects(createVerifier('mc').verifyTask(task, samples([7, 8]), context(backend)), /endpoint down/);
  });
});
