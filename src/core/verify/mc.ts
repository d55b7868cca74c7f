// The multiple-choice verifier: how much probability the model puts on "Correct" versus
// "Incorrect" as the next word after the verify-mc prompt. One next-token call, no sampling.
import type { TokenLogprob } from '../llm/backend';
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

/** score = p(Correct) / (p(Correct) + p(Incorrect)); a parse failure when neither label is among the top tokens. */
export const mcVerifier: Verifier = {
  name: 'mc',
  judgesTheGroup: false,
  verifyTask: (task, samples, ctx) =>
    Promise.all(
      samples.map((sample) => {
        const prompt = verifyPrompt(ctx, 'verify-mc', task, { response: sample.text });
        return verifySample('mc', prompt, async (): Promise<Verification> => {
          const { top } = await ctx.backend.nextToken({ prompt, topLogprobs: TOP_LOGPROBS }, ctx.signal);
          const { pCorrect, pIncorrect, raw } = readMcTokens(top);
          const base = { verifier: 'mc', prompt, raw, detail: { pCorrect, pIncorrect } };
          const total = pCorrect + pIncorrect;
          if (Number.isNaN(total)) return { ...base, score: null, parse: 'failed', parseError: 'the backend returned a logprob that is not a number', failure: 'invalid-logprob' };
          if (total === 0) {
            const error = `neither 'Correct' nor 'Incorrect' is among the model's ${top.length} most likely next tokens`;
            return { ...base, score: null, parse: 'failed', parseError: error, failure: 'labels-absent' };
          }
          return { ...base, score: pCorrect / total, parse: 'ok' };
        });
      }),
    ),
};
