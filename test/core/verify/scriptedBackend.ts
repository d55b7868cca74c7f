// A scripted in-memory ModelBackend for verifier tests: it answers by rules on the prompt text
// and records every request. The real backends have their own tests against real servers.
import type { ContinuationRequest, ContinuationResult, GenerateRequest, GenerateResult, ModelBackend, NextTokenRequest, NextTokenResult, TokenLogprob } from '../../../src/core/llm/backend';

export interface Script {
  generate?: (prompt: string, req: GenerateRequest) => string | { text: string; finishReason: string };
  nextToken?: (prompt: string) => TokenLogprob[];
  /** Present: the backend scores continuations, each as this many tokens of these logprobs (or says why it cannot). */
  continuations?: (prompt: string, continuation: string) => TokenLogprob[] | { unavailable: string };
  /** Milliseconds to wait before answering this prompt (to shuffle completion order). */
  delayMs?: (prompt: string) => number;
}

export class ScriptedBackend implements ModelBackend {
  readonly id = 'scripted-test-backend';
  readonly generateRequests: GenerateRequest[] = [];
  readonly nextTokenRequests: NextTokenRequest[] = [];
  readonly continuationRequests: ContinuationRequest[] = [];
  readonly continuationLogprobs?: (req: ContinuationRequest, signal?: AbortSignal) => Promise<ContinuationResult>;
  /** The most calls that were in flight at the same time. */
  maxInFlight = 0;
  private inFlight = 0;

  constructor(private readonly script: Script) {
    // Only a scripted backend that can score continuations has the method, as with the real ones.
    const rule = script.continuations;
    if (rule) {
      this.continuationLogprobs = async (req, signal) => {
        this.continuationRequests.push(req);
        await this.enter(req.prompt, signal);
        const usage = { promptTokens: req.prompt.length, completionTokens: 0 };
        const scored = req.continuations.map((c) => ({ continuation: c, answer: rule(req.prompt, c) }));
        const unavailable = scored.find((s) => !Array.isArray(s.answer));
        if (unavailable && !Array.isArray(unavailable.answer)) return { scores: null, unavailable: unavailable.answer.unavailable, usage };
        const scores = scored.map(({ continuation, answer }) => {
          const tokens = answer as TokenLogprob[];
          return { continuation, logprob: tokens.reduce((sum, t) => sum + t.logprob, 0), tokens };
        });
        return { scores, usage };
      };
    }
  }

  async generate(req: GenerateRequest, signal?: AbortSignal): Promise<GenerateResult> {
    this.generateRequests.push(req);
    const rule = this.script.generate;
    if (!rule) throw new Error('this test scripted no generate rule');
    await this.enter(req.prompt, signal);
    const out = rule(req.prompt, req);
    const { text, finishReason } = typeof out === 'string' ? { text: out, finishReason: 'stop' } : out;
    const generations = Array.from({ length: req.n }, () => ({ text, finishReason, completionTokens: text.length }));
    return { generations, usage: { promptTokens: req.prompt.length, completionTokens: text.length * req.n } };
  }

  async nextToken(req: NextTokenRequest, signal?: AbortSignal): Promise<NextTokenResult> {
    this.nextTokenRequests.push(req);
    const rule = this.script.nextToken;
    if (!rule) throw new Error('this test scripted no nextToken rule');
    await this.enter(req.prompt, signal);
    return { top: rule(req.prompt).slice(0, req.topLogprobs), usage: { promptTokens: req.prompt.length, completionTokens: 1 } };
  }

  async close(): Promise<void> {}

  private async enter(prompt: string, signal?: AbortSignal): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, this.script.delayMs?.(prompt) ?? 1));
      signal?.throwIfAborted();
    } finally {
      this.inFlight--;
    }
  }
}

/** The text after the last `label` in the prompt, up to the end of that line: what the template asks about. */
export function lastField(prompt: string, label: string): string {
  const at = prompt.lastIndexOf(label);
  if (at < 0) throw new Error(`prompt has no '${label}'`);
  return prompt.slice(at + label.length).split('\n', 1)[0]?.trim() ?? '';
}
