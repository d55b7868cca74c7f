import assert from 'node:assert/strict';
import type { GapReading } from '../../../src/core/pipeline/liveGap';
import { zeroCounts, VERIFIER_FAILURE_KINDS, type RecordCoverage, type VerifierCoverage } from '../../../src/core/stats/coverage';
import { CALL_FAILURE_KINDS } from '../../../src/core/runs/records';
import { formatRunDate, modelShortName, panelTitle, runName } from '../../../src/extension/views/runItems';
import { PHASE_ICONS } from '../../../src/extension/views/runPhase';
import { statusView, type RunStatus } from '../../../src/extension/views/statusText';

/** A run of `tasks` × 2 samples, `done` of its tasks generated, mc scoring `scored` of them (the others labels-absent). */
function coverage(tasks: number, done: number, scored: number): RecordCoverage {
  const expected = tasks * 2;
  const failed = done * 2 - scored;
  const mc: VerifierCoverage = { expected, scored, failed, failures: { ...zeroCounts(VERIFIER_FAILURE_KINDS), 'labels-absent': failed }, missing: expected - scored - failed };
  return { tasks: { expected: tasks, done }, generations: { expected, done: done * 2, failed: 0, failures: zeroCounts(CALL_FAILURE_KINDS), missing: expected - done * 2 }, verifiers: { mc } };
}

function status(over: Partial<RunStatus> & { reading?: GapReading }): RunStatus {
  const { reading, ...rest } = over;
  return { runId: 'r1', name: 'fake-7b · x.tasks.jsonl', dir: '/r1', running: false, live: false, coverage: coverage(2, 2, 4), gap: reading ? { reading, selector: 'mc', filter: 'quantile:0.5' } : null, ...rest };
}

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

  it('shows progress while running, the gap, and details in the tooltip', () => {
    const view = statusView(status({ running: true, live: true, coverage: coverage(20, 6, 12), reading: { state: 'measured', samples: 12, accuracy: 0.5, gap: 0.025 } }));
    assert.equal(view.text, '$(sync~spin) Gap Lens: fake-7b · x.tasks.jsonl · 12/40 · gap +2.50 pp');
    assert.deepEqual(view.tooltip.split('\n'), [
      'Gap Lens run r1 (fake-7b · x.tasks.jsonl) (running in this window)',
      'incomplete: 6 of 20 tasks, 12 of 40 samples generated; 28 of 40 verifications outstanding',
      "live: a writer holds the run's lock and is still adding records",
      'gap +2.50 pp (by mc, quantile:0.5)',
      'coverage mc: 12 of 40 scored (28 missing)',
      'Click to open it.',
    ]);
    assert.equal(statusView(status({ reading: { state: 'measured', samples: 4, accuracy: 0.5, gap: 0.25 } })).text, '$(graph) Gap Lens: fake-7b · x.tasks.jsonl · gap +25.00 pp');
    assert.equal(statusView(status({})).text, '$(graph) Gap Lens: fake-7b · x.tasks.jsonl');
  });

  it('never shows an unmeasured gap as a number: "—" and how many were scored, the reason in the tooltip', () => {
    const view = statusView(status({ running: true, live: true, coverage: coverage(20, 6, 0), reading: { state: 'unmeasured', samples: 12, accuracy: 0.5 } }));
    assert.equal(view.text, '$(sync~spin) Gap Lens: fake-7b · x.tasks.jsonl · 12/40 · gap — (0 of 12 scored)');
    assert.doesNotMatch(view.text, /\d pp/);
    assert.match(view.tooltip, /^gap not measured: 0 of 12 scored \(by mc, quantile:0\.5\)$/m);
    assert.match(view.tooltip, /^coverage mc: 0 of 40 scored \(12 labels-absent, 28 missing\)$/m);
  });

  it('marks a partial gap, an incomplete run (tasks done of all) and a run another process writes', () => {
    const partial: GapReading = { state: 'partial', samples: 16, scored: 12, accuracy: 0.5, gap: 0.031 };
    const incomplete = statusView(status({ coverage: coverage(40, 8, 12), reading: partial }));
    assert.equal(incomplete.text, '$(debug-pause) Gap Lens: fake-7b · x.tasks.jsonl · incomplete 8/40 tasks · gap +3.10 pp (partial)');
    assert.match(incomplete.tooltip, /^incomplete: 8 of 40 tasks, 16 of 80 samples generated; 64 of 80 verifications outstanding$/m);
    assert.match(incomplete.tooltip, /^gap \+3\.10 pp \(partial: 12 of 16 scored\) \(by mc, quantile:0\.5\)$/m);
    const live = statusView(status({ live: true, coverage: coverage(40, 8, 16), reading: { state: 'pending' } }));
    assert.equal(live.text, '$(pulse) Gap Lens: fake-7b · x.tasks.jsonl · live 16/80');
    assert.match(live.tooltip, /^live: a writer holds the run's lock/m);
    assert.match(live.tooltip, /^no gap yet \(nothing scored yet\) \(by mc, quantile:0\.5\)$/m);
  });

  it('gives cancelled, failed and incomplete runs each their own icon and word', () => {
    const cancelled = statusView(status({ coverage: coverage(40, 8, 16), ended: 'cancelled' }));
    assert.equal(cancelled.text, '$(circle-slash) Gap Lens: fake-7b · x.tasks.jsonl · cancelled 8/40 tasks');
    assert.equal(statusView(status({ coverage: coverage(40, 8, 16), ended: 'failed' })).text, '$(error) Gap Lens: fake-7b · x.tasks.jsonl · failed 8/40 tasks');
    assert.equal(statusView(status({ coverage: coverage(40, 8, 16) })).text, '$(debug-pause) Gap Lens: fake-7b · x.tasks.jsonl · incomplete 8/40 tasks');
    // A run completed since it was cancelled is complete: the note of its ending no longer counts.
    assert.equal(statusView(status({ ended: 'cancelled' })).text, '$(graph) Gap Lens: fake-7b · x.tasks.jsonl');
    assert.equal(new Set(Object.values(PHASE_ICONS)).size, Object.keys(PHASE_ICONS).length, 'every phase has its own icon');
  });

  it('names runs by label, else model short name and task set; panel titles add the time', () => {
    const config = { model: 'openai:org/fake-7b@http://127.0.0.1:1/v1', tasks: '/w/x.tasks.jsonl#L2-L3' };
    assert.equal(runName(config, undefined), 'fake-7b · x.tasks.jsonl#L2-L3');
    assert.equal(runName({ ...config, tasks: 'builtin:gsm8k' }, undefined), 'fake-7b · builtin:gsm8k');
    assert.equal(runName({ ...config, tasks: 'selection' }, undefined), 'fake-7b · selected text');
    assert.equal(runName(config, 'baseline'), 'baseline');
    const created = new Date(2026, 0, 5, 7, 3).toISOString();
    assert.equal(panelTitle(config, created, undefined), 'Gap Lens: fake-7b · x.tasks.jsonl#L2-L3 · 2026-01-05 07:03');
    assert.equal(panelTitle(config, created, 'baseline'), 'Gap Lens: baseline · 2026-01-05 07:03');
  });
});
