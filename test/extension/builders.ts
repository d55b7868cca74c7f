// Typed builders of run records for the extension's tests.
import type { CallFailureKind, FailureRecord, GenerationRecord, RunConfig, RunManifest, VerificationRecord } from '../../src/core/runs/records';
import type { Task } from '../../src/core/tasks/task';

export const AT = '2026-11-24T08:15:03.000Z';

export function task(id: string, answer: string | string[], grader: Task['grader'] = 'numeric'): Task {
  return { id, question: `question ${id}?`, answer, grader };
}

export function config(overrides: Partial<RunConfig> = {}): RunConfig {
  return {
    tasks: '/w/set.tasks.jsonl',
    model: 'openai:Qwen/Qwen2.5-7B@http://127.0.0.1:8000/v1',
    api: 'completions',
    n: 2,
    verifiers: ['mc'],
    filter: 'quantile:0.5',
    temperature: 0.7,
    topP: 0.9,
    maxTokens: 64,
    verifierTemperature: 0.7,
    verifierMaxTokens: 64,
    seed: 0,
    concurrency: 2,
    ...overrides,
  };
}

export function manifest(overrides: Partial<RunManifest> = {}): RunManifest {
  return { schema: 1, id: 'run-1', createdAt: AT, config: config(), versions: { gaplens: 'test' }, templates: {}, tasksSha256: '0'.repeat(64), ...overrides };
}

export function generation(taskId: string, index: number, text: string, correct: boolean, normalized: string | null = text): GenerationRecord {
  return {
    v: 1,
    type: 'generation',
    task: taskId,
    index,
    seed: index,
    text,
    finishReason: 'stop',
    usage: { promptTokens: 10, completionTokens: 5 },
    grade: { correct, extracted: normalized, normalized, reason: correct ? 'matches' : 'differs' },
    at: AT,
  };
}

export function verification(taskId: string, index: number, verifier: string, score: number | null): VerificationRecord {
  return {
    v: 1,
    type: 'verification',
    task: taskId,
    index,
    verifier,
    score,
    parse: score === null ? 'failed' : 'ok',
    ...(score === null ? { parseError: 'no score found' } : {}),
    prompt: `verify ${taskId}#${index}`,
    raw: score === null ? 'garbage' : `score ${score}`,
    at: AT,
  };
}

export function failure(taskId: string, index: number, stage: string, kind: CallFailureKind): FailureRecord {
  return { v: 1, type: 'failure', task: taskId, index, stage, kind, message: `http://127.0.0.1:8000/v1: ${kind} on ${taskId}#${index}`, at: AT };
}
