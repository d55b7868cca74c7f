// The BackendError a model call fails with; fails the test when it succeeds or fails otherwise.
import assert from 'node:assert/strict';
import { BackendError } from '../../src/core/llm/backend';

export async function backendRejection(promise: Promise<unknown>): Promise<BackendError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof BackendError, `expected a BackendError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the call to fail');
}
