// gaplens import FILE…: a run folder from generations made elsewhere (lm-evaluation-harness,
// Inspect AI, or the import JSONL), graded by Gap Lens's checkers; verifying is `gaplens reverify`.
import { parseArgs } from 'node:util';
import { DEFAULT_RUNS_FOLDER } from '../../core/config/runsRoot';
import { importRun, type ImportOutcome } from '../../core/import/importRun';
import type { GraderChoice } from '../../core/import/importedTask';
import { canonicalModelSpec, checkModelFile, parseModelSpec } from '../../core/llm/modelSpec';
import { sourceSamplingText } from '../../core/report/samplingText';
import { IMPORT_FORMATS } from '../../core/runs/records';
import { GRADER_NAMES, type GraderName } from '../../core/tasks/task';
import { UserError } from '../../core/util/errors';
import { plural } from '../../core/util/plural';
import { flag, numberOpt, stringOpt, type RawValues } from '../options';
import { say, writeOut } from '../terminalText';

const OPTIONS = {
  format: { type: 'string' },
  grader: { type: 'string' },
  model: { type: 'string' },
  n: { type: 'string', short: 'n' },
  api: { type: 'string' },
  'verifier-temperature': { type: 'string' },
  'verifier-max-tokens': { type: 'string' },
  out: { type: 'string' },
  'runs-dir': { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** How the summary says where a checker came from (docs/import.md, "Checkers"). */
const GRADER_FROM: Record<GraderChoice, string> = {
  option: 'chosen with --grader',
  source: 'named by the source',
  gold: 'chosen from the gold answer; --grader chooses another',
};

/** How many tasks left out by --n the message names. */
const NAMED_LEFT_OUT = 5;

export async function importCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
  const v = values as RawValues;
  if (positionals.length === 0) throw new UserError('import takes one or more FILEs: lm-eval samples_<task>_<date>.jsonl, Inspect AI .json logs, or import JSONL (docs/import.md)', 2);
  const model = modelOption(v);
  const api = stringOpt(v, 'api') ?? 'completions';
  if (api !== 'chat' && api !== 'completions') throw new UserError(`--api '${api}' is not valid: use chat or completions`, 2);
  const format = choice(v, 'format', IMPORT_FORMATS);
  const grader = choice(v, 'grader', GRADER_NAMES);
  const outcome = await importRun({
    files: positionals,
    ...(format !== undefined ? { format } : {}),
    ...(grader !== undefined ? { grader } : {}),
    ...(v['n'] !== undefined ? { n: numberOpt(v, 'n', 0, { integer: true, min: 1, max: 100000 }) } : {}),
    ...(model !== undefined ? { model } : {}),
    api,
    verifierTemperature: numberOpt(v, 'verifier-temperature', 0.7, { min: 0, max: 5 }),
    verifierMaxTokens: numberOpt(v, 'verifier-max-tokens', 512, { integer: true, min: 1 }),
    ...(stringOpt(v, 'out') ? { out: stringOpt(v, 'out') as string } : {}),
    runsRoot: stringOpt(v, 'runs-dir') ?? DEFAULT_RUNS_FOLDER,
  });
  for (const warning of outcome.warnings) say(warning);
  if (outcome.leftOut.length > 0) say(leftOutText(outcome));
  say(`run folder ${outcome.dir}`);
  if (flag(v, 'json')) writeOut(`${JSON.stringify(summaryJson(outcome), null, 2)}\n`);
  else writeOut(summaryText(outcome));
  return 0;
}

/** --model, checked like gaplens run's: a spec that parses, a llama file that exists, `--api chat` only for endpoints. */
function modelOption(v: RawValues): string | undefined {
  const given = stringOpt(v, 'model');
  if (given === undefined) return undefined;
  const model = canonicalModelSpec(given);
  checkModelFile(model);
  if (parseModelSpec(model).backend === 'llama' && stringOpt(v, 'api') === 'chat') throw new UserError('--api chat applies to openai: models; the embedded llama backend completes raw text', 2);
  return model;
}

function choice<T extends string>(v: RawValues, name: string, allowed: readonly T[]): T | undefined {
  const value = stringOpt(v, name);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UserError(`--${name} '${value}' is not valid: use ${allowed.join(', ')}`, 2);
  return value as T;
}

function leftOutText({ leftOut, config }: ImportOutcome): string {
  const named = leftOut.slice(0, NAMED_LEFT_OUT).map((t) => `"${t.id}" (${t.count})`).join(', ') + (leftOut.length > NAMED_LEFT_OUT ? ', …' : '');
  return `left out ${plural(leftOut.length, 'task')} with fewer than ${config.n} samples: ${named}`;
}

function summaryText(o: ImportOutcome): string {
  const total = o.tasks * o.config.n;
  const files = o.provenance.files.map((f) => f.path).join(', ');
  return [
    `imported ${plural(o.tasks, 'task')} × ${plural(o.config.n, 'sample')} (${plural(total, 'generation')}) from ${o.provenance.format}: ${files}`,
    `generator: ${o.config.model}${o.modelFrom === 'source' ? ' (as the source names it)' : ''}${o.provenance.sourceModel !== null && o.modelFrom === 'option' ? ` (the source names ${o.provenance.sourceModel})` : ''}`,
    `checkers: ${o.graders.map((g) => `${g.grader} for ${plural(g.tasks, 'task')} (${GRADER_FROM[g.from]})`).join('; ')}`,
    `graded by Gap Lens's checkers: ${o.correct} of ${total} correct (${((100 * o.correct) / total).toFixed(1)}%)${o.provenance.format === 'jsonl' ? '' : "; the source's own scores are kept in tasks.jsonl (meta.import.scores), not used"}`,
    `generation settings the source gives: ${sourceSamplingText(o.provenance.sampling)}; token counts ${o.provenance.usageKnown ? 'given' : 'unknown'}`,
    `next: gaplens reverify ${o.dir} --verifier mc   (verifies with ${o.config.model}; add --model SPEC to verify with another model)`,
    '',
  ].join('\n');
}

function summaryJson(o: ImportOutcome) {
  const total = o.tasks * o.config.n;
  return {
    run: o.dir,
    format: o.provenance.format,
    files: o.provenance.files,
    model: o.config.model,
    modelFrom: o.modelFrom,
    sourceModel: o.provenance.sourceModel,
    tasks: o.tasks,
    n: o.config.n,
    generations: total,
    correct: o.correct,
    accuracy: o.correct / total,
    graders: o.graders,
    sampling: o.provenance.sampling,
    usageKnown: o.provenance.usageKnown,
    leftOut: o.leftOut,
  };
}
