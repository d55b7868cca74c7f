// gaplens reverify: new verifiers over a run's existing generations — no new sampling. With
// --model, another model verifies (cross-verification, the paper's gap(f, g)).
import { parseArgs } from 'node:util';
import { checkModelFile, canonicalModelSpec } from '../../core/llm/modelSpec';
import { atBatchPrices, readPricing } from '../../core/cost/pricing';
import { RunController } from '../../core/pipeline/runController';
import { readManifest } from '../../core/runs/runStore';
import { UserError } from '../../core/util/errors';
import { parseVerifierList } from '../../core/verify/index';
import { flag, numberOpt, requiredString, stringOpt, type RawValues } from '../options';
import { MAX_VERIFICATIONS, verificationsRefusal } from '../../core/verify/draws';
import { drawCount } from '../../core/runs/drawnScores';
import { keyLookup } from '../apiKey';
import { driveRun } from '../driveRun';
import { say } from '../terminalText';
import { capabilitySettings, EXECUTION_OPTIONS, executionSettings } from '../runFlags';
import { checkCostLimit, printEstimate } from '../runCost';
import { checkBatchEndpoints, checkLiveBatches, executorFor, executorSettings } from '../executorFlags';
import { batchNextStep } from './batch';
import { printRunReport } from './report';

const OPTIONS = {
  verifier: { type: 'string' },
  model: { type: 'string' },
  verifications: { type: 'string' },
  json: { type: 'boolean' },
  ...EXECUTION_OPTIONS,
} as const;

export async function reverifyCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
  const v = values as RawValues;
  if (positionals.length !== 1) throw new UserError('reverify takes one RUN_DIR', 2);
  const dir = positionals[0] as string;
  const verifiers = parseVerifierList(requiredString(v, 'verifier', 'the verifiers to add, e.g. cot-score,tournament'));
  const given = stringOpt(v, 'model');
  const model = given === undefined ? undefined : canonicalModelSpec(given);
  if (model !== undefined) checkModelFile(model);
  const { config } = await readManifest(dir);
  const draws = numberOpt(v, 'verifications', 1, { integer: true, min: 1, max: MAX_VERIFICATIONS });
  const refusal = verificationsRefusal(verifiers, draws, config.verifierTemperature);
  if (refusal !== null) throw new UserError(refusal, 2);
  const pricing = readPricing();
  const settings = executionSettings(v, config.concurrency);
  const executor = executorSettings(v, settings.costLimit);
  checkCostLimit(pricing, [model ?? config.model], settings.costLimit);
  await checkLiveBatches(dir, executor.kind);
  checkBatchEndpoints(executor.kind, [model ?? config.model]);
  const keyFor = keyLookup([{ model: model ?? config.model, flag: '--model' }], given === undefined ? [] : [given], `${dir}/run.json`);
  // The run's own model given with other endpoints is served from those (a cross model is opened as given anyway).
  const execution = { ...settings, keyFor, ...(executor.kind === 'online' ? { pricing } : {}), ...(model !== undefined ? { servedBy: [model] } : {}) };

  const capabilities = executor.kind === 'offline' ? 'recorded' : capabilitySettings(v, execution);
  const controller = await RunController.open({ kind: 'reverify', dir, verifiers, ...(model !== undefined ? { model } : {}), ...(draws > 1 ? { verifications: draws } : {}) }, { by: 'gaplens reverify', onWarning: say, capabilities });
  const { prepared } = controller;
  printEstimate({ ...prepared, verifiers: controller.verifiers }, executor.kind === 'batch' ? atBatchPrices(pricing) : pricing);
  const result = await driveRun(controller, {
    activity: 'verifying',
    total: prepared.tasks.length * prepared.config.n * controller.verifiers.reduce((sum, name) => sum + drawCount(prepared.config, name), 0),
    done: 0,
    counts: (event) => event.type !== 'generation',
    execution,
    resumeFlags: executor.kind === 'online' ? [] : ['--executor', executor.kind],
    executor: (log) => executorFor(executor, { dir, maxRetries: settings.maxRetries, keyFor, pricing }, log),
  });
  if ('waiting' in result) {
    say(await batchNextStep(dir));
    return 0;
  }
  const code = await printRunReport(dir, { json: flag(v, 'json'), warn: say, values: { verifier: controller.verifiers[0] } });
  return result.complete ? code : 1;
}
