// The one way a run folder is written, for `gaplens run`, `gaplens reverify` and the extension:
// take the run's lock, prepare (create, resume or add verifiers — a torn tail is repaired only
// here, under the lock), execute with every failure rule in one place, release the lock. Callers
// add only their faces: progress, messages, the resume hint in their own words.
import { setMaxListeners } from 'node:events';
import { missingPrices, type Pricing } from '../cost/pricing';
import { CostLimitReachedError, SpendMeter, type Spend } from '../cost/spend';
import { canonicalModelSpec, parseModelSpec, sameModel } from '../llm/modelSpec';
import type { ModelBackend, Usage } from '../llm/backend';
import type { EndpointFigures } from '../llm/endpointFigures';
import type { EndpointCapabilities } from '../runs/endpointCapabilities';
import { abortReason } from '../llm/abort';
import { UserError } from '../util/errors';
import type { Accounting, ScheduledBackend } from '../llm/scheduler';
import { acquireRunLock, type RunLock } from '../runs/runLock';
import { markCompleted, readManifest, updateManifest } from '../runs/runStore';
import { SampleLog } from '../runs/sampleLog';
import { baseVerifierOf, createVerifier, named, onModel } from '../verify/index';
import { ORIGINAL_VERSION, splitVersion } from '../runs/templateVersions';
import type { BaseVerifierName, Verifier } from '../verify/verifier';
import { atDraw } from '../verify/draws';
import { ExecutionRecords } from './executionRecords';
import { checkpointBytes, checkpointStart, ColumnCheckpoints } from './columnCheckpoints';
import type { Executor } from './executor';
import { runGapCheck, type GapCheckEvent } from './gapCheck';
import { openModel } from './openModel';
import { checkRunCapabilities, checkSamplingUnchanged, modelUses, type CapabilityOptions, type ModelUse } from './runCapabilities';
import { addTemplateVersion, addVerifiers, loadRunTasks, prepareResume, prepareRunOfTasks, recordsOnFile, type NewRunOptions, type PreparedRun, type TemplateVersionRequest } from './runSession';
import type { RunConfig, Task } from '../runs/records';

export type OpenRequest =
  /** A new run over `config.tasks`, or over `tasks` when the caller already holds them (a selection). */
  | { kind: 'new'; config: RunConfig; tasks?: Task[]; options: NewRunOptions }
  /** The missing records of an existing run, with its own configuration. */
  | { kind: 'resume'; dir: string }
  /** New verifiers over a run's existing generations: no new sampling; with `model`, run by that model. */
  | { kind: 'reverify'; dir: string; verifiers: BaseVerifierName[]; model?: string; /** Verifications per sample of each (`--verifications K`, K ≥ 2); absent: 1. */ verifications?: number }
  /** A template version: some of the run's verifiers again over its generations, with edited templates (runs/templateVersions.ts). */
  | { kind: 'template-version'; dir: string; version: TemplateVersionRequest };

export interface OpenOptions {
  /** Who writes the run, as the lock tells other processes (e.g. "gaplens run", "VS Code"). */
  by: string;
  onWarning: (message: string) => void;
  /**
   * Probe the HTTP endpoints the execution will call before anything is created or written
   * (runCapabilities.ts): refuse what they cannot serve, record what they accept in run.json, and
   * word every request for them. 'recorded': no probe, the capabilities run.json recorded word
   * the requests (an execution that reaches no endpoint: exporting batch requests). Absent: no
   * probe, every parameter sent as asked.
   */
  capabilities?: CapabilityOptions | 'recorded';
}

/** The live figures of a model served by several endpoints. */
export interface EndpointReport {
  /** The model spec as opened. */
  model: string;
  endpoints: EndpointFigures[];
}

/** How often onEndpoints is told. */
const ENDPOINT_REPORT_MS = 1000;

