// The embedded backend: a GGUF model run in-process by llama.cpp (node-llama-cpp), completion-style
// (the prompt is continued as raw text, no chat template: the paper prompts base models few-shot).
//
// One context holds `sequences` parallel sequences; llama.cpp evaluates the tokens of all busy
// sequences in one batch, which is where the throughput comes from (a Lockstep keeps the
// generating ones together, token by token). Sample i of a request is drawn with seed
// (seed ?? 0) + i on whichever sequence is free, so its random stream does not depend on
// which sequence runs it or when. Bit-for-bit equality is another matter: llama.cpp's numerics
// depend on the batch a token was evaluated in (ggml-org/llama.cpp#6950), so when other sequences
// run alongside, a sample can drift from its solo run after some tokens (stories260K, 200-token
// samples: 9 of 32 did). With sequences = 1 a sample is exactly reproducible.
//
// Sampling is llama.cpp's: top-p is applied to the temperature-1 distribution, then temperature
// (vLLM applies temperature first). No top-k, min-p or repetition penalty.
import { setMaxListeners } from 'node:events';
import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { ControlledEvaluateInputItem, Llama, LlamaContext, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import { UserError } from '../util/errors';
import { abortReason } from './abort';
import {
  BackendError,
  checkContinuations,
  PromptTooLongError,
  type ContinuationLogprob,
  type ContinuationRequest,
  type ContinuationResult,
  type GenerateRequest,
  type GenerateResult,
  type Generation,
  type ModelBackend,
  type NextTokenRequest,
  type NextTokenResult,
  type SamplingParams,
  type TokenLogprob,
} from './backend';
import { llamaModelId } from './llamaModelId';
import { addLlamaLogListener, loadLlamaRuntime, type LlamaLogListener } from './llamaRuntime';
import { Lockstep } from './llamaLockstep';
import { SequencePool } from './llamaSequencePool';

export interface LlamaBackendOptions {
  /** A .gguf file. */
  modelPath: string;
  /** Parallel sequences in the one context, i.e. how many samples are evaluated together; default 4. */
  sequences?: number;
  /** Tokens per sequence, prompt plus completion; default the model's training context, at most 4096. */
  contextSize?: number;
  /** CPU threads; default: node-llama-cpp's maxThreads, max(4, math cores) without a GPU (`gaplens run` passes half the cores, see openModel). */
  threads?: number;
  /** llama.cpp's warnings and errors; dropped when absent. */
  onLog?: LlamaLogListener;
}

const DEFAULT_SEQUENCES = 4;
const DEFAULT_CONTEXT = 4096;

export async function createLlamaBackend(opts: LlamaBackendOptions): Promise<ModelBackend> {
  const modelPath = resolve(opts.modelPath);
  const sequences = checkCount(opts.sequences ?? DEFAULT_SEQUENCES, 'sequences', 1);
  if (opts.contextSize !== undefined) checkCount(opts.contextSize, 'contextSize', 8);
  if (opts.threads !== undefined) checkCount(opts.threads, 'threads', 0);
  if (!isFile(modelPath)) {
    throw new UserError(`llama model file '${opts.modelPath}' not found (looked at ${modelPath}); pass llama:PATH to a .gguf file, or llama:default`);
  }
  const id = await llamaModelId(modelPath);
  const { llama } = await loadLlamaRuntime();
  const removeLogListener = opts.onLog ? addLlamaLogListener(opts.onLog) : (): void => undefined;
  let model: LlamaModel | undefined;
  try {
    model = await llama.loadModel({ modelPath }).catch((error: unknown) => {
      throw new UserError(`llama.cpp could not load ${modelPath} (${messageOf(error)}); is it a GGUF model file?`);
    });
    // A fixed default rather than the training context: real models train on 32k+ tokens, which
    // would cost gigabytes of KV cache per sequence; tiny test models train on less than a
    // few-shot prompt needs, and running past their training length only degrades their output.
    const contextSize = opts.contextSize ?? DEFAULT_CONTEXT;
    const context = await model
      .createContext({ sequences, contextSize, ...flashAttentionOption(llama), ...(opts.threads !== undefined ? { threads: opts.threads } : {}), failedCreationRemedy: false })
      .catch((error: unknown) => {
        throw new UserError(
          `llama.cpp could not allocate ${sequences} sequences of ${contextSize} tokens for ${basename(modelPath)} (${messageOf(error)}); ` +
            'lower the context size or the number of parallel sequences',
        );
      });
    return new LlamaBackend(id, modelPath, model, context, removeLogListener);
  } catch (error) {
    await model?.dispose();
    removeLogListener();
    throw error;
  }
}

/**
 * On the CPU, flash attention off: llama.cpp's "auto" turns it on wherever it is supported, and its
 * CPU kernel is the slower one for prompt evaluation, which few-shot prompts and label scoring are
 * mostly made of (ggml-org/llama.cpp#27086 on Arm, mozilla-ai/llamafile#975 on x86; here, the
 * reverify benchmark: 3.7–4.1× faster per verification, more memory, docs/providers.md). On a GPU,
 * llama.cpp's own choice. Exported for whatever must evaluate exactly as the backend does.
 */
export function flashAttentionOption(llama: Llama): { flashAttention?: false } {
  return llama.gpu === false ? { flashAttention: false } : {};
}

interface Slot {
  sequence: LlamaContextSequence;
  /**
   * The prompt prefix (every prompt token but the last) whose state the sequence holds, evaluated
   * from an empty sequence in batch-size chunks; null when unknown. Reusing it only on an exact
   * match keeps a sample's numerics the same whether or not its prompt was cached.
   */
  prefix: Token[] | null;
}

class LlamaBackend implements ModelBackend {
  private readonly pool: SequencePool<Slot>;
  private readonly lockstep = new Lockstep();
  private readonly closing = new AbortController();
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed: Promise<void> | undefined;
  private readonly name: string;

  constructor(
    readonly id: string,
    modelPath: string,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly removeLogListener: () => void,
  ) {
    this.name = basename(modelPath);
    setMaxListeners(0, this.closing.signal); // one listener per request in flight
    const slots: Slot[] = [];
    while (context.sequencesLeft > 0) {
      // Never shift the context silently: requests are checked to fit, so a shift would be a bug.
      const sequence = context.getSequence({
        contextShift: {
          strategy: () => {
            throw new Error('context full (no context shift: prompt + maxTokens were checked to fit)');
          },
        },
      });
      slots.push({ sequence, prefix: null });
    }
    this.pool = new SequencePool(slots);
  }

  generate(req: GenerateRequest, signal?: AbortSignal): Promise<GenerateResult> {
    return this.track(signal, (linked) => this.runGenerate(req, linked));
  }

  nextToken(req: NextTokenRequest, signal?: AbortSignal): Promise<NextTokenResult> {
    return this.track(signal, (linked) => this.runNextToken(req, linked));
  }

  continuationLogprobs(req: ContinuationRequest, signal?: AbortSignal): Promise<ContinuationResult> {
    return this.track(signal, (linked) => this.runContinuations(req, linked));
  }

  close(): Promise<void> {
    this.closed ??= this.shutdown();
    return this.closed;
  }

  private async shutdown(): Promise<void> {
    this.closing.abort(new BackendError(`${this.id} (${this.name}) was closed`, 'fatal'));
    await Promise.allSettled([...this.inFlight]);
    this.removeLogListener();
    await this.context.dispose();
    await this.model.dispose();
  }

  /** Runs a request under a signal that also fires on close(), so close() can wait for it to stop. */
  private track<R>(signal: AbortSignal | undefined, run: (signal: AbortSignal) => Promise<R>): Promise<R> {
    if (this.closing.signal.aborted) return Promise.reject(abortReason(this.closing.signal));
    const link = linkedAbort([signal, this.closing.signal]);
    const promise = run(link.signal).finally(() => {
      link.unlink();
      this.inFlight.delete(promise);
    });
    this.inFlight.add(promise);
    return promise;
  }

  private async runGenerate(req: GenerateRequest, signal: AbortSignal): Promise<GenerateResult> {
    const n = checkRequestCount(req.n, 'n', 1);
    checkSampling(req);
    const prompt = this.promptTokens(req.prompt);
    const capacity = this.context.contextSize;
    if (prompt.length + req.maxTokens > capacity) {
      throw new PromptTooLongError(
        `${this.name}: the prompt is ${prompt.length} tokens and maxTokens is ${req.maxTokens}, but a llama sequence holds ${capacity} tokens ` +
          `(prompt + completion). Raise --context-size (the model was trained on ${this.model.trainContextSize}), lower --max-tokens, or shorten the prompt.`,
      );
    }
    // The first failing sample stops its siblings; the request then fails with that error.
    const link = linkedAbort([signal]);
    let firstError: { error: unknown } | undefined;
    const runs = Array.from({ length: n }, (_, i) =>
      this.pool
        .use(link.signal, (slot) => this.sample(slot, prompt, req, uint32((req.seed ?? 0) + i), link.signal))
        .catch((error: unknown) => {
          if (!firstError) {
            firstError = { error };
            link.abort(error);
          }
          throw error;
        }),
    );
    const settled = await Promise.allSettled(runs);
    link.unlink();
    if (firstError) throw firstError.error;
    const generations = settled.map((s) => (s as PromiseFulfilledResult<Generation>).value);
    return {
      generations,
      usage: { promptTokens: prompt.length * n, completionTokens: generations.reduce((sum, g) => sum + g.completionTokens, 0) },
    };
  }

  private sample(slot: Slot, prompt: Token[], params: SamplingParams, seed: number, signal: AbortSignal): Promise<Generation> {
    return this.llamaCall(signal, async () => {
      const last = await this.loadPrompt(slot, prompt, signal);
      const stops = (params.stop ?? []).filter((s) => s.length > 0);
      const generated: Token[] = []; // the text's tokens: an end-of-generation token is counted, not kept
      let completionTokens = 0;
      let stopText: string | undefined;
      let finishReason = 'length';
      const tokens = slot.sequence.evaluate([last], {
        temperature: params.temperature,
        topP: params.topP,
        topK: 0, // 0 = the whole vocabulary (node-llama-cpp's default would be 40)
        minP: 0,
        seed,
        yieldEogToken: true,
      });
      const step = this.lockstep.join();
      try {
        for await (const token of tokens) {
          completionTokens++;
          if (this.model.isEogToken(token)) {
            finishReason = 'stop';
            break;
          }
          generated.push(token);
          // Detokenizing is two native calls per token (on stories260K with 16 sequences, a tenth
          // of the time per token), so without stop strings it waits for the end.
          if (stops.length > 0) {
            // Whole-text detokenization: a character or stop string split over several tokens comes out right.
            const text = this.model.detokenize(generated, false, prompt);
            const cut = firstStopIndex(text, stops);
            if (cut >= 0) {
              stopText = text.slice(0, cut);
              finishReason = 'stop';
              break;
            }
          }
          if (completionTokens >= params.maxTokens || signal.aborted) break;
          await step.arrive();
        }
      } finally {
        step.leave();
      }
      if (signal.aborted) throw abortReason(signal);
      return { text: stopText ?? this.model.detokenize(generated, false, prompt), finishReason, completionTokens };
    });
  }

  private async runNextToken(req: NextTokenRequest, signal: AbortSignal): Promise<NextTokenResult> {
    const topLogprobs = checkRequestCount(req.topLogprobs, 'topLogprobs', 1);
    const prompt = this.promptTokens(req.prompt);
    if (prompt.length > this.context.contextSize - 1) {
      throw new PromptTooLongError(
        `${this.name}: the prompt is ${prompt.length} tokens, but a llama sequence holds ${this.context.contextSize - 1} prompt tokens. ` +
          `Raise --context-size (the model was trained on ${this.model.trainContextSize}) or shorten the prompt.`,
      );
    }
    const top = await this.pool.use(signal, (slot) =>
      this.llamaCall(signal, async () => {
        const last = await this.loadPrompt(slot, prompt, signal);
        // Greedy "sampling" leaves the logits untouched; includeTop returns the best ones sorted and
        // totalLogitWeight is sum(exp(logit - maxLogit)) over the whole vocabulary: an exact softmax.
        const [output] = await slot.sequence.controlledEvaluate([
          [last, { generateNext: { logits: { filter: { tokens: [], includeTop: topLogprobs } }, totalLogitWeight: true, options: { temperature: 0 } } }],
        ]);
        const logits = output?.next.logits;
        const weight = output?.next.totalLogitWeight;
        if (!logits || weight === undefined || logits.size === 0) throw new Error('llama.cpp returned no logits');
        return this.logprobs([...logits], weight, prompt).slice(0, topLogprobs);
      }),
    );
    return { top, usage: { promptTokens: prompt.length, completionTokens: 0 } };
  }

  /**
   * Exact continuation logprobs: each continuation token's logit against the softmax normaliser of
   * the whole vocabulary, token by token after the prompt. All continuations run on one sequence,
   * one after the other, so the prompt is evaluated once (loadPrompt keeps it between them).
   */
  private async runContinuations(req: ContinuationRequest, signal: AbortSignal): Promise<ContinuationResult> {
    checkContinuations(req, 'llama');
    const prompt = this.promptTokens(req.prompt);
    const splits = req.continuations.map((continuation) => ({ continuation, tokens: this.continuationTokens(prompt, req.prompt, continuation) }));
    const usage = { promptTokens: splits.reduce((sum, s) => sum + prompt.length + (s.tokens?.length ?? 0), 0), completionTokens: 0 };
    const merged = splits.find((s) => s.tokens === null);
    if (merged) {
      return { scores: null, unavailable: `${this.name} tokenizes the end of the prompt together with the start of ${JSON.stringify(merged.continuation)}, so the continuation has no tokens of its own`, usage };
    }
    const longest = Math.max(...splits.map((s) => s.tokens?.length ?? 0));
    const capacity = this.context.contextSize;
    if (prompt.length + longest - 1 > capacity) {
      throw new PromptTooLongError(
        `${this.name}: the prompt is ${prompt.length} tokens and its longest continuation ${longest}, but a llama sequence holds ${capacity} tokens. ` +
          `Raise --context-size (the model was trained on ${this.model.trainContextSize}) or shorten the prompt.`,
      );
    }
    const scores = await this.pool.use(signal, async (slot) => {
      const scored: ContinuationLogprob[] = [];
      for (const { continuation, tokens } of splits) scored.push({ continuation, ...(await this.scoreTokens(slot, prompt, tokens as Token[], signal)) });
      return scored;
    });
    return { scores, usage };
  }

  /**
   * The continuation's tokens: those after the prompt's own tokens when prompt + continuation is
   * tokenized as one text (as lm-evaluation-harness does), because that is how the model would
   * read or write the continuation there; tokenizing the continuation alone differs at its start
   * (SentencePiece adds a space prefix to a text's first word, byte-level BPE does not merge across
   * the join). Null when the joint tokenization does not start with the prompt's tokens: the
   * prompt's last token merges with the continuation's first characters, and no token sequence
   * after the prompt's tokens is the continuation in the model's own tokenization.
   */
  private continuationTokens(prompt: Token[], promptText: string, continuation: string): Token[] | null {
    const joint = this.promptTokens(promptText + continuation);
    if (joint.length <= prompt.length || commonPrefixLength(prompt, joint) < prompt.length) return null;
    return joint.slice(prompt.length);
  }

  private scoreTokens(slot: Slot, prompt: Token[], tokens: Token[], signal: AbortSignal): Promise<{ logprob: number; tokens: TokenLogprob[] }> {
    return this.llamaCall(signal, async () => {
      const last = await this.loadPrompt(slot, prompt, signal);
      // Token i is scored on the logits after the prompt and tokens 0..i-1; the last token itself is
      // never evaluated. Greedy options leave the logits untouched (see runNextToken). The top
      // token comes along for the max logit that totalLogitWeight is relative to (includeTop, as
      // node-llama-cpp 3.22's includeMax adds the max token only when it is already in the list).
      const inputs = [last, ...tokens.slice(0, -1)].map((input, i): ControlledEvaluateInputItem => [
        input,
        { generateNext: { logits: { filter: { tokens: [tokens[i] as Token], includeTop: 1 } }, totalLogitWeight: true, options: { temperature: 0 } } },
      ]);
      const outputs = await slot.sequence.controlledEvaluate(inputs);
      const scored = tokens.map((token, i): TokenLogprob => {
        const next = outputs[i]?.next;
        const logit = next?.logits?.get(token);
        if (!next?.logits || logit === undefined || next.totalLogitWeight === undefined) throw new Error('llama.cpp returned no logits');
        const maxLogit = Math.max(...next.logits.values());
        const context = [...prompt, ...tokens.slice(0, i)];
        return { token: this.model.detokenize([token], false, context), logprob: logit - maxLogit - Math.log(next.totalLogitWeight) };
      });
      return { logprob: scored.reduce((sum, t) => sum + t.logprob, 0), tokens: scored };
    });
  }

  private logprobs(logits: [Token, number][], totalWeight: number, prompt: Token[]): TokenLogprob[] {
    const sorted = logits.sort((a, b) => b[1] - a[1]);
    const logNormalizer = (sorted[0]?.[1] ?? 0) + Math.log(totalWeight);
    return sorted.map(([token, logit]) => ({
      token: this.model.isSpecialToken(token) ? this.model.detokenize([token], true) : this.model.detokenize([token], false, prompt),
      logprob: logit - logNormalizer,
    }));
  }

  /** BOS (when the model wants one) + the prompt as plain text: special-token markup in task text stays text. */
  private promptTokens(prompt: string): Token[] {
    const bos = this.model.tokens.bos;
    const tokens = [...(this.model.tokens.shouldPrependBosToken && bos !== null ? [bos] : []), ...this.model.tokenize(prompt, false)];
    if (tokens.length === 0) throw new BackendError(`${this.name}: the prompt is empty; there is nothing to continue`, 'fatal');
    return tokens;
  }

  /**
   * Puts the prompt's prefix into the sequence and returns the last prompt token, which the caller
   * evaluates to get the logits. What the sequence already holds is reused up to the longest common
   * prefix: a task's verification prompts share the template and question and differ only in the
   * response, so most of each prompt is evaluated once per sequence instead of once per sample.
   */
  private async loadPrompt(slot: Slot, prompt: Token[], signal: AbortSignal): Promise<Token> {
    const { sequence } = slot;
    const prefix = prompt.slice(0, -1);
    const last = prompt[prompt.length - 1] as Token;
    const kept = slot.prefix === null ? 0 : commonPrefixLength(slot.prefix, prefix);
    slot.prefix = null;
    if (kept === 0) await sequence.clearHistory();
    else if (sequence.nextTokenIndex > kept) await sequence.eraseContextTokenRanges([{ start: kept, end: sequence.nextTokenIndex }]);
    // In batch-size chunks so that an abort is noticed during a long prompt too.
    const chunk = this.context.batchSize;
    for (let start = kept; start < prefix.length; start += chunk) {
      if (signal.aborted) throw abortReason(signal);
      await sequence.evaluateWithoutGeneratingNewTokens(prefix.slice(start, start + chunk));
    }
    slot.prefix = prefix;
    return last;
  }

  /** Aborts surface as the signal's reason; llama.cpp failures as non-retryable BackendErrors. */
  private async llamaCall<R>(signal: AbortSignal, run: () => Promise<R>): Promise<R> {
    try {
      return await run();
    } catch (error) {
      if (signal.aborted) throw abortReason(signal);
      if (error instanceof BackendError || error instanceof UserError) throw error;
      throw new BackendError(`llama.cpp failed on ${this.name}: ${messageOf(error)}`, 'fatal');
    }
  }
}

interface LinkedAbort {
  signal: AbortSignal;
  abort(reason: unknown): void;
  unlink(): void;
}

/** An abort controller that also fires when any parent signal does. */
function linkedAbort(parents: (AbortSignal | undefined)[]): LinkedAbort {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal); // every sample waiting for a sequence listens
  const listeners: [AbortSignal, () => void][] = [];
  for (const parent of parents) {
    if (!parent) continue;
    if (parent.aborted) {
      controller.abort(abortReason(parent));
      break;
    }
    const onAbort = (): void => controller.abort(abortReason(parent));
    parent.addEventListener('abort', onAbort, { once: true });
    listeners.push([parent, onAbort]);
  }
  return {
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    unlink: () => {
      for (const [parent, onAbort] of listeners) parent.removeEventListener('abort', onAbort);
    },
  };
}

