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

  before(async () => {
    child = spawn(process.execPath, ['-r', 'tsx/cjs', MAIN, '--stdio'], { cwd: path.resolve(__dirname, '../..'), stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    connection.listen();
    const init = await connection.sendRequest<InitializeResult>('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
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
    params.diagnostics.forEach((d, i) => assert.match(d.message, (EXPECTED_PROBLEMS[i] as [number, RegExp])[1]));

    const lenses = await connection.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: URI } });
    assert.deepEqual(
      lenses.map((l) => l.command?.arguments),
      [[URI], [URI, [1]]],
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
});
