// The options of `run` and `reverify` that only decide how a run executes (how fast, how patient,
// where answers are cached), not what it produces: both commands take them, and `run --resume`
// may change them. Each is validated before anything is created or read.
import { cacheLimitFromEnv, defaultCapabilityCacheDir, defaultResponseCacheDir, MIB, parseCacheMaxMb } from '../core/util/cacheDir';
import type { ExecuteOptions } from '../core/pipeline/runController';
import type { CapabilityOptions } from '../core/pipeline/runCapabilities';
import { UserError } from '../core/util/errors';
import { EXECUTOR_OPTIONS } from './executorFlags';
import { flag, numberOpt, stringOpt, type RawValues } from './options';

export const EXECUTION_OPTIONS = {
  concurrency: { type: 'string' },
  'fixed-concurrency': { type: 'boolean' },
  cache: { type: 'string' },
  'no-cache': { type: 'boolean' },
  'cache-max-mb': { type: 'string' },
  'timeout-ms': { type: 'string' },
  retries: { type: 'string' },
  threads: { type: 'string' },
  'context-size': { type: 'string' },
  'max-answer-mb': { type: 'string' },
  'refresh-capabilities': { type: 'boolean' },
  'cost-limit': { type: 'string' },
  ...EXECUTOR_OPTIONS,
} as const;

export type ExecutionSettings = Pick<ExecuteOptions, 'concurrency' | 'fixedConcurrency' | 'cacheDir' | 'cacheMaxBytes' | 'timeoutMs' | 'maxRetries' | 'threads' | 'contextSize' | 'maxAnswerBytes' | 'costLimit'>;

/** The execution settings given as flags; `concurrency` falls back to the run's own. */
export function executionSettings(v: RawValues, runConcurrency: number): ExecutionSettings {
  const optional = (name: string, check: { min: number; max?: number }): number | undefined =>
    stringOpt(v, name) === undefined ? undefined : numberOpt(v, name, 0, { integer: true, ...check });
  const timeoutMs = optional('timeout-ms', { min: 1 });
  const maxRetries = optional('retries', { min: 0, max: 100 });
  const threads = optional('threads', { min: 1, max: 1024 });
  const contextSize = optional('context-size', { min: 256 });
  const maxAnswerMb = optional('max-answer-mb', { min: 1, max: 1024 });
  const cacheMaxMb = stringOpt(v, 'cache-max-mb');
  const costLimit = stringOpt(v, 'cost-limit') === undefined ? undefined : numberOpt(v, 'cost-limit', 0, { min: 0 });
  if (costLimit === 0) throw new UserError('--cost-limit 0 allows no call: give the most this execution may spend, in the currency of the pricing file', 2);
  return {
    concurrency: numberOpt(v, 'concurrency', runConcurrency, { integer: true, min: 1, max: 4096 }),
    ...(flag(v, 'fixed-concurrency') ? { fixedConcurrency: true } : {}),
    cacheDir: flag(v, 'no-cache') ? null : (stringOpt(v, 'cache') ?? defaultResponseCacheDir()),
    cacheMaxBytes: cacheMaxMb === undefined ? cacheLimitFromEnv() : parseCacheMaxMb(cacheMaxMb, '--cache-max-mb') * MIB,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(maxRetries !== undefined ? { maxRetries } : {}),
    ...(threads !== undefined ? { threads } : {}),
    ...(contextSize !== undefined ? { contextSize } : {}),
    ...(maxAnswerMb !== undefined ? { maxAnswerBytes: maxAnswerMb * 1024 * 1024 } : {}),
    ...(costLimit !== undefined ? { costLimit } : {}),
  };
}

/**
 * How the run's endpoints are probed before its first call: through the capability cache unless
 * --no-cache (then neither read nor written), anew with --refresh-capabilities, with the run's
 * timeout and answer cap.
 */
export function capabilitySettings(v: RawValues, execution: ExecutionSettings & Pick<ExecuteOptions, 'keyFor' | 'servedBy'>): CapabilityOptions {
  return {
    cacheDir: execution.cacheDir === null ? null : defaultCapabilityCacheDir(),
    refresh: flag(v, 'refresh-capabilities'),
    ...(execution.keyFor ? { keyFor: execution.keyFor } : {}),
    ...(execution.servedBy ? { servedBy: execution.servedBy } : {}),
    ...(execution.timeoutMs !== undefined ? { timeoutMs: execution.timeoutMs } : {}),
    ...(execution.maxAnswerBytes !== undefined ? { maxAnswerBytes: execution.maxAnswerBytes } : {}),
  };
}
