// The verifier iteration loop as a user times it (issue 15 item 1): `gaplens reverify RUN
// --templates DIR` over a finished run's cached generations with an edited verifier template, on
// the embedded model (stories260K) and on a fast fake server — the whole command, from start to
// the printed A/B comparison. The run is made once per backend beforehand (not timed); each
// repetition is a new template version on a fresh response cache, so no answer comes from a cache.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Benchmark, BenchContext, Measured } from '../lib/benchmark';
import { startFakeServer, fakeServerCommand } from '../lib/fakeServerProcess';
import { describe, runProcess, type ProcessUsage } from '../lib/processRun';
import { fmt, row, type Row } from '../lib/results';
import { summarize } from '../lib/stats';
import { MODEL, gsm8kPath } from '../lib/workload';

const N = 4;
const VERIFIERS = ['mc', 'cot-score'] as const;
/** The CoT verifier's token limit (quick: fewer): stories260K rarely stops on its own. */
const VERIFIER_MAX_TOKENS = 128;
const QUICK_VERIFIER_MAX_TOKENS = 32;
const TIMEOUT_MS = 900_000;

export const reverifyBenchmark: Benchmark = {
  name: 'reverify',
  title: 'The verifier template loop: reverify --templates over a cached run',
  async run(ctx: BenchContext): Promise<Measured> {
    const tasks = ctx.quick ? 2 : 25;
    const samples = tasks * N;
    const verifierMaxTokens = ctx.quick ? QUICK_VERIFIER_MAX_TOKENS : VERIFIER_MAX_TOKENS;
    const llama = `llama:${path.resolve(ctx.repoRoot, '..', 'shared', 'data', 'models', 'stories260K', 'stories260K.gguf')}`;
    const server = await startFakeServer(ctx.repoRoot, { latencyMs: 0 });
    const commands = [describe('node', fakeServerCommand({ latencyMs: 0 }))];
    const cli = async (args: string[]): Promise<ProcessUsage> => {
      if (commands.length < 6) commands.push(describe('node', [ctx.built.cli, ...args]).replaceAll(ctx.tmpDir, '$TMP').replace(/127\.0\.0\.1:\d+/, '127.0.0.1:$PORT'));
      return (await runProcess(process.execPath, [ctx.built.cli, ...args], { cwd: ctx.repoRoot, timeoutMs: TIMEOUT_MS })).usage;
    };
    const edited = path.join(ctx.tmpDir, 'edited');
    await cli(['templates', 'export', edited]);
    // An edit every verifier's prompt shows, so every verification is a new question.
    for (const verifier of VERIFIERS) {
      const file = path.join(edited, `verify-${verifier}.txt`);
      writeFileSync(file, `Judge strictly: a response is correct only if its final answer is.\n${readFileSync(file, 'utf8')}`);
    }
    const rows: Row[] = [];
    try {
      const backends = [
        { label: 'fake server (L = 0 ms)', model: `openai:${MODEL}@${server.url}` },
        { label: 'embedded stories260K', model: llama },
      ];
      for (const [b, backend] of backends.entries()) {
        const run = path.join(ctx.tmpDir, `run-${b}`);
        const made = await cli(['run', '--tasks', gsm8kPath(ctx.repoRoot), '--limit', String(tasks), '--model', backend.model, '-n', String(N), '--max-tokens', '64',
          '--verifier', VERIFIERS.join(','), '--verifier-max-tokens', String(verifierMaxTokens), '--out', run, '--no-cache', '--json']);
        ctx.log(`  ${backend.label}: the run to re-verify took ${fmt(made.wallMs / 1000)} s`);
        for (const verifier of VERIFIERS) {
          const runs: ProcessUsage[] = [];
          for (let rep = 0; rep < ctx.repetitions; rep++) {
            const cache = path.join(ctx.tmpDir, `cache-${b}-${verifier}-${rep}`);
            runs.push(await cli(['reverify', run, '--templates', edited, '--verifier', verifier, '--cache', cache, '--json']));
            ctx.log(`  ${backend.label}, ${verifier}: ${samples} samples re-verified in ${fmt((runs[rep] as ProcessUsage).wallMs / 1000)} s`);
          }
          const label = `${backend.label}, ${verifier}: reverify --templates of ${samples} samples`;
          rows.push(
            row(`${label}, wall`, 's', summarize(runs.map((r) => r.wallMs / 1000))),
            row(`${label}, per sample`, 'ms', summarize(runs.map((r) => r.wallMs / samples))),
            row(`${label}, CPU`, 's', summarize(runs.map((r) => r.cpuMs / 1000))),
            row(`${label}, peak RSS`, 'MiB', summarize(runs.map((r) => r.maxRssMiB))),
          );
        }
        const compared = await cli(['templates', 'compare', run, '--verifier', 'cot-score', '--json']);
        rows.push(row(`${backend.label}: templates compare alone (1,000 bootstrap resamples)`, 's', compared.wallMs / 1000));
      }
    } finally {
      await server.stop();
    }
    return {
      workload:
        `GSM8K test, first ${tasks} tasks × N = ${N} = ${samples} samples, generated once per backend with mc and cot-score (max ${verifierMaxTokens} verifier tokens); ` +
        'then per verifier and repetition `gaplens reverify RUN --templates DIR --verifier V` with an edited template (one line added) on a fresh response cache.',
      commands,
      rows,
      targets: [],
      notes: [
        'Wall time is the whole CLI process: start, reading the run, the capability probe (fake server), loading the model (embedded), every verification, and the printed A/B comparison (its 1,000 bootstrap resamples per version).',
        'Each repetition adds a template version to the same run (v2, v3, …), so later repetitions read a slightly larger run; the edited template is the same, and the fresh cache makes every verification a model call.',
        'The embedded model runs on half the cores (`gaplens run`\'s default threads), 8 sequences in one context.',
      ],
    };
  },
};
