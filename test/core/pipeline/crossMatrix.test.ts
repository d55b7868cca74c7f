import assert from 'node:assert/strict';
import { fillCommandText, parseMatrixVerifier } from '../../../src/core/pipeline/crossMatrix';

describe('crossMatrix helpers', () => {
  it('writes the fill command as one POSIX shell line, quoting only the arguments that need it', () => {
    const argv = ['reverify', "/runs/my run's/a", '--model', 'openai:big@http://127.0.0.1:8001/v1', '--verifier', 'mc'];
    assert.equal(fillCommandText({ run: argv[1] as string, model: argv[3] as string, verifier: 'mc', argv }), `gaplens reverify '/runs/my run'\\''s/a' --model openai:big@http://127.0.0.1:8001/v1 --verifier mc`);
  });

  it('takes one verifier method for --verifier, not a record name or a combination (exit 2)', () => {
    assert.equal(parseMatrixVerifier('cot-score'), 'cot-score');
    for (const bad of ['mc@judge', 'mean(mc,cot-score)', 'mc#v2', '']) {
      assert.throws(() => parseMatrixVerifier(bad), (err: Error & { exitCode?: number }) => err.exitCode === 2 && err.message.includes('one verifier method'));
    }
  });
});
