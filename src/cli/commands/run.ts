// gaplens run: a gap check end to end, or --resume of an interrupted one.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { reportSelector, RUN_DEFAULTS } from '../../core/config/runRules';
import { DEFAULT_RUNS_FOLDER } from '../../core/config/runsRoot';
import { formatFilter, parseFilter } from '../../core/filter/parse';
import { canonicalModelSpec, checkModelFile, parseModelSpec } from '../../core/llm/modelSpec';
import { expectedRecords, type RecordEvent } from '../../core/pipeline/gapCheck';
import { RunController, type OpenRequest } from '../../core/pipeline/runController';
import { conflictingSettings, type ResultSetting, type ResultSettings } from '../../core/pipeline/resumeOptions';
import { loadRunTasks, prepareResume, recordsOnFile, runModels, type PreparedRun } from '../../core/pipeline/runSession';
import { ExecutionRecords } from '../../core/pipeline/executionRecords';
import type { EstimateInput } from '../../core/cost/estimate';
import { atBatchPrices, readPricing, type Pricing } from '../../core/cost/pricing';
import { loadTemplates } from '../../core/prompts/load';
import type { RunConfig } from '../../core/runs/records';
import { readManifest } from '../../core/runs/runStore';
import { readLineage } from '../../core/runs/lineage';
import { gapText, LiveRecordGap } from '../../core/pipeline/liveGap';
import { formatPercent } from '../../core/report/numbers';
import { UserError } from '../../core/util/errors';
import { baseVerifierOf, parseVerifierList, runVerifications, verifiersRunBy } from '../../core/verify/index';
import type { BaseVerifierName } from '../../core/verify/verifier';
import { MAX_VERIFICATIONS } from '../../core/verify/draws';
import { runVerifierModel } from '../../core/runs/verifierModels';
import { flag, numberOpt, requiredString, stringOpt, type RawValues } from '../options';
import { keyLookup, type KeyedModel } from '../apiKey';
import { driveRun, type DriveOptions, type DriveResult } from '../driveRun';
import type { Executor } from '../../core/pipeline/executor';
import { say } from '../terminalText';
import { capabilitySettings, EXECUTION_OPTIONS, executionSettings } from '../runFlags';
import { checkBatchEndpoints, checkLiveBatches, executorFor, executorSettings } from '../executorFlags';
import { batchNextStep } from './batch';
import { checkCostLimit, printEstimate } from '../runCost';
import { printRunReport } from './report';

const OPTIONS = {
  tasks: { type: 'string' },
  limit: { type: 'string' },
  model: { type: 'string' },
  n: { type: 'string', short: 'n' },
  verifier: { type: 'string' },
  'verifier-model': { type: 'string' },
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
  lineage: { type: 'string' },
  'tournament-both-orders': { type: 'boolean' },
  verifications: { type: 'string' },
  json: { type: 'boolean' },
  estimate: { type: 'boolean' },
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
  verifierModel: 'verifier-model',
  filter: 'filter',
  temperature: 'temperature',
  topP: 'top-p',
  maxTokens: 'max-tokens',
  verifierTemperature: 'verifier-temperature',
  verifierMaxTokens: 'verifier-max-tokens',
  seed: 'seed',
  templates: 'templates',
  tournamentBothOrders: 'tournament-both-orders',
  verifications: 'verifications',
};

