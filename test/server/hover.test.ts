import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunManifest } from '../../src/core/runs/records';
import { createRunFolder } from '../../src/core/runs/runStore';
import { SampleLog } from '../../src/core/runs/sampleLog';
import { parseTaskText } from '../../src/core/tasks/parseTaskText';
import type { Task } from '../../src/core/tasks/task';
import { taskHoverMarkdown, taskOnLine } from '../../src/server/hover';
import { TaskResultsCache } from '../../src/server/taskResults';
import { generation, manifest, TASKS, verification } from '../core/runs/runFixtures';

const [T1, T2] = TASKS as [Task, Task];

async function makeRun(dir: string, change: Partial<RunManifest> & { filter: string }, tasks: Task[], samples: [string, boolean, number][]): Promise<void> {
  const base = manifest();
  const { filter, ...rest } = change;
  await createRunFolder(dir, { ...base, ...rest, config: { ...base.config, verifiers: ['mc'], filter } }, tasks);
  const log = await SampleLog.open(dir);
  const next = new Map<string, number>();
  for (const [task, correct, score] of samples) {
    const index = next.get(task) ?? 0;
    next.set(task, index + 1);
    await log.append(generation(task, index, correct));
    await log.append(verification(task, index, 'mc', score));
  }
  await log.close();
}

