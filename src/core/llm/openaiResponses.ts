// Validates what an OpenAI-compatible endpoint answered and extracts the parts the backend needs:
// the choices' texts in index order, the first token's top logprobs, or the logprobs of a prompt's
// tokens (completions only: an echo, or vLLM's `prompt_logprobs`). Both wire shapes of top
// logprobs are handled: completions (`logprobs.top_logprobs: [{token: logprob}]`) and chat
// (`logprobs.content[].top_logprobs: [{token, logprob}]`). Every value read is checked where it
// is read, without building a validated copy first: every model call passes through here.
import { isPlainObject } from '../util/plainObject';
import { BackendError, type TokenLogprob, type Usage } from './backend';

export type OpenAIApi = 'chat' | 'completions';

export interface TextChoice {
  text: string;
  finishReason: string;
}

type Path = readonly (string | number)[];
/** A field's place in the answer: its parent's path and its own key (none for the answer itself). Joined only on failure. */
type Key = string | number | undefined;

/** The answer departs from the expected shape at `path`. */
class ShapeError extends Error {
  constructor(parent: Path, key: Key, expected: string, value: unknown) {
    const path = key === undefined ? parent : [...parent, key];
    super(`expected ${expected} at ${path.length > 0 ? path.join('.') : 'the top level'}, got ${kindOf(value)}`);
  }
}

/** The choices' texts in index order (possibly fewer than requested: the caller decides what that means). */
export function readTextChoices(api: OpenAIApi, body: unknown, endpointUrl: string): { choices: TextChoice[]; usage: Usage } {
  return checked(api, endpointUrl, () => {
    const answer = object(body, [], undefined);
    const raw = array(answer.choices, [], 'choices').map((value, i) => {
      const path = ['choices', i];
      const choice = object(value, ['choices'], i);
      // A null chat content is legal (e.g. the token budget ran out before any visible text).
      const text = api === 'completions'
        ? string(choice.text, path, 'text')
        : (optional(object(choice.message, path, 'message').content, [...path, 'message'], 'content', string) ?? '');
      return { index: index(choice.index, path, 'index'), text, finishReason: optional(choice.finish_reason, path, 'finish_reason', string) ?? 'unknown' };
    });
    return { choices: inIndexOrder(raw, endpointUrl).map(({ text, finishReason }) => ({ text, finishReason })), usage: usageOf(answer) };
  });
}

/** The first generated token's top logprobs, most likely first. */
export function readTopLogprobs(api: OpenAIApi, body: unknown, endpointUrl: string): { top: TokenLogprob[]; usage: Usage } {
  const { top, usage } = readListedTop(api, body, endpointUrl);
  if (top === undefined || top.length === 0) {
    const how = api === 'completions' ? '"logprobs": <k>' : '"logprobs": true with "top_logprobs": <k>';
    throw new BackendError(`${endpointUrl} returned no top logprobs for the first token; scoring by token probabilities needs a server that honours ${how} on the ${api} API (or pick another verifier).`, 'bad-answer');
  }
  return { top: top.sort((a, b) => b.logprob - a.logprob), usage };
}

/**
 * The first generated token's top logprobs exactly as the endpoint listed them, in its order and
 * with any repeats (undefined: it listed none): what the conformance checks look at.
 */
export function readListedTop(api: OpenAIApi, body: unknown, endpointUrl: string): { top: TokenLogprob[] | undefined; usage: Usage } {
  return checked(api, endpointUrl, () => {
    const answer = object(body, [], undefined);
    const first = array(answer.choices, [], 'choices')[0];
    const logprobs = first === undefined ? undefined : optional(object(first, ['choices'], 0).logprobs, ['choices', 0], 'logprobs', object);
    const path = ['choices', 0, 'logprobs'];
    return { top: logprobs && (api === 'completions' ? completionsTop(logprobs, path) : chatTop(logprobs, path)), usage: usageOf(answer) };
  });
}

/** `top_logprobs: [{token: logprob, …} | null, …]`, one entry per generated token. */
function completionsTop(logprobs: Record<string, unknown>, path: Path): TokenLogprob[] | undefined {
  const perToken = optional(logprobs.top_logprobs, path, 'top_logprobs', array);
  const first = perToken && optional(perToken[0], [...path, 'top_logprobs'], 0, object);
  if (!first) return undefined;
  const firstPath = [...path, 'top_logprobs', 0];
  return Object.keys(first).map((token) => ({ token, logprob: number(first[token], firstPath, token) }));
}