export interface ExecuteOptions {
  /** Model calls in flight at once per model; for a model with several endpoints, the ceiling over all of them. */
  concurrency: number;
  /** Several endpoints: each keeps an equal share of `concurrency` instead of adapting (`--fixed-concurrency`). */
  fixedConcurrency?: boolean;
  /**
   * Specs that serve models of the run from other endpoints (a resume's --model): a model the run
   * names is opened as the spec here of the same model (sameModel), if there is one.
   */
  servedBy?: readonly string[];
  cacheDir: string | null;
  /** The most bytes the response cache may take (default: $GAPLENS_CACHE_MAX_MB, else 2 GiB). */
  cacheMaxBytes?: number;
  /** The API key for a model spec's endpoint, if one may be sent there. */
  keyFor?: (model: string) => string | undefined;
  timeoutMs?: number;
  maxRetries?: number;
  threads?: number;
  contextSize?: number;
  maxAnswerBytes?: number;
  onEvent?: (event: GapCheckEvent) => void;
  /** Every ENDPOINT_REPORT_MS while it executes, the figures of each model served by several endpoints. */
  onEndpoints?: (reports: EndpointReport[]) => void;
  onMessage?: (message: string) => void;
  /** Told, in one line, what is no fault of the run but may explain its speed: why the column cache was not kept at checkpoints (a read-only or full folder). */
  onDebug?: (message: string) => void;
  onDownloadProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  /** The user's prices: with them the outcome says what the execution spent, and `onSpend` is told as it goes. */
  pricing?: Pricing;
  /**
   * Stop cleanly once this execution's spend reaches this much (in the pricing file's currency):
   * like a cancellation, every call in flight is aborted and none is made after. Needs `pricing`
   * with a price for every model the execution calls, or it fails before any call.
   */
  costLimit?: number;
  /** The spend so far, after every call a model answered (docs/cost.md, "Live spend"). */
  onSpend?: (spend: Spend) => void;
  /** Answer the calls in batches instead of online (src/core/batch, docs/batch.md). */
  executor?: Executor;
}

/**
 * How an execution ended. complete: every record exists (run.json says so); incomplete: the pass
 * finished but `failedSamples` sample stages failed at the model call (a resume asks again);
 * cancelled: the caller aborted; cost-limit: the spend reached `costLimit` and the execution
 * stopped as a cancellation does; failed: an error ended it (`error`), every call stopped first;
 * waiting: a batch executor wrote all it could and waits for results from outside (docs/batch.md).
 * `spend` is what the execution spent, null without `pricing`.
 */
export type RunOutcome = { accounting: Accounting | null; spend: Spend | null } & (
  | { status: 'complete' | 'cancelled' | 'waiting' }
  | { status: 'incomplete'; failedSamples: number }
  | { status: 'cost-limit'; limit: CostLimitReachedError }
  | { status: 'failed'; error: unknown }
);

/**
 * What every face says when a run stopped before it was complete: nothing finished is lost, and
 * how to go on (`howToContinue` in the face's own words: a command, a menu item).
 */
export function unfinishedNote(dir: string, howToContinue: string): string {
  return `everything finished so far is saved in ${dir}; ${howToContinue}`;
}

export class RunController {
  private constructor(
    readonly prepared: PreparedRun,
    /** The verifiers an execution runs (names as records carry them): all of the run's, or the new ones of a re-verify. */
    readonly verifiers: string[],
    private readonly lock: RunLock,
    /** The probed capabilities of the endpoints this execution calls, by model spec. */
    private readonly capabilities: Record<string, EndpointCapabilities>,
    /** What the folder held when the run was prepared, and (once it executes) what the execution appends. */
    readonly records: ExecutionRecords,
  ) {}

  private static of(prepared: PreparedRun, verifiers: string[], lock: RunLock, capabilities: Record<string, EndpointCapabilities>): RunController {
    return new RunController(prepared, verifiers, lock, capabilities, ExecutionRecords.forRun(prepared, verifiers));
  }

  get dir(): string {
    return this.prepared.dir;
  }

