import assert from 'node:assert/strict';
import { gapModels, gapModelsText, modelOfVerifier, runVerifierModel } from '../../../src/core/runs/verifierModels';

const GEN = 'openai:qwen-0.5b@http://127.0.0.1:8000/v1';
const JUDGE = 'openai:qwen-72b@http://127.0.0.1:8001/v1';
const OTHER = 'llama:/models/other.gguf';

describe('runs/verifierModels: the f and g of gap(f, g)', () => {
  const self = { model: GEN, verifiers: ['mc', 'cot-score'] };
  const cross = { model: GEN, verifiers: ['mc@qwen-72b', 'mc'], verifierModels: { 'mc@qwen-72b': JUDGE } };

  it("runs a verifier by its verifierModels entry, else by the run's own model", () => {
    assert.equal(modelOfVerifier(cross, 'mc@qwen-72b'), JUDGE);
    assert.equal(modelOfVerifier(cross, 'mc'), GEN);
    assert.equal(modelOfVerifier(self, 'cot-score'), GEN);
  });

  it("takes the model of the run's first verifier as the one it was started with", () => {
    assert.equal(runVerifierModel(cross), JUDGE);
    assert.equal(runVerifierModel(self), GEN);
    // A re-verify appends: a self-verified run with a cross-verifier added later is still self-verified as started.
    assert.equal(runVerifierModel({ model: GEN, verifiers: ['mc', 'mc@qwen-72b'], verifierModels: { 'mc@qwen-72b': JUDGE } }), GEN);
    assert.equal(runVerifierModel({ model: GEN, verifiers: [] }), GEN);
  });

  it('says self-verification, cross-verification, or both models when a selector mixes them', () => {
    assert.equal(gapModelsText(gapModels(self, ['mc', 'cot-score'])), `gap(f, f): generator and verifier ${GEN} (self-verification)`);
    assert.deepEqual(gapModels(cross, ['mc@qwen-72b']), { generator: GEN, verifiers: { 'mc@qwen-72b': JUDGE } });
    assert.equal(gapModelsText(gapModels(cross, ['mc@qwen-72b'])), `gap(f, g): generator ${GEN}, verifier ${JUDGE} (cross-verification)`);
    assert.equal(gapModelsText(gapModels(cross, ['mc@qwen-72b', 'mc'])), `gap(f, g): generator ${GEN}, verifiers ${JUDGE}, ${GEN} (cross-verification)`);
    const two = { model: GEN, verifiers: ['mc@qwen-72b', 'mc@other'], verifierModels: { 'mc@qwen-72b': JUDGE, 'mc@other': OTHER } };
    assert.equal(gapModelsText(gapModels(two, ['mc@qwen-72b', 'mc@other'])), `gap(f, g): generator ${GEN}, verifiers ${JUDGE}, ${OTHER} (cross-verification)`);
  });
});
