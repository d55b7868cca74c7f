import assert from 'node:assert/strict';
import { formatRunDate, modelShortName } from '../../../src/extension/views/runItems';
import { statusBarText } from '../../../src/extension/views/statusText';

describe('run labels', () => {
  it('names a model by its last path part, without .gguf', () => {
    assert.equal(modelShortName('openai:Qwen/Qwen2.5-7B-Instruct@http://127.0.0.1:8000/v1'), 'Qwen2.5-7B-Instruct');
    assert.equal(modelShortName('openai:gpt@4o@https://api.example.com/v1'), 'gpt@4o');
    assert.equal(modelShortName('llama:/models/stories260K/stories260K.gguf'), 'stories260K');
    assert.equal(modelShortName('llama:default'), 'default model');
  });

  it('writes dates as local YYYY-MM-DD HH:MM, and leaves an unreadable one as is', () => {
    const d = new Date(2026, 0, 5, 7, 3, 59);
    assert.equal(formatRunDate(d.toISOString()), '2026-01-05 07:03');
    assert.equal(formatRunDate('yesterday'), 'yesterday');
  });

  it('shows progress while running or incomplete, and the gap when there is one', () => {
    const base = { runId: 'r1', dir: '/r1', done: 12, total: 40, gap: 'gap +2.5 pp' };
    assert.deepEqual(statusBarText({ ...base, running: true }), {
      text: '$(sync~spin) Gap Lens 12/40 · gap +2.5 pp',
      tooltip: 'Run r1 (running): 12 of 40 samples, gap +2.5 pp. Click to open it.',
    });
    assert.equal(statusBarText({ ...base, running: false, done: 40, gap: null }).text, '$(graph) Gap Lens');
    assert.match(statusBarText({ ...base, running: false }).tooltip, /\(incomplete\)/);
  });
});
