// The panel registry and its panels against the fake VS Code: the gap the status bar shows is the one
// under the panel's filter — for a panel the serializer brought back after a window reload, and while a
// run streams records into a panel whose filter the user moved.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type * as vscode from 'vscode';
import type { GapCheckEvent } from '../../../src/core/pipeline/gapCheck';
import { gapText, LiveGap } from '../../../src/core/pipeline/liveGap';
import { createRunFolder, type RunData } from '../../../src/core/runs/runStore';
import { sampleKey } from '../../../src/core/runs/sampleKey';
import { runCoverage } from '../../../src/core/runs/coverage';
import { parseHostMessage, type HostNotificationParams, type PanelState, type RunStateParams } from '../../../src/protocol/panelProtocol';
import { statusView } from '../../../src/extension/views/statusText';
import { holdRunLock } from '../../helpers/lockHolder';
import { gapInputOf, RunModel } from '../../../src/extension/panel/runModel';
import type { Services, StatusView } from '../../../src/extension/services';
import { config, failure, generation, manifest, task, verification } from '../builders';
import { FakeWebviewPanel, installFakeVscode, type FakeVscode } from '../fakes/fakeVscode';

type RegistryModule = typeof import('../../../src/extension/panel/panelRegistry');
type MemoryModule = typeof import('../../../src/extension/panel/panelMemory');

type BatchFigures = NonNullable<HostNotificationParams['batch']['progress']>;

const RUN_FILTER = 'quantile:0.5';
const SAVED_FILTER = 'threshold:0.85';

/** Two tasks × 4 samples whose gap under SAVED_FILTER differs from the gap under the run's own filter. */
function runData(): RunData {
  const samples: [taskId: string, correct: boolean, score: number][] = [
    ['t1', true, 0.9],
    ['t1', false, 0.8],
    ['t1', true, 0.2],
    ['t1', false, 0.1],
    ['t2', false, 0.7],
    ['t2', true, 0.95],
    ['t2', false, 0.3],
    ['t2', false, 0.2],
  ];
  const generations = new Map<string, ReturnType<typeof generation>>();
  const verifications = new Map<string, Map<string, ReturnType<typeof verification>>>();
  samples.forEach(([taskId, correct, score], i) => {
    const index = i % 4;
    generations.set(sampleKey(taskId, index), generation(taskId, index, correct ? '5' : '6', correct));
    verifications.set(sampleKey(taskId, index), new Map([['mc', verification(taskId, index, 'mc', score)]]));
  });
  return {
    dir: '/runs/run-1',
    manifest: manifest({ completedAt: '2026-11-24T09:00:00.000Z', config: config({ n: 4, verifiers: ['mc'], filter: RUN_FILTER }) }),
    tasks: [task('t1', '5'), task('t2', '5')],
    generations,
    verifications,
    draws: new Map(),
    failures: new Map(),
    annotations: [],
    warnings: [],
  };
}

function savedState(filter: string, runId = 'run-1'): PanelState {
  return { runId, selector: 'mc', filter, checkerCorrected: false, view: { task: null, show: 'all', sort: 'task', descending: false }, selection: null };
}

/** The gap under `filter` over every row of `model`, computed from scratch, as the status bar's tooltip says it. */
function gapUnder(model: RunModel, filter: string): string {
  const live = new LiveGap('mc', filter);
  for (const row of model.allRows()) live.update(gapInputOf(row));
  return `${gapText(live.reading())} (by mc, ${filter})`;
}

/** The gap line of a status bar tooltip. */
function gapLine(view: StatusView | undefined): string | undefined {
  return view?.tooltip.split('\n').find((line) => line.startsWith('gap ') || line.startsWith('no gap'));
}

