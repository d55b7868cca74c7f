// gaplens run: a gap check end to end, or --resume of an interrupted one.
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { parseFilter } from '../../core/filter/parse';
import { parseModelSpec } from '../../core/llm/modelSpec';
import { defaultResponseCacheDir } from '../../core/util/cacheDir';
import { expectedRecords, type GapCheckEvent } from '../../core/pipeline/gapCheck';
import { sampleKey } from '../../core/runs/sampleKey';
import { executeRun, prepareNewRun, prepareResume, type PreparedRun } from '../../core/pipeline/runSession';
import type { RunConfig } from '../../core/runs/records';
import { gapText, LiveGap, type GapInput } from '../../core/pipeline/liveGap';
import { UserError } from '../../core/util/errors';
import { BackendError } from '../../core/llm/backend';
import { parseVerifierList } from '../../core/verify/index';
import type { BaseVerifierName } from '../../core/verify/verifier';
import { flag, numberOpt, requiredString, stringOpt, type RawValues } from '../options';
import { createProgress } from '../progress';
import { printRunReport } from './report';

const OPTIONS = {
  tasks: { type: 'string' },
  limit: { type: 'string' },
  model: { type: 'string' },
  n: { type: 'string', short: 'n' },
  verifier: { type: 'string' },
  filter: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'string' },
  concurrency: { type: 'string' },
  api: { type: 'string' },
  temperature: { type: 'string' },
  'top-p': { type: 'string' },
  'max-tokens': { type: 'string' },
  'verifier-temperature': { type: 'string' },
  'verifier-max-tokens': { type: 'string' },
  seed: { type: 'string' },
  templates: { type: 'string' },
  cache: { type: 'string' },
  'no-cache': { type: 'boolean' },
  'timeout-ms': { type: 'string' },
  retries: { type: 'string' },
  threads: { type: 'string' },
  'context-size': { type: 'string' },
  'runs-dir': { type: 'string' },
  'tournament-both-orders': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

