import { samplingText } from '../../../src/core/report/samplingText';
import { reasoningCapabilities } from '../../core/llm/capabilityFixtures';
import assert from 'node:assert/strict';
import type { RunData } from '../../../src/core/runs/runStore';
import { sampleKey } from '../../../src/core/runs/sampleKey';
import { parseHostMessage } from '../../../src/protocol/panelProtocol';
import { gapInputOf, RunModel, summaryOf } from '../../../src/extension/panel/runModel';
import { runCoverage } from '../../../src/core/runs/coverage';
import { config, failure, generation, manifest, task, verification } from '../builders';

function runData(tasks = [task('t1', '5'), task('t2', ['20', 'twenty'])]): RunData {
  const gens = [generation('t1', 0, 'so 5', true, '5'), generation('t1', 1, 'so 6', false, '6'), generation('t2', 0, '20', true, '20')];
  const vers = [verification('t1', 0, 'mc', 0.9), verification('t1', 1, 'mc', null), verification('t2', 0, 'mc', 0.4), verification('t2', 0, 'cot-score', 0.5)];
  const verifications = new Map<string, Map<string, (typeof vers)[number]>>();
  for (const v of vers) {
    const key = sampleKey(v.task, v.index);
    verifications.set(key, (verifications.get(key) ?? new Map()).set(v.verifier, v));
  }
  return {
    dir: '/runs/r1',
    manifest: manifest({ config: config({ verifiers: ['mc', 'cot-score'], limit: 2 }) }),
    tasks,
    generations: new Map(gens.map((g) => [sampleKey(g.task, g.index), g])),
    verifications,
    draws: new Map(),
    failures: new Map(),
    annotations: [],
    warnings: [],
  };
}

