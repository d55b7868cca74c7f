import assert from 'node:assert/strict';
import { FailureStreak, SystematicFailureError } from '../../../src/core/pipeline/failureStreak';

const failure = { kind: 'call-failed' as const, message: 'http://127.0.0.1:1/v1 answered HTTP 503' };

describe('failure streak', () => {
  it('trips at the limit of failures in a row; a success starts the count again', () => {
    const streak = new FailureStreak(3);
    streak.failed(failure);
    streak.failed(failure);
    streak.succeeded();
    streak.failed(failure);
    streak.failed(failure);
    assert.throws(() => streak.failed(failure), (err: unknown) => err instanceof SystematicFailureError && /^3 model calls in a row failed/.test(err.message));
  });

  it('once tripped, says the same for the calls that fail while the run stops', () => {
    const streak = new FailureStreak(3);
    let first: unknown;
    try {
      for (let i = 0; i < 3; i++) streak.failed(failure);
    } catch (err) {
      first = err;
    }
    assert.ok(first instanceof SystematicFailureError);
    // Calls in flight when it tripped fail too; whichever error ends the run, it reads "3 in a row".
    assert.throws(() => streak.failed(failure), (err: unknown) => err === first);
    streak.succeeded();
    assert.throws(() => streak.failed(failure), (err: unknown) => err === first);
  });
});
