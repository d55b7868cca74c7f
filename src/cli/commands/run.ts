// gaplens run: a gap check end to end, or --resume of an interrupted one.
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { formatFilter, parseFilter } from '../../core/filter/parse';
import { canonicalModelSpec, checkModelFile, parseModelSpec } from '../../core/llm/modelSpec';
import { expectedRecords, type RecordEvent } from '../../core/pipeline/gapCheck';
import { RunController, type OpenRequest } from '../../core/pipeline/runController';
import { conflictingSettings, type ResultSetting } from '../../core/pipeline/resumeOptions';
import type { PreparedRun } from '../../core/pipeline/runSession';
import { loadTemplates } from '../../core/prompts/load';
import { sampleKey } from '../../core/runs/sampleKey';
import type { RunConfig } from '../../core/runs/records';
import { readManifest } from '../../core/runs/runStore';
import { gapText, LiveGap, type GapInput } from '../../core/pipeline/liveGap';
import { UserError } from '../../core/util/errors';
import { parseVerifierList } from '../../core/verify/index';
import { flag, numberOpt, requiredString, stringOpt, type RawValues } from '../options';
import { keyLookup } from '../apiKey';
import { driveRun } from '../driveRun';
import { say } from '../terminalText';
import { EXECUTION_OPTIONS, executionSettings } from '../runFlags';
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
  api: { type: 'string' },
  temperature: { type: 'string' },
  'top-p': { type: 'string' },
  'max-tokens': { type: 'string' },
  'verifier-temperature': { type: 'string' },
  'verifier-max-tokens': { type: 'string' },
  seed: { type: 'string' },
  templates: { type: 'string' },
  'runs-dir': { type: 'string' },
  'tournament-both-orders': { type: 'boolean' },
  json: { type: 'boolean' },
  ...EXECUTION_OPTIONS,
} as const;

/** The flag of each setting that decides what a run produces (run.json `config`). */
const SETTING_FLAGS: Record<ResultSetting, string> = {
  tasks: 'tasks',
  limit: 'limit',
  model: 'model',
  api: 'api',
  n: 'n',
  verifiers: 'verifier',
  filter: 'filter',
  temperature: 'temperature',
  topP: 'top-p',
  maxTokens: 'max-tokens',
  verifierTemperature: 'verifier-temperature',
  verifierMaxTokens: 'verifier-max-tokens',
  seed: 'seed',
  templates: 'templates',
  tournamentBothOrders: 'tournament-both-orders',
};

export async function runCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
  const v = values as RawValues;
  // Every flag is checked before a run folder is created or locked: a usage error leaves nothing behind.
  const resumeDir = stringOpt(v, 'resume');
  const request: OpenRequest = resumeDir !== undefined ? await resumeRequest(resumeDir, v) : newRunRequest(v);
  const config = request.kind === 'new' ? request.config : (await readManifest(resumeDir as string)).config;
  // A resume's --model names the run's model (checked above), perhaps served by other endpoints:
  // this execution calls those; run.json keeps the spec the run was started with.
  const given = stringOpt(v, 'model');
  const servedBy = request.kind === 'resume' && given !== undefined ? canonicalModelSpec(given) : undefined;
  const keyFor = keyLookup([servedBy ?? config.model], namedModels(v), `${resumeDir ?? '.'}/run.json`);
  const execution = { ...executionSettings(v, config.concurrency), keyFor, ...(servedBy !== undefined ? { servedBy: [servedBy] } : {}) };

  const controller = await RunController.open(request, { by: 'gaplens run', onWarning: say });
  const { prepared } = controller;
  if (request.kind === 'new') say(`run folder ${prepared.dir}`);
  const live = liveStats(prepared);
  const result = await driveRun(controller, {
    activity: 'gap check',
    total: expectedRecords(prepared.tasks.length, prepared.config.n, prepared.config.verifiers.length),
    done: live.records,
    counts: () => true,
    execution,
    onEvent: (event) => live.add(event),
    summary: () => live.summary(),
  });
  const code = await printRunReport(prepared.dir, { json: flag(v, 'json'), warn: say });
  return result.complete ? code : 1;
}

function newRunRequest(v: RawValues): OpenRequest {
  const config = configFrom(v);
  return { kind: 'new', config, options: { ...outOpt(v), runsRoot: stringOpt(v, 'runs-dir') ?? join('.gaplens', 'runs') } };
}

/**
 * A resume continues the run as it was started: a flag that would change what it produces is
 * refused (exit 2) with the differences and the command that does what the user may have meant.
 */
async function resumeRequest(dir: string, v: RawValues): Promise<OpenRequest> {
  const misplaced = ['out', 'runs-dir'].filter((name) => stringOpt(v, name) !== undefined);
  if (misplaced.length > 0) throw new UserError(`${misplaced.map((m) => `--${m}`).join(' and ')} cannot be used with --resume: the run stays in ${dir}`, 2);
  const { config } = await readManifest(dir);
  const conflicts = conflictingSettings(config, givenSettings(v));
  if (conflicts.length === 0) return { kind: 'resume', dir };
  const lines = conflicts.map((c) => `  --${SETTING_FLAGS[c.setting]} ${c.given} (the run has ${c.stored})`);
  const given = givenSettings(v);
  const otherModel = conflicts.some((c) => c.setting === 'model') ? ` --model ${stringOpt(v, 'model') ?? ''}` : '';
  const added = conflicts.some((c) => c.setting === 'verifiers')
    ? [
        `To add verifiers to this run without new sampling${otherModel ? ', run by that model' : ''}: ` +
          `gaplens reverify ${dir} --verifier ${(given.verifiers ?? []).filter((x) => !config.verifiers.includes(x)).join(',') || '…'}${otherModel}`,
      ]
    : [];
  throw new UserError(
    [`--resume continues ${dir} with the settings it was started with, and these differ:`, ...lines, ...added,
      'For other settings start a new run (gaplens run without --resume); concurrency, timeouts, retries, threads and the cache may change on a resume.'].join('\n'),
    2,
  );
}

