// The CLI's commands, each with its help: adding a command is one entry in COMMANDS. Every option
// a command's parseArgs accepts is in its help and nothing else; test/cli/help.test.ts checks that
// against the parsers themselves.
import { auditCommand } from './commands/audit';
import { batchCommand } from './commands/batch';
import { cacheCommand } from './commands/cache';
import { doctorCommand } from './commands/doctor';
import { exportCommand } from './commands/export';
import { importCommand } from './commands/import';
import { matrixCommand } from './commands/matrix';
import { reportCommand } from './commands/report';
import { reverifyCommand } from './commands/reverify';
import { runCommand } from './commands/run';
import { tasksCommand } from './commands/tasks';
import { templatesCommand } from './commands/templates';
import { MODEL_SPEC, type CommandHelp, type OptionHelp } from './usage';

export type Command = CommandHelp & {
  /** Runs the command on the arguments after its name; resolves to the exit code. */
  run(argv: string[]): Promise<number>;
  /** It may call model endpoints: the CLI's fetch (proxy variables, no fetch timeouts) is installed first. */
  callsModels?: true;
};

const VERIFIERS = 'mc, cot-binary, cot-score, tournament';
const FILTERS = 'quantile:q | threshold:t | topk:k | exp:b';

const CACHE_OPTIONS: OptionHelp[] = [
  { name: 'cache', value: 'DIR', text: 'response cache (default ~/.cache/gaplens/responses)' },
  { name: 'no-cache', text: 'neither read nor write the response cache, nor the capability cache' },
];
/** How a run executes, not what it produces: `run`, `run --resume` and `reverify` take them (src/cli/runFlags.ts). */
const EXECUTION_OPTIONS_HELP: OptionHelp[] = [
  { name: 'concurrency', value: 'C', text: "model calls in flight (default 8, or the run's own; llama: parallel sequences; several endpoints: the ceiling over all)" },
  { name: 'fixed-concurrency', text: 'several endpoints: each keeps C ÷ endpoints calls in flight instead of adapting to what it sustains' },
  ...CACHE_OPTIONS,
  { name: 'cache-max-mb', value: 'M', text: 'the response cache keeps at most M MiB, least recently used answers go first (default $GAPLENS_CACHE_MAX_MB, else 2048)' },
  { name: 'timeout-ms', value: 'MS', text: 'per-call timeout (default 120000 for openai:, none for llama:)' },
  { name: 'retries', value: 'R', text: 'retries per call after a transient failure (default 6; a bad answer is asked again once)' },
  { name: 'threads', value: 'T', text: 'llama.cpp CPU threads (default: half the cores)' },
  { name: 'context-size', value: 'C', text: 'llama.cpp tokens per sequence, prompt + completion (default 4096)' },
  { name: 'max-answer-mb', value: 'M', text: "largest answer body read from an endpoint (default 64); a larger one fails that sample's call" },
  { name: 'refresh-capabilities', text: 'probe what each endpoint accepts anew instead of using the probe of the last 24 hours (docs/providers.md)' },
  { name: 'cost-limit', value: 'AMOUNT', text: 'stop cleanly (resumable, exit 3) once this execution has spent AMOUNT, in the currency of the pricing file (online only)' },
  { name: 'executor', value: 'online|batch|offline', text: 'online (default): each call when it is made; batch: in phases through the OpenAI Batch API; offline: through gaplens batch export/import (docs/batch.md)' },
  { name: 'batch-poll-ms', value: 'MS', text: 'first wait between two polls of a batch (default 10000; each next wait doubles, up to 12 times this)' },
  { name: 'batch-max-requests', value: 'N', text: 'requests per batch file (default 50000, the OpenAI limit)' },
  { name: 'batch-max-mb', value: 'M', text: 'MiB per batch file (default 200, the OpenAI limit)' },
];
const BATCH_CACHE_OPTIONS: OptionHelp[] = [...CACHE_OPTIONS, { name: 'json', text: 'print what was done as JSON on stdout (import: the report, once the run is complete)' }];
/** Sampling of the CoT/tournament verifier calls: `run` uses them, `import` records them for the verifiers `reverify` adds. */
const VERIFIER_SAMPLING_HELP: OptionHelp[] = [
  { name: 'verifier-temperature', value: 'T', text: 'CoT/tournament verifier temperature (default 0.7)' },
  { name: 'verifier-max-tokens', value: 'M', text: 'CoT/tournament verifier tokens (default 512)' },
];
const RUNS_DIR_HELP: OptionHelp = { name: 'runs-dir', value: 'DIR', text: 'where new run folders go (default .gaplens/runs)' };
const RESUME_NOTE =
  'A resume continues the run with the settings it was started with: a flag that would change what it produces\n' +
  '(model, verifier model, tasks, n, verifiers, filter, sampling, seed, templates) is refused unless it equals the run\'s own;\n' +
  '--model may name the run\'s model at other endpoints (openai:MODEL@URL1,URL2), which serve this execution;\n' +
  'the execution options above (the cost limit too) may change.\n' +
  'To add verifiers use gaplens reverify. Only one process writes a run at a time (run.lock in the run folder).\n' +
  'An API key (GAPLENS_API_KEY or OPENAI_API_KEY) is sent only to an endpoint named with --model or --verifier-model on this command\n' +
  'line or listed in "trustedOrigins" of ~/.config/gaplens/config.json (or $GAPLENS_CONFIG).';
