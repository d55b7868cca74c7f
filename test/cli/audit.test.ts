// `gaplens audit RUN` draws an audit into the run folder; labels appended to annotations.jsonl then
// change what `gaplens report` says about agreement and the corrected gap. Real folders, real CLI.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFilter, parseSelector } from '../../src/core/filter/parse';
import { appendAnnotation } from '../../src/core/runs/annotations';
import type { AuditFile } from '../../src/core/runs/records';
import { createRunFolder } from '../../src/core/runs/runStore';
import { computeReport } from '../../src/core/stats/report';
import { runCli, tempDir } from '../helpers/cli';
import { generation, jsonl, manifest, TASKS, verification } from '../core/runs/runFixtures';

// t1: correct [1,1,0,0] mc [0.9,0.2,0.8,0.1]; t2: [1,0,1,0] [0.7,0.3,0.6,0.4]; q#3: [0,0,1,1] [0.2,0.9,0.8,0.1].
const DATA: [string, boolean[], number[]][] = [
  ['t1', [true, true, false, false], [0.9, 0.2, 0.8, 0.1]],
  ['t2', [true, false, true, false], [0.7, 0.3, 0.6, 0.4]],
  ['q#3', [false, false, true, true], [0.2, 0.9, 0.8, 0.1]],
];

async function writeRun(dir: string): Promise<string> {
  await createRunFolder(dir, { ...manifest(), config: { ...manifest().config, verifiers: ['mc'], filter: 'threshold:0.5' } }, TASKS);
  writeFileSync(join(dir, 'samples.jsonl'), jsonl(DATA.flatMap(([task, correct, mc]) => correct.flatMap((c, i) => [generation(task, i, c), verification(task, i, 'mc', mc[i] as number)]))));
  return dir;
}