/** `content: [{token, logprob, top_logprobs: [{token, logprob}, …]}, …]`, one entry per generated token. */
function chatTop(logprobs: Record<string, unknown>, path: Path): TokenLogprob[] | undefined {
  const content = optional(logprobs.content, path, 'content', array);
  if (!content || content.length === 0) return undefined;
  const tokenPath = [...path, 'content', 0];
  const topsPath = [...tokenPath, 'top_logprobs'];
  return array(object(content[0], [...path, 'content'], 0).top_logprobs, tokenPath, 'top_logprobs').map((value, i) => {
    const entry = object(value, topsPath, i);
    return { token: string(entry.token, [...topsPath, i], 'token'), logprob: number(entry.logprob, [...topsPath, i], 'logprob') };
  });
}

/**
 * One token of a text a completions server scored as a prompt: the token as the server names it,
 * where it starts in the text (in Unicode code points, as Python servers count), and its logprob
 * given the tokens before it (null for the first token, which has nothing before it).
 */
export interface ScoredToken {
  token: string;
  start: number;
  logprob: number | null;
}

/**
 * The tokens of `text`, sent with `echo: true` and `logprobs`, from the echo in
 * `choices[0].logprobs.{tokens, token_logprobs, text_offset}` (the generated token after it
 * included). `tokens` is undefined when the answer is no echo of `text` with logprobs from its
 * first token on: the server ignores echo (llama.cpp's server answers with the generated token alone).
 */
export function readEchoedTokens(body: unknown, endpointUrl: string, text: string): { tokens: ScoredToken[] | undefined; usage: Usage } {
  return checked('completions', endpointUrl, () => {
    const answer = object(body, [], undefined);
    const choice = object(array(answer.choices, [], 'choices')[0], ['choices'], 0);
    const path = ['choices', 0];
    const logprobs = optional(choice.logprobs, path, 'logprobs', object);
    if (!string(choice.text, path, 'text').startsWith(text) || !logprobs) return { tokens: undefined, usage: usageOf(answer) };
    const at = [...path, 'logprobs'];
    const tokens = array(logprobs.tokens, at, 'tokens').map((t, i) => string(t, [...at, 'tokens'], i));
    const logps = sameLength(array(logprobs.token_logprobs, at, 'token_logprobs'), tokens.length, at, 'token_logprobs');
    const offsets = sameLength(array(logprobs.text_offset, at, 'text_offset'), tokens.length, at, 'text_offset');
    let previous = 0;
    const scored = tokens.map((token, i): ScoredToken => {
      const start = offset(offsets[i], [...at, 'text_offset'], i, previous);
      previous = start;
      return { token, start, logprob: tokenLogprob(logps[i], [...at, 'token_logprobs'], i) };
    });
    // Logprobs of the generated tokens alone are no echo of the prompt's.
    return { tokens: scored[0]?.start === 0 ? scored : undefined, usage: usageOf(answer) };
  });
}

/**
 * The tokens of `text`, sent as the prompt with vLLM's `prompt_logprobs: 0`, from
 * `choices[0].prompt_logprobs: [null, {"<token id>": {logprob, rank, decoded_token}}, …]`: one
 * entry per prompt token, holding that token alone. Starts are counted back from the end of
 * `text` over the decoded tokens, since the first entry (null) does not say what its token is.
 * `tokens` is undefined when the answer holds no such list, or one that does not fit `text`.
 */
export function readPromptLogprobTokens(body: unknown, endpointUrl: string, text: string): { tokens: ScoredToken[] | undefined; usage: Usage } {
  return checked('completions', endpointUrl, () => {
    const answer = object(body, [], undefined);
    const choice = object(array(answer.choices, [], 'choices')[0], ['choices'], 0);
    const entries = optional(choice.prompt_logprobs, ['choices', 0], 'prompt_logprobs', array);
    const usage = usageOf(answer);
    if (!entries || entries.length === 0) return { tokens: undefined, usage };
    const at = ['choices', 0, 'prompt_logprobs'];
    const read = entries.map((entry, i) => {
      if (i === 0 && entry === null) return null;
      // With more than the prompt's own token, the answer would not say which one that is.
      const [id, ...others] = Object.keys(object(entry, at, i));
      if (id === undefined || others.length > 0) return undefined;
      const where = [...at, i, id];
      const logprob = object((entry as Record<string, unknown>)[id], [...at, i], id);
      return { token: string(logprob.decoded_token, where, 'decoded_token'), logprob: number(logprob.logprob, where, 'logprob') };
    });
    if (read.some((r) => r === undefined)) return { tokens: undefined, usage };
    let end = codePointLength(text);
    const scored: ScoredToken[] = [];
    for (let i = read.length - 1; i >= 0; i--) {
      const entry = read[i];
      const start = entry ? end - codePointLength(entry.token) : 0;
      if (start < 0) return { tokens: undefined, usage };
      scored.unshift({ token: entry?.token ?? '', start, logprob: entry?.logprob ?? null });
      end = start;
    }
    return { tokens: scored, usage };
  });
}