export async function runCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
  const v = values as RawValues;
  // Every flag is checked before a run folder is created or locked: a usage error leaves nothing behind.
  const resumeDir = stringOpt(v, 'resume');
  const request: OpenRequest = resumeDir !== undefined ? await resumeRequest(resumeDir, v) : await newRunRequest(v);
  const config = request.kind === 'new' ? request.config : (await readManifest(resumeDir as string)).config;
  const pricing = readPricing();
  const settings = executionSettings(v, config.concurrency);
  const executor = executorSettings(v, settings.costLimit);
  checkCostLimit(pricing, runModels(config), settings.costLimit);
  // What the run's calls will cost: through the batch API at the file's batch prices.
  const prices = executor.kind === 'batch' ? atBatchPrices(pricing) : pricing;
  if (flag(v, 'estimate')) {
    // Nothing is created, locked, repaired or asked (no endpoint is probed either): the tasks and templates are only read.
    const plan = request.kind === 'new'
      ? { config, tasks: await loadRunTasks(config), templates: loadTemplates(config.templates), existing: null }
      : await resumePlan(resumeDir as string);
    printEstimate({ ...plan, verifiers: plan.config.verifiers }, prices, flag(v, 'json'));
    return 0;
  }
  if (resumeDir !== undefined) await checkLiveBatches(resumeDir, executor.kind);
  // A resume's --model names the run's model (checked above), perhaps served by other endpoints:
  // this execution calls those; run.json keeps the spec the run was started with.
  const given = stringOpt(v, 'model');
  const servedBy = request.kind === 'resume' && given !== undefined ? canonicalModelSpec(given) : undefined;
  checkBatchEndpoints(executor.kind, modelsOf(config, servedBy).map((m) => m.model));
  const keyFor = keyLookup(modelsOf(config, servedBy), namedModels(v), `${resumeDir ?? '.'}/run.json`);
  // A batch execution's spend is what its batches cost, said with its progress (docs/batch.md).
  const execution = { ...settings, keyFor, ...(executor.kind === 'online' ? { pricing } : {}), ...(servedBy !== undefined ? { servedBy: [servedBy] } : {}) };

  // Offline, no endpoint is reached: a resume words its requests as its last probe found.
  const capabilities = executor.kind === 'offline' ? 'recorded' : capabilitySettings(v, execution);
  const { dir, result } = await execute(await RunController.open(request, { by: 'gaplens run', onWarning: say, capabilities }), {
    announce: request.kind === 'new',
    prices,
    execution,
    resumeFlags: executor.kind === 'online' ? [] : ['--executor', executor.kind],
    executor: (folder, log) => executorFor(executor, { dir: folder, maxRetries: settings.maxRetries, keyFor, pricing }, log),
  });
  if ('waiting' in result) {
    say(await batchNextStep(dir));
    return 0;
  }
  const code = await printRunReport(dir, { json: flag(v, 'json'), warn: say });
  return result.complete ? code : 1;
}

/**
 * Executes an opened run with its estimate, progress and live statistics. A function of its own
 * so that what the folder held (its columns) is let go before the final report reads the run again.
 */
async function execute(
  controller: RunController,
  opts: Pick<DriveOptions, 'execution' | 'resumeFlags'> & { announce: boolean; prices: Pricing; executor: (dir: string, log: (m: string) => void) => Promise<Executor | undefined> },
): Promise<{ dir: string; result: DriveResult }> {
  const { prepared } = controller;
  if (opts.announce) say(`run folder ${prepared.dir}`);
  printEstimate({ ...prepared, existing: controller.records, verifiers: controller.verifiers }, opts.prices);
  const live = liveStats(prepared);
  const result = await driveRun(controller, {
    activity: 'gap check',
    total: expectedRecords(prepared.tasks.length, prepared.config.n, prepared.config),
    done: live.records,
    counts: () => true,
    execution: opts.execution,
    resumeFlags: opts.resumeFlags,
    executor: (log) => opts.executor(prepared.dir, log),
    onEvent: (event) => live.add(event),
    summary: () => live.summary(),
  });
  return { dir: prepared.dir, result };
}

async function newRunRequest(v: RawValues): Promise<OpenRequest> {
  const config = configFrom(v);
  const lineageFile = stringOpt(v, 'lineage');
  // Checked before the folder is created: an export that changed since it was written leaves nothing behind.
  const lineage = lineageFile === undefined ? undefined : await readLineage(lineageFile);
  return { kind: 'new', config, options: { ...outOpt(v), runsRoot: stringOpt(v, 'runs-dir') ?? DEFAULT_RUNS_FOLDER, ...(lineage ? { lineage } : {}) } };
}

/**
 * A resume continues the run as it was started: a flag that would change what it produces is
 * refused (exit 2) with the differences and the command that does what the user may have meant.
 */
