// The panel's verifier quality, any N, pass^k, best-of-N shortfall and finite-N warning, computed the
// way the panel computes them from the very messages the host sends (RunModel → snapshotMessages →
// validated as the webview validates them → SampleStore → Dataset), equal to `gaplens report --json`
// of the same run folder and filter (the built CLI, a real child process).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import type { AnnotationRecord, FailureRecord, GenerationRecord, VerificationRecord } from '../../../src/core/runs/records';
import { SAMPLES_SCHEMA_VERSION } from '../../../src/core/runs/records';
import { createRunFolder, readRun } from '../../../src/core/runs/runStore';
import { DEFAULT_BOOTSTRAP } from '../../../src/core/stats/bootstrap';
import type { Task } from '../../../src/core/tasks/task';
import { createRng } from '../../../src/core/util/random';
import { RunModel } from '../../../src/extension/panel/runModel';
import { snapshotMessages } from '../../../src/extension/panel/snapshot';
import { parseHostMessage, type HostMessage, type HostNotification } from '../../../src/protocol/panelProtocol';
import { applyFilter, gradedTaskCounts, kCurves, scoreSelector } from '../../../webview/model/analysis';
import { buildDataset } from '../../../webview/model/dataset';
import { PENDING, QualityJob, runVerifiers, type QualityState } from '../../../webview/model/quality';
import { restsOn } from '../../../webview/model/restsOn';
import { SampleStore } from '../../../webview/model/sampleStore';
import { runCli, tempDir } from '../../helpers/cli';
import { generation, jsonl, manifest, verification } from '../../core/runs/runFixtures';

const TASK_COUNT = 12;
const N = 8;

/**
 * 12 tasks × 8 samples. mc fails to parse now and then (partial), cot-score scores everything,
 * cot-binary is configured but only ever failed at the call (scored nothing).
 */
async function writeRun(dir: string): Promise<void> {
  const rng = createRng(11);
  const tasks: Task[] = Array.from({ length: TASK_COUNT }, (_, t) => ({ id: `t${String(t).padStart(2, '0')}`, question: `What is ${t} + 1?`, answer: String(t + 1), grader: 'numeric' }));
  const records: (GenerationRecord | VerificationRecord | FailureRecord)[] = [];
  for (const task of tasks) {
    const difficulty = rng.next();
    for (let i = 0; i < N; i++) {
      const correct = rng.next() > difficulty;
      const lean = (u: number): number => Math.round((correct ? 0.3 + 0.7 * u : 0.8 * u) * 20) / 20;
      records.push(generation(task.id, i, correct));
      records.push(verification(task.id, i, 'mc', rng.next() < 0.1 ? null : lean(rng.next())));
      records.push(verification(task.id, i, 'cot-score', lean(rng.next())));
      if (i === 0) records.push({ v: 1, type: 'failure', task: task.id, index: i, stage: 'cot-binary', kind: 'call-failed', message: 'cot-binary: 500', at: '2026-11-24T08:15:03.000Z' });
    }
  }
  const base = manifest();
  await createRunFolder(dir, { ...base, config: { ...base.config, n: N, verifiers: ['mc', 'cot-score', 'cot-binary'] } }, tasks);
  writeFileSync(join(dir, 'samples.jsonl'), jsonl(records));
}

/** The host's snapshot of the run folder, each message cloned and validated as the webview gets and validates it, applied as the panel applies it. */
async function panelStore(dir: string): Promise<SampleStore> {
  const run = await readRun(dir);
  const model = RunModel.fromRun(run);
  const messages: HostMessage[] = snapshotMessages(model, { annotations: run.annotations, audit: { audit: null, cannotDraw: null }, runState: { coverage: model.coverage(), live: false }, progress: { done: model.sampleCount, total: model.sampleCount, status: 'done' } }, 40);
  const methods = messages.map((m) => (m.kind === 'notify' ? m.method : m.kind));
  assert.deepEqual([methods[0], ...methods.slice(-5)], ['init', 'annotations', 'audit', 'runState', 'progress', 'tasks'], 'init first, then the rows, progress, and the tasks after it');
  assert.equal(methods.filter((m) => m === 'sampleTable').length, Math.ceil((TASK_COUNT * N) / 40), 'the samples in batches');
  const store = new SampleStore();
  for (const message of messages) {
    const parsed = parseHostMessage(structuredClone(message));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
    const n = parsed.value as HostNotification;
    if (n.method === 'init') store.reset(n.params);
    else if (n.method === 'sampleTable') store.addTable(n.params);
    else if (n.method === 'tasks') store.addTasks(n.params.tasks);
    else if (n.method === 'annotations') store.addAnnotations(n.params.records);
    else if (n.method === 'runState') store.runState = n.params;
  }
  return store;
}

interface PanelNumbers {
  verifierQuality: unknown;
  anyN: unknown;
  finiteN: unknown;
  passAllK: number[];
  bestOfNShortfall: number | null;
  finiteNWarning: string | null;
}