  /**
   * Takes the run's lock and prepares it; throws RunLockedError when another process writes it.
   * With `opts.capabilities`, the endpoints are probed first: a new run that one cannot serve is
   * refused before its folder exists, a resume or re-verify before the run is changed.
   */
  static async open(request: OpenRequest, opts: OpenOptions): Promise<RunController> {
    const how = opts.capabilities;
    const probe = async (uses: ModelUse[], api: RunConfig['api']): Promise<Record<string, EndpointCapabilities>> =>
      how && how !== 'recorded' ? checkRunCapabilities(uses, api, how, opts.onWarning) : {};
    if (request.kind === 'new') {
      const { config } = request;
      // The tasks first: a task file that cannot be read is said before any endpoint is called.
      const tasks = request.tasks ?? (await loadRunTasks(config));
      const capabilities = await probe(modelUses(config.model, config.verifierModels, config.verifiers, true), config.api);
      const prepared = await prepareRunOfTasks(config, tasks, Object.keys(capabilities).length > 0 ? { ...request.options, capabilities } : request.options);
      // Nobody else knows the new folder yet, so nobody can hold its lock.
      const lock = await acquireRunLock(prepared.dir, opts.by);
      return RunController.of(prepared, prepared.config.verifiers, lock, capabilities);
    }
    const lock = await acquireRunLock(request.dir, opts.by);
    try {
      if (request.kind === 'resume') {
        const prepared = await prepareResume(request.dir, opts.onWarning);
        const { config } = prepared;
        const recorded = prepared.columns?.manifest.capabilities;
        if (how === 'recorded') return RunController.of(prepared, config.verifiers, lock, recorded ?? {});
        const generates = recordsOnFile(prepared).generations < prepared.tasks.length * config.n;
        const capabilities = await probe(modelUses(config.model, config.verifierModels, config.verifiers, generates), config.api);
        checkSamplingUnchanged(recorded, capabilities);
        if (Object.keys(capabilities).length > 0) await updateManifest(request.dir, (m) => ({ ...m, capabilities: { ...m.capabilities, ...capabilities } }));
        return RunController.of(prepared, config.verifiers, lock, capabilities);
      }
      const { config, capabilities: recorded } = await readManifest(request.dir);
      if (request.kind === 'template-version') {
        // The models of the verifiers it may re-run, each as the run already calls it.
        const candidates = request.version.verifiers ?? config.verifiers.filter((name) => splitVersion(name).version === ORIGINAL_VERSION);
        const capabilities = how === 'recorded' ? (recorded ?? {}) : await probe(modelUses(config.model, config.verifierModels, candidates, false), config.api);
        const { prepared, added } = await addTemplateVersion(request.dir, request.version, opts.onWarning, capabilities);
        return RunController.of(prepared, added, lock, capabilities);
      }
      // The run's own model at other endpoints verifies as the run's model (servedBy opens it there).
      const verifying = request.model === undefined || sameModel(request.model, config.model) ? config.model : canonicalModelSpec(request.model);
      const capabilities = how === 'recorded' ? (recorded ?? {}) : await probe([{ model: verifying, generates: false, verifiers: request.verifiers }], config.api);
      const { prepared, added } = await addVerifiers(request.dir, request.verifiers, request.model, opts.onWarning, capabilities, request.verifications);
      return RunController.of(prepared, added, lock, capabilities);
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  /** Runs what is missing, then releases the lock. Never rejects: the outcome says how it ended. */
  async execute(opts: ExecuteOptions): Promise<RunOutcome> {
    let accounting: Accounting | null = null;
    let failedSamples = 0;
    // Stops the execution when the caller aborts, or when the spend reaches the cost limit.
    const stop = new AbortController();
    // Every in-flight model call listens to it; hundreds of them are expected.
    setMaxListeners(0, stop.signal);
    const onCallerAbort = (): void => stop.abort(abortReason(opts.signal as AbortSignal));
    if (opts.signal?.aborted) onCallerAbort();
    opts.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const meter = opts.pricing ? new SpendMeter(opts.pricing) : null;
    const spent = (): Spend | null => meter?.spend() ?? null;
    const onUsage = (model: string, usage: Usage): void => {
      if (!meter) return;
      meter.add(model, usage);
      const spend = meter.spend();
      opts.onSpend?.(spend);
      if (opts.costLimit === undefined || stop.signal.aborted) return;
      // Prices were checked when the models opened: an unknown spend now is a server not saying what it used.
      if (spend.total === null) stop.abort(new UserError(`the cost limit cannot be kept: ${spend.unknownBecause ?? 'the spend is unknown'}; run without a cost limit`));
      else if (spend.total >= opts.costLimit) stop.abort(new CostLimitReachedError(spend.total, opts.costLimit, spend.currency));
    };
    let waiting = false;
    try {
      const { config } = this.prepared;
      const { executor } = opts;
      const models = new ModelSet({ ...opts, signal: stop.signal }, this.capabilities, onUsage);
      const reporter = opts.onEndpoints ? setInterval(() => opts.onEndpoints?.(models.endpointReports()), ENDPOINT_REPORT_MS) : undefined;
      try {
        // A re-verify by another model has no use for the run's own model: it is not even loaded.
        const generationsMissing = recordsOnFile(this.prepared).generations < this.prepared.tasks.length * config.n;
        const ownModelVerifies = this.verifiers.some((name) => config.verifierModels?.[name] === undefined);
        const backend = generationsMissing || ownModelVerifies ? await models.open(config.model, config.api) : unopened(config.model);
        const verifiers = (
          await Promise.all(
            this.verifiers.map(async (name) => {
              const verifier = createVerifier(baseVerifierOf(name), { tournamentBothOrders: config.tournamentBothOrders === true });
              const other = config.verifierModels?.[name];
              const own = other !== undefined ? onModel(verifier, name, await models.open(other, config.api)) : verifier.name === name ? verifier : named(verifier, name);
              return drawsOf(executor ? executor.verifier(own) : own, config);
            }),
          )
        ).flat();
        const checkpoints = await this.checkpoints(opts.onDebug);
        const log = await SampleLog.open(this.dir, checkpoints ? { onWritten: checkpoints.onWritten } : {});
        const existing = this.records;
        const pass = (): Promise<void> =>
          runGapCheck({
            config: { ...config, concurrency: opts.concurrency },
            tasks: this.prepared.tasks,
            backend,
            templates: this.prepared.templates,
            verifierTemplates: (name) => this.prepared.versionTemplates?.get(splitVersion(name).version),
            verifiers,
            existing,
            append: async (record) => existing.add(record, await log.append(record)),
            onEvent: (event) => {
              if (event.type === 'task-done') existing.taskDone(event.task);
              if (event.type === 'failure') failedSamples++;
              opts.onEvent?.(event);
            },
            signal: stop.signal,
          });
        try {
          if (executor) waiting = (await executor.run(pass, stop.signal)) === 'waiting';
          else await pass();
        } finally {
          await log.close();
          await checkpoints?.finish();
        }
      } finally {
        clearInterval(reporter);
        accounting = await models.accounting();
        await models.close();
      }
      if (waiting) return { status: 'waiting', accounting, spend: spent() };
      if (failedSamples > 0) return { status: 'incomplete', accounting, spend: spent(), failedSamples };
      await markCompleted(this.dir, new Date());
      return { status: 'complete', accounting, spend: spent() };
    } catch (error) {
      const reason: unknown = stop.signal.reason;
      if (reason instanceof CostLimitReachedError) return { status: 'cost-limit', accounting, spend: spent(), limit: reason };
      if (opts.signal?.aborted) return { status: 'cancelled', accounting, spend: spent() };
      // Stopped by the execution itself (a limit it could not keep): the reason is the error.
      return { status: 'failed', accounting, spend: spent(), error: stop.signal.aborted ? reason : error };
    } finally {
      opts.signal?.removeEventListener('abort', onCallerAbort);
      await this.lock.release();
    }
  }

  /**
   * What keeps the column cache current as the execution appends (columnCheckpoints.ts); null when
   * the run's store cannot go on from where the folder is (`onDebug` says why).
   */
  private async checkpoints(onDebug: ((msg: string) => void) | undefined): Promise<ColumnCheckpoints | null> {
    const debug = onDebug ?? ((): void => undefined);
    // run.json as it is now: the cache is keyed by it, and a re-verify may have changed it since the run was read.
    const start = checkpointStart(this.prepared, await readManifest(this.dir), debug);
    return start && new ColumnCheckpoints(start, { warn: debug, debug }, checkpointBytes());
  }

  /** Releases the lock without executing (a caller that gave up after open). Idempotent. */
  async close(): Promise<void> {
    await this.lock.release();
  }
}

/**
 * The models one execution talks to, each opened once: the run's own, and those of cross-model
 * verifiers. Their accounting adds up; closing closes them all.
 */
class ModelSet {
  private readonly open_ = new Map<string, Promise<ScheduledBackend>>();
  /** The opened ones by the spec they were opened as, for live figures. */
  private readonly ready = new Map<string, ScheduledBackend>();

  constructor(
    private readonly opts: ExecuteOptions,
    /** The probed capabilities of the endpoints, by model spec: how requests to each are worded. */
    private readonly capabilities: Record<string, EndpointCapabilities>,
    /** Told the usage of every call a model answered. */
    private readonly onUsage: (model: string, usage: Usage) => void,
  ) {}

  open(model: string, api: 'chat' | 'completions'): Promise<ScheduledBackend> {
    let backend = this.open_.get(model);
    if (!backend) {
      const { opts } = this;
      // A limit that could not be checked would be no limit: a model without a price is refused before any call.
      const unpriced = opts.costLimit === undefined ? null : opts.pricing ? missingPrices(opts.pricing, [model], 'a cost limit') : 'a cost limit needs prices (docs/cost.md)';
      if (unpriced !== null) return Promise.reject(new UserError(unpriced));
      // The run's model may be served by other endpoints on this execution (a resume's --model).
      const spec = opts.servedBy?.find((other) => sameModel(other, model)) ?? model;
      const apiKey = opts.keyFor?.(spec);
      const capabilities = this.capabilities[model];
      backend = openModel(parseModelSpec(spec), {
        ...(capabilities ? { capabilities } : {}),
        api,
        concurrency: opts.concurrency,
        ...(opts.fixedConcurrency ? { fixedConcurrency: true } : {}),
        cacheDir: opts.cacheDir,
        ...(opts.cacheMaxBytes !== undefined ? { cacheMaxBytes: opts.cacheMaxBytes } : {}),
        ...(apiKey ? { apiKey } : {}),
        ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
        ...(opts.maxRetries !== undefined ? { maxRetries: opts.maxRetries } : {}),
        ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
        ...(opts.contextSize !== undefined ? { contextSize: opts.contextSize } : {}),
        ...(opts.maxAnswerBytes !== undefined ? { maxAnswerBytes: opts.maxAnswerBytes } : {}),
        ...(opts.onMessage ? { onRetry: opts.onMessage, onNotice: opts.onMessage } : {}),
        ...(opts.onDownloadProgress ? { onDownloadProgress: opts.onDownloadProgress } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.executor ? { transport: opts.executor.transport(model, api) } : {}),
        onUsage: (usage) => this.onUsage(model, usage),
      });
      void backend.then((b) => this.ready.set(spec, b), () => undefined);
      this.open_.set(model, backend);
    }
    return backend;
  }

  endpointReports(): EndpointReport[] {
    return [...this.ready].flatMap(([model, b]) => (b.endpointFigures ? [{ model, endpoints: b.endpointFigures() }] : []));
  }

  async accounting(): Promise<Accounting> {
    const all = await this.opened();
    const sum = (pick: (a: Accounting) => number): number => all.reduce((total, b) => total + pick(b.accounting()), 0);
    return {
      requests: sum((a) => a.requests),
      cacheHits: sum((a) => a.cacheHits),
      retries: sum((a) => a.retries),
      failures: sum((a) => a.failures),
      promptTokens: sum((a) => a.promptTokens),
      completionTokens: sum((a) => a.completionTokens),
    };
  }

  async close(): Promise<void> {
    await Promise.all((await this.opened()).map((b) => b.close()));
  }

  /** The backends that did open (one that failed to open has nothing to count or close). */
  private async opened(): Promise<ScheduledBackend[]> {
    const settled = await Promise.allSettled(this.open_.values());
    return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  }
}

/** The verifier once per verification of each sample the run draws (`config.verifications`); as it is when it draws one. */
function drawsOf(verifier: Verifier, config: RunConfig): Verifier[] {
  const k = config.verifications?.[verifier.name] ?? 1;
  return k === 1 ? [verifier] : Array.from({ length: k }, (_, draw) => atDraw(verifier, draw));
}

/** Stands for a model this execution has no call for; a call would be a bug, and says so. */
function unopened(model: string): ModelBackend {
  const refuse = (): Promise<never> => Promise.reject(new Error(`internal: ${model} was not opened, because no call to it was expected`));
  return { id: model, generate: refuse, nextToken: refuse, close: async () => undefined };
}
