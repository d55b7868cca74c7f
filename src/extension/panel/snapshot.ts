// The whole current state of a gap panel as the messages that bring a (re)loaded webview up to date:
// init first, the samples as column batches, the annotations, the audit, the run's state, where the
// batches of a run executing in batches stand, and the progress (the webview paints the snapshot
// when its progress arrives); then the tasks with their questions. No 'vscode': tests build the very messages the host sends.
import type { AnnotationRecord } from '../../core/runs/records';
import type { AuditParams } from '../../protocol/auditProtocol';
import { type HostMessage, type HostNotificationParams, type RunStateParams } from '../../protocol/panelProtocol';
import type { RunModel } from './runModel';

/** What the panel holds besides the run's rows. */
export interface PanelState {
  annotations: readonly AnnotationRecord[];
  audit: AuditParams;
  runState: RunStateParams;
  progress: HostNotificationParams['progress'];
  /** The verifier columns the user hid in this run's table (PanelMemory); absent: none. */
  hiddenColumns?: readonly string[];
}

/** Rows per 'sampleTable' message of a snapshot (columns without texts: about 100 bytes a row). */
export const SNAPSHOT_BATCH = 20_000;

/** Tasks per 'tasks' message of a snapshot (about 250 bytes a task with its question). */
const TASKS_BATCH = 10_000;

/**
 * Samples go as columns without texts and verifier outputs (at 10^5 samples full rows take seconds to
 * post and validate); the webview asks for a sample's details ('sampleDetail') when the user opens it.
 */
export function snapshotMessages(model: RunModel, state: PanelState, batch: number = SNAPSHOT_BATCH): HostMessage[] {
  const rows = model.sampleCount;
  const hidden = state.hiddenColumns ?? [];
  const messages: HostMessage[] = [{ kind: 'notify', method: 'init', params: { run: model.summary, mode: model.mode, ...(hidden.length > 0 ? { hiddenColumns: [...hidden] } : {}) } }];
  for (let i = 0; i === 0 || i < rows; i += batch) {
    messages.push({ kind: 'notify', method: 'sampleTable', params: { tasks: [], columns: model.tableColumns(i, Math.min(rows, i + batch)) } });
  }
  messages.push({ kind: 'notify', method: 'annotations', params: { records: [...state.annotations] } });
  messages.push({ kind: 'notify', method: 'audit', params: state.audit });
  messages.push({ kind: 'notify', method: 'runState', params: state.runState });
  // 'init' cleared it: a batch run says where its batches stand now, not at the next poll. (The
  // endpoints' figures are not part of a snapshot: the next ones come within a second.)
  if (model.batch !== null) messages.push({ kind: 'notify', method: 'batch', params: { progress: model.batch } });
  messages.push({ kind: 'notify', method: 'progress', params: state.progress });
  // After the progress, so the first paint does not wait for them: the questions are most of a
  // snapshot's bytes at 10^5 tasks, and only the lines in view show one.
  const tasks = model.taskInfos();
  for (let i = 0; i < tasks.length; i += TASKS_BATCH) messages.push({ kind: 'notify', method: 'tasks', params: { tasks: tasks.slice(i, i + TASKS_BATCH) } });
  return messages;
}
