// gaplens batch export|import: a run's requests as batch files for an engine elsewhere (vLLM's
// run-batch on a cluster, the OpenAI Batch API by hand), and their result files back into the run
// (docs/batch.md, "Offline clusters"). Both take the run's lock, and both advance the run as far as
// the results at hand allow.
import { copyFile } from 'node:fs/promises';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BatchExecutor, type BatchMode } from '../../core/batch/batchExecutor';
import { batchFolder, emptyBatchState, readBatchState, writeBatchState } from '../../core/batch/batchState';
import { ResultIndex } from '../../core/batch/resultIndex';
import { OPENAI_BATCH_LIMITS, type WrittenShard } from '../../core/batch/shardWriter';
import { parseModelSpec } from '../../core/llm/modelSpec';
import { expectedRecords } from '../../core/pipeline/gapCheck';
import { RunController } from '../../core/pipeline/runController';
import { recordsOnFile } from '../../core/pipeline/runSession';
import { makeFolder } from '../../core/runs/files';
import { readManifest } from '../../core/runs/runStore';
import { defaultResponseCacheDir } from '../../core/util/cacheDir';
import { UserError } from '../../core/util/errors';
import { plural } from '../../core/util/plural';
import { driveRun } from '../driveRun';
import { checkLiveBatches } from '../executorFlags';
import { flag, numberOpt, stringOpt, type RawValues } from '../options';
import { say, writeOut } from '../terminalText';
import { printRunReport } from './report';

const COMMON = { cache: { type: 'string' }, 'no-cache': { type: 'boolean' }, json: { type: 'boolean' } } as const;
const EXPORT = {
  ...COMMON,
  out: { type: 'string' },
  format: { type: 'string' },
  phase: { type: 'string' },
  shards: { type: 'string' },
  'max-requests': { type: 'string' },
  'max-mb': { type: 'string' },
  force: { type: 'boolean' },
} as const;

export async function batchCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'export' && sub !== 'import') throw new UserError('batch takes export or import; see gaplens batch --help', 2);
  const { values, positionals } = parseArgs({ args: rest, options: sub === 'export' ? EXPORT : COMMON, strict: true, allowPositionals: true });
  const v = values as RawValues;
  const [dir, ...files] = positionals;
  if (dir === undefined) throw new UserError(`batch ${sub} takes a RUN_DIR${sub === 'import' ? ' and the result files to import' : ''}`, 2);
  return sub === 'export' ? exportRequests(dir, files, v) : importResults(dir, files, v);
}

/** What the run needs next, in the words of the commands that provide it. */
export async function batchNextStep(dir: string): Promise<string> {
  const { config } = await readManifest(dir);
  const format = config.api === 'chat' ? 'vllm' : 'openai';
  return `the run waits for batch results: write its requests with gaplens batch export ${dir} --format ${format} --out FOLDER, run them, then gaplens batch import ${dir} RESULT_FILE…`;
}

async function exportRequests(dir: string, extra: string[], v: RawValues): Promise<number> {
  if (extra.length > 0) throw new UserError(`batch export takes one RUN_DIR (got also ${extra.join(' ')})`, 2);
  const out = stringOpt(v, 'out');
  if (out === undefined) throw new UserError('--out is required: the folder to write the request files to', 2);
  const format = stringOpt(v, 'format') ?? 'openai';
  if (format !== 'openai' && format !== 'vllm') throw new UserError(`--format '${format}' is not valid: use openai or vllm`, 2);
  const spread = numberOpt(v, 'shards', 1, { integer: true, min: 1, max: 10_000 });
  const limits = {
    maxRequests: numberOpt(v, 'max-requests', OPENAI_BATCH_LIMITS.maxRequests, { integer: true, min: 1, max: 1_000_000 }),
    maxBytes: Math.floor(numberOpt(v, 'max-mb', OPENAI_BATCH_LIMITS.maxBytes / 2 ** 20, { min: 0.001, max: 100_000 }) * 2 ** 20),
  };
  const { config } = await readManifest(dir);
  const phase = stringOpt(v, 'phase') ?? 'next';
  const stages = ['generation', ...config.verifiers];
  if (phase !== 'next' && !stages.includes(phase)) throw new UserError(`--phase '${phase}' is not a phase of ${dir}: use next, ${stages.join(', ')}`, 2);
  if (format === 'vllm' && config.api !== 'chat') {
    throw new UserError(`vLLM's run-batch serves chat requests only ("Currently only the /v1/chat/completions endpoint is supported"), and ${dir} uses the completions API: export with --format openai, or start a run with --api chat`, 2);
  }
  const spec = parseModelSpec(config.model);
  if (format === 'vllm' && spec.backend === 'openai' && spec.provider === 'azure') {
    // Azure's batch lines name /chat/completions without /v1, which vLLM's run-batch refuses.
    throw new UserError(`${dir} runs on the Azure OpenAI deployment ${spec.model}, whose batch lines vLLM's run-batch does not take: export with --format openai (for Azure's Batch API), or run the model on vLLM as openai:MODEL@URL`, 2);
  }
  checkOutFolder(out, flag(v, 'force'));
  await checkLiveBatches(dir, 'offline');
  let exported: { written: WrittenShard[]; setAside: Record<string, number> } = { written: [], setAside: {} };
  const mode: BatchMode = {
    kind: 'export', out, limits, spread,
    ...(phase === 'next' ? {} : { stages: [phase] }),
    onExported: (written, setAside) => (exported = { written, setAside }),
  };
  const result = await advance(dir, 'gaplens batch export', v, mode);
  const { written, setAside } = exported;
  if (flag(v, 'json')) {
    writeOut(`${JSON.stringify({ run: dir, out, format, files: written.map((s) => ({ file: s.file, requests: s.requests, bytes: s.bytes, stages: s.stages })), needed: setAside, complete: result.complete })}\n`);
    return 0;
  }
  if (result.complete) {
    say(`nothing to export: ${dir} is complete`);
    return 0;
  }
  const needed = Object.entries(setAside).map(([stage, n]) => `${stage} ${n}`).join(', ');
  if (written.length === 0) {
    say(`no ${phase} requests to export now; ${dir} needs: ${needed}`);
    return 0;
  }
  const requests = written.reduce((n, s) => n + s.requests, 0);
  say(`wrote ${plural(requests, 'request')} in ${plural(written.length, 'file')} to ${out} (the run needs: ${needed})`);
  for (const s of written) say(`  ${s.file}  ${plural(s.requests, 'request')}, ${s.bytes} bytes`);
  const model = (written[0]?.model ?? config.model).replace(/^[a-z]+:(.*)@.*$/, '$1');
  if (format === 'vllm') say(`run each file, e.g.: vllm run-batch -i ${basename(written[0]?.file ?? 'requests-0001.jsonl')} -o results-0001.jsonl --model ${model}`);
  say(`then: gaplens batch import ${dir} RESULT_FILE…`);
  return 0;
}

