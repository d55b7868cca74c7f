import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fmt, portableCommand, readResults, renderResultsMarkdown, row, target, writeResult, type BenchResult } from '../../bench/lib/results';

const machine = { cpuModel: 'Test CPU', cores: 2, memoryGiB: 4, node: 'v20.0.0', os: 'Linux test x64', commit: 'abc1234' };

function result(name: string): BenchResult {
  return {
    name,
    title: `Title of ${name}`,
    workload: 'The workload.',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationS: 12.5,
    quick: false,
    repetitions: 5,
    machine,
    contention: { wallS: 10, machineBusyCpuS: 12, ownCpuS: 10, othersShare: 0.1 },
    commands: ['node some-command --flag'],
    rows: [row('speed', 'calls/s', { median: 1500, min: 1400, max: 1600, runs: [1400, 1500, 1600] })],
    targets: [target('speed ÷ ideal', 0.47, '>=', 0.95, 'the client is the bottleneck'), target('time ratio', 0.6, '<=', 1.05)],
    notes: ['A note.'],
  };
}

describe('bench results', () => {
  it('writes commands without the measuring machine\'s paths: the repository\'s made relative, the folders beside it as ../', () => {
    const repo = '/home/someone/gaplens';
    assert.equal(
      portableCommand(`node ${repo}/dist/cli.js run --tasks /home/someone/shared/data/gsm8k/test.jsonl && node /home/someone/.cache-bench/promptfoo/x.js`, repo),
      'node dist/cli.js run --tasks ../shared/data/gsm8k/test.jsonl && node ../.cache-bench/promptfoo/x.js',
    );
  });

  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'gaplens-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('decides targets in both directions', () => {
    assert.equal(target('a', 0.95, '>=', 0.95).met, true);
    assert.equal(target('a', 0.949, '>=', 0.95).met, false);
    assert.equal(target('b', 1.06, '<=', 1.05).met, false);
  });

  it('renders every result file, the panel benchmark\'s own format included, into RESULTS.md', () => {
    writeResult(root, result('throughput'));
    mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
    writeFileSync(path.join(root, 'bench', 'results', 'panel.json'), JSON.stringify({
      benchmark: 'panel', date: '2026-01-02', machine: { cpus: 2, cpuModel: 'Test CPU', node: 'v20.0.0' }, runs: 3,
      medianMs: { firstPaint: 420, refilter: 130 }, targetsMs: { firstPaintMs: 500, refilterMs: 100 }, meetsTargets: { firstPaint: true, refilter: false },
    }));
    const md = renderResultsMarkdown(readResults(root, ['throughput', 'panel']));
    assert.match(md, /\*\*Machine:\*\* Test CPU, 2 cores, 4 GiB memory, Node v20\.0\.0, Linux test x64\./);
    assert.match(md, /\| throughput \| speed ÷ ideal \| 0\.47 \| ≥ 0\.95 \| \*\*no\*\* \| the client is the bottleneck \|/);
    assert.match(md, /\| throughput \| time ratio \| 0\.6 \| ≤ 1\.05 \| yes \|  \|/);
    assert.match(md, /\| panel \| firstPaint \(ms\) \| 420 \| ≤ 500 \| yes \|/);
    assert.match(md, /\| panel \| refilter \(ms\) \| 130 \| ≤ 100 \| \*\*no\*\* \|/);
    assert.match(md, /\| speed \| 1,500 \| 1,400 \| 1,600 \| calls\/s \|/);
    assert.match(md, /> \*\*Busy machine\.\*\* Other processes used 10 % of the machine's CPU/);
    assert.ok(md.indexOf('## Title of throughput') < md.indexOf('## panel benchmark'));
  });

  it('formats numbers to three significant digits', () => {
    assert.equal(fmt(0.94666), '0.947');
    assert.equal(fmt(22423), '22,423');
    assert.equal(fmt(null), 'n/a');
  });
});
