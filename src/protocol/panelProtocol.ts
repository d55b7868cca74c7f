// The gap panel's one message protocol, which the extension host (src/extension/) and the webview
// (webview/) both import from this entry. Must not import 'vscode' or touch the DOM.
//
// Envelopes
//   host → webview   {kind:'notify', method, params}            pushes, no answer: 'init', 'samples',
//                                                                'sampleTable', 'tasks', 'annotations', 'runState', 'progress', 'error',
//                                                                'command', 'audit', 'endpoints', 'restricted'
//                    {kind:'reply', id, ok:true, result}          answer to a webview request
//                    {kind:'reply', id, ok:false, error:{code, message}}
//   webview → host   {kind:'notify', method, params}            'ready', 'filterChanged', 'manageTrust', 'columnsChanged'
//                    {kind:'request', id, method, params}       'annotate', 'markAnswer', 'openSample', 'copy',
//                                                                'sampleDetail', 'drawAudit'
// Every message is validated on arrival (parseHostMessage / parseWebviewMessage); an invalid one is
// logged and dropped. An invalid *request* whose id is readable still gets an error reply, so the
// webview's promise settles instead of hanging.
//
// Ready handshake
//   1. The host creates the panel and wraps webview.postMessage in createMessageQueue(); everything it
//      sends goes through queue.send() and is held until the webview is ready.
//   2. The webview script starts, reads its persisted PanelState and sends notify 'ready' {state}.
//   3. The host answers with queue.ready(snapshot): the snapshot (init, sampleTable batches, annotations,
//      runState, progress: the whole current state, init first and progress last — the webview paints the
//      snapshot when its progress arrives — then the tasks' questions in 'tasks', which that first paint
//      does not wait for) replaces whatever was held, then the queue is open and
//      later messages go straight out. queue.ready() without a snapshot flushes the held messages.
//   A webview whose content was discarded (panel hidden without retainContextWhenHidden, window
//   reload) starts again at step 2 and says 'ready' again: answer each 'ready' with a full snapshot.
//   'init' always resets the webview's data, so a snapshot can be sent at any time.
//
// Two ways to send samples
//   'samples'      full rows (text, grade, every verification with prompt and raw output): live updates
//                  while a run streams, a few rows at a time.
//   'sampleTable'  the same rows as columns, without text and verification details: snapshots. At 10^5
//                  samples full rows cost seconds to clone and parse; columns cost tens of ms. Every
//                  per-row column is a typed array (VS Code posts those as binary). Build it
//                  with toSampleColumns(rows); the webview asks for a row's details with the
//                  'sampleDetail' request when the user opens it.
//
// Persisted webview state (setState) is a PanelState: run id, filter settings and selection — never the
// samples (the host re-sends them after 'ready'). The panel serializer reads it with parsePanelState.
//
// Files, one job each (src/protocol/panel/; import them through this entry)
//   messages.ts      each method's payload schema, the method tables and the types derived from them
//   rows.ts          tasks and sample rows ('samples', 'sampleDetail'), validated by hand for speed
//   columns.ts       the column form of rows ('sampleTable') and its encoder toSampleColumns
//   validate.ts      parseHostMessage, parseWebviewMessage, parseRequestResult, parsePanelState
//   hostQueue.ts     the host's queue-until-ready (createMessageQueue)
//   hostDispatch.ts  the host's routing of webview messages to handlers (handleWebviewMessage)
export { ANNOTATION_CAUSES, RUN_ACTIONS } from './panel/messages';
export type {
  AnnotationCause,
  HostMessage,
  HostNotification,
  HostNotificationMethod,
  HostNotificationParams,
  PanelMode,
  PanelState,
  PanelView,
  Reply,
  ReplyError,
  ReplyErrorCode,
  RequestMethod,
  RequestParams,
  RequestResults,
  RunAction,
  RunStateParams,
  RunSummary,
  SampleRef,
  WebviewMessage,
  WebviewNotification,
  WebviewNotificationMethod,
  WebviewNotificationParams,
  WebviewRequest,
} from './panel/messages';
export { drawScoresOf, goldList, type CallFailureRow, type SampleRow, type TaskInfo, type VerificationRow } from './panel/rows';
export { SampleColumnsBuilder, toSampleColumns, VERDICT_NONE, type SampleColumns, type ScoreColumn } from './panel/columns';
export { parseHostMessage, parsePanelState, parseRequestResult, parseWebviewMessage, type Parsed } from './panel/validate';
export { createMessageQueue, type MessageQueue } from './panel/hostQueue';
export { handleWebviewMessage, type WebviewHandlers } from './panel/hostDispatch';
