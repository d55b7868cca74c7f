// Benchmark 3: promptfoo (from npm) on the same workload against the same server: N repeats per
// test, a model-graded assertion (llm-rubric) as the verifier. Gap Lens runs the same tasks with
// the mc verifier, both through their CLIs, both on the chat API, interleaved.
import { readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import type { Benchmark, BenchContext, Measured } from '../lib/benchmark';
import { fakeServerCommand, startFakeServer } from '../lib/fakeServerProcess';
import { describe, runProcess, type ProcessUsage } from '../lib/processRun';
import { checkOffline, ensurePromptfoo, promptfooDir, promptfooEntry, promptfooEnv, promptfooVersion, type NetworkCheck } from '../lib/promptfooSetup';
import { fmt, row, target } from '../lib/results';
import { pairedRatio, summarize } from '../lib/stats';
import { CONCURRENCY, LATENCY_MS, MODEL, gapCheckCalls, gsm8kPath } from '../lib/workload';

interface Tool {
  calls: number;
  usage: ProcessUsage;
}

interface GapLensJson {
  tasks: number;
  samples: number;
  accuracy: number;
  filteredAccuracy: number;
  gap: number;
  relativeGap: number | null;
  auroc: number | null;
}

interface PromptfooJson {
  results: { stats: { successes: number; failures: number; errors: number }; results: { gradingResult?: { pass: boolean; score: number } | null }[] };
}

export const promptfooBenchmark: Benchmark = {
  name: 'promptfoo',
  title: '3. promptfoo on the same workload',
  async run(ctx: BenchContext): Promise<Measured> {
    const tasks = ctx.quick ? 20 : 200;
    const n = ctx.quick ? 4 : 8;
    const workload =
      `GSM8K test, first ${tasks} tasks × N = ${n} samples, each sample verified once by the model, concurrency ${CONCURRENCY}, chat API, ` +
      `against the fake OpenAI server (separate process, L = ${LATENCY_MS} ms per request). Gap Lens: \`gaplens run\` with the mc verifier ` +
      `(one generation request with n = ${n} per task, one logprob request per sample: ${gapCheckCalls(tasks, n)} calls). promptfoo: \`promptfoo eval --repeat ${n}\` ` +
      `with an llm-rubric assertion graded by the same model (one request per repeat, one grading request per output: ${2 * tasks * n} calls). ` +
      'Both tools write their results (Gap Lens its run folder, promptfoo its SQLite database and a JSON output file); response caches are off in both.';
    try {
      ensurePromptfoo(ctx.repoRoot, ctx.log);
    } catch (err) {
      return cannotRun(workload, `promptfoo could not be installed (npm ci of bench/promptfoo's lockfile in ${promptfooDir(ctx.repoRoot)}): ${err instanceof Error ? err.message : String(err)}`);
    }
    const server = await startFakeServer(ctx.repoRoot, { latencyMs: LATENCY_MS });
    try {
      const files = writeConfig(ctx, server.url, tasks);
      const pfCommand = (out: string, repeat: number): string[] =>
        [promptfooEntry(ctx.repoRoot), 'eval', '-c', files.config, '--repeat', String(repeat), '-j', String(CONCURRENCY), '--no-cache', '--no-progress-bar', '--no-table', '-o', out];
      const offline = await checkOffline([process.execPath, ...pfCommand(path.join(ctx.tmpDir, 'offline.json'), 1)], {
        cwd: ctx.tmpDir,
        env: promptfooEnv(path.join(ctx.tmpDir, 'pf-offline')),
        traceFile: path.join(ctx.tmpDir, 'strace.txt'),
      });
      ctx.log(`  offline check: ${offline.checked ? `connections to ${Object.keys(offline.destinations).join(', ') || 'nothing'}` : `not checked (${offline.reason})`}`);
      const gaplensArgs = (out: string): string[] => [ctx.built.cli, 'run', '--tasks', gsm8kPath(ctx.repoRoot), '--limit', String(tasks), '--model', `openai:${MODEL}@${server.url}`, '--api', 'chat', '-n', String(n), '--verifier', 'mc', '--concurrency', String(CONCURRENCY), '--no-cache', '--out', out, '--json'];
      const gaplens: Tool[] = [];
      const promptfoo: Tool[] = [];
      let gaplensReport: GapLensJson | undefined;
      let promptfooOut: PromptfooJson | undefined;
      const commands: string[] = [describe('node', fakeServerCommand({ latencyMs: LATENCY_MS }))];
      for (let rep = 0; rep < ctx.repetitions; rep++) {
        const out = path.join(ctx.tmpDir, `gaplens-${rep}`);
        let before = (await server.counters()).requests;
        const g = await runProcess(process.execPath, gaplensArgs(out), { cwd: ctx.repoRoot, timeoutMs: 600_000 });
        gaplens.push({ calls: (await server.counters()).requests - before, usage: g.usage });
        gaplensReport = JSON.parse(g.stdout) as GapLensJson;
        rmSync(out, { recursive: true, force: true });

        const configDir = path.join(ctx.tmpDir, `pf-home-${rep}`);
        const pfOut = path.join(ctx.tmpDir, `promptfoo-${rep}.json`);
        before = (await server.counters()).requests;
        const p = await runProcess(process.execPath, pfCommand(pfOut, n), { cwd: ctx.tmpDir, env: promptfooEnv(configDir), timeoutMs: 900_000 });
        promptfoo.push({ calls: (await server.counters()).requests - before, usage: p.usage });
        promptfooOut = JSON.parse(readFileSync(pfOut, 'utf8')) as PromptfooJson;
        rmSync(configDir, { recursive: true, force: true });
        rmSync(pfOut, { force: true });
        ctx.log(`  rep ${rep + 1}: gaplens ${fmt(g.usage.wallMs / 1000)} s (${gaplens.at(-1)?.calls} calls), promptfoo ${fmt(p.usage.wallMs / 1000)} s (${promptfoo.at(-1)?.calls} calls)`);
        if (rep === 0) {
          commands.push(describe('node', gaplensArgs('$TMP/gaplens-run')).replaceAll(ctx.tmpDir, '$TMP').replaceAll(`${ctx.repoRoot}/`, ''));
          commands.push(`env ${envLine()} ${describe('node', pfCommand('$TMP/promptfoo.json', n))}`.replaceAll(ctx.tmpDir, '$TMP').replaceAll(`${ctx.repoRoot}/`, ''));
        }
      }
      return report({ workload, tasks, n, gaplens, promptfoo, gaplensReport, promptfooOut, offline, commands, version: promptfooVersion(ctx.repoRoot), files });
    } finally {
      await server.stop();
    }
  },
};

interface ConfigFiles {
  config: string;
  prompt: string;
  tests: string;
}

/** The promptfoo config: the same generation template Gap Lens uses, one test per task. */
function writeConfig(ctx: BenchContext, url: string, tasks: number): ConfigFiles {
  const prompt = path.join(ctx.tmpDir, 'generate.numeric.txt');
  copyFileSync(path.join(ctx.repoRoot, 'templates', 'generate.numeric.txt'), prompt);
  const tests = path.join(ctx.tmpDir, 'tests.jsonl');
  const lines = readFileSync(gsm8kPath(ctx.repoRoot), 'utf8').split('\n').filter(Boolean).slice(0, tasks);
  writeFileSync(tests, lines.map((l) => JSON.stringify({ vars: { question: (JSON.parse(l) as { question: string }).question } })).join('\n') + '\n');
  const provider = (extra: string): string => `id: openai:chat:${MODEL}\n    config:\n      apiBaseUrl: ${url}\n      apiKey: none${extra}`;
  const config = path.join(ctx.tmpDir, 'promptfooconfig.yaml');
  writeFileSync(config, [
    'description: Gap Lens benchmark workload',
    'prompts:',
    `  - file://${prompt}`,
    'providers:',
    `  - ${provider('\n      temperature: 0.7\n      top_p: 0.9\n      max_tokens: 512\n      stop: ["\\nQuestion:"]')}`,
    'defaultTest:',
    '  options:',
    '    provider:',
    `      ${provider('').replace(/\n/g, '\n  ')}`,
    '  assert:',
    '    - type: llm-rubric',
    '      value: The final answer of the response correctly solves the question.',
    `tests: file://${tests}`,
    '',
  ].join('\n'));
  return { config, prompt, tests };
}

function envLine(): string {
  const env = promptfooEnv('$TMP/pf-home');
  return ['PROMPTFOO_CONFIG_DIR', 'PROMPTFOO_DISABLE_TELEMETRY', 'PROMPTFOO_DISABLE_UPDATE', 'PROMPTFOO_DISABLE_REMOTE_GENERATION', 'PROMPTFOO_DISABLE_SHARING', 'PROMPTFOO_FAILED_TEST_EXIT_CODE', 'PROMPTFOO_DISABLE_DEBUG_LOG', 'METADATA_SERVER_DETECTION', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY']
    .map((k) => `${k}=${env[k] ?? ''}`).join(' ');
}

interface Collected {
  workload: string;
  tasks: number;
  n: number;
  gaplens: Tool[];
  promptfoo: Tool[];
  gaplensReport: GapLensJson | undefined;
  promptfooOut: PromptfooJson | undefined;
  offline: NetworkCheck;
  commands: string[];
  version: string;
  files: ConfigFiles;
}

function report(c: Collected): Measured {
  const secs = (runs: Tool[]): number[] => runs.map((r) => r.usage.wallMs / 1000);
  const ratio = pairedRatio(secs(c.promptfoo), secs(c.gaplens));
  const perSecond = (runs: Tool[]): number[] => runs.map((r) => r.calls / (r.usage.wallMs / 1000));
  const g = c.gaplensReport;
  const stats = c.promptfooOut?.results.stats;
  const graded = c.promptfooOut?.results.results.filter((r) => r.gradingResult) ?? [];
  const offlineNote = !c.offline.checked
    ? `Offline check not done: ${c.offline.reason}.`
    : c.offline.offLoopback.length === 0
      ? `Offline check (one promptfoo run under strace): it connected only to loopback (${Object.entries(c.offline.destinations).map(([a, k]) => `${a} ×${k}`).join(', ')}; 127.0.0.1:9 is the closed port the proxy variables point at, which catches the one "telemetry disabled" event promptfoo posts even with PROMPTFOO_DISABLE_TELEMETRY=1).`
      : `Offline check FAILED: promptfoo tried to reach ${c.offline.offLoopback.join(', ')}.`;
  return {
    workload: c.workload,
    commands: c.commands,
    rows: [
      row('Gap Lens (gaplens run, whole process)', 's', summarize(secs(c.gaplens))),
      row('promptfoo eval (whole process)', 's', summarize(secs(c.promptfoo))),
      row('promptfoo time ÷ Gap Lens time', 'ratio', ratio),
      row('Gap Lens model calls', 'calls', summarize(c.gaplens.map((r) => r.calls))),
      row('promptfoo model calls', 'calls', summarize(c.promptfoo.map((r) => r.calls))),
      row('Gap Lens calls/s', 'calls/s', summarize(perSecond(c.gaplens))),
      row('promptfoo calls/s', 'calls/s', summarize(perSecond(c.promptfoo))),
      row('Gap Lens CPU', 'CPU s', summarize(c.gaplens.map((r) => r.usage.cpuMs / 1000))),
      row('promptfoo CPU (all its Node processes)', 'CPU s', summarize(c.promptfoo.map((r) => r.usage.cpuMs / 1000))),
      row('Gap Lens peak RSS', 'MiB', summarize(c.gaplens.map((r) => r.usage.maxRssMiB))),
      row('promptfoo peak RSS', 'MiB', summarize(c.promptfoo.map((r) => r.usage.maxRssMiB))),
    ],
    targets: [target('promptfoo time ÷ Gap Lens time (Gap Lens faster by)', ratio.median, '>=', 1.5)],
    notes: [
      `promptfoo ${c.version}, installed by \`npm ci\` of bench/promptfoo/package-lock.json outside the source tree (bench/lib/promptfooSetup.ts). Node 20 is supported up to promptfoo 0.121.x (later versions need Node ≥ 22.22); promptfoo prints a deprecation notice for Node 20.`,
      offlineNote,
      g ? `Gap Lens produced a run folder with ${g.samples} graded samples of ${g.tasks} tasks, each with its mc score, and the gap report: accuracy ${fmt(g.accuracy)}, filtered accuracy ${fmt(g.filteredAccuracy)} (quantile:0.8 filter), gap ${fmt(g.gap)}, relative gap ${g.relativeGap === null ? 'n/a' : fmt(g.relativeGap)}, AUROC ${g.auroc === null ? 'n/a' : fmt(g.auroc)}, with 95 % bootstrap intervals.` : 'Gap Lens produced no report.',
      stats ? `promptfoo produced ${stats.successes + stats.failures + stats.errors} results (one per test × repeat), ${graded.length} with an llm-rubric verdict: ${stats.successes} passed, ${stats.failures} failed, ${stats.errors} errors, each with the grader's score and reason. It cannot compute the gap: it grades each output in isolation and has no notion of ground-truth correctness per task combined with a per-task filter on the verifier's scores (accuracy after filtering minus accuracy before); that would take exporting its JSON and computing the statistics elsewhere.` : 'promptfoo produced no output.',
      `promptfoo has no \`n\`: each repeat is its own request, so it makes ${2 * c.tasks * c.n} requests where Gap Lens makes ${gapCheckCalls(c.tasks, c.n)}; the calls/s rows compare the tools per request.`,
      'The fake server answers llm-rubric grading prompts with a JSON verdict ({"reason", "pass", "score"}) so that promptfoo\'s assertion parses; every other request gets the fixture\'s default answer after the same latency.',
    ],
    details: { offline: c.offline, promptfooStats: stats, gapLensReport: g },
  };
}

function cannotRun(workload: string, why: string): Measured {
  return {
    workload,
    commands: ['mkdir -p ../.cache-bench/promptfoo && cp bench/promptfoo/package.json bench/promptfoo/package-lock.json ../.cache-bench/promptfoo/ && npm ci --prefix ../.cache-bench/promptfoo'],
    rows: [],
    targets: [{ label: 'promptfoo time ÷ Gap Lens time (Gap Lens faster by)', measured: null, op: '>=', threshold: 1.5, met: false, comment: why }],
    notes: [`promptfoo could not be run here: ${why}`],
  };
}
