// The real server as a child process over stdio, spoken to with the LSP's own JSON-RPC.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
// The client end of the JSON-RPC, from the server package (a declared dependency) rather than
// vscode-languageclient/node, which needs the 'vscode' module.
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type CodeAction,
  type CodeLens,
  type CompletionItem,
  type Hover,
  type InitializeResult,
  type MessageConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';
import { BROKEN_LINES, EXPECTED_PROBLEMS } from './brokenTasks';

const MAIN = path.resolve(__dirname, '../../src/server/main.ts');
const URI = 'file:///tmp/gaplens-broken.tasks.jsonl';

describe('server/main over stdio', () => {
  let child: ChildProcess;
  let connection: MessageConnection;
  let stderr = '';
  let refreshes = 0;

  before(async () => {
    child = spawn(process.execPath, ['-r', 'tsx/cjs', MAIN, '--stdio'], { cwd: path.resolve(__dirname, '../..'), stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    connection.onRequest('workspace/codeLens/refresh', () => {
      refreshes++;
      return null;
    });
    connection.listen();
    const init = await connection.sendRequest<InitializeResult>('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: { workspace: { codeLens: { refreshSupport: true } } },
      workspaceFolders: null,
      initializationOptions: { runsFolders: [] },
    });
    assert.equal(init.capabilities.hoverProvider, true, stderr);
    await connection.sendNotification('initialized', {});
  });

  after(() => {
    connection.dispose();
    child.kill();
  });

  function nextDiagnostics(): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve) => {
      const subscription = connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
        subscription.dispose();
        resolve(params);
      });
    });
  }

  it('publishes a diagnostic on each broken line, and clears them once the file is fixed', async () => {
    const published = nextDiagnostics();
    await connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: URI, languageId: 'gaplens-tasks', version: 1, text: BROKEN_LINES.join('\n') },
    });
    const params = await published;
    assert.equal(params.uri, URI);
    assert.deepEqual(
      params.diagnostics.map((d) => d.range.start.line),
      EXPECTED_PROBLEMS.map(([line]) => line),
    );
    params.diagnostics.forEach((d, i) => assert.match(d.message, (EXPECTED_PROBLEMS[i] as [number, RegExp, string | null])[1]));

    const lenses = await connection.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: URI } });
    // One lens for the file: nothing is selected.
    assert.deepEqual(
      lenses.map((l) => l.command?.arguments),
      [[URI]],
    );
    const hover = await connection.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: URI }, position: { line: 0, character: 3 } });
    assert.match(JSON.stringify(hover?.contents), /Task `a`.*No run has this task yet/);
    const completion = await connection.sendRequest<CompletionItem[]>('textDocument/completion', { textDocument: { uri: URI }, position: { line: 6, character: 1 } });
    assert.deepEqual(
      completion.map((c) => c.label),
      ['question', 'meta'],
    );

    const cleared = nextDiagnostics();
    await connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: URI, version: 2 },
      contentChanges: [{ text: BROKEN_LINES[0] }],
    });
    assert.deepEqual((await cleared).diagnostics, []);
  });

  it('offers the quick fixes of a misspelled grader, the intended one preferred', async () => {
    const uri = 'file:///tmp/gaplens-fix.tasks.jsonl';
    const line = '{"id": "a", "question": "2+3?", "answer": "5", "grader": "nmeric"}';
    const published = nextDiagnostics();
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'gaplens-tasks', version: 1, text: `${line}\n` } });
    const [diagnostic] = (await published).diagnostics;
    const at = line.indexOf('"nmeric"');
    assert.deepEqual(diagnostic?.range, { start: { line: 0, character: at }, end: { line: 0, character: at + '"nmeric"'.length } });
    // The cursor inside the value asks for the actions of its position.
    const cursor = { line: 0, character: at + 3 };
    const actions = await connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: { start: cursor, end: cursor }, context: { diagnostics: [diagnostic] } });
    assert.deepEqual(actions.map((a) => [a.title, a.kind, a.isPreferred]), [
      ['Use grader "numeric"', 'quickfix', true],
      ['Use grader "math"', 'quickfix', false],
      ['Use grader "nq"', 'quickfix', false],
      ['Use grader "exact"', 'quickfix', false],
      ['Use grader "sudoku"', 'quickfix', false],
    ]);
    assert.deepEqual(actions[0]?.edit?.changes?.[uri], [{ range: diagnostic?.range, newText: '"numeric"' }]);
    assert.deepEqual(actions[0]?.diagnostics?.map((d) => d.message), [diagnostic?.message]);
    // Elsewhere on the line there is nothing to fix.
    const elsewhere = { line: 0, character: 2 };
    assert.deepEqual(await connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: elsewhere, end: elsewhere }, context: { diagnostics: [] } }), []);
  });

  it('adds a lens above the selected tasks when the client reports a selection, and follows the setting', async () => {
    const uri = 'file:///tmp/gaplens-lens.tasks.jsonl';
    const text = ['a', 'b', 'c'].map((id) => JSON.stringify({ id, question: 'q', answer: '1' })).join('\n');
    const published = nextDiagnostics();
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'gaplens-tasks', version: 1, text } });
    await published;
    const titles = async (): Promise<[number, string | undefined][]> =>
      (await connection.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } })).map((l) => [l.range.start.line, l.command?.title]);
    const refreshed = async (before: number): Promise<void> => {
      const deadline = Date.now() + 10_000;
      while (refreshes === before) {
        assert.ok(Date.now() < deadline, 'no workspace/codeLens/refresh');
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    assert.deepEqual(await titles(), [[0, 'Run gap check (3 tasks)']]);

    let before = refreshes;
    await connection.sendNotification('gaplens/taskSelection', { uri, ranges: [{ first: 2, last: 3 }] });
    await refreshed(before);
    assert.deepEqual(await titles(), [[0, 'Run gap check (3 tasks)'], [1, 'Run gap check on the 2 selected tasks']]);

    // Junk is ignored; the selection stays.
    await connection.sendNotification('gaplens/taskSelection', { uri, ranges: [{ first: 0, last: -1 }] });
    assert.deepEqual(await titles(), [[0, 'Run gap check (3 tasks)'], [1, 'Run gap check on the 2 selected tasks']]);

    before = refreshes;
    await connection.sendNotification('workspace/didChangeConfiguration', { settings: { gaplens: { taskCodeLens: 'everyTask' } } });
    await refreshed(before);
    assert.deepEqual((await titles()).map(([line]) => line), [0, 0, 1, 2]);
    await connection.sendNotification('workspace/didChangeConfiguration', { settings: { gaplens: { taskCodeLens: 'selection' } } });
  });
});
