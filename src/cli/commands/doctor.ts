// gaplens doctor MODEL: what an endpoint accepts, whether the logprobs it returns are sound, and
// which verifiers it can serve (docs/providers.md, "gaplens doctor").
import { parseArgs } from 'node:util';
import { canonicalModelSpec, checkModelFile } from '../../core/llm/modelSpec';
import { doctorPassed, runDoctor } from '../../core/pipeline/doctor';
import { doctorText } from '../../core/report/doctorText';
import { defaultCapabilityCacheDir } from '../../core/util/cacheDir';
import { UserError } from '../../core/util/errors';
import { keyLookup } from '../apiKey';
import { flag, stringOpt, type RawValues } from '../options';
import { say, writeOut } from '../terminalText';

const OPTIONS = {
  api: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export async function doctorCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
  const v = values as RawValues;
  if (positionals.length !== 1) throw new UserError('doctor takes one MODEL, e.g. gaplens doctor openai:gpt-4o-mini@https://api.openai.com/v1', 2);
  const model = canonicalModelSpec(positionals[0] as string);
  checkModelFile(model);
  const api = stringOpt(v, 'api') ?? 'completions';
  if (api !== 'chat' && api !== 'completions') throw new UserError(`--api '${api}' is not valid: use chat or completions`, 2);
  // The model is named on this command line: the key may go there.
  const keyFor = keyLookup([{ model }], [model], 'doctor');
  const report = await runDoctor(model, api, { cacheDir: defaultCapabilityCacheDir(), keyFor }, say);
  writeOut(flag(v, 'json') ? `${JSON.stringify(report)}\n` : doctorText(report));
  return doctorPassed(report) ? 0 : 1;
}
