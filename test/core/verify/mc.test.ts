import assert from 'node:assert/strict';
import { BackendError, type TokenLogprob } from '../../../src/core/llm/backend';
import { renderTemplate } from '../../../src/core/prompts/load';
import { labelOfToken, mcVerifier, readMcTokens } from '../../../src/core/verify/mc';
import { isCallFailure } from '../../../src/core/verify/verifier';
import { context, sampleIn, samples, task, templates, judged } from './fixtures';
import { lastField, ScriptedBackend } from './scriptedBackend';

const tok = (token: string, p: number): TokenLogprob => ({ token, logprob: Math.log(p) });

describe('verify/mc', () => {
  it('scores p(Correct) / (p(Correct) + p(Incorrect)) over the top tokens', async () => {
    const backend = new ScriptedBackend({ nextToken: () => [tok(' Correct', 0.6), tok(' Incorrect', 0.2), tok(' The', 0.1)] });
    const [v] = judged(await mcVerifier.verifyTask(task, samples([7]), context(backend)));
    assert.ok(v);
    assert.equal(v.parse, 'ok');
    assert.ok(Math.abs((v.score as number) - 0.75) < 1e-12, `score ${v.score}`);
    const detail = v.detail as { pCorrect: number; pIncorrect: number };
    assert.ok(Math.abs(detail.pCorrect - 0.6) < 1e-12 && Math.abs(detail.pIncorrect - 0.2) < 1e-12);
    assert.equal(v.verifier, 'mc');
    assert.match(v.raw, /^" Correct" p=0\.6000 logprob=-0\.51\d* \(Correct\)$/m);
    assert.match(v.raw, /^" The" p=0\.1000 logprob=-2\.30\d*$/m);
  });

  it('sums every prefix token of a label and ignores one-letter and non-prefix tokens', () => {
    const reading = readMcTokens([
      tok(' Cor', 0.3),
      tok('correct', 0.1),
      tok(' In', 0.2),
      tok('INCORRECT', 0.1),
      tok(' I', 0.15), // the pronoun, not evidence for "Incorrect"
      tok(' Corrected', 0.05), // longer than the label: not a prefix of it
      tok('\n', 0.05),
    ]);
    assert.ok(Math.abs(reading.pCorrect - 0.4) < 1e-12);
    assert.ok(Math.abs(reading.pIncorrect - 0.3) < 1e-12);
  });

  it('labels tokens by trimmed, lowercased prefix of at least two letters', () => {
    const cases: [string, string | null][] = [
      [' Correct', 'Correct'], ['Co', 'Correct'], [' cOrReC', 'Correct'], [' In', 'Incorrect'], ['Incorrect', 'Incorrect'],
      [' I', null], ['C', null], [' ', null], [' Inc.', null], [' correctly', null], [' Yes', null],
    ];
    for (const [token, label] of cases) assert.equal(labelOfToken(token), label, JSON.stringify(token));
  });

  it('is a parse failure, not an exception, when neither label is among the top tokens', async () => {
    const backend = new ScriptedBackend({ nextToken: () => [tok(' The', 0.5), tok(' I', 0.3)] });
    const [v] = judged(await mcVerifier.verifyTask(task, samples([7]), context(backend)));
    assert.ok(v);
    assert.equal(v.parse, 'failed');
    assert.equal(v.score, null);
    assert.match(v.parseError ?? '', /neither 'Correct' nor 'Incorrect' is among the model's 2 most likely next tokens/);
    assert.match(v.raw, /" The" p=0\.5000/);
  });

  it('sends the rendered verify-mc prompt, asks for 20 top tokens, and keeps input order', async () => {
    // Later samples answer sooner, so completion order is the reverse of input order.
    const backend = new ScriptedBackend({
      delayMs: (prompt) => 30 - 5 * sampleIn(lastField(prompt, 'Response:')),
      nextToken: (prompt) => (sampleIn(lastField(prompt, 'Response:')) % 2 === 0 ? [tok(' Correct', 0.9), tok(' Incorrect', 0.1)] : [tok(' Incorrect', 0.9), tok(' Correct', 0.1)]),
    });
    const input = samples([7, 8, 7, 9, 7]);
    const out = judged(await mcVerifier.verifyTask(task, input, context(backend)));
    assert.deepEqual(out.map((v) => Math.round((v.score as number) * 10) / 10), [0.9, 0.1, 0.9, 0.1, 0.9]);
    assert.equal(backend.maxInFlight, 5, 'all samples are asked concurrently');
    assert.ok(backend.nextTokenRequests.every((r) => r.topLogprobs === 20));
    const expected = renderTemplate(templates.get('verify-mc', 'numeric'), { question: task.question, response: (input[3]?.text ?? '').trim() });
    assert.equal(out[3]?.prompt, expected);
    assert.ok(expected.endsWith('Response: sample-3 says 9. The answer is 9.\nJudgement:'));
  });

  it('keeps a failed call with its sample, and propagates an error that must end the run', async () => {
    const failing = (failure: 'transient' | 'fatal'): ScriptedBackend =>
      new ScriptedBackend({
        nextToken: (prompt) => {
          if (failure === 'transient' && !prompt.includes('sample-1 ')) return [{ token: ' Correct', logprob: -0.1 }];
          throw new BackendError('http://127.0.0.1:1/v1: connection refused; is the server running?', failure);
        },
      });
    const out = await mcVerifier.verifyTask(task, samples([7, 8]), context(failing('transient')));
    assert.deepEqual(out.map((o) => isCallFailure(o)), [false, true]);
    assert.deepEqual(out[1], { verifier: 'mc', callFailure: { kind: 'call-failed', message: 'http://127.0.0.1:1/v1: connection refused; is the server running?' } });
    await assert.rejects(mcVerifier.verifyTask(task, samples([7, 8]), context(failing('fatal'))), BackendError);
  });
});
