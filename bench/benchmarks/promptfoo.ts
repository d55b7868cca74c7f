// Benchmark 3: promptfoo (from npm) against Gap Lens, twice. On the same work: N repeats per test
// with a model-graded assertion (llm-rubric) as the verifier, against Gap Lens with N samples
// drawn one request each (a server that refuses n) and the cot-score verifier, whose one
// generated verification per sample costs what a rubric grading does: 2·T·N requests each.
// And the whole workflow as a user runs each tool by default (Gap Lens: n-batching, the mc
// verifier, the response cache on), with the caveats that come with comparing unlike work. Both
// tools through their CLIs on the chat API, in each regime of bench/lib/workload.ts.
import { readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import type { Benchmark, BenchContext, Measured } from '../lib/benchmark';
import { fakeServerCommand, startFakeServer, type FakeServerProcess } from '../lib/fakeServerProcess';
import { describe, runProcess, type ProcessUsage } from '../lib/processRun';
import { checkOffline, ensurePromptfoo, promptfooDir, promptfooEntry, promptfooEnv, promptfooVersion, type NetworkCheck } from '../lib/promptfooSetup';
import { fmt, row, target } from '../lib/results';
import { pairedRatio, summarize } from '../lib/stats';
import { MODEL, gapCheckCalls, gsm8kPath, rotated, type Regime } from '../lib/workload';

interface Tool {
  calls: number;
  usage: ProcessUsage;
}

interface GapLensJson {
  tasks: number;
  samples: number;
  scored: number;
  accuracy: number;
  filteredAccuracy: number | null;
  gap: number | null;
  relativeGap: number | null;
  auroc: number | null;
}

interface PromptfooJson {
  results: { stats: { successes: number; failures: number; errors: number }; results: { gradingResult?: { pass: boolean; score: number } | null }[] };
}

type ToolName = 'gaplensSame' | 'gaplensWorkflow' | 'promptfoo';

const SAME_TARGET = 'promptfoo time ÷ Gap Lens time, same work (Gap Lens not slower)';

export function promptfooBenchmark(regime: Regime): Benchmark {
  return {
    name: `promptfoo${regime.suffix}`,
    title: `3. promptfoo on the same work, and the whole workflow: L = ${regime.latencyMs} ms, C = ${regime.concurrency}`,
    run: (ctx) => measurePromptfoo(ctx, regime),
  };
}

async function measurePromptfoo(ctx: BenchContext, regime: Regime): Promise<Measured> {
  const { latencyMs, concurrency } = regime;
  const tasks = ctx.quick ? 20 : 200;
  const n = ctx.quick ? 4 : 8;
  const workload =
    `GSM8K test, first ${tasks} tasks × N = ${n} samples, each sample verified once by the model, concurrency ${concurrency}, chat API, ` +
    `against the fake OpenAI server (separate process, L = ${latencyMs} ms per request: ${regime.means}). ` +
    `Same work: promptfoo \`eval --repeat ${n}\` with an llm-rubric assertion graded by the same model (one request per repeat, one grading request per output), ` +
    `and \`gaplens run --verifier cot-score --no-cache\` against a server that refuses n > 1, so that it too asks for each sample and each verification on its own: ${2 * tasks * n} requests each. ` +
    `Whole workflow: \`gaplens run\` as a user runs it (n-batching, the mc verifier's one logprob request per sample: ${gapCheckCalls(tasks, n)} calls, the response cache on into an empty folder). ` +
    'Both tools write their results (Gap Lens its run folder, promptfoo its SQLite database and a JSON output file); promptfoo\'s cache is off. ' +
    'The three runs of a repetition start with the next one in turn.';
  try {
    ensurePromptfoo(ctx.repoRoot, ctx.log);
  } catch (err) {
    return cannotRun(workload, `promptfoo could not be installed (npm ci of bench/promptfoo's lockfile in ${promptfooDir(ctx.repoRoot)}): ${err instanceof Error ? err.message : String(err)}`);
  }
  const servers: FakeServerProcess[] = [];
  try {
    const withN = await startFakeServer(ctx.repoRoot, { latencyMs });
    servers.push(withN);
    const withoutN = await startFakeServer(ctx.repoRoot, { latencyMs, noN: true });
    servers.push(withoutN);
    const files = writeConfig(ctx, withoutN.url, tasks);
    const pfCommand = (out: string, repeat: number): string[] =>
      [promptfooEntry(ctx.repoRoot), 'eval', '-c', files.config, '--repeat', String(repeat), '-j', String(concurrency), '--no-cache', '--no-progress-bar', '--no-table', '-o', out];
    const offline = await checkOffline([process.execPath, ...pfCommand(path.join(ctx.tmpDir, 'offline.json'), 1)], {
      cwd: ctx.tmpDir,
      env: promptfooEnv(path.join(ctx.tmpDir, 'pf-offline')),
      traceFile: path.join(ctx.tmpDir, 'strace.txt'),
    });
    ctx.log(`  offline check: ${offline.checked ? `connections to ${Object.keys(offline.destinations).join(', ') || 'nothing'}` : `not checked (${offline.reason})`}`);
    const gaplensArgs = (server: FakeServerProcess, verifier: string, out: string, extra: string[]): string[] =>
      [ctx.built.cli, 'run', '--tasks', gsm8kPath(ctx.repoRoot), '--limit', String(tasks), '--model', `openai:${MODEL}@${server.url}`, '--api', 'chat', '-n', String(n), '--verifier', verifier, '--concurrency', String(concurrency), '--out', out, '--json', ...extra];
    const args: Record<ToolName, (out: string) => string[]> = {
      gaplensSame: (out) => gaplensArgs(withoutN, 'cot-score', out, ['--no-cache']),
      gaplensWorkflow: (out) => gaplensArgs(withN, 'mc', out, ['--cache', `${out}-cache`]),
      promptfoo: (out) => pfCommand(out, n),
    };
    const runs: Record<ToolName, Tool[]> = { gaplensSame: [], gaplensWorkflow: [], promptfoo: [] };
    const reports: Partial<Record<ToolName, GapLensJson>> = {};
    let promptfooOut: PromptfooJson | undefined;
    const commands: string[] = [describe('node', fakeServerCommand({ latencyMs })), describe('node', fakeServerCommand({ latencyMs, noN: true }))];
    const shown = (command: string): string => command.replaceAll(ctx.tmpDir, '$TMP').replaceAll(`${ctx.repoRoot}/`, '');
    for (let rep = 0; rep < ctx.repetitions; rep++) {
      for (const name of rotated(Object.keys(args) as ToolName[], rep)) {
        const isPromptfoo = name === 'promptfoo';
        const out = path.join(ctx.tmpDir, isPromptfoo ? `promptfoo-${rep}.json` : `${name}-${rep}`);
        const configDir = path.join(ctx.tmpDir, `pf-home-${rep}`);
        const server = name === 'gaplensWorkflow' ? withN : withoutN;
        const before = (await server.counters()).requests;
        const done = await runProcess(process.execPath, args[name](out), {
          cwd: isPromptfoo ? ctx.tmpDir : ctx.repoRoot,
          ...(isPromptfoo ? { env: promptfooEnv(configDir) } : {}),
          timeoutMs: 900_000,
        });
        runs[name].push({ calls: (await server.counters()).requests - before, usage: done.usage });
        if (isPromptfoo) promptfooOut = JSON.parse(readFileSync(out, 'utf8')) as PromptfooJson;
        else {
          // The run folder is a temporary path of the measuring machine: the result keeps the numbers, not where they were.
          const { run: _where, ...numbers } = JSON.parse(done.stdout) as GapLensJson & { run?: string };
          reports[name] = numbers;
        }
        if (rep === 0) commands.push(shown(isPromptfoo ? `env ${envLine()} ${describe('node', args.promptfoo('$TMP/promptfoo.json'))}` : describe('node', args[name](`$TMP/${name}`))));
        rmSync(out, { recursive: true, force: true });
        rmSync(`${out}-cache`, { recursive: true, force: true });
        rmSync(configDir, { recursive: true, force: true });
        ctx.log(`  rep ${rep + 1} ${name}: ${fmt(done.usage.wallMs / 1000)} s (${runs[name].at(-1)?.calls} calls)`);
      }
    }
    return report({ workload, tasks, n, runs, reports, promptfooOut, offline, commands, version: promptfooVersion(ctx.repoRoot), files });
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

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
  runs: Record<ToolName, Tool[]>;
  reports: Partial<Record<ToolName, GapLensJson>>;
  promptfooOut: PromptfooJson | undefined;
  offline: NetworkCheck;
  commands: string[];
  version: string;
  files: ConfigFiles;
}

function gapLensNote(what: string, g: GapLensJson | undefined): string {
  if (!g) return `Gap Lens (${what}) produced no report.`;
  const shown = (v: number | null): string => (v === null ? 'not measured' : fmt(v));
  return `Gap Lens (${what}) produced a run folder with ${g.samples} graded samples of ${g.tasks} tasks, ${g.scored} scored by the verifier, and the gap report: accuracy ${fmt(g.accuracy)}, filtered accuracy ${shown(g.filteredAccuracy)} (quantile:0.8 filter), gap ${shown(g.gap)}, relative gap ${shown(g.relativeGap)}, AUROC ${shown(g.auroc)}, with 95 % bootstrap intervals.`;
}

function report(c: Collected): Measured {
  const secs = (name: ToolName): number[] => c.runs[name].map((r) => r.usage.wallMs / 1000);
  const same = pairedRatio(secs('promptfoo'), secs('gaplensSame'));
  const workflow = pairedRatio(secs('promptfoo'), secs('gaplensWorkflow'));
  const perSecond = (name: ToolName): number[] => c.runs[name].map((r) => r.calls / (r.usage.wallMs / 1000));
  const stats = c.promptfooOut?.results.stats;
  const graded = c.promptfooOut?.results.results.filter((r) => r.gradingResult) ?? [];
  const offlineNote = !c.offline.checked
    ? `Offline check not done: ${c.offline.reason}.`
    : c.offline.offLoopback.length === 0
      ? `Offline check (one promptfoo run under strace): it connected only to loopback (${Object.entries(c.offline.destinations).map(([a, k]) => `${a} ×${k}`).join(', ')}; 127.0.0.1:9 is the closed port the proxy variables point at, which catches the one "telemetry disabled" event promptfoo posts even with PROMPTFOO_DISABLE_TELEMETRY=1).`
      : `Offline check FAILED: promptfoo tried to reach ${c.offline.offLoopback.join(', ')}.`;
  const toolRows = (name: ToolName, label: string) => [
    row(`${label}: whole process`, 's', summarize(secs(name))),
    row(`${label}: model calls`, 'calls', summarize(c.runs[name].map((r) => r.calls))),
    row(`${label}: calls/s`, 'calls/s', summarize(perSecond(name))),
    row(`${label}: CPU (all its Node processes)`, 'CPU s', summarize(c.runs[name].map((r) => r.usage.cpuMs / 1000))),
    row(`${label}: peak RSS`, 'MiB', summarize(c.runs[name].map((r) => r.usage.maxRssMiB))),
  ];
  return {
    workload: c.workload,
    commands: c.commands,
    rows: [
      ...toolRows('promptfoo', 'promptfoo eval (llm-rubric)'),
      ...toolRows('gaplensSame', 'Gap Lens, same work (cot-score, one request per sample)'),
      row('promptfoo time ÷ Gap Lens time, same work', 'ratio', same),
      ...toolRows('gaplensWorkflow', 'Gap Lens, whole workflow (n-batching, mc, cache on)'),
      row('promptfoo time ÷ Gap Lens time, whole workflow', 'ratio', workflow),
    ],
    targets: [target(SAME_TARGET, same.median, '>=', 1)],
    notes: [
      `promptfoo ${c.version}, installed by \`npm ci\` of bench/promptfoo/package-lock.json outside the source tree (bench/lib/promptfooSetup.ts). Node 20 is supported up to promptfoo 0.121.x (later versions need Node ≥ 22.22); promptfoo prints a deprecation notice for Node 20.`,
      offlineNote,
      gapLensNote('same work', c.reports.gaplensSame),
      gapLensNote('whole workflow', c.reports.gaplensWorkflow),
      stats ? `promptfoo produced ${stats.successes + stats.failures + stats.errors} results (one per test × repeat), ${graded.length} with an llm-rubric verdict: ${stats.successes} passed, ${stats.failures} failed, ${stats.errors} errors, each with the grader's score and reason. It cannot compute the gap: it grades each output in isolation and has no notion of ground-truth correctness per task combined with a per-task filter on the verifier's scores (accuracy after filtering minus accuracy before); that would take exporting its JSON and computing the statistics elsewhere.` : 'promptfoo produced no output.',
      `The whole-workflow ratio compares unlike work: promptfoo has no \`n\`, so it makes ${2 * c.tasks * c.n} requests where Gap Lens makes ${gapCheckCalls(c.tasks, c.n)}, and an mc verification is one short logprob request where a rubric grading generates a JSON verdict. It is what a user waits for with each tool's defaults, not a measure of either engine; the same-work ratio is.`,
      'The fake server answers llm-rubric grading prompts with a JSON verdict ({"reason", "pass", "score"}) so that promptfoo\'s assertion parses, and Gap Lens\'s cot-score prompts with a short verification ending in "Score: K", so that its verifier scores; every other request gets the fixture\'s default answer after the same latency.',
    ],
    details: { offline: c.offline, promptfooStats: stats, gapLensReports: c.reports },
  };
}

function cannotRun(workload: string, why: string): Measured {
  return {
    workload,
    commands: ['mkdir -p ../.cache-bench/promptfoo && cp bench/promptfoo/package.json bench/promptfoo/package-lock.json ../.cache-bench/promptfoo/ && npm ci --prefix ../.cache-bench/promptfoo'],
    rows: [],
    targets: [{ label: SAME_TARGET, measured: null, op: '>=', threshold: 1, met: false, comment: why }],
    notes: [`promptfoo could not be run here: ${why}`],
  };
}
