// gaplens.testing.*: defaults, the profile and verifier they fall back to, and one message naming
// every bad value (as the other gaplens.* settings).
import assert from 'node:assert/strict';
import { UserError } from '../../../src/core/util/errors';
import { readSettings } from '../../../src/extension/config/settings';
import { readTestingSettings } from '../../../src/extension/testing/testingSettings';

const PROFILES = [
  { name: 'Local', backend: 'openai', baseUrl: 'http://127.0.0.1:8000/v1', model: 'm' },
  { name: 'Embedded', backend: 'llama' },
];

function read(values: Record<string, unknown>, lastProfile?: string): ReturnType<typeof readTestingSettings> {
  const all: Record<string, unknown> = { modelProfiles: PROFILES, ...values };
  return readTestingSettings((key) => all[key], readSettings((key) => all[key], '/w'), lastProfile);
}

describe('gaplens.testing.* settings', () => {
  it('defaults: N 4, the first 30 tasks, bar 0, 30 tasks at least, the first default verifier, the first profile', () => {
    const s = read({ defaultVerifiers: ['cot-score', 'mc'] });
    assert.deepEqual([s.samplesPerTask, s.taskLimit, s.bar, s.minTasks, s.verifier, s.profile.name], [4, 30, 0, 30, 'cot-score', 'Local']);
  });

  it('the profile used last when none is set, the named one when set; the bar in points; null limit is every task', () => {
    assert.equal(read({}, 'Embedded').profile.name, 'Embedded');
    assert.equal(read({}, 'Gone').profile.name, 'Local');
    const s = read({ 'testing.modelProfile': 'Embedded', 'testing.gapBar': 2.5, 'testing.taskLimit': null, 'testing.verifier': 'mc' }, 'Local');
    assert.deepEqual([s.profile.name, s.bar, s.taskLimit, s.verifier], ['Embedded', 0.025, null, 'mc']);
  });

  it('names every bad value in one message', () => {
    let message = '';
    try {
      read({ 'testing.samplesPerTask': 0, 'testing.verifier': 'judge', 'testing.modelProfile': 'Nope', 'testing.gapBar': '5', 'testing.taskLimit': 10 });
    } catch (err) {
      assert.ok(err instanceof UserError);
      message = err.message;
    }
    const lines = message.split('\n');
    assert.match(lines[0] as string, /^Gap Lens settings are invalid; fix them in Settings/);
    assert.deepEqual(lines.slice(1).map((l) => /^"(gaplens\.[\w.]+)"/.exec(l)?.[1]), ['gaplens.testing.samplesPerTask', 'gaplens.testing.gapBar', 'gaplens.testing.taskLimit', 'gaplens.testing.verifier', 'gaplens.testing.modelProfile']);
    assert.match(message, /"gaplens\.testing\.taskLimit" is 10, below gaplens\.testing\.minTasks \(30\)/);
    assert.match(message, /"gaplens\.testing\.modelProfile" must name a profile of gaplens\.modelProfiles \("Local", "Embedded"\), got "Nope"/);
  });
});