export async function runCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
  const v = values as RawValues;
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  const progressOut = createProgress(0, '');
  const warn = (m: string): void => progressOut.log(`gaplens: ${m}`);
  try {
    const resumeDir = stringOpt(v, 'resume');
    const prepared = resumeDir ? await prepareResume(resumeDir, warn) : await prepareNewRun(configFrom(v), { ...outOpt(v), runsRoot: stringOpt(v, 'runs-dir') ?? join('.gaplens', 'runs') });
    if (!resumeDir) warn(`run folder ${prepared.dir}`);
    const concurrency = numberOpt(v, 'concurrency', prepared.config.concurrency, { integer: true, min: 1, max: 4096 });
    const verifiers = prepared.config.verifiers as BaseVerifierName[];
    const live = liveStats(prepared);
    const total = expectedRecords(prepared.tasks.length, prepared.config.n, verifiers.length);
    const progress = createProgress(total, 'gap check');
    let done = live.records;
    try {
      const { accounting } = await executeRun(prepared, {
        verifiers,
        concurrency,
        cacheDir: flag(v, 'no-cache') ? null : (stringOpt(v, 'cache') ?? defaultResponseCacheDir()),
        ...apiKey(),
        ...(stringOpt(v, 'timeout-ms') ? { timeoutMs: numberOpt(v, 'timeout-ms', 0, { integer: true, min: 1 }) } : {}),
        ...(stringOpt(v, 'retries') ? { maxRetries: numberOpt(v, 'retries', 0, { integer: true, min: 0 }) } : {}),
        ...(stringOpt(v, 'threads') ? { threads: numberOpt(v, 'threads', 0, { integer: true, min: 1, max: 1024 }) } : {}),
        ...(stringOpt(v, 'context-size') ? { contextSize: numberOpt(v, 'context-size', 0, { integer: true, min: 256 }) } : {}),
        onEvent: (event) => {
          if (event.type === 'task-done') return;
          done++;
          live.add(event);
          progress.update(done, live.summary());
        },
        onMessage: (m) => progress.log(`gaplens: ${m}`),
        onDownloadProgress: (got, size) => progress.log(`downloading model: ${Math.round((100 * got) / Math.max(size, 1))}%`),
        signal: controller.signal,
      });
      progress.done();
      warn(`${accounting.requests} model calls, ${accounting.cacheHits} from cache, ${accounting.retries} retries, ` + `${accounting.promptTokens} prompt + ${accounting.completionTokens} completion tokens`);
    } catch (err) {
      progress.done();
      const resumeHint = `everything finished so far is saved in ${prepared.dir}; continue with: gaplens run --resume ${prepared.dir}`;
      if (controller.signal.aborted) throw new UserError(`interrupted; ${resumeHint}`);
      if (err instanceof BackendError || err instanceof UserError) throw new UserError(`${err.message}\n${resumeHint}`);
      throw err;
    }
    return printRunReport(prepared.dir, { json: flag(v, 'json'), warn });
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function configFrom(v: RawValues): RunConfig {
  const model = requiredString(v, 'model', 'the model to check, e.g. llama:PATH.gguf or openai:MODEL@URL');
  const spec = parseModelSpec(model);
  const verifiers = parseVerifierList(stringOpt(v, 'verifier') ?? 'mc');
  const filter = stringOpt(v, 'filter') ?? 'quantile:0.8';
  parseFilter(filter);
  const api = stringOpt(v, 'api') ?? 'completions';
  if (api !== 'chat' && api !== 'completions') throw new UserError(`--api '${api}' is not valid: use chat or completions`, 2);
  if (spec.backend === 'llama' && api === 'chat') throw new UserError('--api chat applies to openai: models; the embedded llama backend completes raw text', 2);
  const limit = stringOpt(v, 'limit') ? numberOpt(v, 'limit', 0, { integer: true, min: 1 }) : undefined;
  const templates = stringOpt(v, 'templates');
  const topP = numberOpt(v, 'top-p', 0.9, { min: 0, max: 1 });
  if (topP === 0) throw new UserError(`--top-p 0 keeps no tokens: use a value in (0, 1]`, 2);
  return {
    tasks: requiredString(v, 'tasks', 'builtin:sudoku4x4, builtin:arithmetic or a task file'),
    ...(limit !== undefined ? { limit } : {}),
    model,
    api,
    n: numberOpt(v, 'n', 8, { integer: true, min: 1, max: 100000 }),
    verifiers,
    filter,
    temperature: numberOpt(v, 'temperature', 0.7, { min: 0, max: 5 }),
    topP,
    maxTokens: numberOpt(v, 'max-tokens', 512, { integer: true, min: 1 }),
    verifierTemperature: numberOpt(v, 'verifier-temperature', 0.7, { min: 0, max: 5 }),
    verifierMaxTokens: numberOpt(v, 'verifier-max-tokens', 512, { integer: true, min: 1 }),
    seed: numberOpt(v, 'seed', 0, { integer: true, min: 0 }),
    concurrency: numberOpt(v, 'concurrency', 8, { integer: true, min: 1, max: 4096 }),
    ...(templates ? { templates } : {}),
    ...(flag(v, 'tournament-both-orders') ? { tournamentBothOrders: true } : {}),
  };
}

function outOpt(v: RawValues): { out?: string } {
  const out = stringOpt(v, 'out');
  return out ? { out } : {};
}

function apiKey(): { apiKey?: string } {
  const key = process.env.GAPLENS_API_KEY ?? process.env.OPENAI_API_KEY;
  return key ? { apiKey: key } : {};
}

/** Running gap statistics for the progress line, fed by the records as they stream in. */
function liveStats(prepared: PreparedRun) {
  const live = new LiveGap(prepared.config.verifiers[0] ?? 'mc', prepared.config.filter);
  const samples = new Map<string, GapInput>();
  let records = 0;
  const add = (event: Exclude<GapCheckEvent, { type: 'task-done' }>): void => {
    const r = event.record;
    const key = sampleKey(r.task, r.index);
    const s = samples.get(key) ?? { task: r.task, index: r.index, correct: null, scores: {} };
    const next: GapInput = r.type === 'generation' ? { ...s, correct: r.grade.correct, answer: r.grade.normalized } : { ...s, scores: { ...s.scores, [r.verifier]: r.score } };
    samples.set(key, next);
    live.update(next);
  };
  for (const g of prepared.existing?.generations.values() ?? []) {
    add({ type: 'generation', record: g });
    records++;
  }
  for (const byVerifier of prepared.existing?.verifications.values() ?? []) {
    for (const r of byVerifier.values()) {
      add({ type: 'verification', record: r });
      records++;
    }
  }
  return {
    records,
    add,
    summary(): string {
      const reading = live.reading();
      return reading.state === 'pending' ? '' : `acc ${(reading.accuracy * 100).toFixed(1)}%  ${gapText(reading)}`;
    },
  };
}