async function importResults(dir: string, files: string[], v: RawValues): Promise<number> {
  if (files.length === 0) throw new UserError('batch import takes the result files to import after the RUN_DIR', 2);
  // Every file is read before the run is touched: a line that is not a result names its file and line.
  const lines: number[] = [];
  for (const file of files) {
    const index = new ResultIndex();
    try {
      lines.push((await index.add(file)).lines);
    } finally {
      await index.close();
    }
  }
  await checkLiveBatches(dir, 'offline');
  const result = await advance(dir, 'gaplens batch import', v, { kind: 'ingest' }, async () => {
    const state = (await readBatchState(dir)) ?? emptyBatchState();
    const folder = batchFolder(dir);
    await makeFolder(join(folder, 'imports'));
    for (const [i, file] of files.entries()) {
      const kept = join('imports', `${String(state.imports.length + 1).padStart(4, '0')}-${basename(file)}`);
      await copyFile(file, join(folder, kept));
      state.imports.push({ file: kept, source: resolve(file), lines: lines[i] ?? 0, at: new Date().toISOString() });
      state.received.push(kept);
      await writeBatchState(dir, state);
    }
    say(`imported ${plural(files.length, 'file')} (${plural(lines.reduce((a, b) => a + b, 0), 'result line')})`);
  });
  if (result.complete) return printRunReport(dir, { json: flag(v, 'json'), warn: say });
  say(await batchNextStep(dir));
  return 0;
}

/**
 * Takes the run's lock, does `first` under it, and runs one batch pass of the run in `mode`:
 * what the results at hand answer is written as records, the rest is what the run needs next.
 */
async function advance(dir: string, by: string, v: RawValues, mode: BatchMode, first?: () => Promise<void>): Promise<{ complete: boolean }> {
  const controller = await RunController.open({ kind: 'resume', dir }, { by, onWarning: say, capabilities: 'recorded' });
  const { prepared } = controller;
  try {
    await first?.();
  } catch (err) {
    await controller.close();
    throw err;
  }
  const runId = (await readManifest(dir)).id;
  const result = await driveRun(controller, {
    activity: 'batch results',
    total: expectedRecords(prepared.tasks.length, prepared.config.n, prepared.config),
    done: recordsOnFile(prepared).records,
    counts: () => true,
    execution: { concurrency: prepared.config.concurrency, cacheDir: flag(v, 'no-cache') ? null : (stringOpt(v, 'cache') ?? defaultResponseCacheDir()) },
    executor: async () => new BatchExecutor({ dir, runId, mode, maxRetries: 6 }),
  });
  return { complete: result.complete };
}

/** The export folder: created if missing; one holding request files already is refused without --force. */
function checkOutFolder(out: string, force: boolean): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new UserError(`--out ${out} is a file; name a folder`, 2);
  if (force) return;
  const earlier = readdirSync(out).filter((name) => REQUEST_FILE.test(name));
  if (earlier.length > 0) throw new UserError(`--out ${out} holds request files already (${earlier.slice(0, 3).join(', ')}${earlier.length > 3 ? ', …' : ''}); choose another folder, or pass --force to overwrite them`, 2);
}

/** The names batch export gives its files. */
const REQUEST_FILE = /^requests-\d{4,}\.jsonl$/;
