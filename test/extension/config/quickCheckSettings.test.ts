import assert from 'node:assert/strict';
import { QUICK_CHECK_DEFAULTS, readQuickCheckSettings } from '../../../src/extension/config/quickCheckSettings';

describe('extension/config/quickCheckSettings', () => {
  const reading = (values: Record<string, unknown>) => readQuickCheckSettings((key) => values[key]);

  it('reads N and the task limit, null meaning every task, unset their defaults', () => {
    assert.deepEqual(reading({}), { n: QUICK_CHECK_DEFAULTS.n, limit: QUICK_CHECK_DEFAULTS.limit });
    assert.deepEqual(reading({ 'quickCheck.n': 8, 'quickCheck.limit': null }), { n: 8, limit: null });
    assert.deepEqual(reading({ 'quickCheck.limit': 1 }), { n: 4, limit: 1 });
  });

  it('refuses every invalid value in one message naming each setting', () => {
    assert.throws(
      () => reading({ 'quickCheck.n': 0, 'quickCheck.limit': 2.5 }),
      (err: Error) =>
        err.name === 'UserError' &&
        /"gaplens\.quickCheck\.n" must be a whole number at least 1 and at most 100000/.test(err.message) &&
        /"gaplens\.quickCheck\.limit" must be a whole number at least 1/.test(err.message),
    );
    assert.throws(() => reading({ 'quickCheck.limit': '10' }), /"gaplens\.quickCheck\.limit"/);
  });
});
