import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendAnnotation, latestAnnotations } from '../../../src/core/runs/annotations';
import { auditLabels } from '../../../src/core/runs/labels';
import type { AnnotationRecord } from '../../../src/core/runs/records';
import { readRun } from '../../../src/core/runs/runStore';
import { sampleKey } from '../../../src/core/runs/sampleKey';
import { tempDir } from '../../helpers/cli';
import { newRun, rejectsWithUserError } from './runFixtures';

describe('runs/annotations', () => {
  let parent: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir: parent, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('appends annotations, reads them in order, and the latest per sample is its label', async () => {
    const dir = await newRun(parent);
    const first = await appendAnnotation(dir, { task: 't1', index: 0, cause: 'checker-wrong', note: '5.0 is 5' }, new Date('2026-11-24T10:00:00Z'));
    assert.deepEqual(first, { v: 1, task: 't1', index: 0, cause: 'checker-wrong', note: '5.0 is 5', at: '2026-11-24T10:00:00.000Z' });
    await appendAnnotation(dir, { task: 'q#3', index: 2, cause: 'gold-wrong', note: '' }, new Date('2026-11-24T10:01:00Z'));
    const relabel = await appendAnnotation(dir, { task: 't1', index: 0, cause: 'ambiguous', note: 'on reflection' }, new Date('2026-11-24T10:02:00Z'));

    const run = await readRun(dir);
    assert.deepEqual(run.annotations.map((a) => `${a.task}/${a.index}/${a.cause}`), ['t1/0/checker-wrong', 'q#3/2/gold-wrong', 't1/0/ambiguous']);
    const latest = latestAnnotations(run);
    assert.equal(latest.size, 2);
    assert.deepEqual(latest.get(sampleKey('t1', 0)), relabel);
    assert.equal(latest.get(sampleKey('q#3', 2))?.cause, 'gold-wrong');
    assert.equal(latest.get(sampleKey('t2', 0)), undefined);
  });

  it('the latest annotation is the last one appended, even if its clock says earlier', async () => {
    const dir = await newRun(parent);
    await appendAnnotation(dir, { task: 't1', index: 0, cause: 'other', note: 'a' }, new Date('2026-11-24T12:00:00Z'));
    await appendAnnotation(dir, { task: 't1', index: 0, cause: 'verifier-wrong', note: 'b' }, new Date('2026-11-24T11:00:00Z'));
    assert.equal(latestAnnotations(await readRun(dir)).get(sampleKey('t1', 0))?.note, 'b');
  });

  it('keeps concurrent annotations of one process whole and in call order', async () => {
    const dir = await newRun(parent);
    const notes = Array.from({ length: 50 }, (_, i) => `note ${i}`);
    await Promise.all(notes.map((note, i) => appendAnnotation(dir, { task: 't2', index: i % 4, cause: 'other', note })));
    const run = await readRun(dir);
    assert.deepEqual(run.warnings, []);
    assert.deepEqual(run.annotations.map((a) => a.note), notes);
  });

  it('refuses annotations that readRun would reject', async () => {
    const dir = await newRun(parent);
    await rejectsWithUserError(
      appendAnnotation(dir, { task: 'nope', index: 0, cause: 'other', note: '' }),
      `cannot save the annotation: task "nope" is not in ${dir}`,
    );
    const badCause = { task: 't1', index: 0, cause: 'verifier-right', note: '' } as unknown as Omit<AnnotationRecord, 'v' | 'at'>;
    await rejectsWithUserError(appendAnnotation(dir, badCause), /^cannot save the annotation: field "cause": expected one of "verifier-wrong"\|"checker-wrong"\|/);
    await rejectsWithUserError(appendAnnotation(dir, { task: 't1', index: -1, cause: 'other', note: '' }), 'cannot save the annotation: field "index" must be >= 0');
    await rejectsWithUserError(appendAnnotation(parent, { task: 't1', index: 0, cause: 'other', note: '' }), `${parent} is not a Gap Lens run folder (no run.json)`);
    assert.deepEqual((await readRun(dir)).annotations, []);
  });

  it('cuts off a torn annotation line before appending, so the file stays valid', async () => {
    const dir = await newRun(parent);
    const file = join(dir, 'annotations.jsonl');
    const kept = await appendAnnotation(dir, { task: 't1', index: 1, cause: 'other', note: 'kept' });
    writeFileSync(file, readFileSync(file, 'utf8') + '{"v":1,"task":"t1","ind');
    const torn = await readRun(dir);
    assert.deepEqual(torn.warnings, [`${file}:2: incomplete last line dropped (a writer was interrupted mid-write)`]);
    const added = await appendAnnotation(dir, { task: 't2', index: 0, cause: 'other', note: 'after' });
    const run = await readRun(dir);
    assert.deepEqual(run.warnings, []);
    assert.deepEqual(run.annotations, [kept, added]);
  });

  it('reports an invalid annotation line with its line number', async () => {
    const dir = await newRun(parent);
    const file = join(dir, 'annotations.jsonl');
    const good = JSON.stringify({ v: 1, task: 't1', index: 0, cause: 'other', note: '', at: '2026-11-24T10:00:00.000Z' });
    writeFileSync(file, `${good}\n${good.replace('"note":""', '"note":3')}\n${good}\n`);
    await rejectsWithUserError(readRun(dir), `${file}:2: field "note": expected string, received number`);
    writeFileSync(file, `${good}\n${good.replace('"t1"', '"t7"')}\n`);
    await rejectsWithUserError(readRun(dir), `${file}:2: task "t7" is not in tasks.jsonl`);
  });

  describe('human verdicts and audit labels (version 2)', () => {
    const audit = { id: 'audit-2026-11-24T10:00:00.000Z', stratum: 'kept-incorrect' } as const;

    it('round-trips an audit label through annotations.jsonl, written as version 2; a plain label stays version 1', async () => {
      const dir = await newRun(parent);
      const plain = await appendAnnotation(dir, { task: 't1', index: 0, cause: 'other', note: '' }, new Date('2026-11-24T10:00:00Z'));
      assert.equal(plain.v, 1);
      const labelled = await appendAnnotation(dir, { task: 't1', index: 1, human: 'correct', audit, note: 'fine after all' }, new Date('2026-11-24T10:01:00Z'));
      assert.deepEqual(labelled, { v: 2, task: 't1', index: 1, human: 'correct', audit, note: 'fine after all', at: '2026-11-24T10:01:00.000Z' });
      const both = await appendAnnotation(dir, { task: 't2', index: 0, cause: 'checker-wrong', human: 'incorrect', audit: { ...audit, stratum: 'kept-correct' }, note: '' });
      assert.equal(both.v, 2);
      const lines = readFileSync(join(dir, 'annotations.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.deepEqual(lines.map((l) => l.v), [1, 2, 2]);
      assert.deepEqual(lines[1], labelled);
      const run = await readRun(dir);
      assert.deepEqual(run.annotations, [plain, labelled, both]);
      assert.deepEqual([...auditLabels(run.annotations, audit.id).keys()], [sampleKey('t1', 1), sampleKey('t2', 0)]);
    });

    it('reads a version-1 line without the fields version 1 does not define', async () => {
      const dir = await newRun(parent);
      const file = join(dir, 'annotations.jsonl');
      writeFileSync(file, `${JSON.stringify({ v: 1, task: 't1', index: 0, cause: 'other', human: 'correct', audit, note: '', at: '2026-11-24T10:00:00.000Z' })}\n`);
      assert.deepEqual((await readRun(dir)).annotations, [{ v: 1, task: 't1', index: 0, cause: 'other', note: '', at: '2026-11-24T10:00:00.000Z' }]);
    });

    it('refuses a label that says nothing, an audit label without a verdict, and a newer version', async () => {
      const dir = await newRun(parent);
      await rejectsWithUserError(appendAnnotation(dir, { task: 't1', index: 0, note: 'hm' }), /^cannot save the annotation: field "cause" must be set/);
      await rejectsWithUserError(appendAnnotation(dir, { task: 't1', index: 0, cause: 'other', audit, note: '' }), 'cannot save the annotation: field "human" must be set on an audit label');
      await rejectsWithUserError(appendAnnotation(dir, { task: 't1', index: 0, human: 'correct', audit: { ...audit, id: '' }, note: '' }), /field "audit.id" must be a non-empty string/);
      const file = join(dir, 'annotations.jsonl');
      writeFileSync(file, `${JSON.stringify({ v: 3, task: 't1', index: 0, cause: 'other', note: '', at: '2026-11-24T10:00:00.000Z' })}\n`);
      await rejectsWithUserError(
        readRun(dir),
        `${file}:1: schema version 3 ("v") is not supported; this Gap Lens reads versions 1 and 2: it was written by a newer Gap Lens, upgrade to read it`,
      );
    });
  });
});