const COST_NOTE =
  'Cost (docs/cost.md): prices come from your pricing file, $GAPLENS_PRICING or ~/.config/gaplens/pricing.json;\n' +
  'Gap Lens ships none, and a model without a price has an unknown cost. Before the first call an estimate\n' +
  'with upper bounds (calls, tokens, cost) is printed on stderr; the spend so far is on the progress line.';
const CACHE_DIR_OPTION: OptionHelp = { name: 'cache', value: 'DIR', text: 'the cache folder (default ~/.cache/gaplens/responses)' };
const JSON_RESULT_OPTION: OptionHelp = { name: 'json', text: 'print the result as JSON on stdout' };
const JSON_OPTION: OptionHelp = { name: 'json', text: 'print the report as JSON on stdout' };
const SELECTOR_OPTION: OptionHelp = { name: 'verifier', value: 'V', text: `a verifier, or and(a,b,…) / mean(a,b,…) of several (default: the run's first)` };
const CHECKER_OPTION: OptionHelp = { name: 'checker-corrected', text: "count each sample with its latest label's human verdict, or flipped where the label says the checker was wrong" };

export const COMMANDS: Record<string, Command> = {
  run: {
    run: runCommand,
    callsModels: true,
    summary: 'a gap check end to end: sample answers, grade them, verify them, report the gap',
    usage: ['run --tasks builtin:sudoku4x4|builtin:arithmetic|FILE --model SPEC [options]', 'run --resume RUN_DIR [--concurrency C] [--json]'],
    options: [
      { name: 'tasks', value: 'SPEC', text: 'builtin:sudoku4x4, builtin:arithmetic or a task file (check it with gaplens tasks validate)' },
      { name: 'model', value: 'SPEC', text: 'the model to check (see Model SPEC below)' },
      { name: 'limit', value: 'K', text: 'first K tasks only' },
      { name: 'n', short: 'n', value: 'N', text: 'samples per task (default 8)' },
      { name: 'verifier', value: 'LIST', text: `comma list of ${VERIFIERS} (default mc)` },
      {
        name: 'verifier-model',
        value: 'SPEC',
        text: "run every verifier by this model instead of --model (the paper's gap(f, g)); records named VERIFIER@MODEL, e.g. mc@qwen2.5-72b",
      },
      { name: 'filter', value: 'SPEC', text: `${FILTERS} (default quantile:0.8)` },
      { name: 'out', value: 'DIR', text: 'run folder (default RUNS_DIR/<run id>)' },
      RUNS_DIR_HELP,
      { name: 'resume', value: 'RUN_DIR', text: 'continue an interrupted run with its own settings' },
      { name: 'api', value: 'chat|completions', text: 'OpenAI API flavour (default completions, as for base models)' },
      { name: 'temperature', value: 'T', text: 'sampling temperature (default 0.7)' },
      { name: 'top-p', value: 'P', text: 'nucleus sampling mass in (0, 1] (default 0.9)' },
      { name: 'max-tokens', value: 'M', text: 'tokens per answer (default 512)' },
      ...VERIFIER_SAMPLING_HELP,
      { name: 'seed', value: 'S', text: 'run seed (default 0)' },
      { name: 'tournament-both-orders', text: 'ask every tournament match in both orders; records the inconsistency rate' },
      { name: 'verifications', value: 'K', text: 'K sampled verifications per sample (cot-score: mean, cot-binary: majority; not mc or tournament); reports add the gap against k ≤ K (default 1)' },
      { name: 'templates', value: 'DIR', text: 'prompt templates overriding the defaults (see gaplens templates export)' },
      { name: 'lineage', value: 'FILE', text: "the gaplens export FILE this model was fine-tuned on: run.json records its parent run (FILE.lineage.json, its hash checked); for report --series" },
      { name: 'estimate', text: 'print the estimate (upper bounds of calls, tokens and cost) and exit: nothing is created or asked (--json: on stdout)' },
      ...EXECUTION_OPTIONS_HELP,
      JSON_OPTION,
    ],
    notes: [MODEL_SPEC, RESUME_NOTE, COST_NOTE],
  },
  report: {
    run: reportCommand,
    summary: 'the gap statistics of a run folder, or of a samples file scored elsewhere',
    usage: ['report RUN_DIR [options]', 'report --samples FILE [options]', 'report --series RUN_DIR RUN_DIR… [options]'],
    options: [
      { name: 'samples', value: 'FILE', text: 'scored samples from elsewhere instead of a run folder (docs/run-format.md)' },
      {
        name: 'series',
        text: "the runs are rounds of self-improvement linked by run --lineage (any order): per round accuracy, gap, relative gap and pass@k, and whether round r+1 beats round r accuracy plus its gap (docs/statistics.md); --verifier and --filter default to the export round 1 was trained on",
      },
      SELECTOR_OPTION,
      { name: 'filter', value: 'SPEC', text: `${FILTERS} (default: the run's filter)` },
      CHECKER_OPTION,
      { name: 'bootstrap', value: 'B', text: 'bootstrap resamples for the confidence intervals (default 1000)' },
      { name: 'seed', value: 'S', text: 'bootstrap seed (default 0)' },
      JSON_OPTION,
      { name: 'html', value: 'FILE', text: "write the report as a self-contained HTML page (never a run folder's own file)" },
      { name: 'force', text: 'overwrite the --html FILE if it exists' },
      { name: 'no-column-cache', text: 'parse every line of samples.jsonl instead of loading RUN_DIR/.cache/columns.bin, and write no cache (docs/run-format.md)' },
    ],
  },
  matrix: {
    run: matrixCommand,
    summary: "the cross-verification grid gap(f, g) of runs on one task set: generators × the models that verified them",
    usage: ['matrix RUN_DIR… [--verifier V] [--filter SPEC] [--json]'],
    options: [
      { name: 'verifier', value: 'V', text: `the verifier method every cell reads, one of ${VERIFIERS}; the columns are the models that ran it (default: that of the first run's first verifier)` },
      { name: 'filter', value: 'SPEC', text: `${FILTERS} (default: the first run's filter)` },
      { name: 'bootstrap', value: 'B', text: 'bootstrap resamples for the confidence intervals (default 1000)' },
      { name: 'seed', value: 'S', text: 'bootstrap seed (default 0)' },
      JSON_RESULT_OPTION,
    ],
    notes: [
      'Cell (f, g) is the report of the run of generator f read by V as model g ran it: the run\'s own V when g = f, V@G\n' +
        'added by run --verifier-model or reverify --model otherwise (the same numbers as gaplens report RUN --verifier V@G).\n' +
        'The runs must share one task set (the same tasks.jsonl). A missing cell shows the command that fills it,\n' +
        'gaplens reverify RUN --model G --verifier V; two runs filling one cell are refused (docs/statistics.md).',
    ],
  },
  audit: {
    run: auditCommand,
    summary: "draw a random sample of a run's samples for a person to label: agreement with humans, the gap on corrected truth",
    usage: ['audit RUN_DIR [--size N] [--seed S] [--verifier V] [--filter SPEC] [--replace] [--json]'],
    options: [
      { name: 'size', value: 'N', text: 'samples to draw (default 40), spread equally over kept/dropped × checker correct/incorrect' },
      { name: 'seed', value: 'S', text: 'the draw\'s seed, an integer in [0, 2^32) (default: a random one, recorded in audit.json)' },
      SELECTOR_OPTION,
      { name: 'filter', value: 'SPEC', text: `${FILTERS}: the verifier decision the strata are made of (default: the run's filter)` },
      { name: 'replace', text: "replace the run's audit.json (its labels stay in annotations.jsonl)" },
      { name: 'json', text: 'print audit.json on stdout' },
    ],
    notes: [
      'Writes RUN_DIR/audit.json. Label the drawn samples in the Gap Lens panel (Audit) in the order drawn;\n' +
        'gaplens report then shows Cohen\'s κ of the verifier and of the checker against the human, and the\n' +
        'accuracy, filtered accuracy and gap on the human-corrected truth (docs/statistics.md, "Audit").',
    ],
  },
  reverify: {
    run: reverifyCommand,
    callsModels: true,
    summary: "new verifiers, or edited verifier templates, over a run's existing generations, without new sampling",
    usage: ['reverify RUN_DIR --verifier LIST [--model SPEC] [options]', 'reverify RUN_DIR --templates DIR [--name NAME] [--verifier LIST] [options]'],
    options: [
      { name: 'verifier', value: 'LIST', text: `the verifiers to add: comma list of ${VERIFIERS}; with --templates, which of the run's verifiers to re-run (default: those whose templates DIR changes)` },
      { name: 'model', value: 'SPEC', text: "verify with another model (the paper's gap(f, g)); its records are named VERIFIER@MODEL, e.g. mc@qwen2.5-72b" },
      { name: 'templates', value: 'DIR', text: "edited verify templates, over the run's own: re-verify with them as a new template version, records named VERIFIER#NAME" },
      { name: 'name', value: 'NAME', text: 'the template version\'s name (default v2, v3, …; v1 is the run\'s own templates)' },
      { name: 'verifications', value: 'K', text: 'K sampled verifications per sample of each (cot-score, cot-binary); a verifier the run has gains the draws it lacks (default 1)' },
      ...EXECUTION_OPTIONS_HELP,
      JSON_OPTION,
    ],
    notes: [
      MODEL_SPEC,
      COST_NOTE,
      'With --templates the result is the A/B comparison against the version before (gaplens templates compare);\n' +
        'every version stays in the run (templates/versions/NAME/) and any two can be compared later.',
    ],
  },
  import: {
    run: importCommand,
    summary: 'a run folder from generations made elsewhere (lm-eval, Inspect AI, JSONL), graded by our checkers, ready to verify',
    usage: ['import FILE… [--format lm-eval|inspect|jsonl] [--model SPEC] [--grader G] [-n N] [--out DIR]'],
    options: [
      { name: 'format', value: 'lm-eval|inspect|jsonl', text: 'how to read the files (default: recognised from their first record)' },
      { name: 'model', value: 'SPEC', text: 'the model that generated the samples (default: the one the source names, if Gap Lens can call it); it verifies unless reverify names another' },
      { name: 'grader', value: 'G', text: 'check every answer with numeric, math, nq, sudoku or exact (default: from the task name or gold answer; docs/import.md)' },
      { name: 'n', short: 'n', value: 'N', text: 'samples per task: the first N of each; tasks with fewer are left out (default: the one count all tasks have)' },
      { name: 'api', value: 'chat|completions', text: 'OpenAI API flavour the verifiers use (default completions)' },
      ...VERIFIER_SAMPLING_HELP,
      { name: 'out', value: 'DIR', text: 'run folder (default RUNS_DIR/<run id>); must not exist or be empty' },
      RUNS_DIR_HELP,
      { name: 'json', text: 'print the summary as JSON on stdout' },
    ],
    notes: [
      'Reads lm-evaluation-harness --log_samples output (samples_<task>_<date>.jsonl), Inspect AI JSON eval logs\n' +
        '(inspect log convert turns a .eval log into one) and the import JSONL, one task per line:\n' +
        '  {"task": "q1", "question": "…", "gold": "42", "samples": ["…", "…"], "grader": "numeric"}\n' +
        'Samples of one task id are its repeated samples (lm-eval repeats, Inspect epochs). Nothing is generated and the\n' +
        'run has no verifiers yet: add them with gaplens reverify RUN_DIR --verifier mc [--model SPEC], then\n' +
        'gaplens report RUN_DIR. Which fields are read, and the checkers chosen: docs/import.md.',
      MODEL_SPEC,
    ],
  },
  doctor: {
    run: doctorCommand,
    callsModels: true,
    summary: 'what an endpoint accepts, whether its logprobs are sound, and which verifiers it can serve',
    usage: ['doctor MODEL [--api chat|completions] [--json]'],
    options: [
      { name: 'api', value: 'chat|completions', text: 'OpenAI API flavour to check (default completions, as gaplens run)' },
      JSON_RESULT_OPTION,
    ],
    notes: [
      MODEL_SPEC,
      'Probes the endpoint anew (about 3 small requests, more for a server that refuses parameters) and keeps the result for\n' +
        'the runs of the next 24 hours; then asks for the top logprobs after a verify-mc prompt three times and checks them:\n' +
        'k distinct tokens, every logprob <= 0 and probabilities summing to <= 1, two identical requests agreeing, and\n' +
        '"Correct" / "Incorrect" among them as first tokens mc counts. Each verifier is then exact, approximate or impossible\n' +
        'on this endpoint, with why (docs/providers.md, "gaplens doctor"). Exit 1 when a check failed or the API is not served.',
    ],
  },
  export: {
    run: exportCommand,
    summary: 'the kept samples of a run as chat-format JSONL for fine-tuning',
    usage: ['export RUN_DIR --filter SPEC [--verifier V] [--format sft] --out FILE'],
    options: [
      { name: 'filter', value: 'SPEC', text: `which samples to keep: ${FILTERS}` },
      SELECTOR_OPTION,
      { name: 'format', value: 'sft', text: 'output format (sft, the only one so far)' },
      { name: 'out', value: 'FILE', text: "the JSONL file to write (never a run folder's own file)" },
      CHECKER_OPTION,
      { name: 'force', text: 'overwrite FILE if it exists' },
    ],
  },
  tasks: {
    run: tasksCommand,
    summary: 'check a task file, list the built-in task sets',
    usage: ['tasks validate FILE', 'tasks list'],
    subcommands: { validate: [], list: [] },
    notes: [
      'tasks validate prints every problem as FILE:LINE: severity: message (the first 50, then how many more)\n' +
        'and a summary with the format it read the file as and its number of tasks. Exit 1 when the file has\n' +
        'an error, holds no task, or is in a format Gap Lens does not read (Parquet, Arrow, SQLite, archives).',
    ],
  },
  cache: {
    run: cacheCommand,
    summary: 'what the response cache holds, and making room in it (docs/cache.md)',
    usage: ['cache info [--cache DIR] [--json]', 'cache prune [--max-mb M] [--cache DIR] [--json]', 'cache clear [--cache DIR] [--json]'],
    subcommands: {
      info: [CACHE_DIR_OPTION, JSON_RESULT_OPTION],
      prune: [{ name: 'max-mb', value: 'M', text: 'remove the least recently used packs of answers down to M MiB (default: the limit)' }, CACHE_DIR_OPTION, JSON_RESULT_OPTION],
      clear: [CACHE_DIR_OPTION, JSON_RESULT_OPTION],
    },
    notes: [
      'Answers are appended to packs (one per writing process). The cache keeps at most GAPLENS_CACHE_MAX_MB MiB\n' +
        '(default 2048) and removes the least recently used packs beyond that; temporary files a killed process left\n' +
        'behind are removed once they are 5 minutes old. prune and clear also remove the old one-file-per-answer entries.',
    ],
  },
  batch: {
    run: batchCommand,
    summary: "a run's requests as batch files for an engine elsewhere (vLLM run-batch), and their results back (docs/batch.md)",
    usage: ['batch export RUN_DIR --out DIR [--format openai|vllm] [--phase next|generation|VERIFIER] [--shards K] [options]', 'batch import RUN_DIR RESULT_FILE… [options]'],
    subcommands: {
      export: [
        { name: 'out', value: 'DIR', text: 'the folder to write the request files to (requests-0001.jsonl, …)' },
        { name: 'format', value: 'openai|vllm', text: 'openai (default): the OpenAI Batch API input; vllm: the same lines, for vllm run-batch (chat runs only)' },
        { name: 'phase', value: 'P', text: "next (default): every request the run needs now; generation or a verifier's name: only those" },
        { name: 'shards', value: 'K', text: 'fill K files side by side (one per node or job; default 1)' },
        { name: 'max-requests', value: 'N', text: 'requests per file (default 50000)' },
        { name: 'max-mb', value: 'M', text: 'MiB per file (default 200)' },
        { name: 'force', text: 'overwrite request files already in DIR' },
        ...BATCH_CACHE_OPTIONS,
      ],
      import: BATCH_CACHE_OPTIONS,
    },
    notes: [
      'export writes what the run needs next (generation first, then the verifiers, tournament rounds in turn), one request per line\n' +
        'with custom_id = the response cache key of its call; import takes result files (OpenAI output and error files, vLLM run-batch\n' +
        'output) in any order, partial or repeated, matches them by custom_id, and writes every record they complete. Both advance\n' +
        'the run as far as the results at hand allow; a run started with --executor offline calls no endpoint at all.',
    ],
  },
  templates: {
    run: templatesCommand,
    summary: "editable copies of the default prompt templates; two template versions of a run's verifier side by side",
    usage: ['templates export DIR [--force]', 'templates compare RUN_DIR [--verifier V] [--a VERSION] [--b VERSION] [--filter SPEC] [--json]'],
    subcommands: {
      export: [{ name: 'force', text: 'overwrite templates already in DIR' }],
      compare: [
        { name: 'verifier', value: 'V', text: "the verifier as the run started it, e.g. cot-score (default: the first one with a template version)" },
        { name: 'a', value: 'VERSION', text: "version A: v1 (the run's own templates) or a version's name (default: the one before B)" },
        { name: 'b', value: 'VERSION', text: 'version B (default: the newest)' },
        { name: 'filter', value: 'SPEC', text: `${FILTERS}: the filter behind the gap and the verdicts (default: the run's filter)` },
        { name: 'bootstrap', value: 'B', text: 'bootstrap resamples for the gap intervals (default 1000)' },
        { name: 'seed', value: 'S', text: 'bootstrap seed (default 0)' },
        JSON_RESULT_OPTION,
      ],
    },
    notes: [
      'compare shows gap, relative gap, AUROC, calibration (ECE, Brier) and coverage under each version and B − A, then\n' +
        'every sample whose verdict (kept, dropped or unscored under the filter) changed, with both scores (docs/templates.md).',
    ],
  },
};
