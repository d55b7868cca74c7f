// gaplens reverify: new verifiers over a run's existing generations — no new sampling.
import { parseArgs } from 'node:util';
import { defaultResponseCacheDir } from '../../core/util/cacheDir';
import { addVerifiers, executeRun } from '../../core/pipeline/runSession';
import { UserError } from '../../core/util/errors';
import { parseVerifierList } from '../../core/verify/index';
import { flag, numberOpt, requiredString, stringOpt, type RawValues } from '../options';
import { createProgress } from '../progress';
import { printRunReport } from './report';

const OPTIONS = {
  verifier: { type: 'string' },
  concurrency: { type: 'string' },
  cache: { type: 'string' },
  'no-cache': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

export async function reverifyCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
  const v = values as RawValues;
  if (positionals.length !== 1) throw new UserError('reverify takes one RUN_DIR', 2);
  const dir = positionals[0] as string;
  const warn = (m: string): void => void process.stderr.write(`gaplens: ${m}\n`);
  const verifiers = parseVerifierList(requiredString(v, 'verifier', 'the verifiers to add, e.g. cot-score,tournament'));
  const prepared = await addVerifiers(dir, verifiers, warn);
  const total = prepared.tasks.length * prepared.config.n * verifiers.length;
  const progress = createProgress(total, 'verifying');
  let done = 0;
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    await executeRun(prepared, {
      verifiers,
      concurrency: numberOpt(v, 'concurrency', prepared.config.concurrency, { integer: true, min: 1, max: 4096 }),
      cacheDir: flag(v, 'no-cache') ? null : (stringOpt(v, 'cache') ?? defaultResponseCacheDir()),
      ...(process.env.GAPLENS_API_KEY ?? process.env.OPENAI_API_KEY ? { apiKey: process.env.GAPLENS_API_KEY ?? process.env.OPENAI_API_KEY } : {}),
      onEvent: (e) => {
        if (e.type === 'verification') progress.update(++done);
      },
      onMessage: (m) => progress.log(`gaplens: ${m}`),
      signal: controller.signal,
    });
  } catch (err) {
    if (controller.signal.aborted) throw new UserError(`interrupted; run the same reverify command again to continue`);
    throw err;
  } finally {
    progress.done();
    process.off('SIGINT', onSigint);
  }
  return printRunReport(dir, { json: flag(v, 'json'), warn, values: { verifier: verifiers[0] } });
}
