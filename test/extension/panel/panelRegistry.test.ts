// The panel registry and its panels against the fake VS Code: the gap the status bar shows is the one
// under the panel's filter — for a panel the serializer brought back after a window reload, and while a
// run streams records into a panel whose filter the user moved.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type * as vscode from 'vscode';
import { gapText, LiveGap } from '../../../src/core/pipeline/liveGap';
import type { RunData } from '../../../src/core/runs/runStore';
import { sampleKey } from '../../../src/core/runs/sampleKey';
import type { PanelState } from '../../../src/protocol/panelProtocol';
import { gapInputOf, RunModel } from '../../../src/extension/panel/runModel';
import type { Services } from '../../../src/extension/services';
import type { RunStatus } from '../../../src/extension/views/statusText';
import { config, generation, manifest, task, verification } from '../builders';
import { FakeWebviewPanel, installFakeVscode, type FakeVscode } from '../fakes/fakeVscode';

type RegistryModule = typeof import('../../../src/extension/panel/panelRegistry');
type MemoryModule = typeof import('../../../src/extension/panel/panelMemory');

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
    failures: new Map(),
    annotations: [],
    warnings: [],
  };
}

function savedState(filter: string, runId = 'run-1'): PanelState {
  return { runId, selector: 'mc', filter, checkerCorrected: false, view: { task: null, show: 'all', sort: 'task', descending: false }, selection: null };
}

/** The gap under `filter` over every row of `model`, computed from scratch, as the status bar prints it. */
function gapUnder(model: RunModel, filter: string): string | null {
  const live = new LiveGap('mc', filter);
  for (const row of model.allRows()) live.update(gapInputOf(row));
  return gapText(live.reading());
}

describe('the gap panel registry and the status bar', () => {
  let tmp: string;
  let fake: FakeVscode;
  let registryModule: RegistryModule;
  let memoryModule: MemoryModule;
  let shown: RunStatus[];
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
    assert.equal(shown[0]?.gap, expected);
    panel.dispose();
  });

  it("falls back to the run's own filter when the saved one does not parse, or belongs to another run", () => {
    const bad = restore(savedState('quantile:7'));
    assert.equal(shown[0]?.gap, gapUnder(bad.model, RUN_FILTER));
    assert.match(warnings.join('\n'), /saved an invalid filter.*Invalid filter "quantile:7"/);
    bad.panel.dispose();
    const other = restore(savedState(SAVED_FILTER, 'run-0'));
    assert.equal(shown[0]?.gap, gapUnder(other.model, RUN_FILTER));
    other.panel.dispose();
  });

  it("follows the panel's filter while records stream in: the same gap as from scratch after each one", () => {
    const panels = registry();
    const model = RunModel.fromRun(runData());
    const panel = panels.show(model, [], { done: 8, total: 12, status: 'running' });
    const webview = fake.recorded.panels.at(-1) as FakeWebviewPanel;
    assert.equal(panel.gapNow(), gapUnder(model, RUN_FILTER));
    webview.send({ kind: 'notify', method: 'filterChanged', params: { selector: 'mc', filter: SAVED_FILTER } });
    assert.equal(panel.gapNow(), gapUnder(model, SAVED_FILTER));
    // A third task arrives: its generations, then their verifications (a sample counts once scored).
    const t3: [boolean, number][] = [[true, 0.9], [false, 0.95], [false, 0.1], [true, 0.3]];
    t3.forEach(([correct], index) => panel.apply({ type: 'generation', record: generation('t3', index, correct ? '5' : '6', correct) }));
    t3.forEach(([, score], index) => {
      panel.apply({ type: 'verification', record: verification('t3', index, 'mc', score) });
      assert.equal(panel.gapNow(), gapUnder(model, SAVED_FILTER), `after t3 #${index}'s verification`);
    });
    assert.notEqual(gapUnder(model, SAVED_FILTER), gapUnder(RunModel.fromRun(runData()), SAVED_FILTER), 'the new task must move the gap');
    webview.dispose();
  });
});
