import assert from 'node:assert/strict';
import { BackendError } from '../../../src/core/llm/backend';
import { readTextChoices, readTopLogprobs } from '../../../src/core/llm/openaiResponses';

const URL = 'http://h/v1/completions';

function shapeError(read: () => unknown): string {
  try {
    read();
  } catch (err) {
    assert.ok(err instanceof BackendError && err.failure === 'bad-answer', String(err));
    return err.message;
  }
  assert.fail('expected the answer to be refused');
}

describe('openaiResponses', () => {
  it('reads choices in index order, with usage; a null chat content is an empty text', () => {
    const completions = { choices: [{ index: 1, text: 'b', finish_reason: 'length' }, { index: 0, text: 'a', finish_reason: null }], usage: { prompt_tokens: 3, completion_tokens: 4 } };
    assert.deepEqual(readTextChoices('completions', completions, URL), {
      choices: [{ text: 'a', finishReason: 'unknown' }, { text: 'b', finishReason: 'length' }],
      usage: { promptTokens: 3, completionTokens: 4 },
    });
    const chat = { choices: [{ message: { content: null }, finish_reason: 'length' }] };
    assert.deepEqual(readTextChoices('chat', chat, URL), { choices: [{ text: '', finishReason: 'length' }], usage: { promptTokens: 0, completionTokens: 0, unreported: true } });
  });

  it('reads the prompt tokens served from the server\'s prompt cache, when the usage says', () => {
    const answer = (details: unknown): unknown => ({ choices: [{ text: 'a' }], usage: { prompt_tokens: 10, completion_tokens: 2, prompt_tokens_details: details } });
    assert.deepEqual(readTextChoices('completions', answer({ cached_tokens: 6 }), URL).usage, { promptTokens: 10, completionTokens: 2, cachedPromptTokens: 6 });
    // Absent, null or 0: no cached tokens to price differently.
    for (const details of [undefined, null, {}, { cached_tokens: 0 }]) assert.deepEqual(readTextChoices('completions', answer(details), URL).usage, { promptTokens: 10, completionTokens: 2 });
    assert.match(shapeError(() => readTextChoices('completions', answer({ cached_tokens: '6' }), URL)), /expected a number at usage\.prompt_tokens_details\.cached_tokens, got a string/);
  });

  it('reads the first token\'s top logprobs in both wire shapes, most likely first', () => {
    const completions = { choices: [{ text: ' No', logprobs: { top_logprobs: [{ ' No': -1, ' Yes': -0.5 }] } }] };
    assert.deepEqual(readTopLogprobs('completions', completions, URL).top, [{ token: ' Yes', logprob: -0.5 }, { token: ' No', logprob: -1 }]);
    const chat = { choices: [{ message: { content: 'No' }, logprobs: { content: [{ token: 'No', logprob: -1, top_logprobs: [{ token: 'No', logprob: -1 }, { token: 'Yes', logprob: -0.5 }] }] } }] };
    assert.deepEqual(readTopLogprobs('chat', chat, URL).top.map((t) => t.token), ['Yes', 'No']);
  });

  it('refuses answers in another shape, naming the endpoint and where the answer departs from it', () => {
    assert.equal(shapeError(() => readTextChoices('completions', 'hello', URL)), `${URL} answered in an unexpected shape (expected an object at the top level, got a string); is it an OpenAI-compatible completions endpoint?`);
    assert.match(shapeError(() => readTextChoices('completions', { choices: [{ txt: 'x' }] }, URL)), /\(expected a string at choices\.0\.text, got undefined\)/);
    assert.match(shapeError(() => readTextChoices('chat', { choices: [{ text: 'x' }] }, URL)), /expected an object at choices\.0\.message, got undefined\); is it an OpenAI-compatible chat endpoint/);
    assert.match(shapeError(() => readTextChoices('completions', { choices: [{ index: -1, text: 'x' }] }, URL)), /expected a non-negative integer at choices\.0\.index, got number/);
    assert.match(shapeError(() => readTextChoices('completions', { choices: [], usage: { prompt_tokens: '3' } }, URL)), /expected a number at usage\.prompt_tokens, got a string/);
    assert.match(shapeError(() => readTopLogprobs('completions', { choices: [{ logprobs: { top_logprobs: [{ ' Yes': 'high' }] } }] }, URL)), /expected a number at choices\.0\.logprobs\.top_logprobs\.0\. Yes, got a string/);
    assert.match(shapeError(() => readTopLogprobs('chat', { choices: [{ logprobs: { content: [{ top_logprobs: [{ token: 1 }] }] } }] }, URL)), /expected a string at choices\.0\.logprobs\.content\.0\.top_logprobs\.0\.token, got number/);
    assert.match(shapeError(() => readTextChoices('completions', { choices: [{ index: 0, text: 'a' }, { index: 2, text: 'b' }] }, URL)), /choice indices 0, 2; expected 0\.\.1/);
    assert.match(shapeError(() => readTopLogprobs('completions', { choices: [{ text: 'x', logprobs: null }] }, URL)), /returned no top logprobs for the first token/);
  });
});
