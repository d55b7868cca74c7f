import assert from 'node:assert/strict';
import { UserError } from '../../../src/core/util/errors';
import { createVerifier, parseVerifierList } from '../../../src/core/verify/index';
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
