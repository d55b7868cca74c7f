import assert from 'node:assert/strict';
import { UserError } from '../../../src/core/util/errors';
import { createVerifier, parseVerifierList, verifiersRunBy } from '../../../src/core/verify/index';
import { BASE_VERIFIERS } from '../../../src/core/verify/verifier';
import { context, samples, task } from './fixtures';
import { ScriptedBackend } from './scriptedBackend';

function usageError(s: string, pattern: RegExp): void {
  assert.throws(() => parseVerifierList(s), (err: unknown) => {
    assert.ok(err instanceof UserError);
    assert.equal(err.exitCode, 2);
    assert.match(err.message, pattern);
    return true;
  });
}

describe('verify/index', () => {
  it('parses a comma list of verifier names, trimming spaces', () => {
    assert.deepEqual(parseVerifierList('mc,cot-score'), ['mc', 'cot-score']);
    assert.deepEqual(parseVerifierList(' tournament , cot-binary,mc '), ['tournament', 'cot-binary', 'mc']);
  });

  it('rejects unknown, empty and repeated names with exit code 2, listing the valid ones', () => {
    usageError('mc,cot,to', /^unknown verifiers 'cot', 'to'; valid verifiers: mc, cot-binary, cot-score, tournament$/);
    usageError('majority', /unknown verifier 'majority'/);
    usageError('', /no verifier given; valid verifiers: mc, cot-binary/);
    usageError('mc,,cot-score', /empty name in the verifier list 'mc,,cot-score'/);
    usageError('mc,cot-score,mc', /verifier 'mc' is listed more than once/);
  });

  it('names verifiers run by another model VERIFIER@MODEL with verifierModels entries, and keeps the plain names for the run\'s own model', () => {
    const gen = 'openai:qwen-0.5b@http://127.0.0.1:8000/v1';
    assert.deepEqual(verifiersRunBy(['mc', 'cot-score'], gen, 'openai:Qwen/Qwen2.5-72B@http://127.0.0.1:8001/v1/'), {
      verifiers: ['mc@qwen2.5-72b', 'cot-score@qwen2.5-72b'],
      verifierModels: { 'mc@qwen2.5-72b': 'openai:Qwen/Qwen2.5-72B@http://127.0.0.1:8001/v1', 'cot-score@qwen2.5-72b': 'openai:Qwen/Qwen2.5-72B@http://127.0.0.1:8001/v1' },
    });
    // The generator itself, however written, is self-verification; so is no verifier model.
    assert.deepEqual(verifiersRunBy(['mc'], gen, `${gen}/`), { verifiers: ['mc'] });
    assert.deepEqual(verifiersRunBy(['mc'], gen, undefined), { verifiers: ['mc'] });
  });

  it('creates each verifier by name', () => {
    for (const name of BASE_VERIFIERS) assert.equal(createVerifier(name).name, name);
  });

  it('passes the both-orders option to the tournament', async () => {
    const calls = async (bothOrders: boolean): Promise<number> => {
      const backend = new ScriptedBackend({ generate: () => 'Better: B' });
      await createVerifier('tournament', { tournamentBothOrders: bothOrders }).verifyTask(task, samples([1, 2]), context(backend));
      return backend.generateRequests.length;
    };
    assert.equal(await calls(false), 1);
    assert.equal(await calls(true), 2);
  });
});
