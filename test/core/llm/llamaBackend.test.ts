import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { ControlledEvaluateInputItem, Token } from 'node-llama-cpp';
import { BackendError, PromptTooLongError, type ContinuationResult, type GenerateRequest, type ModelBackend } from '../../../src/core/llm/backend';
import { createLlamaBackend, flashAttentionOption } from '../../../src/core/llm/llamaBackend';
import { loadLlamaRuntime } from '../../../src/core/llm/llamaRuntime';
import { renderTemplate } from '../../../src/core/prompts/load';
import { UserError } from '../../../src/core/util/errors';
import { templates } from '../verify/fixtures';
import { SHARED_DATA, STORIES_MODEL } from '../../helpers/cli';

const RANDOM_MODEL = join(SHARED_DATA, 'models', 'tiny-random', 'llama-2-tiny-random.gguf');
/** What the mc verifier scores after a verify-mc prompt's final "Judgement:". */
const LABELS = [' Correct', ' Incorrect'] as const;
const PROMPT = 'Once upon a time';
// One thread: llama.cpp's spinning worker threads crawl on a busy machine, and the models are tiny.
const THREADS = 1;

function request(over: Partial<GenerateRequest> = {}): GenerateRequest {
  return { prompt: PROMPT, n: 1, temperature: 1, topP: 1, maxTokens: 30, seed: 1, ...over };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}

