// Rounds of self-improvement from the CLI: `export` writes the lineage of its file, `run --lineage`
// records it (refusing a file whose hash changed), and `report --series` orders the rounds by it and
// reports each, against a loopback fake server whose "fine-tuned" models (one fake model name per
// round) answer 1, 2 and 3 of 4 samples per task correctly and whose mc verifier is sure and right.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { folderAndServerPerSuite } from '../helpers/fakeServers';
import { runCli } from '../helpers/cli';
import { assertCleanStderr, cleanEnv, readRunJson, roundsResponder, writeTasks } from '../helpers/runs';

const respond = roundsResponder({ round0: 1, round1: 2, round2: 3 });

interface SeriesJson {
  verifier: string;
  filter: string;
  rounds: { round: number; id: string; parent: string | null; accuracy: number; gap: number; relativeGap: number; filteredAccuracy: number; passAtK: number[]; ci: { gap: [number, number] } }[];
  checks: { from: number; to: number; commonTasks: number; predicted: number; nextAccuracy: number; excess: number; interval: [number, number]; verdict: string | null; reasons: string[] }[];
}

describe('self-improvement rounds: export lineage, run --lineage, report --series', function () {
  this.timeout(120000);
  const suite = folderAndServerPerSuite({ respond });
  const dir = (name: string): string => join(suite.dir, name);
  const model = (name: string): string => `openai:${name}@${suite.server.url}`;
  const cli = (args: string[]) => runCli(args, { env: cleanEnv(suite.dir) });

  async function round(name: string, tasks: string, lineage?: string): Promise<void> {
    const res = await cli(['run', '--tasks', tasks, '--model', model(name), '-n', '4', '--verifier', 'mc', '--filter', 'threshold:0.5', '--out', dir(name), '--no-cache', ...(lineage ? ['--lineage', lineage] : [])]);
    assert.equal(res.code, 0, res.stderr);
  }

  async function exportOf(name: string): Promise<string> {
    const out = dir(`${name}.jsonl`);
    const res = await cli(['export', dir(name), '--filter', 'threshold:0.5', '--out', out]);
    assert.equal(res.code, 0, res.stderr);
    assertCleanStderr(res.stderr);
    return out;
  }

  before(async () => {
    // 30 tasks: the fewest on which the check draws a verdict.
    writeTasks(dir('tasks.jsonl'), 30);
    await round('round0', dir('tasks.jsonl'));
    await round('round1', dir('tasks.jsonl'), await exportOf('round0'));
    await round('round2', dir('tasks.jsonl'), await exportOf('round1'));
  });

  it('export writes FILE.lineage.json naming the run, the filter and the sha256 of FILE', () => {
    const file = dir('round0.jsonl');
    const lineage = JSON.parse(readFileSync(`${file}.lineage.json`, 'utf8')) as Record<string, unknown>;
    const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
    const id = (JSON.parse(readFileSync(join(dir('round0'), 'run.json'), 'utf8')) as { id: string }).id;
    assert.deepEqual(
      { ...lineage, exportedAt: 'x' },
      {
        v: 1,
        file: 'round0.jsonl',
        sha256,
        format: 'sft',
        records: 30,
        exportedAt: 'x',
        parent: { id, path: dir('round0'), model: model('round0'), tasksSha256: (readRunJson(dir('round0')) as unknown as { tasksSha256: string }).tasksSha256 },
        selector: 'mc',
        filter: 'threshold:0.5',
        checkerCorrected: false,
      },
    );
    // The export file itself stays pure SFT JSONL: one chat record per kept sample (the correct one of each task).
    const records = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { messages: { content: string }[] });
    assert.equal(records.length, 30);
    assert.ok(records.every((r) => r.messages[1]?.content === 'The answer is 42.'));
  });

  it('run --lineage records the parent run, the export hash and its filter in run.json', () => {
    const parentId = (JSON.parse(readFileSync(join(dir('round0'), 'run.json'), 'utf8')) as { id: string }).id;
    const lineage = (JSON.parse(readFileSync(join(dir('round1'), 'run.json'), 'utf8')) as { lineage: { parent: { id: string }; export: Record<string, unknown> } }).lineage;
    assert.equal(lineage.parent.id, parentId);
    assert.deepEqual(lineage.export, {
      path: dir('round0.jsonl'),
      sha256: createHash('sha256').update(readFileSync(dir('round0.jsonl'))).digest('hex'),
      records: 30,
      selector: 'mc',
      filter: 'threshold:0.5',
      checkerCorrected: false,
    });
  });

  it('report --series orders the rounds by lineage, whatever the argument order, with the per-round numbers and checks', async () => {
    const res = await cli(['report', '--series', dir('round2'), dir('round0'), dir('round1'), '--json']);
    assert.equal(res.code, 0, res.stderr);
    const series = JSON.parse(res.stdout) as SeriesJson;
    assert.equal(series.verifier, 'mc');
    assert.equal(series.filter, 'threshold:0.5', "round 1's export filter is the default");
    const ids = ['round0', 'round1', 'round2'].map((n) => (JSON.parse(readFileSync(join(dir(n), 'run.json'), 'utf8')) as { id: string }).id);
    assert.deepEqual(series.rounds.map((r) => r.id), ids);
    assert.deepEqual(series.rounds.map((r) => r.parent), [null, ids[0], ids[1]]);
    // Round r answers r+1 of 4 right; the sure and right verifier keeps exactly the right ones (J(f[w]|x) = 1).
    assert.deepEqual(series.rounds.map((r) => r.accuracy), [0.25, 0.5, 0.75]);
    assert.deepEqual(series.rounds.map((r) => r.filteredAccuracy), [1, 1, 1]);
    assert.deepEqual(series.rounds.map((r) => r.gap), [0.75, 0.5, 0.25]);
    assert.deepEqual(series.rounds.map((r) => r.relativeGap), [1, 1, 1]);
    // pass@k with c of 4 correct: pass@2 = 1 − C(4−c, 2)/C(4, 2).
    const expected = [1 - 3 / 6, 1 - 1 / 6, 1];
    series.rounds.forEach((r, i) => assert.ok(Math.abs((r.passAtK[1] as number) - (expected[i] as number)) < 1e-12, `round ${i} pass@2 ${r.passAtK[1]}`));
    // Each round's numbers are its own report's.
    for (const [i, name] of ['round0', 'round1', 'round2'].entries()) {
      const single = await cli(['report', dir(name), '--json']);
      const one = JSON.parse(single.stdout) as { accuracy: number; gap: number; ci: { gap: [number, number] } };
      assert.equal(series.rounds[i]?.accuracy, one.accuracy);
      assert.deepEqual(series.rounds[i]?.ci.gap, one.ci.gap);
    }
    // Round r+1 vs J(f_r[w]) = 1: every task falls short by the same amount, so the interval is that point.
    assert.deepEqual(
      series.checks.map(({ from, to, commonTasks, predicted, nextAccuracy, excess, interval, verdict }) => ({ from, to, commonTasks, predicted, nextAccuracy, excess, interval, verdict })),
      [
        { from: 0, to: 1, commonTasks: 30, predicted: 1, nextAccuracy: 0.5, excess: -0.5, interval: [-0.5, -0.5], verdict: 'falls-short' },
        { from: 1, to: 2, commonTasks: 30, predicted: 1, nextAccuracy: 0.75, excess: -0.25, interval: [-0.25, -0.25], verdict: 'falls-short' },
      ],
    );
  });

  it('report --series as text and as HTML with the pass@k curves of every round overlaid', async () => {
    const text = await cli(['report', '--series', dir('round0'), dir('round1'), dir('round2')]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /round 1 vs round 0 accuracy plus its gap: 50\.00 % vs 100\.00 %: excess −50\.00 pp/);
    assert.match(text.stdout, /falls short of round 0 accuracy plus its gap/);
    assert.match(text.stdout, /round 1 +50\.00 % +83\.33 % +100\.00 %/);
    const html = dir('series.html');
    const page = await cli(['report', '--series', dir('round0'), dir('round1'), dir('round2'), '--html', html]);
    assert.equal(page.code, 0, page.stderr);
    const written = readFileSync(html, 'utf8');
    for (const r of [0, 1, 2]) assert.match(written, new RegExp(`<polyline class="line s-${r}"`), `round ${r}'s pass@k line`);
    assert.match(written, /<title>round 2 at k=4: 1\.0000<\/title>/);
    // The gap and relative gap by round.
    assert.match(written, /<title>round 1 gap: \+50\.00 pp<\/title>/);
    assert.match(written, /<title>round 2 relative gap: \+100\.00 %<\/title>/);
  });

  it('run --lineage refuses an export whose file changed since export wrote it, and creates nothing', async () => {
    const changed = dir('changed.jsonl');
    const res0 = await cli(['export', dir('round1'), '--filter', 'threshold:0.5', '--out', changed]);
    assert.equal(res0.code, 0, res0.stderr);
    appendFileSync(changed, '{"messages":[]}\n');
    const res = await cli(['run', '--tasks', dir('tasks.jsonl'), '--model', model('round2'), '-n', '4', '--out', dir('refused'), '--lineage', changed]);
    assert.equal(res.code, 2, res.stderr);
    assertCleanStderr(res.stderr);
    assert.match(res.stderr, /--lineage .*changed\.jsonl: its sha256 [0-9a-f]{12}… differs from [0-9a-f]{12}… recorded in .*changed\.jsonl\.lineage\.json/);
    assert.equal(existsSync(dir('refused')), false);
  });

  it('report --series refuses runs on different task sets and a chain with a round missing', async () => {
    writeTasks(dir('other.jsonl'), 5);
    await round('other', dir('other.jsonl'), dir('round0.jsonl'));
    const other = await cli(['report', '--series', dir('round0'), dir('other')]);
    assert.equal(other.code, 2, other.stderr);
    assertCleanStderr(other.stderr);
    assert.match(other.stderr, /ran on different task sets .*: a series compares rounds on one task set/);

    const gap = await cli(['report', '--series', dir('round0'), dir('round2')]);
    assert.equal(gap.code, 2, gap.stderr);
    assert.match(gap.stderr, /the runs do not form one chain: .*round0 \(no lineage\), .*round2 \(its lineage names run \S+, not given\) each start one/);
  });
});
