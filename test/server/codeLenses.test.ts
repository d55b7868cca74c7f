import assert from 'node:assert/strict';
import { parseTaskText } from '../../src/core/tasks/parseTaskText';
import { taskCodeLenses } from '../../src/server/codeLenses';
import type { LineRange, TaskCodeLensMode } from '../../src/protocol/taskServerProtocol';

describe('server/codeLenses', () => {
  const uri = 'file:///tmp/t.tasks.jsonl';
  const text = [
    '{"id": "a", "question": "2+3?", "answer": "5", "grader": "numeric"}',
    'not json',
    '',
    '{"id": "b", "question": "1+1?", "answer": "2", "grader": "numeric"}',
    '{"id": "c", "question": "1+2?", "answer": "3", "grader": "numeric"}',
  ].join('\n');
  const origins = parseTaskText(text, '/tmp/t.tasks.jsonl').origins;
  const lenses = (mode: TaskCodeLensMode, selection: LineRange[] = []): unknown[] =>
    taskCodeLenses(uri, origins, mode, selection).map((l) => [l.range.start.line, l.command?.title, l.command?.command, l.command?.arguments]);
  const fileLens = [0, 'Run gap check (3 tasks)', 'gaplens.runGapCheck', [uri]];

  it('shows one lens for the file, and one above the selected tasks that runs just them', () => {
    assert.deepEqual(lenses('selection'), [fileLens]);
    // Lines 2-5 hold the tasks of lines 4 and 5 (line 2 is broken, line 3 blank).
    assert.deepEqual(lenses('selection', [{ first: 2, last: 5 }]), [fileLens, [3, 'Run gap check on the 2 selected tasks', 'gaplens.runSelectedTasks', [uri, [4, 5]]]]);
    assert.deepEqual(lenses('selection', [{ first: 5, last: 5 }, { first: 1, last: 1 }]), [fileLens, [0, 'Run gap check on the 2 selected tasks', 'gaplens.runSelectedTasks', [uri, [1, 5]]]]);
    assert.deepEqual(lenses('selection', [{ first: 4, last: 4 }]), [fileLens, [3, 'Run gap check on the selected task', 'gaplens.runSelectedTasks', [uri, [4]]]]);
    // A selection without a usable task adds nothing.
    assert.deepEqual(lenses('selection', [{ first: 2, last: 3 }]), [fileLens]);
  });

  it('follows the setting: the file only, every task, or none', () => {
    assert.deepEqual(lenses('file', [{ first: 1, last: 5 }]), [fileLens]);
    assert.deepEqual(lenses('everyTask'), [
      fileLens,
      [0, 'Run gap check on this task', 'gaplens.runSelectedTasks', [uri, [1]]],
      [3, 'Run gap check on this task', 'gaplens.runSelectedTasks', [uri, [4]]],
      [4, 'Run gap check on this task', 'gaplens.runSelectedTasks', [uri, [5]]],
    ]);
    assert.deepEqual(lenses('off', [{ first: 1, last: 5 }]), []);
  });

  it('offers nothing for a file without a usable task', () => {
    assert.deepEqual(taskCodeLenses(uri, parseTaskText('{"id": 1}', '/tmp/t.tasks.jsonl').origins, 'selection', [{ first: 1, last: 1 }]), []);
  });
});
