// One malformed entry of gaplens.modelProfiles, in the built extension (fake VS Code): it used to
// break every feature that read a setting, the runs tree first. Now the bad profile is said once,
// naming the setting and the profile, and left out; the runs tree and the good profiles still work.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createRunFolder } from '../../src/core/runs/runStore';
import { SampleLog } from '../../src/core/runs/sampleLog';
import { REPO } from '../helpers/cli';
import { config, generation, manifest, task, verification } from './builders';
import { closeExtension, extensionSandbox, loadBuiltExtension, type ExtensionModule, type ExtensionSandbox } from './fakes/extensionSandbox';
import { installFakeVscode, type FakeVscode } from './fakes/fakeVscode';

describe('a bad model profile (built bundle, fake VS Code)', function () {
  this.timeout(60_000);
  let sandbox: ExtensionSandbox;
  let fake: FakeVscode;
  let ext: ExtensionModule;

  before(async () => {
    sandbox = extensionSandbox();
    const { tmp, ws } = sandbox;
    const dir = join(ws, '.gaplens', 'runs', 'run-1');
    await createRunFolder(dir, manifest({ config: config({ model: 'openai:fake-model@http://127.0.0.1:9/v1' }) }), [task('a', '5')]);
    const log = await SampleLog.open(dir);
    for (const r of [generation('a', 0, '5', true), verification('a', 0, 'mc', 0.9), generation('a', 1, '4', false), verification('a', 1, 'mc', 0.2)]) await log.append(r);
    await log.close();
    fake = installFakeVscode({
      extensionPath: REPO,
      workspaceFolder: ws,
      globalStorage: join(tmp, 'global'),
      settings: {
        'gaplens.modelProfiles': [
          { name: 'Good server', backend: 'openai', baseUrl: 'http://127.0.0.1:9/v1', model: 'fake-model' },
          { name: 'Broken server', backend: 'openai', baseUrl: 'not a url', model: 'fake-model' },
        ],
        'gaplens.runsFolder': '.gaplens/runs',
      },
    });
    ext = loadBuiltExtension();
    ext.activate(fake.context);
  });

  after(async () => {
    await closeExtension(ext, fake);
    sandbox?.cleanup();
  });

  it('leaves the runs tree working, and says once which profile is left out and why', async () => {
    const tree = fake.recorded.treeViews.get('gaplens.runs');
    const runs = await tree?.getChildren();
    assert.deepEqual(runs?.map((r) => r.label), ['fake-model · set.tasks.jsonl']);
    await tree?.getChildren();
    const warnings = fake.recorded.messages.filter((m) => m.level === 'warning' && m.text.includes('gaplens.modelProfiles'));
    assert.deepEqual(
      warnings.map((m) => m.text),
      ['Gap Lens: "gaplens.modelProfiles[1]" ("Broken server") is left out: "baseUrl" is not a URL: "not a url"; write it such as "http://127.0.0.1:8000/v1"'],
    );
  });
});