async function reportJson(dir: string): Promise<Record<string, any>> {
  const r = await runCli(['report', dir, '--json', '--bootstrap', '200']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, any>;
}

describe('gaplens audit RUN and the audit in gaplens report', function () {
  this.timeout(60000);
  let parent: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir: parent, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('draws into audit.json, refuses to replace it unasked, and a report shows it before any label', async () => {
    const dir = await writeRun(join(parent, 'run'));
    const drawn = await runCli(['audit', dir, '--size', '6', '--seed', '7']);
    assert.equal(drawn.code, 0, drawn.stderr);
    const audit = JSON.parse(readFileSync(join(dir, 'audit.json'), 'utf8')) as AuditFile;
    assert.deepEqual([audit.v, audit.seed, audit.size, audit.selector, audit.filter, audit.strata], [1, 7, 6, 'mc', 'threshold:0.5', [4, 2, 2, 4]]);
    assert.match(audit.id, /^audit-\d{4}-\d\d-\d\dT/);
    assert.equal(audit.samples.length, 6);
    const lines = drawn.stdout.split('\n');
    assert.equal(lines[0], `drew audit ${audit.id}: 6 of 12 samples (verifier mc, filter threshold:0.5, seed 7)`);
    assert.deepEqual(lines.slice(2, 6), ['  kept-correct                4       2', '  kept-incorrect              2       1', '  dropped-correct             2       1', '  dropped-incorrect           4       2']);
    assert.ok(lines.includes(`wrote ${join(dir, 'audit.json')}`), drawn.stdout);

    const again = await runCli(['audit', dir, '--size', '6']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /audit\.json already holds audit audit-.*: a new audit replaces it only when asked to \(gaplens audit --replace\); its labels stay in annotations\.jsonl/);
    const replaced = await runCli(['audit', dir, '--size', '4', '--seed', '9', '--replace', '--json']);
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.deepEqual(JSON.parse(replaced.stdout), JSON.parse(readFileSync(join(dir, 'audit.json'), 'utf8')));

    const json = await reportJson(dir);
    assert.equal(json.audit.labels, 0);
    assert.equal(json.audit.unavailable, null);
    assert.deepEqual([json.audit.result.drawn, json.audit.result.labelled], [4, 0]);
    assert.equal(json.audit.result.estimatesUnavailable, 'stratum kept-correct has no label yet (1 drawn of 4)');
    assert.equal(json.audit.result.corrected.gap.value, null);
    assert.equal(json.audit.result.corrected.gap.checker, json.gap, 'the audit filter is the run’s: the report’s gap');
    const text = await runCli(['report', dir]);
    assert.match(text.stdout, /^ {2}audit audit-\S+ \(verifier mc, filter threshold:0\.5, seed 9\): 0 of 4 labelled \(12 samples\)$/m);
    assert.match(text.stdout, /^ {4}verifier vs human {2}κ — \(stratum kept-correct has no label yet \(1 drawn of 4\)\)$/m);
  });

  it('labels round-trip through annotations.jsonl (old version-1 lines beside them) and change the corrected gap as defined', async () => {
    const dir = await writeRun(join(parent, 'run'));
    // An annotation from before audits existed: still readable, and not an audit label.
    writeFileSync(join(dir, 'annotations.jsonl'), `${JSON.stringify({ v: 1, task: 't1', index: 0, cause: 'other', note: 'old', at: '2026-01-01T00:00:00.000Z' })}\n`);
    assert.equal((await runCli(['audit', dir, '--size', '12', '--seed', '3'])).code, 0);
    const audit = JSON.parse(readFileSync(join(dir, 'audit.json'), 'utf8')) as AuditFile;
    // A census: label every sample in labelling order. The human disagrees with the checker on two:
    // t1#1 (graded correct, dropped) is incorrect, t2#1 (graded incorrect, dropped) is correct.
    const human = new Map([['t1#1', false], ['t2#1', true]]);
    const checker = new Map<string, boolean>(DATA.flatMap(([task, correct]) => correct.map((c, i) => [`${task}#${i}`, c] as const)));
    for (const s of audit.samples) {
      const key = `${s.task}#${s.index}`;
      const verdict = human.get(key) ?? (checker.get(key) as boolean);
      await appendAnnotation(dir, { task: s.task, index: s.index, human: verdict ? 'correct' : 'incorrect', audit: { id: audit.id, stratum: s.stratum }, note: '', ...(human.has(key) ? { cause: 'checker-wrong' as const } : {}) });
    }
    const lines = readFileSync(join(dir, 'annotations.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    assert.deepEqual(lines.map((l) => l.v), [1, ...audit.samples.map(() => 2)]);
    assert.deepEqual(lines[1]?.audit, { id: audit.id, stratum: audit.samples[0]?.stratum });

    const json = await reportJson(dir);
    const r = json.audit.result;
    assert.deepEqual([json.audit.labels, r.labelled, r.ignoredLabels, r.estimatesUnavailable, r.intervalsUnavailable], [12, 12, 0, null, null]);
    // Independently: the report's statistics with the two verdicts changed.
    const truth = DATA.flatMap(([task, correct, mc]) => correct.map((c, index) => ({ task, index, correct: human.get(`${task}#${index}`) ?? c, scores: { mc: mc[index] as number } })));
    const onHuman = computeReport(truth, { selector: parseSelector('mc'), filter: parseFilter('threshold:0.5') });
    assert.ok(Math.abs(r.corrected.gap.value - (onHuman.gap as number)) < 1e-12, `${r.corrected.gap.value} vs ${onHuman.gap}`);
    assert.ok(Math.abs(r.corrected.accuracy.value - onHuman.accuracy) < 1e-12);
    // By hand: only dropped samples changed; t1 accuracy −1/4, t2 +1/4: accuracy unchanged, filtered unchanged, gap unchanged.
    assert.equal(r.corrected.accuracy.correction, 0);
    assert.equal(r.corrected.gap.correction, 0);
    // The verifier kept t1#2 and q#3#1 (incorrect) and dropped t2#1 and q#3#3 (correct): 8 of 12 agree.
    assert.ok(Math.abs(r.agreement.verifier.agreement - 8 / 12) < 1e-12);
    assert.ok(Math.abs(r.agreement.checker.agreement - 10 / 12) < 1e-12);
    assert.deepEqual(r.agreement.checker.labels, { bothCorrect: 5, raterCorrectHumanIncorrect: 1, raterIncorrectHumanCorrect: 1, bothIncorrect: 5 });

    // One more label changes the corrected gap: q#3#1 (kept, graded incorrect) is correct after all.
    // It is kept in a task whose filter keeps 2 samples: filtered accuracy +1/(3·2), accuracy +1/(3·4), gap +1/12.
    const q31 = audit.samples.find((s) => s.task === 'q#3' && s.index === 1);
    assert.ok(q31);
    await appendAnnotation(dir, { task: 'q#3', index: 1, human: 'correct', cause: 'gold-wrong', audit: { id: audit.id, stratum: q31.stratum }, note: 'the gold answer is wrong' });
    const after = (await reportJson(dir)).audit.result;
    assert.ok(Math.abs(after.corrected.gap.correction - 1 / 12) < 1e-12, String(after.corrected.gap.correction));
    assert.ok(Math.abs(after.corrected.filteredAccuracy.correction - 1 / 6) < 1e-12);

    // --checker-corrected changes the report's verdicts, not the audit's: the audit measures the checker.
    const plain = await reportJson(dir);
    const corrected = await runCli(['report', dir, '--json', '--bootstrap', '200', '--checker-corrected']);
    assert.equal(corrected.code, 0, corrected.stderr);
    const correctedJson = JSON.parse(corrected.stdout) as Record<string, any>;
    assert.notEqual(correctedJson.accuracy, plain.accuracy);
    assert.deepEqual(correctedJson.audit, plain.audit);

    const text = (await runCli(['report', dir, '--bootstrap', '200'])).stdout;
    assert.match(text, /^ {4}on the human-corrected truth \(12 labels\):$/m);
    assert.match(text, /^ {6}gap {16}checker [+−]?\d+\.\d\d pp \[.*\] pp {3}corrected [+−]?\d+\.\d\d pp \[.*\] pp {3}correction \+8\.33 pp \[\+8\.33, \+8\.33\] pp$/m);
    const html = join(parent, 'report.html');
    assert.equal((await runCli(['report', dir, '--html', html, '--bootstrap', '200'])).code, 0);
    assert.match(readFileSync(html, 'utf8'), /<section id="audit">[\s\S]*12 of 12 drawn samples labelled/);
  });

  it('a run without an audit has audit null; bad flags are usage errors', async () => {
    const dir = await writeRun(join(parent, 'run'));
    assert.equal((await reportJson(dir)).audit, null);
    for (const args of [['--size', '0'], ['--seed', '-1'], ['--seed', String(2 ** 32)], ['--filter', 'quantile:7']]) {
      const r = await runCli(['audit', dir, ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    }
    const unscored = await runCli(['audit', dir, '--verifier', 'cot-score']);
    assert.equal(unscored.code, 1);
    assert.match(unscored.stderr, /cannot draw the audit: the audit's selector cot-score reads cot-score, which this run does not have/);
  });
});
