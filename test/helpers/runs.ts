// What the CLI tests of runs share: task files the fake server's answers suit, waiting for a live
// run to reach a point, reading what a run folder holds, and the checks every error message gets.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EndpointCapabilities } from '../../src/core/runs/endpointCapabilities';
import type { FakeAnswer, FakeRequest, LoggedRequest } from '../fixtures/openaiServer';

/**
 * `count` arithmetic tasks q0… whose gold answer is 42, which the fake server's default answer
 * gives ~60 % of the time. The question of task i starts with "Variant i:", so a server hook can
 * pick out one task's prompts.
 */
export function writeTasks(file: string, count: number): void {
  const lines = Array.from({ length: count }, (_, i) => JSON.stringify({ id: `q${i}`, question: `Variant ${i}: what is ${40 - i} + ${2 + i}?`, answer: '42', grader: 'numeric' }));
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** Whether a logged request to the fake server asks for a verification: the verify templates show the response as "Response:" (all but the tournament's). */
export function isVerificationRequest(req: LoggedRequest): boolean {
  const body = req.body as { prompt?: unknown } | undefined;
  return typeof body?.prompt === 'string' && body.prompt.includes('\nResponse: ');
}

/** Whether a logged request is the capability probe a run sends before its first call (openaiCapabilityProbe.ts). */
export function isProbeRequest(req: LoggedRequest): boolean {
  const body = req.body as { prompt?: unknown; messages?: { content?: unknown }[] } | undefined;
  const text = typeof body?.prompt === 'string' ? body.prompt : body?.messages?.[0]?.content;
  return text === 'Reply with one word: OK' || (typeof text === 'string' && text.startsWith('Judgement:'));
}

/** Whether a request to the fake server is about task `i` of writeTasks. */
export function isAboutTask(req: FakeRequest, i: number): boolean {
  return req.prompt.includes(`Variant ${i}:`);
}

/** Whether a request to the fake server is about any task of writeTasks: one of the run's own, not the capability probe before it. */
export function isTaskPrompt(req: FakeRequest): boolean {
  return req.prompt.includes('Variant ');
}

/**
 * A cot-score verification of a writeTasks task whose score follows the request's seed, so each draw
 * of a sample (`--verifications K`, its own seed) has its own; undefined for any other request.
 */
export function seededCotScore(req: FakeRequest): FakeAnswer | undefined {
  if (!isTaskPrompt(req) || !req.prompt.includes('\nResponse: ') || req.topLogprobs !== undefined) return undefined;
  return { text: ` Checked the steps.\nScore: ${1 + ((req.seed ?? 0) % 10)}` };
}

/** isTaskPrompt of a logged request. */
export function isTaskRequest(req: LoggedRequest): boolean {
  return JSON.stringify(req.body ?? {}).includes('Variant ');
}

/**
 * A fake-server hook that answers 401 (a fatal error) to every request of the run (not the
 * capability probe before it) from `from` on: how a test leaves a run unfinished, since a fatal
 * error ends a run cleanly with its lock released.
 */
export class FatalSwitch {
  /** The first request (the server's `seq`) that gets the 401; Infinity: none. */
  from = Infinity;
  readonly respond = (req: FakeRequest): FakeAnswer | undefined => (req.seq >= this.from && isTaskPrompt(req) ? { status: 401, message: 'Incorrect API key provided: x.' } : undefined);
}

/** Lines of a file so far, 0 when it does not exist yet. */
export function lineCount(file: string): number {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').length - 1 : 0;
}

export async function waitFor(condition: () => boolean, timeoutMs: number, what = 'the run to make progress'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface RawRecord {
  type: 'generation' | 'verification' | 'failure';
  task: string;
  index: number;
  verifier?: string;
  stage?: string;
  kind?: string;
}

/** Every complete line of a run's samples.jsonl, parsed (a torn last line is left out). */
export function readRecords(runDir: string): RawRecord[] {
  const text = readFileSync(join(runDir, 'samples.jsonl'), 'utf8');
  const lines = text.split('\n');
  lines.pop(); // the empty string after the last newline, or a torn last line
  return lines.filter((l) => l !== '').map((l) => JSON.parse(l) as RawRecord);
}

/** The records of a run by identity, asserting that none is there twice. */
export function assertNoDuplicates(records: RawRecord[]): void {
  const keys = records.filter((r) => r.type !== 'failure').map((r) => `${r.type}/${r.task}/${r.index}/${r.verifier ?? ''}`);
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const key of keys) {
    if (seen.has(key)) twice.push(key);
    seen.add(key);
  }
  assert.deepEqual(twice, [], 'records written twice');
}

/** Keeps only the generation records of a finished run, so that a resume has verifications to make. */
export function dropVerifications(runDir: string): void {
  const file = join(runDir, 'samples.jsonl');
  const kept = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '' && (JSON.parse(l) as RawRecord).type === 'generation');
  writeFileSync(file, `${kept.join('\n')}\n`);
}

type RunJson = { config: Record<string, unknown>; completedAt?: string; capabilities?: Record<string, EndpointCapabilities> };

export function readRunJson(runDir: string): RunJson {
  return JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as RunJson;
}

/**
 * An environment with no API key and a user config file that does not exist, so that neither the
 * developer's own key nor their trusted origins change what a test sees.
 */
export function cleanEnv(tmp: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { OPENAI_API_KEY: '', GAPLENS_API_KEY: '', GAPLENS_CONFIG: join(tmp, 'no-config.json'), ...extra };
}

/** What the user sees on stderr holds no stack trace, no "internal error" and no Node warning. */
export function assertCleanStderr(stderr: string): void {
  assert.doesNotMatch(stderr, /\n\s+at .+:\d+:\d+/, `stack trace in: ${stderr}`);
  assert.doesNotMatch(stderr, /internal error/, `internal error in: ${stderr}`);
  assert.doesNotMatch(stderr, /\(node:\d+\) \w*Warning/, `Node warning in: ${stderr}`);
}

/** The hint a run left unfinished must give. */
export function assertResumeHint(stderr: string, runDir: string): void {
  assert.ok(stderr.includes(`gaplens run --resume ${runDir}`), `no resume hint for ${runDir} in: ${stderr}`);
}

/**
 * A fake-server hook for rounds of self-improvement on writeTasks tasks, one fake model name per round:
 * a model answers choices 0 … k−1 of each generation request with the gold answer 42 and the rest with
 * 7 (k = correctOf4[model], 0 for any other model), so with n = 4 its accuracy is k/4; mc says
 * "Correct" with probability 0.9 after a right response and 0.1 after a wrong one.
 */
export function roundsResponder(correctOf4: Record<string, number>): (req: FakeRequest) => FakeAnswer | undefined {
  return (req) => {
    if (!isTaskPrompt(req)) return undefined;
    if (req.topLogprobs === undefined) return { text: `The answer is ${req.choiceIndex < (correctOf4[req.model] ?? 0) ? 42 : 7}.` };
    const pCorrect = req.prompt.slice(req.prompt.lastIndexOf('Response: ')).includes('answer is 42') ? 0.9 : 0.1;
    return { top: [{ token: ' Correct', logprob: Math.log(pCorrect) }, { token: ' Incorrect', logprob: Math.log(0.95 - pCorrect) }] };
  };
}