/** Every number the panel's quality and any-N sections show, as the panel computes them. */
function panelNumbers(store: SampleStore, selectorText: string, filterText: string, checkerCorrected: boolean): PanelNumbers {
  const ds = buildDataset(store, checkerCorrected);
  const selector = parseSelector(selectorText);
  const filter = parseFilter(filterText);
  const sel = scoreSelector(ds, selector);
  const fr = applyFilter(ds, selector, filter);
  const job = new QualityJob({ ds, sel, fr: { ...fr, selector }, verifiers: runVerifiers(store.run as NonNullable<SampleStore['run']>, store.runState), bootstrap: DEFAULT_BOOTSTRAP }, () => undefined);
  while (!job.step());
  const state: QualityState = job.state;
  assert.ok(state.entries !== PENDING && state.anyN !== PENDING && state.finiteN !== PENDING);
  const curves = kCurves(ds, sel);
  const k = curves.passAtK.length;
  const rests = restsOn({ runState: store.runState, stats: fr.stats, selector, intervals: null, bootstrap: DEFAULT_BOOTSTRAP, filter, samplesPerTask: gradedTaskCounts(ds).maxK });
  return {
    verifierQuality: state.entries.map((e) => ({ ...e.point, ci: e.ci })),
    anyN: state.anyN,
    finiteN: state.finiteN,
    passAllK: curves.passAllK,
    bestOfNShortfall: curves.bestOfK.length === 0 ? null : (curves.passAtK[k - 1] as number) - (curves.bestOfK[k - 1] as number),
    finiteNWarning: rests.finiteN,
  };
}

/** What the report says, through its JSON. */
async function reportNumbers(dir: string, selector: string, filter: string, checkerCorrected: boolean): Promise<PanelNumbers> {
  const res = await runCli(['report', dir, '--json', '--verifier', selector, '--filter', filter, ...(checkerCorrected ? ['--checker-corrected'] : [])]);
  assert.equal(res.code, 0, res.stderr);
  const json = JSON.parse(res.stdout) as PanelNumbers & { finiteN: { warning: string | null } };
  return {
    verifierQuality: json.verifierQuality,
    anyN: json.anyN,
    finiteN: json.finiteN,
    passAllK: json.passAllK,
    bestOfNShortfall: json.bestOfNShortfall,
    finiteNWarning: json.finiteN.warning,
  };
}

/** Both through JSON, as the report's numbers travel (so −0 and 0 compare as the JSON has them). */
const asJson = (x: unknown): unknown => JSON.parse(JSON.stringify(x));

describe('the panel’s verifier quality and any N, from the host’s snapshot, equal `gaplens report --json`', function () {
  this.timeout(120_000);
  let dir: string;
  let cleanup: () => void;
  let store: SampleStore;

  before(async () => {
    const temp = tempDir();
    cleanup = temp.cleanup;
    dir = join(temp.dir, 'run');
    await writeRun(dir);
    store = await panelStore(dir);
  });
  after(() => cleanup());

  const cases: [selector: string, filter: string][] = [
    ['mc', 'quantile:0.5'],
    ['mean(mc,cot-score)', 'quantile:0.75'],
    ['cot-score', 'topk:2'],
    ['and(mc,cot-score)', 'threshold:0.5'],
    ['cot-score', 'exp:0.2'],
  ];
  for (const [selector, filter] of cases) {
    it(`${selector} at ${filter}`, async () => {
      const panel = panelNumbers(store, selector, filter, false);
      assert.deepEqual(asJson(panel), asJson(await reportNumbers(dir, selector, filter, false)));
      // The cases reach the parts that exist only sometimes: the bias-aware estimate, the finite-N warning.
      const finite = panel.finiteN as { biasCorrected: unknown };
      assert.equal(finite.biasCorrected !== null, filter.startsWith('quantile') && !selector.startsWith('and'), 'bias-aware estimate');
      assert.equal(panel.finiteNWarning !== null, !filter.startsWith('topk'), 'finite-N warning (N = 8)');
    });
  }

  it('brings every task with its question and gold answer, after the progress the first paint waits for', () => {
    assert.deepEqual(
      [...store.tasks.values()],
      Array.from({ length: TASK_COUNT }, (_, t) => ({ id: `t${String(t).padStart(2, '0')}`, question: `What is ${t} + 1?`, gold: [String(t + 1)], grader: 'numeric' })),
    );
  });

  it('says what the report says of a partial verifier and of one that scored nothing', () => {
    const { verifierQuality } = panelNumbers(store, 'mc', 'quantile:0.5', false) as { verifierQuality: { selector: string; scored: number; samples: number; measured: boolean; partial: boolean }[] };
    assert.deepEqual(
      verifierQuality.map((q) => [q.selector, q.measured, q.partial, q.samples]),
      [
        ['mc', true, true, TASK_COUNT * N],
        ['cot-binary', false, false, TASK_COUNT * N],
        ['cot-score', true, false, TASK_COUNT * N],
      ],
    );
  });

  it('with checker-corrected statistics (a "checker wrong" label in annotations.jsonl)', async () => {
    const label: AnnotationRecord = { v: SAMPLES_SCHEMA_VERSION, task: 't03', index: 2, cause: 'checker-wrong', note: 'the checker missed it', at: '2026-11-24T09:00:00.000Z' };
    writeFileSync(join(dir, 'annotations.jsonl'), jsonl([label]));
    const labelled = await panelStore(dir);
    const panel = panelNumbers(labelled, 'mc', 'quantile:0.5', true);
    assert.deepEqual(asJson(panel), asJson(await reportNumbers(dir, 'mc', 'quantile:0.5', true)));
    assert.notDeepEqual(asJson(panel.verifierQuality), asJson(panelNumbers(labelled, 'mc', 'quantile:0.5', false).verifierQuality), 'the label changes the numbers');
  });
});
