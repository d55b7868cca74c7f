// The chain-of-thought verifiers: the model checks a sample in writing and ends with a verdict
// (cot-binary) or a 1-10 score (cot-score). One sampled verification per sample, as in the paper,
// or K of them (`--verifications K`, draws.ts), each with its own seed.
import type { TemplateRole } from '../prompts/templates';
import { drawSeed } from './draws';
import { parseScore, parseVerdict, type Parsed } from './markers';
import { generateOne, verifySample, verifyPrompt } from './prompting';
import type { Verification, Verifier } from './verifier';

type Reading = { ok: true; score: number; detail: Record<string, unknown> } | { ok: false; error: string };

function cotVerifier(name: 'cot-binary' | 'cot-score', role: TemplateRole, read: (text: string) => Reading): Verifier {
  return {
    name,
    judgesTheGroup: false,
    verifyTask: (task, samples, ctx) =>
      Promise.all(
        samples.map((sample) => {
          const prompt = verifyPrompt(ctx, role, task, { response: sample.text });
          const seed = drawSeed(ctx, task.id, sample.index, name);
          return verifySample(name, prompt, async (): Promise<Verification> => {
            const generation = await generateOne(ctx, prompt, seed);
            const reading = read(generation.text);
            const base = { verifier: name, prompt, raw: generation.text };
            const detail = { seed, finishReason: generation.finishReason };
            if (reading.ok) return { ...base, score: reading.score, parse: 'ok', detail: { ...detail, ...reading.detail } };
            const cut = generation.finishReason === 'length' ? ' (the output hit the verifier token limit; raise it)' : '';
            return { ...base, score: null, parse: 'failed', parseError: reading.error + cut, failure: 'unparsable', detail };
          });
        }),
      ),
  };
}

function scored<T>(parsed: Parsed<T>, toReading: (value: T) => Reading): Reading {
  return parsed.ok ? toReading(parsed.value) : parsed;
}

/** Score 1 for "Verdict: correct", 0 for "Verdict: incorrect". */
export const cotBinaryVerifier = cotVerifier('cot-binary', 'verify-cot-binary', (text) =>
  scored(parseVerdict(text), (verdict) => ({ ok: true, score: verdict === 'correct' ? 1 : 0, detail: { verdict } })),
);

/** "Score: N" (1..10) mapped linearly onto [0, 1]: (N − 1) / 9. */
export const cotScoreVerifier = cotVerifier('cot-score', 'verify-cot-score', (text) =>
  scored(parseScore(text), (rawScore) => ({ ok: true, score: (rawScore - 1) / 9, detail: { rawScore } })),
);
