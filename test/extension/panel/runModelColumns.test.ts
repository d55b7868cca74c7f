// The panel host's run model read from a run folder as columns (RunModel.read), its texts read back
// from samples.jsonl by byte offset, against the model built from every record held in memory
// (RunModel.fromRun over readRun): the same snapshot, the same detail rows, on real run folders —
// every record rule, Check Selection, and records a running run streams in (version-2 prompt
// references from a real CLI run: verificationPrompts.test.ts). A folder changed under the panel is
// a one-line error.
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SampleRecord } from '../../../src/core/runs/records';
import { createRunFolder } from '../../../src/core/runs/runStore';
import type { Task } from '../../../src/core/tasks/task';
import { UserError } from '../../../src/core/util/errors';
import { RunModel } from '../../../src/extension/panel/runModel';
import { LiveGap } from '../../../src/core/pipeline/liveGap';
import { tempDir } from '../../helpers/cli';
import { assertSameView, view } from './panelViews';
import { awkwardRun, drawn, drawnRun, failure, generation, jsonl, manifest, newRun, TASKS, verification } from '../../core/runs/runFixtures';

/** A one-line UserError whose message matches `pattern`. */
function oneLineError(pattern: RegExp): (err: unknown) => boolean {
  return (err: unknown) => err instanceof UserError && !err.message.includes('\n') && pattern.test(err.message);
}