describe('llamaBackend on stories260K, one sequence (exactly reproducible)', function () {
  this.timeout(60_000);
  let solo: ModelBackend;
  const logs: string[] = [];

  before(async () => {
    solo = await createLlamaBackend({ modelPath: STORIES_MODEL, sequences: 1, threads: THREADS, onLog: (_level, message) => logs.push(message) });
  });
  after(async () => {
    await solo.close();
  });

  it('routes llama.cpp log lines to onLog (this GGUF makes llama.cpp warn about two special tokens)', () => {
    assert.ok(logs.some((m) => m.includes('bad special token')), logs.join('\n'));
  });

  it('has a content id', () => {
    assert.match(solo.id, /^llama:[0-9a-f]{16}$/);
  });

  it('continues the prompt with real text and reports tokens', async () => {
    const result = await solo.generate(request({ maxTokens: 30 }));
    assert.equal(result.generations.length, 1);
    const [g] = result.generations;
    assert.ok(g && /[a-z]{2,}/i.test(g.text), JSON.stringify(g));
    assert.equal(g.completionTokens, 30);
    assert.equal(g.finishReason, 'length');
    // BOS + "▁Once" "▁upon" "▁a" "▁time".
    assert.deepEqual(result.usage, { promptTokens: 5, completionTokens: 30 });
  });

  it('gives the same samples for the same seed, cached prompt or not, and different ones for another seed', async () => {
    const a = await solo.generate(request({ n: 2, seed: 11, maxTokens: 40 }));
    // Another prompt in between: the second call evaluates the prompt afresh instead of reusing it.
    await solo.nextToken({ prompt: 'The cat', topLogprobs: 1 });
    const b = await solo.generate(request({ n: 2, seed: 11, maxTokens: 40 }));
    const c = await solo.generate(request({ n: 2, seed: 12, maxTokens: 40 }));
    assert.deepEqual(b, a);
    assert.notDeepEqual(
      c.generations.map((g) => g.text),
      a.generations.map((g) => g.text),
    );
  });

  it('draws sample i of n with seed + i: each equals a single-sample call with that seed', async () => {
    const many = await solo.generate(request({ n: 4, seed: 100, maxTokens: 40 }));
    assert.equal(many.generations.length, 4);
    for (let i = 0; i < 4; i++) {
      const one = await solo.generate(request({ n: 1, seed: 100 + i, maxTokens: 40 }));
      assert.deepEqual(one.generations[0], many.generations[i], `sample ${i}`);
    }
    assert.equal(new Set(many.generations.map((g) => g.text)).size, 4);
    assert.deepEqual(many.usage, { promptTokens: 4 * 5, completionTokens: 4 * 40 });
  });

  it('stops at maxTokens with finishReason length', async () => {
    const { generations } = await solo.generate(request({ n: 3, maxTokens: 5 }));
    for (const g of generations) {
      assert.equal(g.completionTokens, 5);
      assert.equal(g.finishReason, 'length');
    }
  });

  it('cuts the text before the first stop string, even one spanning several tokens', async () => {
    const greedy = request({ temperature: 0, maxTokens: 60 });
    const full = (await solo.generate(greedy)).generations[0]?.text ?? '';
    assert.ok(full.includes('.') && full.includes(' named'), full);
    const period = (await solo.generate({ ...greedy, stop: ['.'] })).generations[0];
    assert.equal(period?.text, full.slice(0, full.indexOf('.')));
    assert.equal(period?.finishReason, 'stop');
    const both = (await solo.generate({ ...greedy, stop: ['.', ' named'] })).generations[0];
    const first = Math.min(full.indexOf('.'), full.indexOf(' named'));
    assert.equal(both?.text, full.slice(0, first));
    assert.ok((both?.completionTokens ?? 0) < 60);
  });

  it('gives the same text with a stop string that never occurs as with none', async () => {
    const plain = await solo.generate(request({ n: 2, seed: 21, maxTokens: 40 }));
    const stopped = await solo.generate(request({ n: 2, seed: 21, maxTokens: 40, stop: ['\u0000never'] }));
    assert.deepEqual(stopped, plain);
  });

  it('returns the next-token distribution: sorted, a sub-distribution, the whole vocabulary summing to 1', async () => {
    const prompt = 'Once upon a time, there was a little';
    const top5 = await solo.nextToken({ prompt, topLogprobs: 5 });
    assert.equal(top5.top.length, 5);
    assert.deepEqual(top5.usage, { promptTokens: 10, completionTokens: 0 });
    const all = await solo.nextToken({ prompt, topLogprobs: 10_000 });
    assert.equal(all.top.length, 512, 'the whole vocabulary of stories260K');
    for (const { top } of [top5, all]) {
      for (let i = 1; i < top.length; i++) assert.ok((top[i - 1]?.logprob ?? 0) >= (top[i]?.logprob ?? 0), `sorted at ${i}`);
      assert.ok(top.every((t) => t.logprob <= 0));
    }
    const mass5 = top5.top.reduce((sum, t) => sum + Math.exp(t.logprob), 0);
    const massAll = all.top.reduce((sum, t) => sum + Math.exp(t.logprob), 0);
    assert.ok(mass5 <= 1 && mass5 > 0.5, `top-5 mass ${mass5}`);
    assert.ok(Math.abs(massAll - 1) < 1e-4, `whole-vocabulary mass ${massAll}`);
    assert.deepEqual(all.top.slice(0, 5), top5.top);
    // The most likely token is what greedy decoding emits first.
    const greedy = await solo.generate({ prompt, n: 1, temperature: 0, topP: 1, maxTokens: 1 });
    assert.equal(greedy.generations[0]?.text, top5.top[0]?.token);
  });

  it('reuses a shared prompt prefix without changing the answer', async () => {
    const shared = 'Once upon a time there was a little dog who liked to run. '.repeat(12);
    await solo.nextToken({ prompt: `${shared}The dog`, topLogprobs: 5 });
    // This prompt shares all of `shared` with the one before: only its tail is evaluated.
    const reused = await solo.nextToken({ prompt: `${shared}The cat`, topLogprobs: 5 });
    const fresh = await createLlamaBackend({ modelPath: STORIES_MODEL, sequences: 1, threads: THREADS });
    try {
      const expected = await fresh.nextToken({ prompt: `${shared}The cat`, topLogprobs: 5 });
      assert.deepEqual(reused.top.map((t) => t.token), expected.top.map((t) => t.token));
      reused.top.forEach((t, i) => assert.ok(Math.abs(t.logprob - (expected.top[i]?.logprob ?? NaN)) < 1e-3, `logprob ${i}: ${t.logprob}`));
    } finally {
      await fresh.close();
    }
  });

  it('refuses a prompt that does not fit, naming its length and the option to raise', async () => {
    // Longer than the default context of 4096 tokens.
    const long = 'the dog ran and '.repeat(1100);
    const error = await rejection(solo.generate(request({ prompt: long })));
    assert.ok(error instanceof BackendError && !error.retryable, String(error));
    const length = Number(/the prompt is (\d+) tokens/.exec(error.message)?.[1]);
    assert.ok(length > 4096, error.message);
    assert.ok(error instanceof PromptTooLongError, 'an overlong prompt is a PromptTooLongError, which verifiers record per sample');
    assert.match(error.message, /--context-size/);
    const next = await rejection(solo.nextToken({ prompt: long, topLogprobs: 2 }));
    assert.ok(next instanceof PromptTooLongError && !next.retryable && /--context-size/.test(next.message), String(next));
  });

  it('rejects malformed requests as non-retryable', async () => {
    for (const bad of [{ n: 0 }, { maxTokens: 0 }, { temperature: -1 }, { topP: 0 }, { seed: 1.5 }]) {
      const error = await rejection(solo.generate(request(bad)));
      assert.ok(error instanceof BackendError && !error.retryable, JSON.stringify(bad));
    }
  });
});

