// Verification compute: `gaplens run --verifications K` draws K cot-score verifications per sample
// against the loopback fake server (a score that varies with each draw's seed), aggregates them by
// their mean, and reports the gap and AUROC at every k ≤ K; a resume draws only the missing draws.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFilter, parseSelector } from '../../src/core/filter/parse';
import type { VerificationRecord } from '../../src/core/runs/records';
import { computeReport } from '../../src/core/stats/report';
import type { GapReport, ScoredSample } from '../../src/core/stats/types';
import type { VerificationCurve } from '../../src/core/stats/verificationCurve';
import { readRun } from '../../src/core/runs/runStore';
import { gapInputOf, RunModel } from '../../src/extension/panel/runModel';
import { runCli } from '../helpers/cli';
import { folderAndServerPerSuite } from '../helpers/fakeServers';
import { assertCleanStderr, cleanEnv, FatalSwitch, isVerificationRequest, readRunJson, seededCotScore, writeTasks } from '../helpers/runs';
import type { FakeRequest } from '../fixtures/openaiServer';

const K = 3;
const fatal = new FatalSwitch();

/** A cot-score verification whose score follows its seed: each draw of a sample has its own. */
function respond(req: FakeRequest) {
  const stopped = fatal.respond(req);
  return stopped ?? seededCotScore(req);
}

interface Lines {
  generations: { task: string; index: number; grade: { correct: boolean } }[];
  verifications: VerificationRecord[];
}

function records(dir: string): Lines {
  const lines = readFileSync(join(dir, 'samples.jsonl'), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { type: string });
  return {
    generations: lines.filter((l) => l.type === 'generation') as unknown as Lines['generations'],
    verifications: lines.filter((l) => l.type === 'verification') as unknown as VerificationRecord[],
  };
}

/** The report over the samples with each sample's score the mean of the draws in `subset`. */
function reportOf({ generations, verifications }: Lines, subset: readonly number[]): GapReport {
  const samples: ScoredSample[] = generations.map((g) => {
    const draws = subset.map((d) => verifications.find((v) => v.task === g.task && v.index === g.index && (v.draw ?? 0) === d)?.score ?? null);
    const scored = draws.filter((s): s is number => s !== null);
    return { task: g.task, index: g.index, correct: g.grade.correct, scores: { 'cot-score': scored.length === 0 ? null : scored.reduce((a, b) => a + b, 0) / scored.length } };
  });
  return computeReport(samples, { selector: parseSelector('cot-score'), filter: parseFilter('quantile:0.5'), bootstrap: { resamples: 0, seed: 0, level: 0.95 } });
}

const SUBSETS: Record<number, number[][]> = { 1: [[0], [1], [2]], 2: [[0, 1], [0, 2], [1, 2]], 3: [[0, 1, 2]] };

