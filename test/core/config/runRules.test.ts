import assert from 'node:assert/strict';
import { DEFAULT_VERIFIER, hasNoGold, reportSelector, runSelector } from '../../../src/core/config/runRules';
import { DEFAULT_RUNS_FOLDER, resolveRunsRoot, runsFolderSetting, runsRootIn } from '../../../src/core/config/runsRoot';

describe('core/config: the rules every layer shares', () => {
  it('reads a run by its first verifier; a report falls back to the default verifier, a named selector wins', () => {
    assert.equal(runSelector({ verifiers: ['cot-score', 'mc'] }), 'cot-score');
    assert.equal(runSelector({ verifiers: [] }), null);
    assert.equal(reportSelector({ verifiers: [] }), DEFAULT_VERIFIER);
    assert.equal(reportSelector({ verifiers: ['cot-score'] }), 'cot-score');
    assert.equal(reportSelector({ verifiers: ['cot-score'] }, 'and(mc,cot-score)'), 'and(mc,cot-score)');
  });

  it('a task without a gold answer: an empty or blank string, or an empty list', () => {
    const task = { id: 't', question: 'q', grader: 'exact' as const };
    assert.equal(hasNoGold({ ...task, answer: ' ' }), true);
    assert.equal(hasNoGold({ ...task, answer: [] }), true);
    assert.equal(hasNoGold({ ...task, answer: '0' }), false);
    assert.equal(hasNoGold({ ...task, answer: ['a'] }), false);
  });

  it('the runs folder: a trimmed non-empty path, absolute as is, else inside the workspace folder, else in global storage', () => {
    assert.equal(runsFolderSetting(' runs '), 'runs');
    for (const bad of ['', '  ', 3, null, undefined]) assert.equal(runsFolderSetting(bad), null);
    assert.equal(runsRootIn(DEFAULT_RUNS_FOLDER, '/w'), '/w/.gaplens/runs');
    assert.equal(runsRootIn('/abs/runs', '/w'), '/abs/runs');
    assert.equal(resolveRunsRoot('/abs/runs', undefined, '/g'), '/abs/runs');
    assert.equal(resolveRunsRoot('runs', undefined, '/g'), '/g/runs');
  });
});
