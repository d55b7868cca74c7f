import assert from 'node:assert/strict';
import { createVsCodeHost, HostRequestError, type MessageSource, type VsCodeApi } from '../../webview/hostApi';
import type { HostNotification, PanelState } from '../../src/protocol/panelProtocol';

function fakes(initialState: unknown = undefined) {
  const posted: Record<string, unknown>[] = [];
  let state = initialState;
  const api: VsCodeApi = { postMessage: (m) => void posted.push(m as Record<string, unknown>), getState: () => state, setState: (s) => void (state = s) };
  let listener: (event: { data: unknown }) => void = () => undefined;
  const source: MessageSource = { addEventListener: (_type, l) => void (listener = l) };
  const logs: string[] = [];
  const host = createVsCodeHost(api, source, (m) => logs.push(m));
  return { host, posted, logs, deliver: (data: unknown) => listener({ data }) };
}

const state: PanelState = { runId: 'r', selector: 'mc', filter: 'topk:1', checkerCorrected: false, view: { task: null, show: 'all', sort: 'task', descending: false }, selection: null };

describe('webview host façade', () => {
  it('sends ready and filterChanged as notifications', () => {
    const { host, posted } = fakes();
    host.ready(state);
    host.filterChanged('mc', 'topk:1');
    assert.deepEqual(posted, [
      { kind: 'notify', method: 'ready', params: { state } },
      { kind: 'notify', method: 'filterChanged', params: { selector: 'mc', filter: 'topk:1' } },
    ]);
  });

  it('resolves a request with its validated result, matched by id', async () => {
    const { host, posted, deliver } = fakes();
    const first = host.markAnswer({ task: 't', answer: '42' });
    const second = host.copy('text');
    assert.deepEqual(posted.map((m) => [m.kind, m.id, m.method]), [['request', 1, 'markAnswer'], ['request', 2, 'copy']]);
    deliver({ kind: 'reply', id: 2, ok: true, result: {} });
    deliver({ kind: 'reply', id: 1, ok: true, result: { regraded: 8 } });
    assert.deepEqual(await first, { regraded: 8 });
    assert.deepEqual(await second, {});
  });

  it('fetches a sample\'s details', async () => {
    const { host, posted, deliver } = fakes();
    const detail = host.sampleDetail({ task: 't', index: 2 });
    assert.deepEqual(posted[0], { kind: 'request', id: 1, method: 'sampleDetail', params: { task: 't', index: 2 } });
    const row = { task: 't', index: 2, text: 'x', correct: null, extracted: null, normalized: null, gradeReason: '', verifications: [] };
    deliver({ kind: 'reply', id: 1, ok: true, result: { row } });
    assert.deepEqual(await detail, { row });
  });

  it('rejects on an error reply and on an invalid result', async () => {
    const { host, deliver } = fakes();
    const failing = host.annotate({ task: 't', index: 0, cause: 'other', note: '' });
    deliver({ kind: 'reply', id: 1, ok: false, error: { code: 'failed', message: 'disk full' } });
    await assert.rejects(failing, (err: unknown) => err instanceof HostRequestError && err.code === 'failed' && err.message === 'disk full');
    const bad = host.markAnswer({ task: 't', answer: '1' });
    deliver({ kind: 'reply', id: 2, ok: true, result: { regraded: -1 } });
    await assert.rejects(bad, (err: unknown) => err instanceof HostRequestError && err.code === 'invalid-result');
  });

  it('passes valid notifications on and logs and drops invalid messages', () => {
    const { host, deliver, logs } = fakes();
    const seen: HostNotification[] = [];
    host.onNotification((n) => seen.push(n));
    deliver({ kind: 'notify', method: 'progress', params: { done: 1, total: 2, status: 'running' } });
    deliver({ kind: 'notify', method: 'progress', params: { done: 3, total: 2, status: 'running' } });
    deliver({ kind: 'notify', method: 'samples', params: { tasks: [], rows: [{ task: 't', index: 0, text: 1 }] } });
    deliver('<script>');
    deliver({ kind: 'reply', id: 99, ok: true, result: {} });
    assert.deepEqual(seen.map((n) => n.method), ['progress']);
    assert.equal(logs.length, 4);
  });

  it('keeps persisted state and reads back only a valid one', () => {
    assert.deepEqual(fakes(state).host.loadState(), state);
    assert.equal(fakes({ runId: 'r', rows: [] }).host.loadState(), null);
    const { host } = fakes();
    host.saveState(state);
    assert.deepEqual(host.loadState(), state);
  });
});
