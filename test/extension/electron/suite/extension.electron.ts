// The extension inside a real VS Code: activation, contributed commands, the task-file language,
// and a run opened in the gap panel.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { createRunFolder } from '../../../../src/core/runs/runStore';
import { SampleLog } from '../../../../src/core/runs/sampleLog';
import { COMMAND_IDS } from '../../../../src/extension/commandIds';
import { generation, manifest, task, verification } from '../../builders';

const workspace = process.env.GAPLENS_TEST_WORKSPACE ?? '';

describe('Gap Lens in VS Code', () => {
  it('activates on its first command and registers every contributed command', async () => {
    const ext = vscode.extensions.getExtension('gaplens.gaplens');
    assert.ok(ext, 'the extension under development is not loaded');
    await vscode.commands.executeCommand('gaplens.showLog');
    assert.equal(ext.isActive, true);
    const commands = new Set(await vscode.commands.getCommands(true));
    for (const id of COMMAND_IDS) assert.ok(commands.has(id), id);
  });

  it('gives *.tasks.jsonl files the task-file language', async () => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(join(workspace, 'sets', 'math.tasks.jsonl')));
    assert.equal(doc.languageId, 'gaplens-tasks');
  });

  it('opens a run folder in the gap panel', async () => {
    const dir = join(workspace, '.gaplens', 'runs', 'run-1');
    await createRunFolder(dir, manifest({ completedAt: manifest().createdAt }), [task('t1', '5')]);
    const log = await SampleLog.open(dir);
    await log.append(generation('t1', 0, '5', true));
    await log.append(verification('t1', 0, 'mc', 0.8));
    await log.close();
    await vscode.commands.executeCommand('gaplens.openRun', dir);
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    assert.ok(tabs.some((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('gaplens.panel')), 'no gap panel tab');
  });
});