describe('the panel run model', () => {
  it('builds protocol-valid rows and task infos from a run folder, in task then index order', () => {
    const model = RunModel.fromRun(runData());
    assert.equal(model.mode, 'gap');
    const rows = model.allRows();
    assert.deepEqual(rows.map((r) => [r.task, r.index, r.correct, r.verifications.map((v) => `${v.verifier}=${v.score}`).join(',')]), [
      ['t1', 0, true, 'mc=0.9'],
      ['t1', 1, false, 'mc=null'],
      ['t2', 0, true, 'mc=0.4,cot-score=0.5'],
    ]);
    assert.deepEqual(model.taskInfos().map((t) => t.gold), [['5'], ['20', 'twenty']]);
    const message = { kind: 'notify', method: 'samples', params: { tasks: model.taskInfos(), rows } };
    assert.ok(parseHostMessage(message).ok);
    const init = parseHostMessage({ kind: 'notify', method: 'init', params: { run: model.summary, mode: model.mode } });
    assert.ok(init.ok, init.ok ? '' : init.error);
  });

  it('summarizes the run for the panel: first verifier as the starting selector, the sampling as the reports say it', () => {
    const manifest = runData().manifest;
    const s = summaryOf(manifest);
    assert.equal(s.selector, 'mc');
    assert.equal(s.filter, 'quantile:0.5');
    assert.equal(s.sampling, `temperature ${manifest.config.temperature}, top-p ${manifest.config.topP}, max tokens ${manifest.config.maxTokens}, seed 0`);
    // A setting the endpoint refused was never sent: the panel must not claim it (the reports' words).
    const refused = { ...manifest, capabilities: { [manifest.config.model]: reasoningCapabilities(manifest.config.model) } };
    assert.equal(summaryOf(refused).sampling, samplingText(refused));
    assert.match(summaryOf(refused).sampling ?? '', /^temperature not sent .*top-p not sent .*as max_completion_tokens/);
  });

  it('applies streamed records: a generation adds a row, a verification updates it, an orphan verification is dropped', () => {
    const data = runData();
    const model = RunModel.fromManifest('/runs/r1', data.manifest, data.tasks);
    assert.equal(model.apply({ type: 'task-done', task: 't1' }), undefined);
    assert.equal(model.apply({ type: 'verification', record: verification('t1', 0, 'mc', 0.3) }), undefined);
    const row = model.apply({ type: 'generation', record: generation('t1', 0, 'x', false) });
    assert.deepEqual(row?.verifications, []);
    const updated = model.apply({ type: 'verification', record: verification('t1', 0, 'mc', 0.3) });
    assert.equal(updated?.verifications[0]?.score, 0.3);
    assert.deepEqual(gapInputOf(updated!), { task: 't1', index: 0, correct: false, scores: { mc: 0.3 }, answer: 'x' });
    assert.equal(model.sampleCount, 1);
  });

  it('shows a task without gold answer ungraded (check mode) until the right answer is marked, then regrades with its grader', () => {
    const data = runData([task('t1', ''), task('t2', '20')]);
    const model = RunModel.fromRun(data);
    assert.equal(model.mode, 'check');
    const [r0, r1, r2] = model.allRows();
    assert.equal(r0?.correct, null);
    assert.equal(r1?.correct, null);
    assert.equal(r2?.correct, true, 'a task with gold keeps its grade');
    assert.match(r0?.gradeReason ?? '', /no gold answer yet/);
    assert.deepEqual(model.taskInfo('t1')?.gold, []);

    const changed = model.markAnswer('t1', ' 6 ');
    assert.deepEqual(changed.map((r) => [r.index, r.correct, r.normalized]), [
      [0, false, '5'],
      [1, true, '6'],
    ]);
    assert.deepEqual(model.taskInfo('t1')?.gold, ['6']);
    assert.throws(() => model.markAnswer('t1', 'six'), /cannot use "six" as the answer: gold answer "six" is not a number/);
    assert.throws(() => model.markAnswer('nope', '1'), /task "nope" is not in this run/);
  });

  it('shows the answers of a task without gold grouped for marking, not "(no answer)" (Check Selection)', () => {
    const data = runData([task('t1', '')]);
    // As recorded: the grade against an empty gold found nothing.
    const gens = ['Thirty plus four. The answer is 34.', 'so 34.0', 'The answer is 35.'].map((text, i) => ({ ...generation('t1', i, text, false), grade: { correct: false, extracted: null, normalized: null, reason: 'the gold answer "" is not a number' } }));
    data.generations = new Map(gens.map((g) => [sampleKey(g.task, g.index), g]));
    data.verifications = new Map();
    const model = RunModel.fromRun(data);
    assert.deepEqual(model.allRows().map((r) => [r.extracted, r.normalized, r.correct]), [['34', '34', null], ['34.0', '34', null], ['35', '35', null]]);
    // A sample streamed in later joins its group too.
    assert.equal(model.apply({ type: 'generation', record: { ...generation('t1', 3, '#### 35', false), grade: gens[0]!.grade } })?.normalized, '35');
    assert.deepEqual(model.markAnswer('t1', '34').map((r) => r.correct), [true, true, false, false]);
  });

  it('re-applies answers marked before a reload', () => {
    const model = RunModel.fromRun(runData([task('t1', ''), task('t2', '20')]), { t1: '5', gone: '1' });
    assert.deepEqual(model.allRows().filter((r) => r.task === 't1').map((r) => r.correct), [true, false]);
    assert.equal(model.mode, 'check');
  });

  it('counts coverage as core counts the run folder, and keeps call failures until a record of their stage supersedes them', () => {
    const data = runData();
    data.failures.set(sampleKey('t2', 1), new Map([['generation', failure('t2', 1, 'generation', 'call-failed')]]));
    const model = RunModel.fromRun(data);
    assert.deepEqual(model.coverage(), runCoverage(data));
    assert.deepEqual(model.coverage().generations.failures, { 'bad-answer': 0, 'call-failed': 1, 'prompt-too-long': 0 });

    // A verifier's call fails for a sample: its row says so (the detail pane shows it), coverage counts it.
    const row = model.apply({ type: 'failure', record: failure('t1', 0, 'cot-score', 'bad-answer') });
    assert.deepEqual(row?.callFailures, [{ stage: 'cot-score', kind: 'bad-answer', message: 'http://127.0.0.1:8000/v1: bad-answer on t1#0' }]);
    assert.ok(parseHostMessage({ kind: 'notify', method: 'samples', params: { tasks: [], rows: [row] } }).ok);
    assert.equal(model.coverage().verifiers['cot-score']?.failures['bad-answer'], 1);
    // A failure of a stage that has its record is history already (whatever the order).
    assert.equal(model.apply({ type: 'failure', record: failure('t1', 0, 'mc', 'call-failed') }), undefined);
    assert.equal(model.coverage().verifiers.mc?.failures['call-failed'], 0);
    // The resumed verification supersedes the failure; the resumed generation too.
    const verified = model.apply({ type: 'verification', record: verification('t1', 0, 'cot-score', 0.7) });
    assert.equal(verified?.callFailures, undefined);
    model.apply({ type: 'generation', record: generation('t2', 1, '20', true) });
    assert.equal(model.coverage().generations.failed, 0);
    assert.equal(model.coverage().generations.done, 4);
  });

  it("gives a failed verification its kind (unparsable for records older than the field)", () => {
    const data = runData();
    const old = data.verifications.get(sampleKey('t1', 1))?.get('mc');
    const model = RunModel.fromRun(data);
    assert.equal(old?.failure, undefined);
    assert.equal(model.row('t1', 1)?.verifications[0]?.failure, 'unparsable');
    const absent = model.apply({ type: 'verification', record: { ...verification('t1', 0, 'cot-score', null), failure: 'labels-absent' } });
    assert.equal(absent?.verifications.find((v) => v.verifier === 'cot-score')?.failure, 'labels-absent');
    assert.equal(model.row('t1', 0)?.verifications[0]?.failure, undefined, 'a scored verification has no failure');
  });
});
