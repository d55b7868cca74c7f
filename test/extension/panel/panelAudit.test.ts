// The panel host's audit: audit.json read and drawn with the panel's filter, evaluated with the same
// code and options as `gaplens report`, and the audit tag of a label. Real run folders.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAudit } from '../../../src/core/pipeline/runReport';
import { appendAnnotation } from '../../../src/core/runs/annotations';
import type { AnnotationRecord } from '../../../src/core/runs/records';
import { createRunFolder, readRun } from '../../../src/core/runs/runStore';
import { PanelAudit } from '../../../src/extension/panel/panelAudit';
import { RunModel } from '../../../src/extension/panel/runModel';
import { auditParamsSchema } from '../../../src/protocol/auditProtocol';
import { tempDir } from '../../helpers/cli';
import { generation, jsonl, manifest, rejectsWithUserError, TASKS, verification } from '../../core/runs/runFixtures';

const DRAW = { size: 6, seed: 3, selector: 'mc', filter: 'threshold:0.5' };
const yes = async (): Promise<boolean> => true;

async function writeRun(dir: string, tasks = TASKS): Promise<string> {
  await createRunFolder(dir, { ...manifest(), config: { ...manifest().config, verifiers: ['mc'], filter: 'threshold:0.5' } }, tasks);
  const records = tasks.flatMap((t, ti) => [0, 1, 2, 3].flatMap((i) => [generation(t.id, i, (i + ti) % 2 === 0), verification(t.id, i, 'mc', ((i * 3 + ti * 5) % 10) / 10)]));
  writeFileSync(join(dir, 'samples.jsonl'), jsonl(records));
  return dir;
}

describe('the panel host’s audit', () => {
  let parent: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir: parent, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('draws into audit.json and evaluates it exactly as gaplens report does, labels and all', async () => {
    const dir = await writeRun(join(parent, 'run'));
    const model = RunModel.fromRun(await readRun(dir));
    const audit = new PanelAudit(dir);
    await audit.load(model);
    assert.deepEqual(audit.params(model, []), { audit: null, cannotDraw: null });

    const file = await audit.draw(model, DRAW, async () => assert.fail('nothing to replace'), new Date('2026-11-24T10:00:00.000Z'));
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'audit.json'), 'utf8')), file);
    assert.deepEqual([file.id, file.seed, file.selector, file.filter, file.samples.length], ['audit-2026-11-24T10:00:00.000Z', 3, 'mc', 'threshold:0.5', 6]);

    const annotations: AnnotationRecord[] = [];
    for (const [i, s] of file.samples.entries()) {
      const tag = audit.tag(s.task, s.index, file.id);
      assert.deepEqual(tag, { id: file.id, stratum: s.stratum });
      annotations.push(await appendAnnotation(dir, { task: s.task, index: s.index, human: i % 2 === 0 ? 'correct' : 'incorrect', audit: tag, note: '' }));
    }
    const params = audit.params(model, annotations);
    assert.ok(auditParamsSchema.safeParse(params).success, 'valid for the protocol');
    assert.deepEqual(params.audit?.report, await runAudit(await readRun(dir), { resamples: 1000, seed: 0 }));
    assert.equal(params.audit?.report.result?.labelled, 6);
  });

  it('a label’s tag comes from the draw; only drawn samples of the current audit are labelled', async () => {
    const dir = await writeRun(join(parent, 'run'));
    const model = RunModel.fromRun(await readRun(dir));
    const audit = new PanelAudit(dir);
    const file = await audit.draw(model, { ...DRAW, size: 2 }, yes);
    const notDrawn = model.allRows().find((r) => !file.samples.some((s) => s.task === r.task && s.index === r.index));
    assert.ok(notDrawn);
    assert.throws(() => audit.tag(notDrawn.task, notDrawn.index, file.id), { message: `sample ${notDrawn.index} of task "${notDrawn.task}" was not drawn in audit ${file.id}` });
    assert.throws(() => audit.tag(notDrawn.task, notDrawn.index, 'audit-old'), { message: "audit audit-old is not the run's audit any more: the panel shows the current one" });
  });

  it('replaces an audit only when the user says so', async () => {
    const dir = await writeRun(join(parent, 'run'));
    const model = RunModel.fromRun(await readRun(dir));
    const audit = new PanelAudit(dir);
    const first = await audit.draw(model, DRAW, yes, new Date('2026-11-24T10:00:00.000Z'));
    let asked = '';
    await rejectsWithUserError(
      audit.draw(model, DRAW, async (replacing) => ((asked = replacing), false), new Date('2026-11-24T11:00:00.000Z')),
      `kept audit ${first.id}: no new audit drawn`,
    );
    assert.equal(asked, `audit ${first.id}`);
    assert.equal(JSON.parse(readFileSync(join(dir, 'audit.json'), 'utf8')).id, first.id);
    const second = await audit.draw(model, DRAW, yes, new Date('2026-11-24T11:00:00.000Z'));
    assert.equal(JSON.parse(readFileSync(join(dir, 'audit.json'), 'utf8')).id, second.id);
  });

  it('says when the rows changed since the draw, when audit.json is bad, and when the panel cannot audit', async () => {
    const dir = await writeRun(join(parent, 'run'));
    const model = RunModel.fromRun(await readRun(dir));
    const audit = new PanelAudit(dir);
    await audit.draw(model, DRAW, yes);
    assert.equal(audit.params(model, []).audit?.report.unavailable, null);
    // A resumed run adds a sample to a stratum (a later verification of the same sample and verifier
    // is a duplicate, which the panel ignores as readRun does).
    const first = model.allRows()[0];
    assert.ok(first);
    model.addGeneration(generation(first.task, 4, true));
    model.addVerification(verification(first.task, 4, 'mc', 0.9));
    assert.equal(audit.params(model, []).audit?.report.unavailable, null, 'kept until told the rows changed');
    audit.rowsChanged();
    assert.match(audit.params(model, []).audit?.report.unavailable ?? '', /^the run's samples are not those the audit was drawn from/);

    writeFileSync(join(dir, 'audit.json'), '{"v": 1}');
    await audit.load(model);
    const bad = audit.params(model, []);
    assert.equal(bad.audit, null);
    assert.match(bad.cannotDraw ?? '', /audit\.json: missing field "id"/);
    let asked = '';
    await audit.draw(model, DRAW, async (replacing) => ((asked = replacing), true));
    assert.equal(asked, 'the unreadable audit.json');

    const check = await writeRun(join(parent, 'check'), [...TASKS.slice(0, 2), { id: 'open', question: 'Why?', answer: '', grader: 'exact' }]);
    const checkModel = RunModel.fromRun(await readRun(check));
    const none = new PanelAudit(check);
    await none.load(checkModel);
    assert.deepEqual(none.params(checkModel, []), { audit: null, cannotDraw: 'an audit needs a gold answer for every task, and Check Selection has none' });
    await rejectsWithUserError(none.draw(checkModel, DRAW, yes), 'an audit needs a gold answer for every task, and Check Selection has none');
  });
});