/** The model specs the user named in this invocation: the endpoints an API key may go to. */
function namedModels(v: RawValues): string[] {
  const model = stringOpt(v, 'model');
  return model === undefined ? [] : [model];
}

/** The result settings given as flags, parsed and checked, without defaults. */
function givenSettings(v: RawValues): Partial<Pick<RunConfig, ResultSetting>> {
  const has = (name: string): boolean => v[name] !== undefined;
  const given: Partial<Pick<RunConfig, ResultSetting>> = {};
  const model = stringOpt(v, 'model');
  if (model !== undefined) given.model = canonicalModelSpec(model);
  const tasks = stringOpt(v, 'tasks');
  if (tasks !== undefined) given.tasks = tasks.startsWith('builtin:') ? tasks : resolve(tasks);
  if (has('limit')) given.limit = numberOpt(v, 'limit', 0, { integer: true, min: 1 });
  if (has('verifier')) given.verifiers = parseVerifierList(stringOpt(v, 'verifier') as string);
  const filter = stringOpt(v, 'filter');
  if (filter !== undefined) given.filter = formatFilter(parseFilter(filter));
  const api = stringOpt(v, 'api');
  if (api !== undefined) {
    if (api !== 'chat' && api !== 'completions') throw new UserError(`--api '${api}' is not valid: use chat or completions`, 2);
    given.api = api;
  }
  if (has('n')) given.n = numberOpt(v, 'n', 0, { integer: true, min: 1, max: 100000 });
  if (has('temperature')) given.temperature = numberOpt(v, 'temperature', 0, { min: 0, max: 5 });
  if (has('top-p')) {
    given.topP = numberOpt(v, 'top-p', 0, { min: 0, max: 1 });
    if (given.topP === 0) throw new UserError(`--top-p 0 keeps no tokens: use a value in (0, 1]`, 2);
  }
  if (has('max-tokens')) given.maxTokens = numberOpt(v, 'max-tokens', 0, { integer: true, min: 1 });
  if (has('verifier-temperature')) given.verifierTemperature = numberOpt(v, 'verifier-temperature', 0, { min: 0, max: 5 });
  if (has('verifier-max-tokens')) given.verifierMaxTokens = numberOpt(v, 'verifier-max-tokens', 0, { integer: true, min: 1 });
  if (has('seed')) given.seed = numberOpt(v, 'seed', 0, { integer: true, min: 0 });
  const templates = stringOpt(v, 'templates');
  if (templates !== undefined) given.templates = resolve(templates);
  if (flag(v, 'tournament-both-orders')) given.tournamentBothOrders = true;
  return given;
}

/** A new run's configuration: the given settings over the defaults, every one checked. */
function configFrom(v: RawValues): RunConfig {
  const given = givenSettings(v);
  const model = given.model ?? requiredString(v, 'model', 'the model to check, e.g. llama:PATH.gguf or openai:MODEL@URL');
  checkModelFile(model);
  const api = given.api ?? 'completions';
  if (parseModelSpec(model).backend === 'llama' && api === 'chat') throw new UserError('--api chat applies to openai: models; the embedded llama backend completes raw text', 2);
  if (given.templates !== undefined) checkTemplatesFlag(given.templates);
  return {
    tasks: given.tasks ?? requiredString(v, 'tasks', 'builtin:sudoku4x4, builtin:arithmetic or a task file'),
    ...(given.limit !== undefined ? { limit: given.limit } : {}),
    model,
    api,
    n: given.n ?? 8,
    verifiers: given.verifiers ?? ['mc'],
    filter: given.filter ?? 'quantile:0.8',
    temperature: given.temperature ?? 0.7,
    topP: given.topP ?? 0.9,
    maxTokens: given.maxTokens ?? 512,
    verifierTemperature: given.verifierTemperature ?? 0.7,
    verifierMaxTokens: given.verifierMaxTokens ?? 512,
    seed: given.seed ?? 0,
    concurrency: numberOpt(v, 'concurrency', 8, { integer: true, min: 1, max: 4096 }),
    ...(given.templates !== undefined ? { templates: given.templates } : {}),
    ...(given.tournamentBothOrders ? { tournamentBothOrders: true } : {}),
  };
}

/** A --templates folder that cannot be loaded is a usage error (exit 2), like any flag that cannot work. */
function checkTemplatesFlag(dir: string): void {
  try {
    loadTemplates(dir);
  } catch (err) {
    if (err instanceof UserError) throw new UserError(`--templates: ${err.message}`, 2);
    throw err;
  }
}

function outOpt(v: RawValues): { out?: string } {
  const out = stringOpt(v, 'out');
  return out ? { out } : {};
}

/** Running gap statistics for the progress line, fed by the records as they stream in. */
function liveStats(prepared: PreparedRun) {
  const live = new LiveGap(prepared.config.verifiers[0] ?? 'mc', prepared.config.filter);
  const samples = new Map<string, GapInput>();
  let records = 0;
  const add = (event: RecordEvent): void => {
    if (event.type === 'failure') return;
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
