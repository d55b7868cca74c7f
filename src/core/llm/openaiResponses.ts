// Validates what an OpenAI-compatible endpoint answered and extracts the parts the backend needs:
// the choices' texts in index order, or the first token's top logprobs. Both wire shapes are
// handled: completions (`logprobs.top_logprobs: [{token: logprob}]`) and chat
// (`logprobs.content[].top_logprobs: [{token, logprob}]`).
import { z } from 'zod';
import { BackendError, type TokenLogprob, type Usage } from './backend';

export type OpenAIApi = 'chat' | 'completions';

export interface TextChoice {
  text: string;
  finishReason: string;
}

const usageSchema = z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).nullish();
const indexSchema = z.number().int().nonnegative().optional();
const finishSchema = z.string().nullish();

const completionsSchema = z.object({
  choices: z.array(z.object({
    index: indexSchema,
    text: z.string(),
    finish_reason: finishSchema,
    logprobs: z.object({ top_logprobs: z.array(z.record(z.string(), z.number()).nullable()).nullish() }).nullish(),
  })),
  usage: usageSchema,
});

const chatTopSchema = z.object({ token: z.string(), logprob: z.number() });
const chatSchema = z.object({
  choices: z.array(z.object({
    index: indexSchema,
    message: z.object({ content: z.string().nullish() }),
    finish_reason: finishSchema,
    logprobs: z.object({
      content: z.array(z.object({ token: z.string(), logprob: z.number(), top_logprobs: z.array(chatTopSchema) })).nullish(),
    }).nullish(),
  })),
  usage: usageSchema,
});

type CompletionsBody = z.infer<typeof completionsSchema>;
type ChatBody = z.infer<typeof chatSchema>;

/** The choices' texts in index order (possibly fewer than requested: the caller decides what that means). */
export function readTextChoices(api: OpenAIApi, body: unknown, endpointUrl: string): { choices: TextChoice[]; usage: Usage } {
  if (api === 'completions') {
    const parsed = parse(completionsSchema, body, endpointUrl, api);
    return { choices: inIndexOrder(parsed.choices, endpointUrl).map((c) => ({ text: c.text, finishReason: c.finish_reason ?? 'unknown' })), usage: usageOf(parsed) };
  }
  const parsed = parse(chatSchema, body, endpointUrl, api);
  // A null content is legal (e.g. the token budget ran out before any visible text).
  return { choices: inIndexOrder(parsed.choices, endpointUrl).map((c) => ({ text: c.message.content ?? '', finishReason: c.finish_reason ?? 'unknown' })), usage: usageOf(parsed) };
}

/** The first generated token's top logprobs, most likely first. */
export function readTopLogprobs(api: OpenAIApi, body: unknown, endpointUrl: string): { top: TokenLogprob[]; usage: Usage } {
  let top: TokenLogprob[] | undefined;
  let usage: Usage;
  if (api === 'completions') {
    const parsed = parse(completionsSchema, body, endpointUrl, api);
    const first = parsed.choices[0]?.logprobs?.top_logprobs?.[0];
    top = first ? Object.entries(first).map(([token, logprob]) => ({ token, logprob })) : undefined;
    usage = usageOf(parsed);
  } else {
    const parsed = parse(chatSchema, body, endpointUrl, api);
    top = parsed.choices[0]?.logprobs?.content?.[0]?.top_logprobs.map((t) => ({ token: t.token, logprob: t.logprob }));
    usage = usageOf(parsed);
  }
  if (top === undefined || top.length === 0) {
    const how = api === 'completions' ? '"logprobs": <k>' : '"logprobs": true with "top_logprobs": <k>';
    throw new BackendError(`${endpointUrl} returned no top logprobs for the first token; scoring by token probabilities needs a server that honours ${how} on the ${api} API (or pick another verifier).`, false);
  }
  return { top: top.sort((a, b) => b.logprob - a.logprob), usage };
}

function parse<T>(schema: z.ZodType<T>, body: unknown, endpointUrl: string, api: OpenAIApi): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  throw new BackendError(`${endpointUrl} answered in an unexpected shape (${issue?.message ?? 'invalid'}${where}); is it an OpenAI-compatible ${api} endpoint?`, false);
}

function inIndexOrder<C extends { index?: number | undefined }>(choices: C[], endpointUrl: string): C[] {
  if (choices.some((c) => c.index === undefined)) return choices;
  const ordered = choices.slice().sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  ordered.forEach((c, i) => {
    if (c.index !== i) throw new BackendError(`${endpointUrl} answered with choice indices ${choices.map((x) => x.index).join(', ')}; expected 0..${choices.length - 1}.`, false);
  });
  return ordered;
}

function usageOf(body: CompletionsBody | ChatBody): Usage {
  // Some servers omit usage; there is nothing to count then.
  return { promptTokens: body.usage?.prompt_tokens ?? 0, completionTokens: body.usage?.completion_tokens ?? 0 };
}
