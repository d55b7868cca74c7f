// What the panel host shows of a run, for tests comparing two ways of building its model: the
// snapshot messages the webview is sent and every sample's detail row.
import assert from 'node:assert/strict';
import { readRun, type RunData } from '../../../src/core/runs/runStore';
import { RunModel } from '../../../src/extension/panel/runModel';
import { snapshotMessages } from '../../../src/extension/panel/snapshot';
import type { HostMessage } from '../../../src/protocol/panelProtocol';

/** What the webview is sent of a model, and every sample's detail row. */
export function view(model: RunModel, annotations: RunData['annotations']): { messages: HostMessage[]; details: unknown[] } {
  const messages = snapshotMessages(model, { annotations, audit: { audit: null, cannotDraw: null }, runState: { coverage: model.coverage(), live: false }, progress: { done: model.sampleCount, total: model.sampleCount, status: 'done' } }, 3);
  return { messages, details: model.allRows() };
}

/** The folder read as columns and the folder read whole into records give the same panel. */
export async function assertSameView(dir: string, marked: Record<string, string> = {}): Promise<RunModel> {
  const run = await readRun(dir);
  const { model, annotations } = await RunModel.read(dir);
  model.markAnswers(marked);
  assert.deepEqual(view(model, annotations), view(RunModel.fromRun(run, marked), run.annotations));
  return model;
}