async function resumeRequest(dir: string, v: RawValues): Promise<OpenRequest> {
  const misplaced = ['out', 'runs-dir'].filter((name) => stringOpt(v, name) !== undefined);
  if (misplaced.length > 0) throw new UserError(`${misplaced.map((m) => `--${m}`).join(' and ')} cannot be used with --resume: the run stays in ${dir}`, 2);
  if (stringOpt(v, 'lineage') !== undefined) throw new UserError(`--lineage cannot be used with --resume: a run's lineage is recorded when it is created (see ${dir}/run.json)`, 2);
  const { config } = await readManifest(dir);
  const given = givenSettings(v);
  const bases = givenVerifiers(v);
  // --verifier names verifiers as --verifier-model runs them, else as the run runs its own.
  const ownJudge = runVerifierModel(config) === config.model ? undefined : runVerifierModel(config);
  if (bases !== undefined) given.verifiers = verifiersRunBy(bases, given.model ?? config.model, given.verifierModel ?? ownJudge).verifiers;
  const k = givenVerifications(v);
  if (k !== undefined) given.verifications = runVerifications(given.verifiers ?? config.verifiers, k, given.verifierTemperature ?? config.verifierTemperature) ?? {};
  const conflicts = conflictingSettings(config, given);
  if (conflicts.length === 0) return { kind: 'resume', dir };
  const lines = conflicts.map((c) => `  --${SETTING_FLAGS[c.setting]} ${c.given} (the run has ${c.stored})`);
  const conflicting = (setting: ResultSetting): boolean => conflicts.some((c) => c.setting === setting);
  // Verifiers the run lacks, or another model to run them, is what a re-verify adds without new sampling.
  const otherModel = conflicting('verifierModel') ? stringOpt(v, 'verifier-model') : conflicting('model') ? stringOpt(v, 'model') : undefined;
  const added: string[] = [];
  if (conflicting('verifiers') || conflicting('verifierModel')) {
    const judge = otherModel ?? ownJudge;
    const wanted = bases ?? [...new Set(config.verifiers.map(baseVerifierOf))];
    const names = verifiersRunBy(wanted, config.model, judge).verifiers;
    const lacking = wanted.filter((_, i) => !config.verifiers.includes(names[i] as string));
    added.push(
      `To add verifiers to this run without new sampling${otherModel ? ', run by that model' : ''}: ` +
        `gaplens reverify ${dir} --verifier ${lacking.join(',') || '…'}${judge ? ` --model ${judge}` : ''}`,
    );
  }
  throw new UserError(
    [`--resume continues ${dir} with the settings it was started with, and these differ:`, ...lines, ...added,
      'For other settings start a new run (gaplens run without --resume); concurrency, timeouts, retries, threads, the cache, --refresh-capabilities and the cost limit may change on a resume.'].join('\n'),
    2,
  );
}

/** The model specs the user named in this invocation: the endpoints an API key may go to. */
function namedModels(v: RawValues): string[] {
  return ['model', 'verifier-model'].flatMap((name) => stringOpt(v, name) ?? []);
}

/**
 * Every model the run names, with the flag that names it on this command: its own (--model; at the
 * endpoints `servedBy` lists when a resume names them), the model its verifiers were started with
 * (--verifier-model), and any a re-verify added (which only the user's config can trust for a resume).
 */
function modelsOf(config: RunConfig, servedBy: string | undefined): KeyedModel[] {
  const judge = runVerifierModel(config);
  const judges = [...new Set(Object.values(config.verifierModels ?? {}))];
  return [{ model: servedBy ?? config.model, flag: '--model' }, ...judges.map((model) => (model === judge ? { model, flag: '--verifier-model' } : { model }))];
}

/** The base verifiers --verifier lists, checked; undefined when not given. */
function givenVerifiers(v: RawValues): BaseVerifierName[] | undefined {
  const list = stringOpt(v, 'verifier');
  return list === undefined ? undefined : parseVerifierList(list);
}

