// The cross-verification matrix from the CLI: two generators on one task set, runs on the loopback
// fake server and a `reverify --model` column, `gaplens matrix` against `gaplens report` of each run and
// verifier, the command a missing cell shows (run as shown, it fills the cell), and the refusals.
// The models are strongWeakResponder's (test/helpers/matrixModels.ts).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';
import { folderAndServerPerSuite } from '../helpers/fakeServers';
import { strongWeakResponder } from '../helpers/matrixModels';
import { assertCleanStderr, cleanEnv, writeTasks } from '../helpers/runs';

interface CellJson {
  generator: string;
  verifier: string;
  kind: 'report' | 'unavailable' | 'missing';
  run?: string;
  verifierName?: string;
  gap: number | null;
  relativeGap: number | null;
  reason?: string;
  fill?: { argv: string[]; command: string };
  [key: string]: unknown;
}

interface MatrixJson {
  verifier: string;
  filter: string;
  generators: { spec: string; label: string }[];
  verifiers: { spec: string; label: string }[];
  cells: CellJson[];
}

describe('gaplens matrix', function () {
  this.timeout(180000);
  const suite = folderAndServerPerSuite({ respond: strongWeakResponder });
  const dir = (name: string): string => join(suite.dir, name);
  const model = (name: string): string => `openai:${name}@${suite.server.url}`;
  const cli = (args: string[]) => runCli(args, { env: cleanEnv(suite.dir) });

  async function ok(args: string[]): Promise<string> {
    const res = await cli(args);
    assert.equal(res.code, 0, res.stderr);
    assertCleanStderr(res.stderr);
    return res.stdout;
  }
  const matrixJson = async (...args: string[]): Promise<MatrixJson> => JSON.parse(await ok(['matrix', ...args, '--json'])) as MatrixJson;
  const cellOf = (m: MatrixJson, generator: string, verifier: string): CellJson => m.cells.find((c) => c.generator === model(generator) && c.verifier === model(verifier)) as CellJson;

  /** The cell's numbers are exactly `gaplens report RUN --verifier NAME --filter F --json`'s. */
  async function assertCellIsReport(cell: CellJson, run: string, verifierName: string): Promise<void> {
    assert.equal(cell.kind, 'report');
    assert.equal(cell.run, run);
    assert.equal(cell.verifierName, verifierName);
    const report = JSON.parse(await ok(['report', run, '--verifier', verifierName, '--filter', 'threshold:0.5', '--json'])) as Record<string, unknown> & { coverage: { selector: unknown } };
    for (const key of ['tasks', 'samples', 'scored', 'accuracy', 'filteredAccuracy', 'gap', 'relativeGap', 'relativeGapExcludedTasks', 'conclusion', 'fewTasksWarning', 'complete', 'live']) {
      assert.deepEqual(cell[key], report[key], `${key} of ${run} ${verifierName}`);
    }
    const ci = report.ci as Record<string, unknown>;
    assert.deepEqual(cell.ci, { accuracy: ci.accuracy, filteredAccuracy: ci.filteredAccuracy, gap: ci.gap, relativeGap: ci.relativeGap });
    assert.deepEqual(cell.coverage, report.coverage.selector);
  }

  async function run(name: string, out = name, extra: string[] = []): Promise<void> {
    await ok(['run', '--tasks', dir('tasks.jsonl'), '--model', model(name), '-n', '4', '--verifier', 'mc', '--filter', 'threshold:0.5', '--out', dir(out), '--no-cache', ...extra]);
  }

  before(async () => {
    writeTasks(dir('tasks.jsonl'), 6);
    await run('strong');
    await run('weak');
    await ok(['reverify', dir('strong'), '--model', model('weak'), '--verifier', 'mc', '--no-cache']);
  });

  it('builds the generators × verifiers grid whose cells equal report of each run and verifier, and names the command of the missing cell', async () => {
    const m = await matrixJson(dir('strong'), dir('weak'));
    assert.equal(m.verifier, 'mc');
    assert.equal(m.filter, 'threshold:0.5');
    assert.deepEqual(m.generators, [{ spec: model('strong'), label: 'strong' }, { spec: model('weak'), label: 'weak' }]);
    assert.deepEqual(m.verifiers, m.generators, 'the generators are the columns too, in row order: self-verification is the diagonal');
    assert.equal(m.cells.length, 4);
    await assertCellIsReport(cellOf(m, 'strong', 'strong'), dir('strong'), 'mc');
    await assertCellIsReport(cellOf(m, 'strong', 'weak'), dir('strong'), 'mc@weak');
    await assertCellIsReport(cellOf(m, 'weak', 'weak'), dir('weak'), 'mc');
    assert.equal(cellOf(m, 'strong', 'strong').gap, 0.375);
    assert.equal(cellOf(m, 'strong', 'weak').gap, -0.625);
    assert.equal(cellOf(m, 'weak', 'weak').gap, -0.25);

    const missing = cellOf(m, 'weak', 'strong');
    assert.equal(missing.kind, 'missing');
    assert.equal(missing.gap, null, 'a missing cell has no number, never 0');
    assert.equal(missing.relativeGap, null);
    assert.equal(missing.reason, 'no run given has mc by strong over the samples of weak');
    assert.deepEqual(missing.fill?.argv, ['reverify', dir('weak'), '--model', model('strong'), '--verifier', 'mc']);
    assert.equal(missing.fill?.command, `gaplens reverify ${dir('weak')} --model ${model('strong')} --verifier mc`);
  });

  it('shows the grid as text: gaps in points, the missing cell as "—" with the command that fills it', async () => {
    const text = await ok(['matrix', dir('strong'), dir('weak')]);
    assert.match(text, /^Gap Lens cross-verification matrix: 2 generators × 2 verifiers on one task set/);
    assert.match(text, /^verifier mc · filter threshold:0\.5 · 95 % intervals from 1000 task-bootstrap resamples \(seed 0\)$/m);
    // An interval that says something is in the grid; the degenerate one of weak's constant accuracy is not (its lines say why).
    assert.match(text, /^gap\(f, g\): rows generator f, columns verifier g\n {2} +strong +weak\n {2}strong +\+37\.50 pp \[\+\d+\.\d\d, \+\d+\.\d\d\] pp \(few tasks\) +−62\.50 pp \[−\d+\.\d\d, −\d+\.\d\d\] pp \(few tasks\)\n {2}weak +— missing +−25\.00 pp \(few tasks\)\n\n/m);
    assert.match(text, /^relative gap: rows generator f, columns verifier g\n(.+\n){2} {2}weak +— missing +−33\.33 % \(few tasks\)\n\n/m);
    assert.ok(text.includes('\nweak verified by strong (cross-verification)\n  — (missing: no run given has mc by strong over the samples of weak)\n'), text);
    assert.ok(text.includes(`\n  fill it with: gaplens reverify ${dir('weak')} --model ${model('strong')} --verifier mc\n`), text);
    assert.match(text, /^strong verified by weak \(cross-verification\)\n {2}run .+, verifier mc@weak\n/m);
    assert.match(text, /^ {2}gap {11}−62\.50 pp 95 % CI \[/m);
    assert.match(text, /^ {2}gap {11}−25\.00 pp 95 % CI n\/a \(every resample gives the same value\)$/m);
  });

  it('fills the missing cell with the command it shows, then the grid is complete', async () => {
    const before = await matrixJson(dir('strong'), dir('weak'));
    const argv = cellOf(before, 'weak', 'strong').fill?.argv as string[];
    await ok([...argv, '--no-cache']);
    const m = await matrixJson(dir('weak'), dir('strong'));
    assert.deepEqual(m.generators.map((g) => g.label), ['weak', 'strong'], 'rows follow the order the runs are given');
    assert.deepEqual(m.cells.map((c) => c.kind), ['report', 'report', 'report', 'report']);
    await assertCellIsReport(cellOf(m, 'weak', 'strong'), dir('weak'), 'mc@strong');
    assert.equal(cellOf(m, 'weak', 'strong').gap, 0.75);
  });

  it('shows a cell whose verifier scored nothing as "—" with the reason, null in JSON, never 0', async () => {
    // strongWeakResponder answers a cot-score prompt with no score: every verification fails to parse.
    await ok(['reverify', dir('weak'), '--verifier', 'cot-score', '--no-cache']);
    const m = await matrixJson(dir('weak'), '--verifier', 'cot-score');
    const cell = cellOf(m, 'weak', 'weak');
    assert.equal(cell.kind, 'report');
    assert.deepEqual([cell.gap, cell.relativeGap, cell.scored], [null, null, 0]);
    assert.deepEqual(cell.ci, { ...(cell.ci as object), gap: null, relativeGap: null });
    const text = await ok(['matrix', dir('weak'), '--verifier', 'cot-score']);
    assert.match(text, /^ {2}weak +— not measured$/m);
    assert.match(text, /^ {2}gap {11}— \(not measured: cot-score scored 0 of 24 samples: 24 unparsable\)$/m);
  });

  it('refuses runs on different task sets, two runs filling one cell, and a verifier that is not one method (exit 2)', async () => {
    await run('weak', 'limited', ['--limit', '3']);
    await run('strong', 'strong-again');
    const cases: [string[], RegExp][] = [
      [[dir('strong'), dir('limited')], /^gaplens: \S+strong and \S+limited ran on different task sets \(.+ vs .+ first 3, tasks\.jsonl sha256 [0-9a-f]{12}…\): a cross-verification matrix compares models on one task set/m],
      [[dir('strong'), dir('strong')], /^gaplens: \S+strong and \S+strong are the same run \(.+\): give each run once$/m],
      [[dir('strong'), dir('strong-again')], /^gaplens: \S+strong \(mc\) and \S+strong-again \(mc\) both fill the cell generator strong, verifier strong: give only one of them$/m],
      [['--verifier', 'mc@weak', dir('strong')], /^gaplens: --verifier 'mc@weak': the matrix reads one verifier method, one of mc, cot-binary, cot-score, tournament/m],
    ];
    for (const [args, message] of cases) {
      const res = await cli(['matrix', ...args]);
      assert.equal(res.code, 2, res.stderr);
      assert.match(res.stderr, message);
      assertCleanStderr(res.stderr);
    }
  });
});
