// gaplens reverify: new verifiers over a run's existing generations — no new sampling. With
// --model, another model verifies (cross-verification, the paper's gap(f, g)); with --templates,
// the run's verifiers verify again with edited templates, kept as a named template version.
import { parseArgs } from 'node:util';
import { checkModelFile, canonicalModelSpec } from '../../core/llm/modelSpec';
import { atBatchPrices, readPricing } from '../../core/cost/pricing';
import { RunController, type OpenRequest } from '../../core/pipeline/runController';
import { checkVersionName } from '../../core/runs/templateVersions';
import { readManifest } from '../../core/runs/runStore';
import { UserError } from '../../core/util/errors';
import { baseVerifierOf, parseVerifierList } from '../../core/verify/index';
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
import { printTemplateComparison } from './templates';

const OPTIONS = {
  verifier: { type: 'string' },
  model: { type: 'string' },
  templates: { type: 'string' },
  name: { type: 'string' },
  verifications: { type: 'string' },
  json: { type: 'boolean' },
  ...EXECUTION_OPTIONS,
} as const;

export async function reverifyCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
  const v = values as RawValues;
  if (positionals.length !== 1) throw new UserError('reverify takes one RUN_DIR', 2);
  const dir = positionals[0] as string;
  const request = openRequest(dir, v);
  const given = stringOpt(v, 'model');
  const model = given === undefined ? undefined : canonicalModelSpec(given);
  if (model !== undefined) checkModelFile(model);
  const { config } = await readManifest(dir);
  const refusal = request.kind === 'reverify' ? verificationsRefusal(request.verifiers, request.verifications ?? 1, config.verifierTemperature) : null;
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
  const controller = await RunController.open(request, { by: 'gaplens reverify', onWarning: say, capabilities });
  const { prepared } = controller;
  printEstimate({ ...prepared, existing: controller.records, verifiers: controller.verifiers }, executor.kind === 'batch' ? atBatchPrices(pricing) : pricing);
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
  const code =
    request.kind === 'template-version'
      ? await printTemplateComparison(dir, { verifier: controller.verifiers[0], a: undefined, b: undefined, resamples: 1000, seed: 0, json: flag(v, 'json') })
      : await printRunReport(dir, { json: flag(v, 'json'), warn: say, values: { verifier: controller.verifiers[0] } });
  return result.complete ? code : 1;
}

/**
 * What the flags ask for: new verifiers (--verifier, with --model another model's), or with
 * --templates a template version of the run's verifiers (--verifier then picks among the run's own
 * names, default: those whose templates the folder changes).
 */
function openRequest(dir: string, v: RawValues): OpenRequest {
  const templates = stringOpt(v, 'templates');
  const name = stringOpt(v, 'name');
  const draws = numberOpt(v, 'verifications', 1, { integer: true, min: 1, max: MAX_VERIFICATIONS });
  if (templates === undefined) {
    if (name !== undefined) throw new UserError('--name names a template version: give it with --templates DIR', 2);
    const model = stringOpt(v, 'model');
    const verifiers = parseVerifierList(requiredString(v, 'verifier', 'the verifiers to add, e.g. cot-score,tournament'));
    return { kind: 'reverify', dir, verifiers, ...(model !== undefined ? { model: canonicalModelSpec(model) } : {}), ...(draws > 1 ? { verifications: draws } : {}) };
  }
  // A version re-verifies as the run verifies: one verification per sample.
  if (v['verifications'] !== undefined) throw new UserError('--verifications adds draws with new verifiers (--verifier); leave it out with --templates', 2);
  // A version re-runs verifiers as the run runs them; another model is a new verifier (without --templates).
  if (stringOpt(v, 'model') !== undefined) throw new UserError('--templates re-verifies with the models the run\'s verifiers use; leave out --model (or add that model\'s verifiers first with reverify --verifier … --model)', 2);
  const listed = stringOpt(v, 'verifier');
  const verifiers = listed === undefined ? undefined : verifierNames(listed);
  return { kind: 'template-version', dir, version: { templates, ...(name !== undefined ? { name: checkVersionName(name) } : {}), ...(verifiers ? { verifiers } : {}) } };
}

/** A comma list of a run's verifier names as records carry them (`cot-score`, `mc@judge`). */
function verifierNames(list: string): string[] {
  const names = list.split(',').map((n) => n.trim());
  if (names.some((n) => n === '')) throw new UserError(`--verifier '${list}': an empty name in the list; name the run's verifiers, e.g. cot-score,mc`, 2);
  for (const n of names) baseVerifierOf(n);
  return [...new Set(names)];
}
