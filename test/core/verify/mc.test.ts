import assert from 'node:assert/strict';
import { BackendError, type TokenLogprob } from '../../../src/core/llm/backend';
import { createLlamaBackend } from '../../../src/core/llm/llamaBackend';
import { createOpenAIBackend } from '../../../src/core/llm/openaiBackend';
import { renderTemplate } from '../../../src/core/prompts/load';
import { verificationRecordSchema } from '../../../src/core/runs/recordSchemas';
import { exactMcScore, labelOfToken, mcVerifier, readMcTokens } from '../../../src/core/verify/mc';
import { isCallFailure, type Verification } from '../../../src/core/verify/verifier';
import { startFakeOpenAI } from '../../fixtures/openaiServer';
import { STORIES_MODEL } from '../../helpers/cli';
import { context, sampleIn, samples, task, templates, judged } from './fixtures';
import { lastField, ScriptedBackend } from './scriptedBackend';

const tok = (token: string, p: number): TokenLogprob => ({ token, logprob: Math.log(p) });

/** The verification as a run stores it (JSON, so -Infinity becomes null), checked against the run format. */
function assertValidRecord(v: Verification): void {
  const record = JSON.parse(JSON.stringify({ v: 1, type: 'verification', task: task.id, index: 0, ...v, at: new Date().toISOString() })) as unknown;
  const parsed = verificationRecordSchema.safeParse(record);
  assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
}

describe('verify/mc, exact (whole continuations scored by the backend)', () => {
  it('scores p(Correct) / (p(Correct) + p(Incorrect)) from the two continuations, without a next-token call', async () => {
    const backend = new ScriptedBackend({
      continuations: (_prompt, c) => (c === ' Correct' ? [tok(' Cor', 0.3), tok('rect', 0.5)] : [tok(' In', 0.1), tok('correct', 0.5)]),
      nextToken: () => assert.fail('top-k is not asked when the backend scores continuations'),
    });
    const [v] = judged(await mcVerifier.verifyTask(task, samples([7]), context(backend)));
    assert.ok(v);
    assert.equal(v.parse, 'ok');
    assert.ok(Math.abs((v.score as number) - 0.75) < 1e-12, `score ${v.score}`);
    const detail = v.detail as Record<string, number | string>;
    assert.equal(detail.method, 'exact');
    assert.ok(Math.abs((detail.logprobCorrect as number) - Math.log(0.15)) < 1e-12 && Math.abs((detail.logprobIncorrect as number) - Math.log(0.05)) < 1e-12);
    assert.ok(Math.abs((detail.pCorrect as number) - 0.15) < 1e-12 && Math.abs((detail.pIncorrect as number) - 0.05) < 1e-12);
    assert.deepEqual(backend.continuationRequests.map((r) => r.continuations), [[' Correct', ' Incorrect']]);
    assert.equal(backend.continuationRequests[0]?.prompt, v.prompt);
    assert.ok(v.prompt.endsWith('Judgement:'), 'the continuations follow the template\'s last word');
    assert.match(v.raw, /^" Correct" logprob=-1\.89\d* p=0\.1500 \(exact, 2 tokens\)\n {2}" Cor" logprob=-1\.20\d*\n {2}"rect" logprob=-0\.69\d*$/m);
    assert.match(v.raw, /^" Incorrect" logprob=-2\.99\d* p=0\.05000 \(exact, 2 tokens\)$/m);
    assertValidRecord(v);
  });

  it('stays exact when both probabilities underflow, as a logistic of the logprob difference', async () => {
    const backend = new ScriptedBackend({ continuations: (_p, c) => [{ token: c, logprob: c === ' Correct' ? -2000 : -2001 }] });
    const [v] = judged(await mcVerifier.verifyTask(task, samples([7]), context(backend)));
    assert.ok(Math.abs((v?.score as number) - 1 / (1 + Math.exp(-1))) < 1e-12, `score ${v?.score}`);
    assert.equal(exactMcScore(-Infinity, -3), 0);
    assert.equal(exactMcScore(-3, -Infinity), 1);
    assert.equal(exactMcScore(-800, -800), 0.5);
    assert.ok(Math.abs(exactMcScore(Math.log(0.6), Math.log(0.2)) - 0.75) < 1e-12);
  });

  it('gives 0 when "Correct" has probability 0, and fails when both have', async () => {
    const zeroCorrect = new ScriptedBackend({ continuations: (_p, c) => [{ token: c, logprob: c === ' Correct' ? -Infinity : -5 }] });
    const [zero] = judged(await mcVerifier.verifyTask(task, samples([7]), context(zeroCorrect)));
    assert.equal(zero?.score, 0);
    assert.ok(zero);
    assertValidRecord(zero);
    const bothZero = new ScriptedBackend({ continuations: (_p, c) => [{ token: c, logprob: -Infinity }] });
    const [none] = judged(await mcVerifier.verifyTask(task, samples([7]), context(bothZero)));
    assert.ok(none);
    assert.equal(none.score, null);
    assert.equal(none.failure, 'labels-absent');
    assert.match(none.parseError ?? '', /both ' Correct' and ' Incorrect' probability 0/);
    assertValidRecord(none);
    const notANumber = new ScriptedBackend({ continuations: (_p, c) => [{ token: c, logprob: NaN }] });
    const [nan] = judged(await mcVerifier.verifyTask(task, samples([7]), context(notANumber)));
    assert.equal(nan?.failure, 'invalid-logprob');
  });

  it('falls back to the top tokens, saying why, when the backend cannot score this prompt', async () => {
    const backend = new ScriptedBackend({
      continuations: () => ({ unavailable: 'http://x/v1/completions does not return prompt logprobs' }),
      nextToken: () => [tok(' Correct', 0.6), tok(' Incorrect', 0.2)],
    });
    const [v] = judged(await mcVerifier.verifyTask(task, samples([7]), context(backend)));
    assert.ok(v);
    assert.ok(Math.abs((v.score as number) - 0.75) < 1e-12);
    assert.deepEqual(Object.keys(v.detail ?? {}).sort(), ['exactUnavailable', 'method', 'pCorrect', 'pIncorrect']);
    assert.equal(v.detail?.method, 'top-k');
    assert.equal(v.detail?.exactUnavailable, 'http://x/v1/completions does not return prompt logprobs');
    assert.equal(backend.nextTokenRequests.length, 1);
    assertValidRecord(v);
  });
});

