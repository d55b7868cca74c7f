// The webview's one door to the extension host: named methods over the panel protocol. Components get
// a PanelHost and never call postMessage themselves, so tests can hand them a fake.
import {
  parseHostMessage,
  parsePanelState,
  parseRequestResult,
  type HostNotification,
  type PanelState,
  type ReplyError,
  type RequestMethod,
  type RequestParams,
  type RequestResults,
  type WebviewMessage,
} from '../src/protocol/panelProtocol';

export interface PanelHost {
  /** Tells the host the webview is listening; it answers with a full snapshot. */
  ready(state: PanelState | null): void;
  filterChanged(selector: string, filter: string): void;
  /** Opens VS Code's Manage Workspace Trust. */
  manageTrust(): void;
  /** The verifier columns hidden now, for the host to remember for the run. */
  columnsChanged(hidden: string[]): void;
  annotate(params: RequestParams['annotate']): Promise<RequestResults['annotate']>;
  markAnswer(params: RequestParams['markAnswer']): Promise<RequestResults['markAnswer']>;
  openSample(params: RequestParams['openSample']): Promise<RequestResults['openSample']>;
  copy(text: string): Promise<RequestResults['copy']>;
  sampleDetail(params: RequestParams['sampleDetail']): Promise<RequestResults['sampleDetail']>;
  drawAudit(params: RequestParams['drawAudit']): Promise<RequestResults['drawAudit']>;
  runAction(params: RequestParams['runAction']): Promise<RequestResults['runAction']>;
  /** The state persisted by the last saveState (survives reloads), or null. */
  loadState(): PanelState | null;
  saveState(state: PanelState): void;
  /** Every valid notification from the host; invalid messages never get here. */
  onNotification(listener: (notification: HostNotification) => void): void;
}

/** A request the host answered with an error, or did not answer in time. */
export class HostRequestError extends Error {
  constructor(
    message: string,
    readonly code: ReplyError['code'] | 'timeout' | 'invalid-result',
  ) {
    super(message);
    this.name = 'HostRequestError';
  }
}

/** The object acquireVsCodeApi() returns inside a VS Code webview. */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** Where host messages arrive: the webview's window. */
export interface MessageSource {
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

const REQUEST_TIMEOUT_MS = 30_000;

interface Pending {
  method: RequestMethod;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** The real host: messages through the VS Code API, validated on arrival; invalid ones are logged and dropped. */
export function createVsCodeHost(api: VsCodeApi, source: MessageSource, log: (message: string) => void): PanelHost {
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const listeners: ((n: HostNotification) => void)[] = [];

  source.addEventListener('message', (event) => {
    const parsed = parseHostMessage(event.data);
    if (!parsed.ok) {
      log(`gap panel: dropped an invalid message from the extension: ${parsed.error}`);
      return;
    }
    const message = parsed.value;
    if (message.kind === 'notify') {
      for (const listener of listeners) listener(message);
      return;
    }
    const waiting = pending.get(message.id);
    if (!waiting) {
      log(`gap panel: dropped a reply to unknown request ${message.id}`);
      return;
    }
    pending.delete(message.id);
    clearTimeout(waiting.timer);
    if (!message.ok) {
      waiting.reject(new HostRequestError(message.error.message, message.error.code));
      return;
    }
    const result = parseRequestResult(waiting.method, message.result);
    if (result.ok) waiting.resolve(result.value);
    else waiting.reject(new HostRequestError(`the extension sent an invalid answer: ${result.error}`, 'invalid-result'));
  });

  const post = (message: WebviewMessage): void => api.postMessage(message);
  const request = <M extends RequestMethod>(method: M, params: RequestParams[M]): Promise<RequestResults[M]> =>
    new Promise<RequestResults[M]>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new HostRequestError(`the extension did not answer "${method}" within ${REQUEST_TIMEOUT_MS / 1000} s`, 'timeout'));
      }, REQUEST_TIMEOUT_MS);
      pending.set(id, { method, resolve: resolve as (result: unknown) => void, reject, timer });
      post({ kind: 'request', id, method, params } as WebviewMessage);
    });

  return {
    ready: (state) => post({ kind: 'notify', method: 'ready', params: { state } }),
    filterChanged: (selector, filter) => post({ kind: 'notify', method: 'filterChanged', params: { selector, filter } }),
    manageTrust: () => post({ kind: 'notify', method: 'manageTrust', params: {} }),
    columnsChanged: (hidden) => post({ kind: 'notify', method: 'columnsChanged', params: { hidden } }),
    annotate: (params) => request('annotate', params),
    markAnswer: (params) => request('markAnswer', params),
    openSample: (params) => request('openSample', params),
    copy: (text) => request('copy', { text }),
    sampleDetail: (params) => request('sampleDetail', params),
    drawAudit: (params) => request('drawAudit', params),
    runAction: (params) => request('runAction', params),
    loadState: () => parsePanelState(api.getState()),
    saveState: (state) => api.setState(state),
    onNotification: (listener) => void listeners.push(listener),
  };
}
