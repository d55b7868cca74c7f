import assert from 'node:assert/strict';
import { BackendError } from '../../../src/core/llm/backend';
import { renderTemplate } from '../../../src/core/prompts/load';
import { BLOCK_STOP } from '../../../src/core/prompts/stop';
import { deriveSeed } from '../../../src/core/util/random';
import { cotBinaryVerifier, cotScoreVerifier } from '../../../src/core/verify/cot';
import { context, sampleIn, samples, task, templates, judged } from './fixtures';
import { lastField, ScriptedBackend } from './scriptedBackend';

/** A backend whose verification of sample N is `outputs[N]`. */
function scripted(outputs: (string | { text: string; finishReason: string })[]): ScriptedBackend {
  return new ScriptedBackend({
    delayMs: (prompt) => 20 - 4 * sampleIn(lastField(prompt, 'Response:')),
    generate: (prompt) => {
      const out = outputs[sampleIn(lastField(prompt, 'Response:'))];
      if (out === undefined) throw new Error('no scripted output');
      return out;
    },
  });
}

describe('verify/cot-binary', () => {
  it('scores the last verdict 1 (correct) or 0 (incorrect), in input order', async () => {
    const backend = scripted([
      ' 3 + 4 = 7, as the response says.\nVerdict: correct',
      ' Verdict: correct? No: 3 + 4 is 7, not 8.\nVerdict: incorrect',
      ' I am not sure.',
      ' 3 + 4 = 7.\nVerdict: yes',
    ]);
    const out = judged(await cotBinaryVerifier.verifyTask(task, samples([7, 8, 7, 7]), context(backend)));
    assert.deepEqual(out.map((v) => v.score), [1, 0, null, null]);
    assert.deepEqual(out.map((v) => v.parse), ['ok', 'ok', 'failed', 'failed']);
    assert.deepEqual(out[0]?.detail, { seed: deriveSeed(42, task.id, 0, 'cot-binary'), finishReason: 'stop', verdict: 'correct' });
    assert.match(out[2]?.parseError ?? '', /no 'Verdict: correct' or 'Verdict: incorrect'/);
    assert.match(out[3]?.parseError ?? '', /followed by 'yes'/);
    assert.equal(out[1]?.raw, ' Verdict: correct? No: 3 + 4 is 7, not 8.\nVerdict: incorrect');
    assert.equal(out.every((v) => v.verifier === 'cot-binary'), true);
    assert.equal(backend.maxInFlight, 4, 'all samples are verified concurrently');
  });

  it('samples once per sample with the run sampling, a derived seed and the block stop', async () => {
    const backend = scripted(['Verdict: correct', 'Verdict: correct', 'Verdict: correct']);
    await cotBinaryVerifier.verifyTask(task, samples([7, 7, 7], [0, 1, 2]), context(backend, 9));
    const bySample = new Map(backend.generateRequests.map((r) => [sampleIn(lastField(r.prompt, 'Response:')), r]));
    for (const i of [0, 1, 2]) {
      const req = bySample.get(i);
      assert.ok(req);
      assert.equal(req.n, 1);
      assert.equal(req.seed, deriveSeed(9, task.id, i, 'cot-binary'));
      assert.equal(req.temperature, 0.7);
      assert.equal(req.topP, 0.9);
      assert.equal(req.maxTokens, 256);
      assert.deepEqual(req.stop, [BLOCK_STOP]);
    }
    // The seed follows the sample index, not the position in the list.
    const other = scripted(['Verdict: correct', '', 'Verdict: correct', '', '', 'Verdict: correct']);
    const out = judged(await cotBinaryVerifier.verifyTask(task, samples([7, 7, 7], [0, 5, 2]), context(other, 9)));
    assert.deepEqual(out.map((v) => v.detail?.seed), [0, 5, 2].map((i) => deriveSeed(9, task.id, i, 'cot-binary')));
    const expected = renderTemplate(templates.get('verify-cot-binary', 'numeric'), { question: task.question, response: 'sample-5 says 7. The answer is 7.' });
    assert.equal(out[1]?.prompt, expected);
  });

  it('says when the output was cut at the token limit before a verdict', async () => {
    const backend = scripted([{ text: ' Let me check this step by step. First', finishReason: 'length' }]);
    const [v] = judged(await cotBinaryVerifier.verifyTask(task, samples([7]), context(backend)));
    assert.equal(v?.parse, 'failed');
    assert.match(v?.parseError ?? '', /hit the verifier token limit/);
    assert.equal(v?.detail?.finishReason, 'length');
  });

  it('propagates backend errors and aborts', async () => {
    const failing = new ScriptedBackend({
      generate: () => {
        throw new BackendError('http://127.0.0.1:1/v1: 401 unauthorized; check the API key', 'fatal');
      },
    });
    await assert.rejects(cotBinaryVerifier.verifyTask(task, samples([7]), context(failing)), BackendError);
    const controller = new AbortController();
    controller.abort();
    const backend = scripted(['Verdict: correct']);
    await assert.rejects(cotBinaryVerifier.verifyTask(task, samples([7]), { ...context(backend), signal: controller.signal }), { name: 'AbortError' });
  });
});

describe('verify/cot-score', () => {
  it('maps the last Score N (1..10) to (N - 1) / 9 and keeps N', async () => {
    const backend = scripted([' Score: 10', ' Score: 1', ' At first Score: 9, but 3 + 4 = 7.\nScore: 4', ' Score: 12', ' Score: 6.5']);
    const out = judged(await cotScoreVerifier.verifyTask(task, samples([7, 8, 7, 7, 7]), context(backend)));
    assert.deepEqual(out.map((v) => v.score), [1, 0, 3 / 9, null, null]);
    assert.deepEqual(out.map((v) => v.detail?.rawScore), [10, 1, 4, undefined, undefined]);
    assert.match(out[3]?.parseError ?? '', /'12', not a whole number from 1 to 10/);
    assert.equal(out[0]?.detail?.seed, deriveSeed(42, task.id, 0, 'cot-score'));
    assert.equal(out.every((v) => v.verifier === 'cot-score'), true);
    assert.ok(out[0]?.prompt.endsWith('Response: sample-0 says 7. The answer is 7.\nVerification:'));
  });
});
