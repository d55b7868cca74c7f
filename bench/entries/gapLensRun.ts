// A Gap Lens gap check through the real pipeline (the run controller, exactly what
// `gaplens run` does before its final report), timed from the inside so that the number is the
// model-call phase alone: process start-up and the final report are measured separately (the
// benchmark also times the CLI end to end). Prints one JSON line with the measurements.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { RUN_DEFAULTS } from '../../src/core/config/runRules';
import { RunController } from '../../src/core/pipeline/runController';
import type { RunConfig } from '../../src/core/runs/records';
import { parseVerifierList } from '../../src/core/verify/index';

export interface GapLensRunOutput {
  /** 'complete', or with --allow-incomplete 'incomplete' (samples whose calls failed, `failedSamples` of them). */
  status: 'complete' | 'incomplete';
  failedSamples: number;
  phaseMs: number;
  cpuMs: number;
  maxRssMiB: number;
  tasks: number;
  /** Records the pipeline appended to samples.jsonl (generations + verifications). */
  records: number;
  accounting: { requests: number; cacheHits: number; retries: number; failures: number; promptTokens: number; completionTokens: number };
}

async function main(): Promise<void> {
  const { values: v } = parseArgs({
    options: {
      tasks: { type: 'string' },
      limit: { type: 'string' },
      model: { type: 'string' },
      api: { type: 'string', default: 'completions' },
      n: { type: 'string', default: '8' },
      verifier: { type: 'string', default: 'mc' },
      concurrency: { type: 'string', default: '64' },
      out: { type: 'string' },
      cache: { type: 'string' },
      // Several endpoints: each at concurrency ÷ endpoints, not adapting.
      'fixed-concurrency': { type: 'boolean', default: false },
      // Report a run whose samples failed at the model call instead of failing (a 429 storm).
      'allow-incomplete': { type: 'boolean', default: false },
    },
  });
  if (!v.tasks || !v.model || !v.out) throw new Error('gapLensRun: --tasks, --model and --out are required');
  const api = v.api === 'chat' ? 'chat' : 'completions';
  const concurrency = Number(v.concurrency);
  // The CLI's defaults for everything the benchmark does not set.
  const config: RunConfig = {
    ...RUN_DEFAULTS,
    tasks: v.tasks,
    ...(v.limit ? { limit: Number(v.limit) } : {}),
    model: v.model,
    api,
    n: Number(v.n),
    // An empty list runs generation only (the n-batching benchmark counts generation tokens).
    verifiers: v.verifier === '' ? [] : parseVerifierList(v.verifier),
    concurrency,
  };
  const controller = await RunController.open({ kind: 'new', config, options: { out: v.out, runsRoot: path.dirname(v.out) } }, { by: 'bench', onWarning: () => undefined });
  let records = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const outcome = await controller.execute({
    concurrency,
    ...(v['fixed-concurrency'] ? { fixedConcurrency: true } : {}),
    cacheDir: v.cache ?? null,
    onEvent: (event) => {
      if (event.type !== 'task-done') records++;
    },
  });
  const finished = outcome.status === 'complete' || (outcome.status === 'incomplete' && v['allow-incomplete']);
  if (!finished || outcome.accounting === null) throw new Error(`gapLensRun: the run ended ${outcome.status}${outcome.status === 'failed' ? `: ${String(outcome.error)}` : ''}`);
  const { accounting } = outcome;
  const status = outcome.status === 'incomplete' ? 'incomplete' : 'complete';
  const phaseMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const output: GapLensRunOutput = {
    status,
    failedSamples: outcome.status === 'incomplete' ? outcome.failedSamples : 0,
    phaseMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    tasks: controller.prepared.tasks.length,
    records,
    accounting,
  };
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
