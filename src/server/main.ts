// The task-file language server (bundled to dist/server.js). The extension starts it over IPC
// (--node-ipc); tests over --stdio; createConnection picks the transport from argv.
import { CodeActionKind, CodeLensRefreshRequest, createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, type InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseTaskText, type ParsedTasks } from '../core/tasks/parseTaskText';
import { DEFAULT_TASK_CODE_LENS, parseTaskSelection, TASK_SELECTION_METHOD, taskCodeLensMode, type LineRange, type TaskCodeLensMode } from '../protocol/taskServerProtocol';
import { taskCodeActions } from './codeActions';
import { selectedTaskLines, taskCodeLenses } from './codeLenses';
import { taskCompletions } from './completion';
import { documentLines, toLspDiagnostics } from './diagnostics';
import { documentFile } from './documentFile';
import { taskHoverMarkdown, taskOnLine } from './hover';
import { runsFoldersFromInit, runsFoldersFromSettings } from './runsFolders';
import { TaskResultsCache } from './taskResults';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const results = new TaskResultsCache([]);
let runsFolders: readonly string[] = [];
let workspaceFolders: string[] = [];
let lensMode: TaskCodeLensMode = DEFAULT_TASK_CODE_LENS;
/** The selected lines of each task file, as the client last reported them. */
const selections = new Map<string, LineRange[]>();
let canRefreshLenses = false;

// Parsing is per version: diagnostics, lenses and hovers of one edit share one parse.
const parses = new Map<string, { version: number; parsed: ParsedTasks }>();
function parsedOf(doc: TextDocument): ParsedTasks {
  const cached = parses.get(doc.uri);
  if (cached?.version === doc.version) return cached.parsed;
  const parsed = parseTaskText(doc.getText(), documentFile(doc.uri));
  parses.set(doc.uri, { version: doc.version, parsed });
  return parsed;
}

connection.onInitialize((params): InitializeResult => {
  runsFolders = runsFoldersFromInit(params.initializationOptions);
  workspaceFolders = (params.workspaceFolders ?? []).map((f) => documentFile(f.uri));
  results.setRunsFolders(runsFolders);
  canRefreshLenses = params.capabilities.workspace?.codeLens?.refreshSupport === true;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeLensProvider: { resolveProvider: false },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      hoverProvider: true,
      completionProvider: { triggerCharacters: ['"', ':', ','] },
    },
    serverInfo: { name: 'gaplens-tasks' },
  };
});

connection.onDidChangeConfiguration((change) => {
  const settings: unknown = typeof change.settings === 'object' && change.settings !== null ? (change.settings as Record<string, unknown>)['gaplens'] : undefined;
  results.setRunsFolders(runsFoldersFromSettings(settings, workspaceFolders, runsFolders));
  const mode = taskCodeLensMode(settings);
  if (mode !== lensMode) {
    lensMode = mode;
    refreshLenses();
  }
});

// The selection lens follows the selection: lenses are asked for again only when the selected
// tasks change, not on every cursor move.
connection.onNotification(TASK_SELECTION_METHOD, (raw: unknown) => {
  const selection = parseTaskSelection(raw);
  if (!selection) return;
  const doc = documents.get(selection.uri);
  const origins = doc ? parsedOf(doc).origins : [];
  const before = selectedTaskLines(origins, selections.get(selection.uri) ?? []);
  selections.set(selection.uri, selection.ranges);
  const after = selectedTaskLines(origins, selection.ranges);
  if (lensMode === 'selection' && before.join() !== after.join()) refreshLenses();
});

function refreshLenses(): void {
  if (canRefreshLenses) void connection.sendRequest(CodeLensRefreshRequest.type);
}

documents.onDidChangeContent(({ document }) => {
  const diagnostics = toLspDiagnostics(parsedOf(document).diagnostics, documentLines(document.getText()));
  void connection.sendDiagnostics({ uri: document.uri, diagnostics });
});

documents.onDidClose(({ document }) => {
  parses.delete(document.uri);
  selections.delete(document.uri);
  void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
});

connection.onCodeLens(({ textDocument }) => {
  const doc = documents.get(textDocument.uri);
  return doc ? taskCodeLenses(doc.uri, parsedOf(doc).origins, lensMode, selections.get(doc.uri) ?? []) : [];
});

connection.onCodeAction(({ textDocument, range }) => {
  const doc = documents.get(textDocument.uri);
  return doc ? taskCodeActions(doc.uri, parsedOf(doc).diagnostics, documentLines(doc.getText()), range) : [];
});

connection.onHover(async ({ textDocument, position }) => {
  const doc = documents.get(textDocument.uri);
  const task = doc ? taskOnLine(parsedOf(doc), position.line + 1) : null;
  if (!task) return null;
  return { contents: { kind: 'markdown', value: taskHoverMarkdown(task, await results.latest(task.id)) } };
});

connection.onCompletion(({ textDocument, position }) => {
  const doc = documents.get(textDocument.uri);
  if (!doc) return [];
  const text = doc.getText({ start: { line: position.line, character: 0 }, end: { line: position.line + 1, character: 0 } }).replace(/\r?\n$/, '');
  return taskCompletions(text, position.line, position.character);
});

documents.listen(connection);
connection.listen();
