import assert from 'node:assert/strict';
import { cacheLimitFromEnv, MIB, parseCacheMaxMb } from '../../../src/core/util/cacheDir';
import { UserError } from '../../../src/core/util/errors';

describe('cacheDir', () => {
  describe('cacheLimitFromEnv', () => {
    it('is 2 GiB unless GAPLENS_CACHE_MAX_MB says otherwise (empty counts as unset)', () => {
      assert.equal(cacheLimitFromEnv({}), 2048 * MIB);
      assert.equal(cacheLimitFromEnv({ GAPLENS_CACHE_MAX_MB: '' }), 2048 * MIB);
      assert.equal(cacheLimitFromEnv({ GAPLENS_CACHE_MAX_MB: '512' }), 512 * MIB);
      assert.equal(cacheLimitFromEnv({ GAPLENS_CACHE_MAX_MB: ' 1.5 ' }), 1.5 * MIB);
    });

    it('rejects a malformed value with one line naming the variable, the value and what it takes', () => {
      for (const raw of ['abc', '12MB', '0', '0.5', '-100', 'Infinity', '1e400', '1e20', 'NaN', ' ', '0x']) {
        assert.throws(
          () => cacheLimitFromEnv({ GAPLENS_CACHE_MAX_MB: raw }),
          (err: unknown) =>
            err instanceof UserError && err.exitCode === 2 && err.message === `GAPLENS_CACHE_MAX_MB '${raw}' is not valid: expected a size in MiB from 1 to 8589934591 (e.g. 2048)`,
          raw,
        );
      }
    });
  });

  it('parseCacheMaxMb names the flag it was given', () => {
    assert.equal(parseCacheMaxMb('3', '--max-mb'), 3 * MIB);
    assert.throws(() => parseCacheMaxMb('many', '--cache-max-mb'), /^UserError: --cache-max-mb 'many' is not valid/);
  });
});