describe('gaplens run --verifications K', function () {
  this.timeout(120000);
  const suite = folderAndServerPerSuite({ respond });
  const model = (): string => `openai:fake@${suite.server.url}`;
  const env = (): NodeJS.ProcessEnv => cleanEnv(suite.dir);
  const tasks = (): string => {
    const file = join(suite.dir, 'tasks.jsonl');
    writeTasks(file, 6);
    return file;
  };
  const run = (out: string, ...more: string[]) =>
    runCli(['run', '--tasks', tasks(), '--model', model(), '-n', '4', '--verifier', 'cot-score', '--verifications', String(K), '--filter', 'quantile:0.5', '--out', out, '--no-cache', '--concurrency', '2', ...more], { env: env() });

  it('draws K verifications of every sample, each with its own seed, and reports the k-curve a hand computation gives', async () => {
    const out = join(suite.dir, 'three');
    const res = await run(out);
    assert.equal(res.code, 0, res.stderr);
    assertCleanStderr(res.stderr);
    assert.deepEqual(readRunJson(out).config.verifications, { 'cot-score': K });
    const lines = records(out);
    assert.equal(lines.verifications.length, 6 * 4 * K);
    for (const g of lines.generations) {
      const draws = lines.verifications.filter((v) => v.task === g.task && v.index === g.index);
      assert.deepEqual(draws.map((v) => v.draw).sort(), [0, 1, 2]);
      assert.equal(new Set(draws.map((v) => (v.detail as { seed: number }).seed)).size, K, 'each draw its own seed, so its own cache entry');
    }

    const json = await runCli(['report', out, '--json', '--bootstrap', '0']);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as GapReport & { verificationCurve: VerificationCurve };
    // The report's score is the mean of all K draws.
    assert.equal(report.gap, reportOf(lines, [0, 1, 2]).gap);
    // gap@k: the mean over the C(3, k) subsets of the gap with the subset's mean score (brute force through computeReport).
    for (const p of report.verificationCurve.points) {
      const gaps = (SUBSETS[p.k] ?? []).map((subset) => reportOf(lines, subset));
      const mean = (pick: (r: GapReport) => number | null): number => gaps.reduce((sum, r) => sum + (pick(r) as number), 0) / gaps.length;
      assert.ok(Math.abs(p.gap - mean((r) => r.gap)) < 1e-12, `gap at k = ${p.k}: ${p.gap} vs ${mean((r) => r.gap)}`);
      assert.ok(Math.abs((p.auroc as number) - mean((r) => r.auroc)) < 1e-12, `AUROC at k = ${p.k}`);
      assert.equal(p.exact, true);
    }
    // The panel's host reads the run as the report does, from the folder's columns or from records streamed in: the aggregate as each sample's score, the same coverage.
    for (const model of [(await RunModel.read(out)).model, RunModel.fromRun(await readRun(out))]) {
      const panel = computeReport(
        model.allRows().map((row) => ({ ...gapInputOf(row), correct: row.correct === true })),
        { selector: parseSelector('cot-score'), filter: parseFilter('quantile:0.5'), bootstrap: { resamples: 0, seed: 0, level: 0.95 } },
      );
      assert.equal(panel.gap, report.gap);
      assert.deepEqual(model.coverage().verifiers, (JSON.parse(json.stdout) as { coverage: { verifiers: unknown } }).coverage.verifiers);
      const row = model.row('q0', 0);
      assert.equal(row?.verifications.length, 1, 'one entry per verifier: draw 0 standing for the K draws');
      assert.equal((row?.verifications[0]?.detail as { drawScores?: unknown[] } | undefined)?.drawScores?.length, K);
    }
    const page = join(suite.dir, 'three.html');
    const html = await runCli(['report', out, '--html', page]);
    assert.equal(html.code, 0, html.stderr);
    assert.equal((readFileSync(page, 'utf8').match(/<section id="verifications">[\s\S]*?<\/section>/)?.[0].match(/<tr><td>\d/g) ?? []).length, K, 'a row per k');
    const text = await runCli(['report', out]);
    assert.match(text.stdout, /verifications: the gap with k of the 3 verifications per sample of cot-score/);
    assert.match(text.stdout, /oracle gap {15}[+−]?\d+\.\d\d pp/);
  });

  it('re-verifies a verifier drawing K with edited templates as a version that draws K too', async () => {
    const out = join(suite.dir, 'versioned');
    const made = await run(out, '--limit', '2');
    assert.equal(made.code, 0, made.stderr);
    const edited = join(suite.dir, 'edited');
    assert.equal((await runCli(['templates', 'export', edited])).code, 0);
    const file = join(edited, 'verify-cot-score.txt');
    writeFileSync(file, `Be strict.\n${readFileSync(file, 'utf8')}`);
    const res = await runCli(['reverify', out, '--templates', edited, '--no-cache'], { env: env() });
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(readRunJson(out).config.verifications, { 'cot-score': K, 'cot-score#v2': K });
    const versioned = records(out).verifications.filter((v) => v.verifier === 'cot-score#v2');
    assert.equal(versioned.length, 2 * 4 * K);
    assert.deepEqual([...new Set(versioned.map((v) => v.draw ?? 0))].sort(), [0, 1, 2]);
  });

  it('estimates K calls per sample for the verifier that draws K', async () => {
    const res = await run(join(suite.dir, 'estimate'), '--estimate', '--json');
    assert.equal(res.code, 0, res.stderr);
    const { estimate } = JSON.parse(res.stdout) as { estimate: { stages: { stage: string; calls: number }[] } };
    assert.equal(estimate.stages.find((st) => st.stage === 'cot-score')?.calls, 6 * 4 * K);
  });

  it('refuses K > 1 for mc, which does not sample, and at verifier temperature 0, before creating anything', async () => {
    const mc = await runCli(['run', '--tasks', tasks(), '--model', model(), '--verifier', 'mc,cot-score', '--verifications', '2', '--out', join(suite.dir, 'mc')], { env: env() });
    assert.equal(mc.code, 2, mc.stderr);
    assert.match(mc.stderr, /mc scores from logprobs without sampling/);
    const greedy = await run(join(suite.dir, 'greedy'), '--verifier-temperature', '0');
    assert.equal(greedy.code, 2, greedy.stderr);
    assert.match(greedy.stderr, /--verifier-temperature 0 would draw the same greedy verification 3 times/);
  });

  it('resumes a run stopped midway by drawing only the missing draws, and refuses another K', async () => {
    const out = join(suite.dir, 'resumed');
    fatal.from = suite.server.counters.requests + 40;
    const stopped = await run(out);
    fatal.from = Infinity;
    assert.equal(stopped.code, 1, stopped.stderr);
    const before = records(out).verifications.length;
    assert.ok(before > 0 && before < 6 * 4 * K, `${before} verifications before the resume`);

    const other = await runCli(['run', '--resume', out, '--verifications', '2', '--no-cache'], { env: env() });
    assert.equal(other.code, 2, other.stderr);
    assert.match(other.stderr, /--verifications 2 \(cot-score\) \(the run has 3 \(cot-score\)\)/);

    const asked = suite.server.requests.length;
    const resumed = await runCli(['run', '--resume', out, '--model', model(), '--no-cache'], { env: env() });
    assert.equal(resumed.code, 0, resumed.stderr);
    const after = records(out);
    assert.equal(after.verifications.length, 6 * 4 * K, 'every draw once');
    const keys = after.verifications.map((v) => `${v.task}/${v.index}/${v.draw}`);
    assert.equal(new Set(keys).size, keys.length, 'no draw written twice');
    const verifying = suite.server.requests.slice(asked).filter((r) => r.status === 200 && isVerificationRequest(r));
    assert.equal(verifying.length, 6 * 4 * K - before, 'the resume asked only for the missing draws');
  });

  it('reverify --verifications K adds the draws a verifier lacks, and refuses mc or fewer draws than the run has', async () => {
    const out = join(suite.dir, 'raised');
    const made = await runCli(['run', '--tasks', tasks(), '--model', model(), '-n', '4', '--verifier', 'cot-score', '--out', out, '--no-cache'], { env: env() });
    assert.equal(made.code, 0, made.stderr);
    assert.equal(records(out).verifications.length, 24);
    const asked = suite.server.requests.length;
    const raised = await runCli(['reverify', out, '--verifier', 'cot-score', '--verifications', '2', '--model', model(), '--no-cache'], { env: env() });
    assert.equal(raised.code, 0, raised.stderr);
    assert.deepEqual(readRunJson(out).config.verifications, { 'cot-score': 2 });
    assert.deepEqual(records(out).verifications.map((r) => r.draw ?? 0).sort(), [...Array<number>(24).fill(0), ...Array<number>(24).fill(1)]);
    assert.equal(suite.server.requests.slice(asked).filter((r) => r.status === 200 && isVerificationRequest(r)).length, 24, 'only draw 1 was asked for');
    const json = await runCli(['report', out, '--json', '--bootstrap', '0']);
    assert.deepEqual((JSON.parse(json.stdout) as { verificationCurve: VerificationCurve }).verificationCurve.points.map((p) => p.k), [1, 2]);

    const mc = await runCli(['reverify', out, '--verifier', 'mc', '--verifications', '2', '--model', model()], { env: env() });
    assert.equal(mc.code, 2, mc.stderr);
    assert.match(mc.stderr, /mc scores from logprobs without sampling/);
    const fewer = await runCli(['reverify', out, '--verifier', 'cot-score', '--model', model()], { env: env() });
    assert.equal(fewer.code, 2, fewer.stderr);
    assert.match(fewer.stderr, /draws 2 verifications per sample of cot-score: --verifications 1 would leave some uncounted/);
  });
});
