import assert from 'node:assert/strict';
import { parseTaskText } from '../../src/core/tasks/parseTaskText';
import { taskCodeLenses } from '../../src/server/codeLenses';

describe('server/codeLenses', () => {
  const uri = 'file:///tmp/t.tasks.jsonl';

  it('puts a file lens on line 0 and one lens per usable task with its 1-based line', () => {
    const text = [
      '{"id": "a", "question": "2+3?", "answer": "5", "grader": "numeric"}',
      'not json',
      '',
      '{"id": "b", "question": "1+1?", "answer": "2", "grader": "numeric"}',
    ].join('\n');
    const lenses = taskCodeLenses(uri, parseTaskText(text, '/tmp/t.tasks.jsonl').origins);
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command?.title, l.command?.command, l.command?.arguments]),
      [
        [0, 'Run gap check (2 tasks)', 'gaplens.runGapCheck', [uri]],
        [0, 'Run gap check on this task', 'gaplens.runSelectedTasks', [uri, [1]]],
        [3, 'Run gap check on this task', 'gaplens.runSelectedTasks', [uri, [4]]],
      ],
    );
  });

  it('offers nothing for a file without a usable task', () => {
    assert.deepEqual(taskCodeLenses(uri, parseTaskText('{"id": 1}', '/tmp/t.tasks.jsonl').origins), []);
  });
});