describe('verify/mc against the fake OpenAI server (one model behind both methods)', () => {
  for (const support of ['supported', 'ignored'] as const) {
    it(`is ${support === 'supported' ? 'exact with' : 'top-k, saying why, without'} prompt logprobs`, async () => {
      const fake = await startFakeOpenAI({ echo: support, promptLogprobs: support });
      try {
        const backend = createOpenAIBackend({ baseUrl: fake.url, model: 'fake-model', api: 'completions' });
        const out = judged(await mcVerifier.verifyTask(task, samples([7, 8, 9]), context(backend)));
        for (const v of out) {
          assert.equal(v.detail?.method, support === 'supported' ? 'exact' : 'top-k');
          if (support === 'ignored') assert.match(String(v.detail?.exactUnavailable), /does not return prompt logprobs/);
          // The fake's echo logprobs come from the distribution its top-k answers list. Exact reads
          // the two words; top-k also counts first tokens that start them (" correct", " In", …).
          const { top } = await backend.nextToken({ prompt: v.prompt, topLogprobs: 20 });
          const p = (token: string): number => Math.exp(top.find((t) => t.token === token)?.logprob ?? NaN);
          const reading = readMcTokens(top);
          const expected = support === 'supported' ? p(' Correct') / (p(' Correct') + p(' Incorrect')) : reading.pCorrect / (reading.pCorrect + reading.pIncorrect);
          assert.ok(Math.abs((v.score as number) - expected) < 1e-12, `${v.score} vs ${expected}`);
          assertValidRecord(v);
        }
      } finally {
        await fake.close();
      }
    });
  }
});

describe('verify/mc on real llama.cpp (stories260K, whose top 20 first tokens hold neither label)', function () {
  this.timeout(60_000);

  it('scores every sample exactly', async () => {
    const backend = await createLlamaBackend({ modelPath: STORIES_MODEL, sequences: 2, threads: 1 });
    try {
      const input = samples([7, 8, 9]);
      const out = judged(await mcVerifier.verifyTask(task, input, context(backend)));
      assert.equal(out.length, 3);
      for (const v of out) {
        assert.equal(v.parse, 'ok', v.parseError);
        assert.equal(v.detail?.method, 'exact');
        const { pCorrect, pIncorrect } = v.detail as { pCorrect: number; pIncorrect: number };
        assert.ok(pCorrect > 0 && pIncorrect > 0 && pCorrect + pIncorrect <= 1, `${pCorrect} + ${pIncorrect}`);
        assert.ok(typeof v.score === 'number' && v.score > 0 && v.score < 1);
        assertValidRecord(v);
      }
      // Why exactness matters here: the top-k reading of the same prompt finds no label.
      const { top } = await backend.nextToken({ prompt: out[0]?.prompt ?? '', topLogprobs: 20 });
      const reading = readMcTokens(top);
      assert.equal(reading.pCorrect + reading.pIncorrect, 0, reading.raw);
    } finally {
      await backend.close();
    }
  });
});

describe('verify/mc, top-k (first tokens, when the backend cannot score continuations)', () => {
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
