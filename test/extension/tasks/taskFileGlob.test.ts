import assert from 'node:assert/strict';
import { taskFileGlob } from '../../../src/extension/tasks/taskFileGlob';

describe('task file glob', () => {
  it('is *.tasks.jsonl without associations', () => {
    assert.equal(taskFileGlob(undefined), '**/*.tasks.jsonl');
    assert.equal(taskFileGlob({ '*.md': 'markdown' }), '**/*.tasks.jsonl');
  });

  it('adds the patterns associated with the task-file language; name patterns match in any folder', () => {
    assert.equal(taskFileGlob({ '*.jsonl': 'gaplens-tasks', 'evals/**/*.json': 'gaplens-tasks', '*.txt': 'plaintext' }), '{**/*.tasks.jsonl,**/*.jsonl,evals/**/*.json}');
  });

  it('leaves out patterns with braces or commas, which cannot nest in one glob group', () => {
    assert.equal(taskFileGlob({ '*.{a,b}': 'gaplens-tasks', '  ': 'gaplens-tasks' }), '**/*.tasks.jsonl');
  });
});