describe('llamaBackend on stories260K, four parallel sequences', function () {
  this.timeout(60_000);
  let parallel: ModelBackend;

  before(async () => {
    parallel = await createLlamaBackend({ modelPath: STORIES_MODEL, sequences: 4, threads: THREADS });
  });
  after(async () => {
    await parallel.close();
  });

  it('serves more concurrent requests than it has sequences', async () => {
    const generations = Array.from({ length: 5 }, (_, i) => parallel.generate(request({ n: 3, seed: 10 * i, maxTokens: 20 })));
    const nexts = Array.from({ length: 3 }, () => parallel.nextToken({ prompt: PROMPT, topLogprobs: 3 }));
    const [results, tops] = await Promise.all([Promise.all(generations), Promise.all(nexts)]);
    for (const r of results) {
      assert.equal(r.generations.length, 3);
      assert.ok(r.generations.every((g) => g.completionTokens === 20 && g.text.length > 0));
    }
    for (const t of tops) assert.equal(t.top.length, 3);
  });

  it('keeps serving while samples of different lengths start and finish at different tokens', async () => {
    const requests = [
      request({ n: 6, seed: 1, maxTokens: 3 }),
      request({ n: 3, seed: 2, maxTokens: 40 }),
      request({ n: 5, seed: 3, maxTokens: 25, stop: [' '] }),
      request({ n: 2, seed: 4, maxTokens: 60, temperature: 0 }),
    ];
    const results = await Promise.all(requests.map((r) => parallel.generate(r)));
    results.forEach((result, i) => {
      const req = requests[i] as GenerateRequest;
      assert.equal(result.generations.length, req.n);
      for (const g of result.generations) {
        assert.ok(g.completionTokens >= 1 && g.completionTokens <= req.maxTokens, JSON.stringify(g));
        if (req.stop) assert.ok(!g.text.includes(' '), JSON.stringify(g));
        else assert.equal(g.completionTokens, req.maxTokens, JSON.stringify(g));
      }
    });
  });

  it('draws different samples for the n seeds of one request', async () => {
    const { generations } = await parallel.generate(request({ n: 4, seed: 5, maxTokens: 30 }));
    assert.equal(new Set(generations.map((g) => g.text)).size, 4);
  });

  it('stops promptly on abort, also for samples still waiting for a sequence, and keeps working', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = parallel.generate(request({ n: 8, maxTokens: 1500 }), controller.signal);
    setTimeout(() => controller.abort(), 50);
    const error = await rejection(pending);
    assert.equal(error, controller.signal.reason);
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    const after = await parallel.generate(request({ n: 2, maxTokens: 5 }));
    assert.equal(after.generations.length, 2);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    assert.equal(await rejection(parallel.nextToken({ prompt: PROMPT, topLogprobs: 1 }, controller.signal)), controller.signal.reason);
  });
});

function scoreContinuations(backend: ModelBackend, prompt: string, continuations: string[]): Promise<ContinuationResult> {
  assert.ok(backend.continuationLogprobs, 'the llama backend scores continuations');
  return backend.continuationLogprobs({ prompt, continuations });
}

/**
 * ln p(continuation | prompt) token by token, by brute force: the continuation's tokens are those
 * after the prompt's in the joint tokenization; prompt + continuation is evaluated from an empty
 * sequence in one go, and each continuation token's probability is read from the whole
 * next-token distribution at its position (node-llama-cpp's own softmax at temperature 1, no
 * truncation) — not from logits and a normaliser, as the backend does. The context attends as the
 * backend's does (flash attention changes the numbers in the fourth decimal).
 */