export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function sameLength(values: unknown[], length: number, parent: Path, key: Key): unknown[] {
  if (values.length !== length) throw new ShapeError(parent, key, `${length} entries, one per token`, values);
  return values;
}

/** A text offset: an integer no smaller than the one before. */
function offset(value: unknown, parent: Path, key: Key, previous: number): number {
  if (!Number.isInteger(value) || (value as number) < previous) throw new ShapeError(parent, key, `an integer offset >= ${previous}`, value);
  return value as number;
}

/** A token's logprob: a number, or null for the first token only. */
function tokenLogprob(value: unknown, parent: Path, key: number): number | null {
  if (key === 0 && value === null) return null;
  return number(value, parent, key);
}

/** Runs a reader, turning a shape mismatch into an error that names the endpoint. */
function checked<T>(api: OpenAIApi, endpointUrl: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (!(err instanceof ShapeError)) throw err;
    throw new BackendError(`${endpointUrl} answered in an unexpected shape (${err.message}); is it an OpenAI-compatible ${api} endpoint?`, 'bad-answer');
  }
}

function inIndexOrder<C extends { index: number | undefined }>(choices: C[], endpointUrl: string): C[] {
  if (choices.some((c) => c.index === undefined)) return choices;
  const ordered = choices.slice().sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  ordered.forEach((c, i) => {
    if (c.index !== i) throw new BackendError(`${endpointUrl} answered with choice indices ${choices.map((x) => x.index).join(', ')}; expected 0..${choices.length - 1}.`, 'bad-answer');
  });
  return ordered;
}

/** The usage an answer's body reports (unreported when it says nothing); a body of another shape is a bad answer naming the endpoint. */
export function readUsage(api: OpenAIApi, body: unknown, endpointUrl: string): Usage {
  return checked(api, endpointUrl, () => usageOf(object(body, [], 'body')));
}

function usageOf(answer: Record<string, unknown>): Usage {
  const usage = optional(answer.usage, [], 'usage', object);
  // Some servers omit usage; there is nothing to count then, and spend cannot be known (docs/cost.md).
  if (!usage) return { promptTokens: 0, completionTokens: 0, unreported: true };
  const counts = { promptTokens: number(usage.prompt_tokens, ['usage'], 'prompt_tokens'), completionTokens: number(usage.completion_tokens, ['usage'], 'completion_tokens') };
  // Prompt tokens served from the server's prompt cache, which providers bill at a lower price (docs/cost.md).
  const promptDetails = optional(usage.prompt_tokens_details, ['usage'], 'prompt_tokens_details', object);
  const cached = promptDetails && optional(promptDetails.cached_tokens, ['usage', 'prompt_tokens_details'], 'cached_tokens', number);
  // Reasoning models say how many of the completion tokens went into reasoning the answer does not show.
  const completionDetails = optional(usage.completion_tokens_details, ['usage'], 'completion_tokens_details', object);
  const reasoning = completionDetails && optional(completionDetails.reasoning_tokens, ['usage', 'completion_tokens_details'], 'reasoning_tokens', index);
  return { ...counts, ...(cached ? { cachedPromptTokens: cached } : {}), ...(reasoning !== undefined ? { reasoningTokens: reasoning } : {}) };
}

function object(value: unknown, parent: Path, key: Key): Record<string, unknown> {
  if (!isPlainObject(value)) throw new ShapeError(parent, key, 'an object', value);
  return value;
}

function array(value: unknown, parent: Path, key: Key): unknown[] {
  if (!Array.isArray(value)) throw new ShapeError(parent, key, 'an array', value);
  return value;
}

function string(value: unknown, parent: Path, key: Key): string {
  if (typeof value !== 'string') throw new ShapeError(parent, key, 'a string', value);
  return value;
}

function number(value: unknown, parent: Path, key: Key): number {
  if (typeof value !== 'number') throw new ShapeError(parent, key, 'a number', value);
  return value;
}

/** A choice index: absent, or a non-negative integer. */
function index(value: unknown, parent: Path, key: Key): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || (value as number) < 0) throw new ShapeError(parent, key, 'a non-negative integer', value);
  return value as number;
}

/** `read(value)`, or undefined when the field is absent or null. */
function optional<T>(value: unknown, parent: Path, key: Key, read: (value: unknown, parent: Path, key: Key) => T): T | undefined {
  return value === undefined || value === null ? undefined : read(value, parent, key);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value === 'string' ? 'a string' : typeof value;
}
