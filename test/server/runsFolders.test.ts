import assert from 'node:assert/strict';
import path from 'node:path';
import { runsFoldersFromInit, runsFoldersFromSettings } from '../../src/server/runsFolders';

describe('server/runsFolders', () => {
  const abs = path.resolve('/data/runs');
  const ws = [path.resolve('/ws/a'), path.resolve('/ws/b')];
  const current = [path.resolve('/global/runs')];

  it('reads runsFolders from initializationOptions, dropping anything that is not a path', () => {
    assert.deepEqual(runsFoldersFromInit({ runsFolders: ['/r1', 3, '', '/r2'] }), ['/r1', '/r2']);
    assert.deepEqual(runsFoldersFromInit(undefined), []);
    assert.deepEqual(runsFoldersFromInit({ runsFolders: 'x' }), []);
  });

  it('resolves a changed runsFolder setting like the extension does', () => {
    assert.deepEqual(runsFoldersFromSettings({ runsFolder: abs }, ws, current), [abs]);
    assert.deepEqual(runsFoldersFromSettings({ runsFolder: ' .gaplens/runs ' }, ws, current), ws.map((w) => path.join(w, '.gaplens/runs')));
    assert.deepEqual(runsFoldersFromSettings({ runsFolder: 'runs' }, [], current), current);
    assert.deepEqual(runsFoldersFromSettings({ runsFolder: '' }, ws, current), current);
    assert.deepEqual(runsFoldersFromSettings(undefined, ws, current), current);
  });
});