async function bruteForceLogprobs(modelPath: string, prompt: string, continuations: readonly string[]): Promise<number[][]> {
  const { llama } = await loadLlamaRuntime();
  const model = await llama.loadModel({ modelPath });
  try {
    const context = await model.createContext({ sequences: 1, contextSize: 2048, threads: THREADS, ...flashAttentionOption(llama) });
    const sequence = context.getSequence();
    const bos = model.tokens.shouldPrependBosToken && model.tokens.bos !== null ? [model.tokens.bos] : [];
    const promptTokens = [...bos, ...model.tokenize(prompt, false)];
    const vocabulary = [...model.iterateAllTokens()].length;
    const wholeDistribution = { generateNext: { probabilities: true, options: { temperature: 1, topK: 0, topP: 1, minP: 0 } } };
    const all: number[][] = [];
    for (const continuation of continuations) {
      const joint = [...bos, ...model.tokenize(prompt + continuation, false)];
      assert.deepEqual(joint.slice(0, promptTokens.length), promptTokens, 'the joint tokenization starts with the prompt\'s');
      await sequence.clearHistory();
      // Position j's distribution is that of token j + 1; the last token need not be evaluated.
      const inputs = joint.slice(0, -1).map((token, j): ControlledEvaluateInputItem => (j >= promptTokens.length - 1 ? [token, wholeDistribution] : token));
      const outputs = await sequence.controlledEvaluate(inputs);
      const logprobs: number[] = [];
      for (let j = promptTokens.length - 1; j < inputs.length; j++) {
        const probabilities = outputs[j]?.next.probabilities;
        assert.ok(probabilities, 'no distribution');
        assert.equal(probabilities.size, vocabulary, 'the whole vocabulary');
        assert.ok(Math.abs([...probabilities.values()].reduce((a, b) => a + b, 0) - 1) < 1e-4);
        logprobs.push(Math.log(probabilities.get(joint[j + 1] as Token) ?? 0));
      }
      all.push(logprobs);
    }
    await context.dispose();
    return all;
  } finally {
    await model.dispose();
  }
}

for (const [name, modelPath] of [['stories260K', STORIES_MODEL], ['tiny-random', RANDOM_MODEL]] as const) {
  describe(`llamaBackend continuationLogprobs on ${name} (exact)`, function () {
    this.timeout(120_000);
    let backend: ModelBackend;
    // A real verify-mc prompt: what the mc verifier sends.
    const prompt = renderTemplate(templates.get('verify-mc', 'sudoku'), { question: 'Solve the puzzle:\n12_4\n_4__\n2__1\n4_1_', response: 'Once upon a time there was a 1234.' });

    before(async () => {
      backend = await createLlamaBackend({ modelPath, sequences: 2, threads: THREADS });
    });
    after(async () => {
      await backend.close();
    });

    it('gives every token of " Correct" and " Incorrect" its probability under the full distribution, as brute force does', async () => {
      assert.ok(prompt.endsWith('Judgement:'));
      const bruteForce = await bruteForceLogprobs(modelPath, prompt, LABELS);
      // Twice: the second call reuses the prompt the sequence already holds.
      for (let round = 0; round < 2; round++) {
        const result = await scoreContinuations(backend, prompt, [...LABELS]);
        assert.ok(result.scores, 'scored');
        assert.deepEqual(result.scores.map((s) => s.continuation), [...LABELS]);
        for (const [k, score] of result.scores.entries()) {
          const expected = bruteForce[k] ?? [];
          assert.equal(score.tokens.length, expected.length, score.continuation);
          score.tokens.forEach((t, i) => assert.ok(Math.abs(t.logprob - (expected[i] as number)) < 1e-4, `${score.continuation} token ${i}: ${t.logprob} vs ${expected[i]}`));
          assert.equal(score.tokens.map((t) => t.token).join(''), score.continuation);
          assert.ok(Math.abs(score.logprob - score.tokens.reduce((sum, t) => sum + t.logprob, 0)) < 1e-9);
          assert.ok(Number.isFinite(score.logprob) && score.logprob < 0, `${score.logprob}`);
        }
        const total = result.scores.reduce((sum, s) => sum + Math.exp(s.logprob), 0);
        assert.ok(total > 0 && total <= 1, `p(Correct) + p(Incorrect) = ${total}`);
      }
    });

    it('agrees with the next-token distribution on the first token', async () => {
      const result = await scoreContinuations(backend, prompt, [' Correct']);
      const first = result.scores?.[0]?.tokens[0];
      assert.ok(first);
      const all = await backend.nextToken({ prompt, topLogprobs: 100_000 });
      const listed = all.top.find((t) => t.token === first.token);
      assert.ok(listed && Math.abs(listed.logprob - first.logprob) < 1e-4, `${JSON.stringify(first)} vs ${JSON.stringify(listed)}`);
    });

    it('counts the prompt and the continuation tokens once per continuation', async () => {
      const promptTokens = (await backend.nextToken({ prompt, topLogprobs: 1 })).usage.promptTokens;
      const result = await scoreContinuations(backend, prompt, [...LABELS]);
      const scored = result.scores?.reduce((sum, s) => sum + s.tokens.length, 0) ?? 0;
      assert.deepEqual(result.usage, { promptTokens: 2 * promptTokens + scored, completionTokens: 0 });
    });
  });
}