describe('the gap panel registry and the status bar', () => {
  let tmp: string;
  let fake: FakeVscode;
  let registryModule: RegistryModule;
  let memoryModule: MemoryModule;
  let shown: StatusView[];
  let warnings: string[];

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'gaplens-'));
    fake = installFakeVscode({ extensionPath: resolve(__dirname, '../../..'), workspaceFolder: tmp, globalStorage: join(tmp, 'global'), settings: {} });
    // Loaded after the fake is installed: these modules import 'vscode'.
    registryModule = require('../../../src/extension/panel/panelRegistry') as RegistryModule;
    memoryModule = require('../../../src/extension/panel/panelMemory') as MemoryModule;
  });

  after(() => {
    fake.uninstall();
    rmSync(tmp, { recursive: true, force: true });
  });

  function registry(): InstanceType<RegistryModule['PanelRegistry']> {
    shown = [];
    warnings = [];
    const log = { info: () => undefined, warn: (m: string) => void warnings.push(m) } as unknown as vscode.LogOutputChannel;
    const services: Services = {
      context: fake.context as unknown as vscode.ExtensionContext,
      log,
      status: { show: (s) => void shown.push(s), clear: () => undefined },
      refreshRuns: () => undefined,
      refreshTaskSets: () => undefined,
      refreshQuickChecks: () => undefined,
    };
    return new registryModule.PanelRegistry(services, new memoryModule.PanelMemory(fake.context.workspaceState as unknown as vscode.Memento));
  }

  function restore(state: PanelState): { model: RunModel; panel: FakeWebviewPanel } {
    const model = RunModel.fromRun(runData());
    const panel = new FakeWebviewPanel('gaplens.panel', 'Gap Lens', {});
    registry().restore(panel as unknown as vscode.WebviewPanel, model, [], { done: 8, total: 8, status: 'done' }, state);
    return { model, panel };
  }

  it("shows the gap under the restored panel's saved filter, not the run's own, before the webview reports it", () => {
    const { model, panel } = restore(savedState(SAVED_FILTER));
    const expected = gapUnder(model, SAVED_FILTER);
    assert.notEqual(expected, gapUnder(model, RUN_FILTER), 'the test data must tell the two filters apart');
    assert.equal(shown.length, 1, 'the active restored panel reports at once');
    assert.equal(gapLine(shown[0]), expected);
    panel.dispose();
  });

  it("falls back to the run's own filter when the saved one does not parse, or belongs to another run", () => {
    const bad = restore(savedState('quantile:7'));
    assert.equal(gapLine(shown[0]), gapUnder(bad.model, RUN_FILTER));
    assert.match(warnings.join('\n'), /saved an invalid filter.*Invalid filter "quantile:7"/);
    bad.panel.dispose();
    const other = restore(savedState(SAVED_FILTER, 'run-0'));
    assert.equal(gapLine(shown[0]), gapUnder(other.model, RUN_FILTER));
    other.panel.dispose();
  });

  it("follows the panel's filter while records stream in: the same gap as from scratch after each one", () => {
    const panels = registry();
    // t3's records stream in below (a run's records only ever name one of its tasks).
    const data = (): RunData => ({ ...runData(), tasks: [...runData().tasks, task('t3', '5')] });
    const model = RunModel.fromRun(data());
    const panel = panels.show(model, [], { done: 8, total: 12, status: 'running' });
    const webview = fake.recorded.panels.at(-1) as FakeWebviewPanel;
    const gapNow = (): string | null => {
      const now = panel.gapNow();
      return now && `${gapText(now.reading)} (by ${now.selector}, ${now.filter})`;
    };
    assert.equal(gapNow(), gapUnder(model, RUN_FILTER));
    webview.send({ kind: 'notify', method: 'filterChanged', params: { selector: 'mc', filter: SAVED_FILTER } });
    assert.equal(gapNow(), gapUnder(model, SAVED_FILTER));
    // A third task arrives: its generations, then their verifications (a sample counts once scored).
    const t3: [boolean, number][] = [[true, 0.9], [false, 0.95], [false, 0.1], [true, 0.3]];
    // As the run executor does: the record goes to the run's model, then the panel hears of it.
    const record = (event: GapCheckEvent): void => panel.recorded(event, model.apply(event));
    t3.forEach(([correct], index) => record({ type: 'generation', record: generation('t3', index, correct ? '5' : '6', correct) }));
    t3.forEach(([, score], index) => {
      record({ type: 'verification', record: verification('t3', index, 'mc', score) });
      assert.equal(gapNow(), gapUnder(model, SAVED_FILTER), `after t3 #${index}'s verification`);
    });
    assert.notEqual(gapUnder(model, SAVED_FILTER), gapUnder(RunModel.fromRun(data()), SAVED_FILTER), 'the new task must move the gap');
    webview.dispose();
  });

  /** The 'runState' notifications the panel posted, validated. */
  function runStates(webview: FakeWebviewPanel): RunStateParams[] {
    return webview.posted.flatMap((raw) => {
      const parsed = parseHostMessage(raw);
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
      return parsed.value.kind === 'notify' && parsed.value.method === 'runState' ? [parsed.value.params] : [];
    });
  }

  async function until(what: string, condition: () => boolean): Promise<void> {
    const end = Date.now() + 5000;
    while (!condition()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it("tells the webview what the run's records cover, after every record (a failed generation too), and that it is live while it runs", async () => {
    const panels = registry();
    // Five samples per task, four generated so far.
    const data = { ...runData(), manifest: manifest({ config: config({ n: 5, verifiers: ['mc'], filter: RUN_FILTER }) }) };
    const model = RunModel.fromRun(data);
    const panel = panels.show(model, [], { done: 8, total: 10, status: 'running' });
    const webview = fake.recorded.panels.at(-1) as FakeWebviewPanel;
    webview.send({ kind: 'notify', method: 'ready', params: { state: null } });
    assert.deepEqual(runStates(webview), [{ coverage: runCoverage(data), live: true }]);
    webview.posted.length = 0;
    for (const event of [failure('t1', 3, 'cot-score', 'call-failed'), failure('t2', 4, 'generation', 'bad-answer')].map((r) => ({ type: 'failure' as const, record: r }))) {
      panel.recorded(event, model.apply(event));
    }
    await until('the run state after the failures', () => runStates(webview).length > 0);
    const [after] = runStates(webview);
    assert.equal(after?.coverage.generations.failures['bad-answer'], 1);
    assert.equal(after?.coverage.verifiers['cot-score']?.failures['call-failed'], 1);
    webview.posted.length = 0;
    panel.setProgress({ done: 8, total: 10, status: 'cancelled' });
    assert.equal(runStates(webview).at(-1)?.live, false, 'a run that stopped is no longer live');
    webview.dispose();
  });

  it("shows where a batch run's batches stand with the snapshot of a panel opened, shown again or reopened mid-run — not at the next poll", () => {
    const panels = registry();
    const model = RunModel.fromRun(runData());
    const figures = (done: number): BatchFigures => ({
      phase: 1,
      stages: { generation: 12 },
      shards: { toSubmit: 0, submitted: 0, inProgress: 1, done: 0, failed: 0 },
      requests: { total: 12, done },
      cost: { amount: null, why: 'no price for the model' },
    });
    /** The notifications of the webview's last snapshot (from its 'init'), by method, validated. */
    const snapshot = (webview: FakeWebviewPanel): [string, unknown][] => {
      const messages = webview.posted.map((raw): [string, unknown] => {
        const parsed = parseHostMessage(raw);
        assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
        return parsed.value.kind === 'notify' ? [parsed.value.method, parsed.value.params] : ['reply', null];
      });
      return messages.slice(messages.findLastIndex(([method]) => method === 'init'));
    };
    const batchOf = (webview: FakeWebviewPanel): unknown => snapshot(webview).find(([method]) => method === 'batch')?.[1];
    // As the run executor does on each poll: the run's state first, then its panel if one is open.
    const poll = (done: number): void => {
      model.batch = figures(done);
      panels.get(model.dir)?.setBatch({ progress: model.batch });
    };
    poll(3);
    panels.show(model, [], { done: 8, total: 12, status: 'running' });
    const first = fake.recorded.panels.at(-1) as FakeWebviewPanel;
    first.send({ kind: 'notify', method: 'ready', params: { state: null } });
    assert.deepEqual(batchOf(first), { progress: figures(3) }, 'a panel opened mid-run');
    assert.deepEqual(snapshot(first).slice(-4).map(([method]) => method), ['runState', 'batch', 'progress', 'tasks'], 'after init, before the progress that paints it (the tasks follow it)');

    // Hidden, the webview is discarded; a poll meanwhile is held, then replaced by the snapshot when it is back.
    first.visible = false;
    first.viewState.fire({});
    poll(7);
    first.visible = true;
    first.send({ kind: 'notify', method: 'ready', params: { state: null } });
    assert.deepEqual(batchOf(first), { progress: figures(7) }, 'a panel shown again');

    first.dispose();
    panels.show(model, [], { done: 8, total: 12, status: 'running' });
    const second = fake.recorded.panels.at(-1) as FakeWebviewPanel;
    assert.notEqual(second, first);
    second.send({ kind: 'notify', method: 'ready', params: { state: null } });
    assert.deepEqual(batchOf(second), { progress: figures(7) }, 'a panel closed and opened again');

    // Not in batches (or the execution ended): no batch message at all.
    model.batch = null;
    second.send({ kind: 'notify', method: 'ready', params: { state: null } });
    assert.equal(batchOf(second), undefined);
    second.dispose();
  });

  it('remembers the verifier columns hidden in a run\'s panel (workspace state, by run): a panel reopened or restored after a restart gets them with its init', async () => {
    const initOf = (webview: FakeWebviewPanel): unknown => {
      const inits = webview.posted.flatMap((raw) => {
        const parsed = parseHostMessage(raw);
        assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
        return parsed.value.kind === 'notify' && parsed.value.method === 'init' ? [parsed.value.params] : [];
      });
      // Absent: none hidden.
      return (inits.at(-1) as { hiddenColumns?: unknown } | undefined)?.hiddenColumns ?? [];
    };
    const ready = { kind: 'notify', method: 'ready', params: { state: null } } as const;
    const model = RunModel.fromRun(runData());
    registry().show(model, [], { done: 8, total: 8, status: 'done' });
    const first = fake.recorded.panels.at(-1) as FakeWebviewPanel;
    first.send(ready);
    assert.deepEqual(initOf(first), []);
    first.send({ kind: 'notify', method: 'columnsChanged', params: { hidden: ['mc'] } });
    await until('the hidden columns to be stored', () => new memoryModule.PanelMemory(fake.context.workspaceState as unknown as vscode.Memento).hiddenColumns('run-1').length === 1);
    first.dispose();

    // Closed and opened again, by a new registry (a restarted window) reading the same workspace state.
    registry().show(RunModel.fromRun(runData()), [], { done: 8, total: 8, status: 'done' });
    const reopened = fake.recorded.panels.at(-1) as FakeWebviewPanel;
    reopened.send(ready);
    assert.deepEqual(initOf(reopened), ['mc']);
    reopened.dispose();
    const { panel: restored } = restore(savedState(SAVED_FILTER));
    restored.send(ready);
    assert.deepEqual(initOf(restored), ['mc']);

    // Every column shown again: nothing left to remember.
    restored.send({ kind: 'notify', method: 'columnsChanged', params: { hidden: [] } });
    await until('the run to be forgotten', () => !('run-1' in ((fake.context.workspaceState as unknown as vscode.Memento).get<Record<string, unknown>>('gaplens.hiddenColumns') ?? {})));
    restored.dispose();
  });

  it("answers the webview's request for a sample's details with a one-line error when samples.jsonl changed under the panel, and goes on", async () => {
    const dir = join(tmp, 'changed-under-the-panel');
    await createRunFolder(dir, manifest({ config: config({ n: 2, verifiers: ['mc'] }) }), [task('t1', '5'), task('t2', '5')]);
    const records = ['t1', 't2'].flatMap((t) => [0, 1].flatMap((i) => [generation(t, i, '5', true), verification(t, i, 'mc', 0.5)]));
    writeFileSync(join(dir, 'samples.jsonl'), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    const { model, annotations } = await RunModel.read(dir);
    const panels = registry();
    panels.show(model, annotations, { done: 4, total: 4, status: 'done' });
    const webview = fake.recorded.panels.at(-1) as FakeWebviewPanel;
    webview.send({ kind: 'notify', method: 'ready', params: { state: null } });
    const reply = async (id: number): Promise<unknown> => {
      await until(`reply ${id}`, () => webview.posted.some((m) => (m as { id?: number }).id === id));
      return webview.posted.find((m) => (m as { id?: number }).id === id);
    };
    webview.send({ kind: 'request', id: 1, method: 'sampleDetail', params: { task: 't2', index: 1 } });
    assert.equal(((await reply(1)) as { result: { row: { text: string } } }).result.row.text, '5');
    truncateSync(join(dir, 'samples.jsonl'), 100);
    webview.send({ kind: 'request', id: 2, method: 'sampleDetail', params: { task: 't2', index: 1 } });
    const failed = (await reply(2)) as { ok: boolean; error: { message: string } };
    assert.equal(failed.ok, false);
    assert.match(failed.error.message, /^\S+samples\.jsonl: byte \d+ no longer holds the generation record of task "t2" sample 1 \(the file ends before it\): the file was changed after the run was read; close the panel and open the run again$/);
    webview.send({ kind: 'notify', method: 'filterChanged', params: { selector: 'mc', filter: 'threshold:0.4' } });
    assert.equal(panels.current()?.filter, 'threshold:0.4', 'the panel goes on');
    webview.dispose();
  });

  it('says a run is live while another process holds its lock (gaplens run in a terminal), and not once it is gone', async () => {
    const dir = join(tmp, 'written-elsewhere');
    mkdirSync(dir);
    const writer = await holdRunLock(dir);
    const panels = registry();
    const panel = panels.show(RunModel.fromRun({ ...runData(), dir }), [], { done: 8, total: 8, status: 'done' });
    const webview = fake.recorded.panels.at(-1) as FakeWebviewPanel;
    try {
      webview.send({ kind: 'notify', method: 'ready', params: { state: null } });
      await until('the panel to see the writer', () => runStates(webview).at(-1)?.live === true);
      assert.equal(panel.isLive, true);
      assert.match(statusView(panel.status()).text, /^\$\(pulse\) Gap Lens: Qwen2\.5-7B · set\.tasks\.jsonl · live 8\/8/);
    } finally {
      await writer.release();
    }
    webview.posted.length = 0;
    webview.send({ kind: 'notify', method: 'ready', params: { state: null } });
    await until('the panel to see the writer gone', () => runStates(webview).at(-1)?.live === false && !panel.isLive);
    webview.dispose();
  });
});