describe('the panel run model read from a run folder as columns', () => {
  let parent: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir: parent, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('shows every record rule as the records do: order, duplicates, call failures before and after their stage, an orphan, an index ≥ n, a torn tail', async () => {
    const dir = await awkwardRun(parent);
    const model = await assertSameView(dir);
    assert.equal(model.sampleCount, 6);
    assert.deepEqual(model.row('t1', 2)?.callFailures?.map((f) => [f.stage, f.kind]), [['mc', 'call-failed'], ['cot-score', 'bad-answer']], 'the last failure of a stage is its current one');
    assert.equal(model.row('t1', 1)?.text, 'answer 1', 'the earliest generation is shown');
    assert.equal(model.row('q#3', 0)?.text, 'Ünïcode ✓ text');
  });

  it('shows a verifier drawing several verifications as the records do: draw 0 with the aggregate, once every draw is recorded; one call failure per verifier', async () => {
    const dir = await drawnRun(parent);
    const model = await assertSameView(dir);
    const cot = (task: string, index: number) => model.row(task, index)?.verifications.find((v) => v.verifier === 'cot-score');
    assert.deepEqual([cot('t1', 0)?.score, cot('t1', 0)?.detail?.['drawScores']], [0.5, [0.2, 0.8]]);
    assert.deepEqual([cot('t1', 1)?.score, cot('t1', 1)?.parse, cot('t1', 1)?.raw], [0.3, 'ok', 'gibberish'], "the aggregate of the scored draw, draw 0's text");
    assert.deepEqual([cot('t2', 0)?.score, cot('t2', 0)?.failure], [null, 'unparsable']);
    assert.equal(cot('t1', 3), undefined, 'a draw missing: no score yet');
    assert.deepEqual(model.row('t1', 2)?.callFailures?.map((f) => [f.stage, f.kind]), [['cot-score', 'call-failed']]);
  });

  it("settles a running run's streamed draws from the file as a fresh read shows them", async () => {
    const dir = await drawnRun(parent);
    const file = join(dir, 'samples.jsonl');
    const { model } = await RunModel.read(dir);
    for (const record of [drawn('t1', 3, 'cot-score', 1, 0.8), { ...failure('t2', 1, 'cot-score', 'call-failed'), draw: 0 }, generation('q#3', 0, true), drawn('q#3', 0, 'cot-score', 1, 0.4), drawn('q#3', 0, 'cot-score', 0, 0.6)] as SampleRecord[]) {
      appendFileSync(file, jsonl([record]));
      model.apply({ type: record.type, record } as Parameters<RunModel['apply']>[0]);
    }
    const fresh = await RunModel.read(dir);
    assert.deepEqual(view(model, []), view(fresh.model, []));
    assert.deepEqual(model.coverage(), fresh.model.coverage());
    model.settle();
    assert.equal(model.heldRows, 0);
    assert.deepEqual(view(model, []), view(fresh.model, []));
    assert.equal(model.row('q#3', 0)?.verifications.find((v) => v.verifier === 'cot-score')?.score, 0.5);
  });

  it('groups the answers of tasks without a gold answer in the order they were recorded, and regrades by answers marked earlier (Check Selection)', async () => {
    const tasks: Task[] = [
      { id: 'a', question: 'What is 6 × 7?', answer: '', grader: 'numeric' },
      { id: 'b', question: 'What is 2 + 2?', answer: '4', grader: 'numeric' },
    ];
    const dir = join(parent, 'check');
    await createRunFolder(dir, manifest(), tasks);
    const texts = ['so 42', 'it is 42.0', 'maybe 41', 'no idea'];
    writeFileSync(
      join(dir, 'samples.jsonl'),
      jsonl([
        ...[3, 1, 0, 2].map((i) => generation('a', i, false, texts[i])),
        generation('b', 0, true, '4'),
        verification('a', 1, 'mc', 0.6),
      ]),
    );
    const model = await assertSameView(dir);
    assert.equal(model.mode, 'check');
    const a = model.allRows().filter((r) => r.task === 'a');
    assert.deepEqual(a.slice(0, 3).map((r) => r.normalized), ['42', '42', '41'], '42.0 joins the group of 42');
    assert.ok(a.every((r) => r.correct === null), 'ungraded until an answer is marked');
    const marked = await assertSameView(dir, { a: '42' });
    assert.deepEqual(marked.allRows().filter((r) => r.task === 'a').map((r) => r.correct), [true, true, false, false]);
  });

  it("shows a running run's streamed records as a fresh read of the folder shows them", async () => {
    const dir = await newRun(parent);
    const file = join(dir, 'samples.jsonl');
    const before: SampleRecord[] = [generation('t1', 0, true), verification('t1', 0, 'mc', 0.5), failure('t1', 1, 'generation')];
    const streamed: SampleRecord[] = [
      generation('t1', 1, false),
      failure('t1', 1, 'mc', 'call-failed'),
      verification('t1', 0, 'cot-score', 0.25),
      generation('t2', 0, true),
      verification('t2', 0, 'mc', null),
      verification('t1', 1, 'cot-score', 0.75),
    ];
    writeFileSync(file, jsonl(before));
    const { model } = await RunModel.read(dir);
    for (const record of streamed) {
      // As the run executor has it: the record is in the file before the model hears of it.
      appendFileSync(file, jsonl([record]));
      const row = model.apply({ type: record.type, record } as Parameters<RunModel['apply']>[0]);
      if (record.type !== 'failure') assert.deepEqual(row, model.row(record.task, record.index));
    }
    const fresh = await RunModel.read(dir);
    assert.deepEqual(view(model, []), view(fresh.model, []));
    assert.deepEqual(model.coverage(), fresh.model.coverage());
    // Settled, the streamed records are read back from the file like the rest, and no longer held.
    assert.equal(model.heldRows, 3);
    appendFileSync(file, '{"v":2,"type":"generation","task":"t1","ind');
    model.settle();
    assert.equal(model.heldRows, 0);
    assert.deepEqual(view(model, []), view(fresh.model, []));
    writeFileSync(file, jsonl(before));
    assert.throws(() => model.row('t2', 0), oneLineError(/samples\.jsonl: byte \d+ no longer holds the generation record of task "t2" sample 0 \(the file ends before it\)/), 'read from disk now');
  });

  it('looks the streamed records up in the file by itself once 1024 samples have some: a long run does not hold its texts', async () => {
    const dir = await newRun(parent);
    const file = join(dir, 'samples.jsonl');
    const { model } = await RunModel.read(dir);
    for (let index = 0; index < 1500; index++) {
      const record = generation('t1', index, index % 3 === 0);
      appendFileSync(file, jsonl([record]));
      model.apply({ type: 'generation', record });
    }
    assert.ok(model.heldRows < 1024, `${model.heldRows} samples held`);
    assert.equal(model.row('t1', 7)?.text, 'answer 7');
    assert.deepEqual(view(model, []), view((await RunModel.read(dir)).model, []));
  });

  it('keeps holding streamed records whose lines are not in the file', async () => {
    const dir = await newRun(parent);
    const { model } = await RunModel.read(dir);
    model.apply({ type: 'generation', record: generation('t1', 0, true) });
    model.settle();
    assert.equal(model.heldRows, 1);
    assert.equal(model.row('t1', 0)?.text, 'answer 0');
  });

  it('says in one line, naming the file, that the folder changed when samples.jsonl was truncated or rewritten under the panel', async () => {
    const dir = await newRun(parent);
    const file = join(dir, 'samples.jsonl');
    const records = TASKS.flatMap((t) => [0, 1].flatMap((i) => [generation(t.id, i, true), verification(t.id, i, 'mc', 0.5)]));
    writeFileSync(file, jsonl(records));
    const { model } = await RunModel.read(dir);
    assert.equal(model.row('q#3', 1)?.text, 'answer 1');
    const text = readFileSync(file);
    truncateSync(file, Math.floor(text.length / 2));
    const path = file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    assert.throws(() => model.row('q#3', 1), oneLineError(new RegExp(`^${path}: byte \\d+ no longer holds the generation record of task "q#3" sample 1 \\(the file ends before it\\): the file was changed after the run was read; close the panel and open the run again$`)));
    // Another order of the same records: a line starts at the same byte, but it is another record.
    writeFileSync(file, jsonl([...records].reverse()));
    assert.throws(() => model.row('t1', 0), oneLineError(/samples\.jsonl: byte 0 no longer holds the generation record of task "t1" sample 0 \((it holds the|not a generation record there)/));
  });

  it("counts the status bar's gap from the model's columns as from its sample objects, bit for bit: record rules, draws, answers without gold, marked answers", async () => {
    const check = join(parent, 'check');
    await createRunFolder(check, manifest(), [{ id: 'a', question: 'What is 6 × 7?', answer: '', grader: 'numeric' }, ...TASKS]);
    writeFileSync(join(check, 'samples.jsonl'), jsonl([generation('t1', 1, true), generation('a', 0, false, 'so 42'), verification('a', 0, 'mc', 0.6), generation('t1', 0, false), verification('t1', 0, 'mc', 0.2), verification('t1', 1, 'mc', null), generation('a', 1, false, 'maybe 41'), generation('t2', 0, true)]));
    const models = [(await RunModel.read(await awkwardRun(join(parent, 'awkward')))).model, (await RunModel.read(await drawnRun(join(parent, 'drawn')))).model, (await RunModel.read(check)).model];
    const marked = (await RunModel.read(check)).model;
    marked.markAnswers({ a: '42' });
    for (const model of [...models, marked]) {
      for (const [selector, filter] of [['mc', 'quantile:0.5'], ['mean(mc,cot-score)', 'topk:1']] as const) {
        const bySample = new LiveGap(selector, filter);
        bySample.updateAll(model.gapInputs());
        const byColumns = new LiveGap(selector, filter);
        byColumns.updateColumns(model.gapRows());
        assert.deepStrictEqual(byColumns.snapshot(), bySample.snapshot(), `${model.dir} ${selector}`);
        for (const input of model.gapInputs()) assert.deepStrictEqual(byColumns.sample(input.task, input.index), bySample.sample(input.task, input.index));
      }
    }
  });
});