describe('llamaBackend continuationLogprobs, edge cases (stories260K)', function () {
  this.timeout(60_000);
  let backend: ModelBackend;

  before(async () => {
    backend = await createLlamaBackend({ modelPath: STORIES_MODEL, sequences: 1, contextSize: 256, threads: THREADS });
  });
  after(async () => {
    await backend.close();
  });

  it('says when the prompt\'s last token merges with the continuation (" ti" + "me" is "▁time")', async () => {
    const result = await scoreContinuations(backend, 'Once upon a ti', ['me']);
    assert.equal(result.scores, null);
    assert.match('unavailable' in result ? result.unavailable : '', /tokenizes the end of the prompt together with the start of "me"/);
  });

  it('refuses a prompt and continuation that do not fit, as a PromptTooLongError', async () => {
    const error = await rejection(scoreContinuations(backend, 'the dog ran and '.repeat(80), [' Correct']));
    assert.ok(error instanceof PromptTooLongError, String(error));
    assert.match(error.message, /a llama sequence holds 256 tokens.*--context-size/);
  });

  it('rejects an empty prompt or continuation list as non-retryable', async () => {
    for (const bad of [{ prompt: '', continuations: [' a'] }, { prompt: 'x', continuations: [] }, { prompt: 'x', continuations: [''] }]) {
      const error = await rejection(scoreContinuations(backend, bad.prompt, bad.continuations));
      assert.ok(error instanceof BackendError && !error.retryable, JSON.stringify(bad));
    }
  });
});

describe('llamaBackend context limits, on a random-weights model (it never says end-of-text)', function () {
  this.timeout(60_000);
  let backend: ModelBackend;
  const prompt = 'Hello world';

  before(async () => {
    backend = await createLlamaBackend({ modelPath: RANDOM_MODEL, sequences: 1, contextSize: 256, threads: THREADS });
  });
  after(async () => {
    await backend.close();
  });

  it('generates exactly up to a full context, and refuses one token more', async () => {
    const promptTokens = (await backend.nextToken({ prompt, topLogprobs: 1 })).usage.promptTokens;
    const fits = await backend.generate({ prompt, n: 1, temperature: 1, topP: 1, maxTokens: 256 - promptTokens, seed: 3 });
    assert.equal(fits.generations[0]?.completionTokens, 256 - promptTokens);
    assert.equal(fits.generations[0]?.finishReason, 'length');
    const error = await rejection(backend.generate({ prompt, n: 1, temperature: 1, topP: 1, maxTokens: 257 - promptTokens, seed: 3 }));
    assert.ok(error instanceof BackendError && !error.retryable);
    assert.match(error.message, new RegExp(`the prompt is ${promptTokens} tokens and maxTokens is ${257 - promptTokens}, but a llama sequence holds 256 tokens`));
  });
});

describe('llamaBackend lifecycle', function () {
  this.timeout(60_000);

  it('close() stops work in flight, is safe to call twice, and later calls fail clearly', async () => {
    const backend = await createLlamaBackend({ modelPath: RANDOM_MODEL, sequences: 2, contextSize: 256, threads: THREADS });
    const running = backend.generate({ prompt: 'Hello', n: 4, temperature: 1, topP: 1, maxTokens: 240 });
    await new Promise((r) => setTimeout(r, 30));
    await Promise.all([backend.close(), backend.close()]);
    const error = await rejection(running);
    assert.ok(error instanceof BackendError && /closed/.test(error.message), String(error));
    const later = await rejection(backend.nextToken({ prompt: 'Hello', topLogprobs: 1 }));
    assert.ok(later instanceof BackendError && /closed/.test(later.message), String(later));
  });

  it('names a missing model file and how to pass one', async () => {
    const error = await rejection(createLlamaBackend({ modelPath: '/nonexistent/model.gguf' }));
    assert.ok(error instanceof UserError, String(error));
    assert.match(error.message, /\/nonexistent\/model\.gguf.*llama:PATH/);
  });

  it('says when a file is not a GGUF model', async () => {
    const error = await rejection(createLlamaBackend({ modelPath: join(SHARED_DATA, 'README.md') }));
    assert.ok(error instanceof UserError, String(error));
    assert.match(error.message, /could not load .*README\.md.*GGUF/);
  });
});
