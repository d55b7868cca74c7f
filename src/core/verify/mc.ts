// The multiple-choice verifier: how much probability the model puts on "Correct" versus
// "Incorrect" as its judgement after the verify-mc prompt. No sampling. Exact where the backend
// can score whole continuations (embedded llama.cpp, completions servers with prompt logprobs),
// from the most likely first tokens otherwise (docs/verifiers.md).
import { BackendError, type ContinuationLogprob, type TokenLogprob } from '../llm/backend';
import type { Verification, Verifier } from './verifier';
import { verifySample, verifyPrompt } from './prompting';

/** The most the OpenAI API returns; more alternatives only add probability mass to the two labels. */
const TOP_LOGPROBS = 20;

/**
 * A first token counts for a label when, trimmed and lowercased, it is a prefix of the label
 * ("Cor" → Correct, " In" → Incorrect) at least this long. One letter is too ambiguous: " I" is
 * far more often the pronoun than the start of "Incorrect", which tokenizers split as " In…".
 */
const MIN_PREFIX = 2;

/** What follows the templates' final "Judgement:", as in their few-shot examples ("Judgement: Correct"). */
export const MC_CONTINUATIONS = [' Correct', ' Incorrect'] as const;

type Label = 'Correct' | 'Incorrect';

export interface McReading {
  /** Summed probability of the first tokens that start "Correct". */
  pCorrect: number;
  /** Summed probability of the first tokens that start "Incorrect". */
  pIncorrect: number;
  /** The top tokens with their probabilities and labels, one per line. */
  raw: string;
}

export function labelOfToken(token: string): Label | null {
  const t = token.trim().toLowerCase();
  if (t.length < MIN_PREFIX) return null;
  if ('correct'.startsWith(t)) return 'Correct';
  if ('incorrect'.startsWith(t)) return 'Incorrect';
  return null;
}

/** Sums the probability of each label over the model's most likely first tokens. */
export function readMcTokens(top: readonly TokenLogprob[]): McReading {
  let pCorrect = 0;
  let pIncorrect = 0;
  const lines = top.map(({ token, logprob }) => {
    const p = Math.exp(logprob);
    const label = labelOfToken(token);
    if (label === 'Correct') pCorrect += p;
    if (label === 'Incorrect') pIncorrect += p;
    return `${JSON.stringify(token)} p=${p.toPrecision(4)} logprob=${logprob}${label ? ` (${label})` : ''}`;
  });
  return { pCorrect, pIncorrect, raw: lines.join('\n') };
}

/**
 * p(C) / (p(C) + p(I)) from ln p(C) and ln p(I), as the logistic of their difference: no
 * underflow when both probabilities are tiny (a 6-token " Correct" easily has p < 1e-300).
 */
export function exactMcScore(logprobCorrect: number, logprobIncorrect: number): number {
  const d = logprobCorrect - logprobIncorrect;
  return d >= 0 ? 1 / (1 + Math.exp(-d)) : Math.exp(d) / (1 + Math.exp(d));
}

type Base = Pick<Verification, 'verifier' | 'prompt'>;

function exactVerification(base: Base, correct: ContinuationLogprob, incorrect: ContinuationLogprob): Verification {
  const { logprob: lc } = correct;
  const { logprob: li } = incorrect;
  const detail = { method: 'exact', logprobCorrect: lc, logprobIncorrect: li, pCorrect: Math.exp(lc), pIncorrect: Math.exp(li) };
  const raw = [correct, incorrect].map(continuationLines).join('\n');
  const verification = { ...base, raw, detail };
  if (![lc, li].every((lp) => Number.isFinite(lp) || lp === -Infinity)) {
    return { ...verification, score: null, parse: 'failed', parseError: 'the backend returned a logprob that is not a number', failure: 'invalid-logprob' };
  }
  if (lc === -Infinity && li === -Infinity) {
    return { ...verification, score: null, parse: 'failed', parseError: "the model gives both ' Correct' and ' Incorrect' probability 0", failure: 'labels-absent' };
  }
  return { ...verification, score: exactMcScore(lc, li), parse: 'ok' };
}

/** The continuation's total, then each of its tokens, one per line. */
function continuationLines({ continuation, logprob, tokens }: ContinuationLogprob): string {
  const head = `${JSON.stringify(continuation)} logprob=${logprob} p=${Math.exp(logprob).toPrecision(4)} (exact, ${tokens.length} token${tokens.length === 1 ? '' : 's'})`;
  return [head, ...tokens.map((t) => `  ${JSON.stringify(t.token)} logprob=${t.logprob}`)].join('\n');
}

function topKVerification(base: Base, top: readonly TokenLogprob[], exactUnavailable: string | undefined): Verification {
  const { pCorrect, pIncorrect, raw } = readMcTokens(top);
  const detail = { method: 'top-k', pCorrect, pIncorrect, ...(exactUnavailable !== undefined ? { exactUnavailable } : {}) };
  const verification = { ...base, raw, detail };
  const total = pCorrect + pIncorrect;
  if (Number.isNaN(total)) return { ...verification, score: null, parse: 'failed', parseError: 'the backend returned a logprob that is not a number', failure: 'invalid-logprob' };
  if (total === 0) {
    const error = `neither 'Correct' nor 'Incorrect' is among the model's ${top.length} most likely next tokens`;
    return { ...verification, score: null, parse: 'failed', parseError: error, failure: 'labels-absent' };
  }
  return { ...verification, score: pCorrect / total, parse: 'ok' };
}

/** score = p(Correct) / (p(Correct) + p(Incorrect)): exact where the backend can say, else over the top first tokens. */
export const mcVerifier: Verifier = {
  name: 'mc',
  judgesTheGroup: false,
  verifyTask: (task, samples, ctx) =>
    Promise.all(
      samples.map((sample) => {
        const prompt = verifyPrompt(ctx, 'verify-mc', task, { response: sample.text });
        const base = { verifier: 'mc', prompt };
        return verifySample('mc', prompt, async (): Promise<Verification> => {
          let exactUnavailable: string | undefined;
          if (ctx.backend.continuationLogprobs) {
            const result = await ctx.backend.continuationLogprobs({ prompt, continuations: [...MC_CONTINUATIONS] }, ctx.signal);
            if (result.scores === null) exactUnavailable = result.unavailable;
            else {
              const [correct, incorrect] = result.scores;
              if (!correct || !incorrect) throw new BackendError(`${ctx.backend.id} scored ${result.scores.length} continuations for 2`, 'bad-answer');
              return exactVerification(base, correct, incorrect);
            }
          }
          const { top } = await ctx.backend.nextToken({ prompt, topLogprobs: TOP_LOGPROBS }, ctx.signal);
          return topKVerification(base, top, exactUnavailable);
        });
      }),
    ),
};