/** The result settings given as flags, parsed and checked, without defaults; `verifiers` needs the models, so callers add it. */
function givenSettings(v: RawValues): ResultSettings {
  const has = (name: string): boolean => v[name] !== undefined;
  const given: ResultSettings = {};
  const model = stringOpt(v, 'model');
  if (model !== undefined) given.model = canonicalModelSpec(model);
  const verifierModel = stringOpt(v, 'verifier-model');
  if (verifierModel !== undefined) {
    parseModelSpec(verifierModel, '--verifier-model');
    given.verifierModel = canonicalModelSpec(verifierModel);
  }
  const tasks = stringOpt(v, 'tasks');
  if (tasks !== undefined) given.tasks = tasks.startsWith('builtin:') ? tasks : resolve(tasks);
  if (has('limit')) given.limit = numberOpt(v, 'limit', 0, { integer: true, min: 1 });
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
  if (given.verifierModel !== undefined) checkModelFile(given.verifierModel, '--verifier-model');
  const api = given.api ?? 'completions';
  const judged = verifiersRunBy(givenVerifiers(v) ?? [...RUN_DEFAULTS.verifiers], model, given.verifierModel);
  const verifierTemperature = given.verifierTemperature ?? RUN_DEFAULTS.verifierTemperature;
  const verifications = runVerifications(judged.verifiers, givenVerifications(v) ?? 1, verifierTemperature);
  if (parseModelSpec(model).backend === 'llama' && api === 'chat') throw new UserError('--api chat applies to openai: models; the embedded llama backend completes raw text', 2);
  if (given.templates !== undefined) checkTemplatesFlag(given.templates);
  return {
    tasks: given.tasks ?? requiredString(v, 'tasks', 'builtin:sudoku4x4, builtin:arithmetic or a task file'),
    ...(given.limit !== undefined ? { limit: given.limit } : {}),
    model,
    api,
    n: given.n ?? RUN_DEFAULTS.n,
    ...judged,
    filter: given.filter ?? RUN_DEFAULTS.filter,
    temperature: given.temperature ?? RUN_DEFAULTS.temperature,
    topP: given.topP ?? RUN_DEFAULTS.topP,
    maxTokens: given.maxTokens ?? RUN_DEFAULTS.maxTokens,
    verifierTemperature,
    verifierMaxTokens: given.verifierMaxTokens ?? RUN_DEFAULTS.verifierMaxTokens,
    seed: given.seed ?? RUN_DEFAULTS.seed,
    concurrency: numberOpt(v, 'concurrency', RUN_DEFAULTS.concurrency, { integer: true, min: 1, max: 4096 }),
    ...(given.templates !== undefined ? { templates: given.templates } : {}),
    ...(given.tournamentBothOrders ? { tournamentBothOrders: true } : {}),
    ...(verifications !== undefined ? { verifications } : {}),
  };
}

/** --verifications K, checked as a number; undefined when not given. */
function givenVerifications(v: RawValues): number | undefined {
  return v['verifications'] === undefined ? undefined : numberOpt(v, 'verifications', 1, { integer: true, min: 1, max: MAX_VERIFICATIONS });
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

/** What a resume would do, read without repairing anything (no lock is held). */
async function resumePlan(dir: string): Promise<EstimateInput> {
  const prepared = await prepareResume(dir, say, { repair: false });
  return { ...prepared, existing: ExecutionRecords.forRun(prepared, prepared.config.verifiers), verifiers: prepared.config.verifiers };
}

/** Running gap statistics for the progress line, from what the folder held and the records as they stream in. */
function liveStats(prepared: PreparedRun) {
  const live = new LiveRecordGap(reportSelector(prepared.config), prepared.config.filter, prepared.config.verifications, prepared.config.n);
  if (prepared.columns) live.addColumns(prepared.columns);
  return {
    records: recordsOnFile(prepared).records,
    add: (event: RecordEvent): void => {
      if (event.type !== 'failure') live.add(event.record);
    },
    summary(): string {
      const reading = live.reading();
      return reading.state === 'pending' ? '' : `acc ${formatPercent(reading.accuracy)}  ${gapText(reading)}`;
    },
  };
}