function firstStopIndex(text: string, stops: readonly string[]): number {
  let first = -1;
  for (const stop of stops) {
    const index = text.indexOf(stop);
    if (index >= 0 && (first < 0 || index < first)) first = index;
  }
  return first;
}

function commonPrefixLength(a: readonly Token[], b: readonly Token[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/** llama.cpp seeds are unsigned 32-bit; seed + i wraps instead of saturating. */
function uint32(seed: number): number {
  return ((seed % 2 ** 32) + 2 ** 32) % 2 ** 32;
}

function checkSampling(req: SamplingParams): void {
  const bad = (what: string): never => {
    throw new BackendError(`invalid llama sampling parameter: ${what}`, 'fatal');
  };
  if (!Number.isFinite(req.temperature) || req.temperature < 0) bad(`temperature ${req.temperature} (want >= 0)`);
  if (!Number.isFinite(req.topP) || req.topP <= 0 || req.topP > 1) bad(`topP ${req.topP} (want 0 < topP <= 1)`);
  checkRequestCount(req.maxTokens, 'maxTokens', 1);
  if (req.seed !== undefined && !Number.isSafeInteger(req.seed)) bad(`seed ${req.seed} (want an integer)`);
  if (req.stop !== undefined && !(Array.isArray(req.stop) && req.stop.every((s) => typeof s === 'string'))) bad('stop (want an array of strings)');
}

function checkRequestCount(value: number, name: string, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) throw new BackendError(`invalid llama request: ${name} ${value} (want an integer >= ${min})`, 'fatal');
  return value;
}

function checkCount(value: number, name: string, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) throw new UserError(`llama backend option ${name} must be an integer >= ${min}, got ${value}`);
  return value;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