describe('server/hover', () => {
  let root: string;
  let runs: string;

  beforeEach(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'gaplens-'));
    runs = path.join(root, 'runs');
    // Folder names sort the other way round from createdAt: the newest is picked by createdAt.
    await makeRun(path.join(runs, 'b-old'), { id: 'old-run', createdAt: '2026-11-20T00:00:00.000Z', filter: 'quantile:0.5' }, [T1, T2], [
      [T1.id, true, 0.5],
      [T1.id, true, 0.5],
      [T2.id, false, 0.2],
      [T2.id, true, 0.9],
    ]);
    // t1: correct T,F,F,T with mc 0.9,0.8,0.1,0.95; threshold 0.5 keeps samples 0,1,3 → J(f|x) = 2/4, J(f[w]|x) = 2/3.
    await makeRun(path.join(runs, 'a-new'), { id: 'new-run', createdAt: '2026-11-24T00:00:00.000Z', filter: 'threshold:0.5' }, [T1], [
      [T1.id, true, 0.9],
      [T1.id, false, 0.8],
      [T1.id, false, 0.1],
      [T1.id, true, 0.95],
    ]);
    // Not run folders: skipped without failing the hover.
    mkdirSync(path.join(runs, 'broken'));
    writeFileSync(path.join(runs, 'broken', 'run.json'), '{ not json');
    writeFileSync(path.join(runs, 'notes.txt'), 'hello');
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('takes each task from the newest run that has it, under that run\'s filter', async () => {
    const cache = new TaskResultsCache([runs, path.join(root, 'missing')]);
    const t1 = await cache.latest(T1.id);
    assert.equal(t1?.runId, 'new-run');
    assert.deepEqual(t1?.reading, { state: 'measured', samples: 4, accuracy: 0.5, gap: 2 / 3 - 0.5 });
    assert.equal(t1?.filteredAccuracy, 2 / 3);
    assert.equal(t1?.filter, 'threshold:0.5');
    assert.equal(t1?.verifier, 'mc');
    // t2 only in the old run: correct F,T with mc 0.2,0.9; the 0.5-quantile cut is 0.55 → keeps the correct one.
    const t2 = await cache.latest(T2.id);
    assert.equal(t2?.runId, 'old-run');
    assert.deepEqual(t2?.reading, { state: 'measured', samples: 2, accuracy: 0.5, gap: 0.5 });
    assert.equal(t2?.filteredAccuracy, 1);
    assert.equal(await cache.latest('nowhere'), null);
  });

  it('sees samples appended since the last hover', async () => {
    const cache = new TaskResultsCache([runs]);
    assert.equal((await cache.latest(T1.id))?.reading.state, 'measured');
    const log = await SampleLog.open(path.join(runs, 'a-new'));
    await log.append(generation(T1.id, 4, true));
    await log.append(verification(T1.id, 4, 'mc', 0.7));
    await log.close();
    const t1 = await cache.latest(T1.id);
    assert.deepEqual(t1?.reading, { state: 'measured', samples: 5, accuracy: 3 / 5, gap: 3 / 4 - 3 / 5 });
    assert.equal(t1?.filteredAccuracy, 3 / 4);
  });

  it('writes the task, its numbers and the run into the hover', async () => {
    const text = `${JSON.stringify(T1)}\n\n${JSON.stringify(T2)}`;
    const parsed = parseTaskText(text, path.join(root, 'x.tasks.jsonl'));
    assert.equal(taskOnLine(parsed, 2), null);
    const task = taskOnLine(parsed, 1);
    assert.equal(task?.id, T1.id);
    const cache = new TaskResultsCache([runs]);
    assert.equal(
      taskHoverMarkdown(task as Task, await cache.latest(T1.id)),
      [
        '**Task `t1`** · grader `numeric`',
        '',
        'What is 2 \\+ 3\\?',
        '',
        'Gold answer `5`',
        '',
        'Newest run `new-run`, 4 samples:',
        '',
        '- J(f|x) = 50.00 %',
        '- J(f[w]|x) = 66.67 % (filter `threshold:0.5` on `mc`; gap +16.67 pp)',
        '',
        `The whole run \`new-run\` (1 task): gap +16.67 pp · [Open the run's panel](command:gaplens.openRun?${encodeURIComponent(JSON.stringify([path.join(runs, 'a-new')]))})`,
      ].join('\n'),
    );
    assert.equal(taskOnLine(parsed, 3)?.id, T2.id);
  });

  it('warns when the run graded an earlier version of the task', async () => {
    const edited: Task = { ...T1, answer: '6' };
    const hover = taskHoverMarkdown(edited, await new TaskResultsCache([runs]).latest(T1.id));
    assert.match(hover, /\nGold answer `6`\n\n_The run has an earlier version of this task \(its snapshot differs from this line\)\._\n\nNewest run `new-run`/);
    assert.doesNotMatch(taskHoverMarkdown(T1, await new TaskResultsCache([runs]).latest(T1.id)), /earlier version/);
  });

  it('says so when no run has the task, or the run has no samples of it yet', () => {
    const task: Task = { id: 'new-one', question: 'q', answer: ['a', 'b'], grader: 'nq' };
    const about = '**Task `new-one`** · grader `nq`\n\nq\n\nGold answers `a` · `b`\n\n';
    assert.equal(taskHoverMarkdown(task, null), `${about}No run has this task yet: use *Run gap check on this task* above it.`);
    const runGap = { reading: { state: 'unmeasured' as const, samples: 3, accuracy: 1 / 3 }, selector: 'mc', filter: 'quantile:0.8' };
    const empty = { task, runId: 'r', runDir: '/r', reading: { state: 'pending' as const }, filteredAccuracy: null, filter: 'quantile:0.8', verifier: 'mc', runGap, runTasks: 2, complete: false };
    // The whole run's gap is never 0 when nothing was scored: "not measured", and the run is said incomplete.
    const wholeRun = "\n\nThe whole run `r` (2 tasks, incomplete): gap not measured: 0 of 3 scored · [Open the run's panel](command:gaplens.openRun?%5B%22%2Fr%22%5D)";
    assert.equal(taskHoverMarkdown(task, empty), `${about}No samples yet in the newest run \`r\`.${wholeRun}`);
    // Samples whose verifications failed or are still to come: the gap is not measured, never 0.
    const unscored = { ...empty, reading: { state: 'unmeasured' as const, samples: 3, accuracy: 1 / 3 } };
    assert.ok(taskHoverMarkdown(task, unscored).endsWith(`Newest run \`r\`, 3 samples:\n\n- J(f|x) = 33.33 %\n- J(f[w]|x) = — (filter \`quantile:0.8\` on \`mc\`; gap not measured: 0 of 3 scored)${wholeRun}`));
    const partial = { ...empty, reading: { state: 'partial' as const, samples: 4, scored: 2, accuracy: 0.25, gap: 0.25 }, filteredAccuracy: 0.5 };
    assert.match(taskHoverMarkdown(task, partial), /- J\(f\[w\]\|x\) = 50\.00 % \(filter `quantile:0\.8` on `mc`; gap \+25\.00 pp \(partial: 2 of 4 scored\)\)\n/);
  });

  it('shows every piece of task and run text literally: no links, HTML, emphasis, code-span breaks or control characters', () => {
    const hostile = '[click](command:workbench.action.terminal.new) <img src=x onerror=alert(1)> **bold** `code` ``` $(alert) &amp; \x1b]0;t\x07 \u202e';
    const task: Task = { id: 'id`with``ticks', question: `${hostile}\n\n# heading\n- item\n1. item`, answer: ['``', ' spaced ', '\\frac12'], grader: 'nq' };
    const reading = { state: 'measured' as const, samples: 1, accuracy: 1, gap: 0 };
    // A run folder's path in the link is percent-encoded: brackets and parentheses cannot end the link.
    const runDir = '/r (1)/x](command:evil)';
    const result = { task, runId: 'run`<b>', runDir, reading, filteredAccuracy: 1, filter: 'quantile:0.8', verifier: '**mc**', runGap: { reading, selector: '**mc**', filter: 'quantile:0.8' }, runTasks: 1, complete: true };
    const hover = taskHoverMarkdown(task, result);
    assert.equal(
      hover,
      [
        '**Task ```id`with``ticks```** · grader `nq`',
        '',
        '\\[click\\]\\(command\\:workbench\\.action\\.terminal\\.new\\) \\<img src\\=x onerror\\=alert\\(1\\)\\> \\*\\*bold\\*\\* \\`code\\` \\`\\`\\` \\$\\(alert\\) \\&amp\\; \\\\u001b\\]0\\;t\\\\u0007 \\\\u202e \\# heading \\- item 1\\. item',
        '',
        'Gold answers ``` `` ``` · `  spaced  ` · `\\frac12`',
        '',
        'Newest run ``run`<b>``, 1 sample:',
        '',
        '- J(f|x) = 100.00 %',
        '- J(f[w]|x) = 100.00 % (filter `quantile:0.8` on `**mc**`; gap 0.00 pp)',
        '',
        "The whole run ``run`<b>`` (1 task): gap 0.00 pp · [Open the run's panel](command:gaplens.openRun?%5B%22%2Fr%20%281%29%2Fx%5D%28command%3Aevil%29%22%5D)",
      ].join('\n'),
    );
  });

  it('cuts a long question, keeping the hover a glance', () => {
    const task: Task = { id: 'long', question: `${'word '.repeat(100)}end`, answer: '1', grader: 'exact' };
    const question = taskHoverMarkdown(task, null).split('\n')[2] as string;
    assert.equal([...question].length, 300);
    assert.ok(question.endsWith('…'));
  });
});
