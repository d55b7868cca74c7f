import assert from 'node:assert/strict';
import { gapText, LiveGap, LiveRecordGap, readingOf, type GapReading } from '../../../src/core/pipeline/liveGap';
import { readRunColumns } from '../../../src/core/runs/runColumns';
import { readRun } from '../../../src/core/runs/runStore';
import { tempDir } from '../../helpers/cli';
import { awkwardRun, drawn, drawnRun, generation, jsonl, newRun, verification } from '../runs/runFixtures';
import type { GapInput } from '../../../src/core/pipeline/liveGap';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { createRunFolder } from '../../../src/core/runs/runStore';
import { failure, manifest } from '../runs/runFixtures';

describe('live gap of a streaming run', () => {
  // Task a: correct [1,0,0,1], mc scores [0.9,0.2,0.4,0.8]; quantile:0.5 keeps scores >= median 0.6
  // → keeps indices 0 and 3, both correct: J(f|a) = 0.5, J(f[w]|a) = 1.
  // Task b: correct [0,0], scores [0.1,0.3]; median 0.2 → keeps index 1 (wrong): J = 0, J[w] = 0.
  // Means over tasks: accuracy 0.25, filtered 0.5, gap +0.25.
  const a = [
    { correct: true, mc: 0.9 },
    { correct: false, mc: 0.2 },
    { correct: false, mc: 0.4 },
    { correct: true, mc: 0.8 },
  ];
  const b = [
    { correct: false, mc: 0.1 },
    { correct: false, mc: 0.3 },
  ];

  function feed(live: LiveGap): void {
    a.forEach((s, index) => live.update({ task: 'a', index, correct: s.correct, scores: { mc: s.mc } }));
    b.forEach((s, index) => live.update({ task: 'b', index, correct: s.correct, scores: { mc: s.mc } }));
  }

  it('matches hand-computed accuracy, filtered accuracy and gap, and reads as measured', () => {
    const live = new LiveGap('mc', 'quantile:0.5');
    feed(live);
    const s = live.snapshot();
    assert.equal(s.tasks, 2);
    assert.equal(s.samples, 6);
    assert.equal(s.scored, 6);
    assert.equal(s.accuracy, 0.25);
    assert.equal(s.filteredAccuracy, 0.5);
    assert.equal(s.gap, 0.25);
    assert.deepEqual(live.reading(), { state: 'measured', samples: 6, accuracy: 0.25, gap: 0.25 });
    assert.equal(gapText(live.reading()), 'gap +25.00 pp');
  });

  it('is pending until a sample is graded; a sample still waiting for a verifier the selector reads counts unscored, as in a report and the panel', () => {
    const live = new LiveGap('and(mc,cot-score)', 'threshold:0.5');
    assert.deepEqual(live.reading(), { state: 'pending' });
    assert.equal(gapText(live.reading()), 'no gap yet (nothing scored yet)');
    live.update({ task: 'a', index: 1, correct: null, scores: { mc: 0.9, 'cot-score': 0.9 } });
    assert.deepEqual(live.reading(), { state: 'pending' }, 'a sample without gold never counts');
    live.update({ task: 'a', index: 0, correct: true, scores: { mc: 0.9 } });
    assert.equal(live.snapshot().samples, 1);
    assert.equal(gapText(live.reading()), 'gap not measured: 0 of 1 scored');
    live.update({ task: 'a', index: 0, correct: true, scores: { mc: 0.9, 'cot-score': 0.2 } });
    assert.equal(live.snapshot().samples, 1);
    assert.equal(live.snapshot().filteredAccuracy, 1, 'nothing kept → filtered accuracy falls back to accuracy');
    assert.equal(gapText(live.reading()), 'gap 0.00 pp', 'a measured zero: the sample was scored, the filter dropped it');
  });

  it('is not measured when every counted sample failed to parse — never "gap +0.0 pp"', () => {
    // The old gapText said "gap +0.0 pp" here: nothing kept fell back to J(f|x), a zero nobody measured.
    const live = new LiveGap('mc', 'threshold:0.5');
    for (let index = 0; index < 24; index++) live.update({ task: `t${index % 3}`, index, correct: index % 2 === 0, scores: { mc: null } });
    const s = live.snapshot();
    assert.equal(s.samples, 24);
    assert.equal(s.scored, 0);
    assert.equal(s.gap, null);
    assert.deepEqual(live.reading(), { state: 'unmeasured', samples: 24, accuracy: 0.5 });
    assert.equal(gapText(live.reading()), 'gap not measured: 0 of 24 scored');
  });

  it('says partial when some counted samples have no score (a failed parse ranks lowest)', () => {
    const live = new LiveGap('mc', 'threshold:0.5');
    live.update({ task: 'a', index: 0, correct: true, scores: { mc: null } });
    live.update({ task: 'a', index: 1, correct: false, scores: { mc: 0.7 } });
    const s = live.snapshot();
    assert.equal(s.samples, 2);
    assert.equal(s.scored, 1);
    assert.equal(s.accuracy, 0.5);
    // Keeps only #1 (wrong): J(f[w]) = 0, gap −0.5.
    assert.equal(s.filteredAccuracy, 0);
    assert.deepEqual(live.reading(), { state: 'partial', samples: 2, scored: 1, accuracy: 0.5, gap: -0.5 });
    assert.equal(gapText(live.reading()), 'gap −50.00 pp (partial: 1 of 2 scored)');
  });

  it('updateAll counts exactly what update does sample by sample: runs of one task, a task seen again, ungraded samples, replacements', () => {
    const inputs = [
      ...a.map((s, index) => ({ task: 'a', index, correct: s.correct, scores: { mc: s.mc } })),
      { task: 'c', index: 0, correct: null, scores: { mc: 0.5 } },
      ...b.map((s, index) => ({ task: 'b', index, correct: s.correct, scores: { mc: s.mc } })),
      // Task a again (not adjacent to its first run), replacing #1 and adding #4; a sample failed to parse.
      { task: 'a', index: 1, correct: true, scores: { mc: 0.95 } },
      { task: 'a', index: 4, correct: false, scores: { mc: null } },
    ];
    const bySample = new LiveGap('mc', 'quantile:0.5');
    for (const input of inputs) bySample.update(input);
    const together = new LiveGap('mc', 'quantile:0.5');
    together.updateAll(inputs);
    assert.deepEqual(together.snapshot(), bySample.snapshot());
    assert.deepEqual(together.task('a'), bySample.task('a'));
    assert.deepEqual(together.sample('a', 1), { correct: true, scores: { mc: 0.95 } });
    assert.equal(together.sample('c', 0), undefined, 'a sample without gold never counts');
    assert.throws(() => together.updateAll([{ task: 'a', index: 0.5, correct: true, scores: { mc: 0.1 } }]), /not a non-negative integer/);
    assert.deepEqual(together.snapshot(), bySample.snapshot(), 'a bad sample changes nothing');
  });

  it('reads every state from a snapshot, and gapText names each one differently', () => {
    const base = { tasks: 1, relativeGapExcludedTasks: 0, relativeGap: null, tasksNothingKept: 0, retention: 1, confusion: null, precision: null, recall: null };
    const readings: GapReading[] = [
      readingOf({ ...base, tasks: 0, samples: 0, scored: 0, accuracy: NaN, filteredAccuracy: null, gap: null }),
      readingOf({ ...base, samples: 4, scored: 0, accuracy: 0.5, filteredAccuracy: null, gap: null }),
      readingOf({ ...base, samples: 4, scored: 3, accuracy: 0.5, filteredAccuracy: 0.75, gap: 0.25 }),
      readingOf({ ...base, samples: 4, scored: 4, accuracy: 0.5, filteredAccuracy: 0.75, gap: 0.25 }),
    ];
    assert.deepEqual(readings.map((r) => r.state), ['pending', 'unmeasured', 'partial', 'measured']);
    assert.deepEqual(readings.map(gapText), ['no gap yet (nothing scored yet)', 'gap not measured: 0 of 4 scored', 'gap +25.00 pp (partial: 3 of 4 scored)', 'gap +25.00 pp']);
  });

  describe('fed record by record', () => {
    it('reads as the sample-state LiveGap does, whatever order the records come in and whatever other verifiers add', () => {
      const records = [...a.map((s, index) => ['a', index, s] as const), ...b.map((s, index) => ['b', index, s] as const)].flatMap(([task, index, s]) => [
        verification(task, index, 'cot-score', 0.5),
        generation(task, index, s.correct),
        verification(task, index, 'mc', s.mc),
      ]);
      const inOrder = new LiveRecordGap('mc', 'quantile:0.5');
      for (const r of records) inOrder.add(r);
      const reversed = new LiveRecordGap('mc', 'quantile:0.5');
      for (const r of [...records].reverse()) reversed.add(r);
      // A batch run's order: every generation a phase before any verification.
      const phased = new LiveRecordGap('mc', 'quantile:0.5');
      for (const r of [...records.filter((r) => r.type === 'generation'), ...records.filter((r) => r.type !== 'generation')]) phased.add(r);
      const expected = new LiveGap('mc', 'quantile:0.5');
      feed(expected);
      assert.deepEqual(inOrder.reading(), expected.reading());
      assert.deepEqual(reversed.reading(), expected.reading());
      assert.deepEqual(phased.reading(), expected.reading());
    });

    it("given the run's n, lets a task go once its samples all count with the selector's scores: the same readings, and a generation more of it is refused", () => {
      // a has n = 4 samples and completes; b has 2 of 4 and is held to the end.
      const records = [...a.map((s, index) => ['a', index, s] as const), ...b.map((s, index) => ['b', index, s] as const)].flatMap(([task, index, s]) => [
        verification(task, index, 'cot-score', 0.5),
        generation(task, index, s.correct),
        verification(task, index, 'mc', s.mc),
      ]);
      const phased = [...records.filter((r) => r.type === 'generation'), ...records.filter((r) => r.type !== 'generation')];
      for (const selector of ['mc', 'mean(mc,cot-score)']) {
        for (const order of [records, [...records].reverse(), phased]) {
          const held = new LiveRecordGap(selector, 'quantile:0.5');
          const letGo = new LiveRecordGap(selector, 'quantile:0.5', {}, 4);
          for (const r of order) {
            held.add(r);
            letGo.add(r);
            assert.deepEqual(letGo.reading(), held.reading(), selector);
          }
          assert.throws(() => letGo.add(generation('a', 0, false)), /task "a" was added as finished/, `${selector}: a was let go`);
          letGo.add(generation('b', 2, true));
          held.add(generation('b', 2, true));
          assert.deepEqual(letGo.reading(), held.reading(), `${selector}: b is held`);
        }
      }
    });

    it('counts a sample from its grade on, unscored until every verifier the selector reads has judged it', () => {
      const live = new LiveRecordGap('mean(mc,cot-score)', 'threshold:0.5');
      live.add(verification('a', 0, 'mc', 0.9));
      assert.deepEqual(live.reading(), { state: 'pending' }, 'no grade yet');
      live.add(generation('a', 0, true));
      assert.deepEqual(live.reading(), { state: 'unmeasured', samples: 1, accuracy: 1 });
      live.add(verification('a', 0, 'cot-score', 0.7));
      assert.deepEqual(live.reading(), { state: 'measured', samples: 1, accuracy: 1, gap: 0 });
    });

    it('scores a verifier drawing K verifications by their aggregate, once all K are in', () => {
      // Task a: ✓ draws 0.2, 0.8 (mean 0.5) and ✗ draws 0.3, 0.3; threshold:0.5 keeps only ✓ → gap +0.5.
      // Draw 0 alone would keep neither (0.2, 0.3): nothing kept, gap 0.
      const live = new LiveRecordGap('cot-score', 'threshold:0.5', { 'cot-score': 2 });
      live.add(generation('a', 0, true));
      live.add(generation('a', 1, false));
      live.add(verification('a', 0, 'cot-score', 0.2));
      live.add(verification('a', 1, 'cot-score', 0.3));
      // Counted from their grades on (the one counting rule), unscored while a draw is missing.
      assert.deepEqual(live.reading(), { state: 'unmeasured', samples: 2, accuracy: 0.5 }, 'one of two draws is not a score');
      live.add({ ...verification('a', 1, 'cot-score', 0.3), draw: 1 });
      live.add({ ...verification('a', 0, 'cot-score', 0.8), draw: 1 });
      assert.deepEqual(live.reading(), { state: 'measured', samples: 2, accuracy: 0.5, gap: 0.5 });
    });
  });

  /** t1 finished (4 samples, both verifiers), t2 half done, q#3 generated only. */
  async function partlyDoneRun(parent: string): Promise<string> {
    const dir = await newRun(parent);
    const scored = (task: string, i: number) => [generation(task, i, i % 2 === 0), verification(task, i, 'mc', i / 4), verification(task, i, 'cot-score', i === 3 ? null : 1 - i / 4)];
    writeFileSync(join(dir, 'samples.jsonl'), jsonl([0, 1, 2, 3].flatMap((i) => scored('t1', i)).concat(scored('t2', 0), [generation('t2', 1, true), verification('t2', 1, 'mc', 0.5), generation('q#3', 0, true)])));
    return dir;
  }

  for (const [name, folder] of [['an awkward', awkwardRun], ['a partly done', partlyDoneRun]] as const) it(`reads ${name} run folder's columns as it reads their records, and goes on from there the same`, async () => {
    const { dir: parent, cleanup } = tempDir();
    try {
      const dir = await folder(parent);
      const run = await readRun(dir);
      const cols = await readRunColumns(dir);
      for (const selector of ['mc', 'cot-score', 'mean(mc,cot-score)']) {
        const fromRecords = new LiveRecordGap(selector, 'quantile:0.5');
        for (const g of run.generations.values()) fromRecords.add(g);
        for (const byVerifier of run.verifications.values()) for (const r of byVerifier.values()) fromRecords.add(r);
        const fromColumns = new LiveRecordGap(selector, 'quantile:0.5');
        fromColumns.addColumns(cols);
        assert.deepEqual(fromColumns.reading(), fromRecords.reading(), selector);
        assert.notEqual(fromColumns.reading().state, 'pending', selector);
        // t2#0 has mc only: a cot-score record completes it for every selector.
        for (const live of [fromRecords, fromColumns]) live.add(verification('t2', 0, 'cot-score', 0.5));
        assert.deepEqual(fromColumns.reading(), fromRecords.reading(), `${selector}, then t2#0's cot-score`);
      }
      if (name === 'a partly done') {
        // With the run's n, t2 goes on from what the folder held and is let go at its last record.
        const rest = [verification('t2', 1, 'cot-score', 0.4), ...[2, 3].flatMap((i) => [generation('t2', i, i === 2), verification('t2', i, 'mc', 0.3 * i), verification('t2', i, 'cot-score', 0.2)])];
        const held = new LiveRecordGap('mean(mc,cot-score)', 'quantile:0.5');
        const letGo = new LiveRecordGap('mean(mc,cot-score)', 'quantile:0.5', {}, cols.manifest.config.n);
        for (const live of [held, letGo]) live.addColumns(cols);
        for (const r of rest) {
          held.add(r);
          letGo.add(r);
          assert.deepEqual(letGo.reading(), held.reading());
        }
        assert.throws(() => letGo.add(generation('t2', 0, true)), /task "t2" was added as finished/);
      }
    } finally {
      cleanup();
    }
  });

  it("reads a run folder's draws from its columns as from its records, and completes a sample's aggregate as its last draws arrive", async () => {
    const { dir: parent, cleanup } = tempDir();
    try {
      const dir = await drawnRun(parent);
      const run = await readRun(dir);
      const cols = await readRunColumns(dir);
      const verifications = { 'cot-score': 2 };
      for (const selector of ['cot-score', 'mean(mc,cot-score)']) {
        const fromRecords = new LiveRecordGap(selector, 'threshold:0.5', verifications);
        for (const g of run.generations.values()) fromRecords.add(g);
        for (const maps of [run.verifications, run.draws]) for (const byStage of maps.values()) for (const r of byStage.values()) fromRecords.add(r);
        const fromColumns = new LiveRecordGap(selector, 'threshold:0.5', verifications);
        fromColumns.addColumns(cols);
        assert.deepEqual(fromColumns.reading(), fromRecords.reading(), selector);
        // The draws t1#3 and t2#1 lack: both samples are scored once they arrive, from the draws on file too.
        for (const live of [fromRecords, fromColumns]) {
          live.add(drawn('t1', 3, 'cot-score', 1, 0.8));
          live.add(drawn('t2', 1, 'cot-score', 0, 0.1));
        }
        assert.deepEqual(fromColumns.reading(), fromRecords.reading(), `${selector}, then the missing draws`);
      }
      const live = new LiveRecordGap('cot-score', 'threshold:0.5', verifications);
      live.addColumns(cols);
      const before = live.reading();
      live.add(drawn('t1', 3, 'cot-score', 1, 0.8));
      live.add(drawn('t2', 1, 'cot-score', 0, 0.1));
      const after = live.reading();
      assert.ok(before.state === 'partial' && after.state === 'partial' && after.scored === before.scored + 2, 'two more samples scored');
    } finally {
      cleanup();
    }
  });

  describe('seeded from a run folder\'s columns', () => {
    const N = manifest().config.n;
    /** A verifier's state of a generated sample: no record, a call failure, a verification whose score did not parse, a score. */
    const judged = fc.oneof(fc.constantFrom('none' as const, 'failed call' as const, null), fc.constantFrom(0, 0.5, 1), fc.double({ min: 0, max: 1, noNaN: true }));
    /** Samples 0 … n (n: one past the run's n), each absent, a failed generation, or generated and judged by mc and cot-score. */
    const sampleArb = fc.oneof(
      { weight: 1, arbitrary: fc.constantFrom('absent' as const, 'failed generation' as const) },
      { weight: 6, arbitrary: fc.record({ correct: fc.boolean(), mc: judged, cot: judged }) },
    );
    const runArb = fc.array(fc.tuple(fc.array(sampleArb, { minLength: N, maxLength: N }), fc.option(sampleArb, { nil: undefined, freq: 4 })), { minLength: 1, maxLength: 6 });
    type Spec = typeof runArb extends fc.Arbitrary<infer S> ? S : never;
    type Judged = 'none' | 'failed call' | number | null;

    /** Writes the run: generations and failed generations first, then the verifications and failed verifications, last sample first. */
    async function write(dir: string, spec: Spec): Promise<void> {
      const tasks = spec.map((_, t) => ({ id: `t${t}`, question: `q${t}`, answer: '1', grader: 'numeric' as const }));
      await createRunFolder(dir, manifest(), tasks);
      const stages: unknown[] = [];
      const judgements: unknown[] = [];
      spec.forEach(([samples, extra], t) => [...samples, ...(extra === undefined ? [] : [extra])].forEach((s, index) => {
        const task = `t${t}`;
        if (s === 'absent') return;
        if (s === 'failed generation') return void stages.push(failure(task, index, 'generation'));
        stages.push(generation(task, index, s.correct));
        for (const [verifier, state] of [['mc', s.mc], ['cot-score', s.cot]] as const) {
          if (state === 'failed call') judgements.unshift(failure(task, index, verifier));
          else if (state !== 'none') judgements.unshift(verification(task, index, verifier, state));
        }
      }));
      writeFileSync(join(dir, 'samples.jsonl'), jsonl([...stages, ...judgements]));
    }

    /** The sample-object path: a GapInput a generated sample, finished tasks by addFinished, the rest by updateAll, in task order. */
    function bySampleObjects(spec: Spec, selector: string): GapReading {
      const needed = selector === 'mc' ? ['mc'] : ['mc', 'cot-score'];
      const live = new LiveGap(selector, 'quantile:0.5');
      const inputOf = (task: string, index: number, s: { correct: boolean; mc: Judged; cot: Judged }): GapInput => {
        const scores: Record<string, number | null> = {};
        for (const [verifier, state] of [['mc', s.mc], ['cot-score', s.cot]] as const) if (needed.includes(verifier) && state !== 'none' && state !== 'failed call') scores[verifier] = state;
        return { task, index, correct: s.correct, scores };
      };
      const counts = (s: Spec[number][0][number] | undefined): boolean => typeof s === 'object' && needed.every((v) => (v === 'mc' ? s.mc : s.cot) !== 'none' && (v === 'mc' ? s.mc : s.cot) !== 'failed call');
      const rest: GapInput[] = [];
      spec.forEach(([samples, extra], t) => {
        const task = `t${t}`;
        const all = [...samples, ...(extra === undefined ? [] : [extra])];
        const generated = all.flatMap((s, index) => (typeof s === 'object' ? [inputOf(task, index, s)] : []));
        if (samples.every(counts) && (extra === undefined || extra === 'absent')) live.addFinished(task, generated);
        else rest.push(...generated);
      });
      live.updateAll(rest);
      return live.reading();
    }

    it('reads as the sample-object path, bit for bit, and as the records fed one by one (random runs: failed generations and verifications, unscored samples, partial tasks, samples past n)', async () => {
      const { dir: parent, cleanup } = tempDir();
      let runs = 0;
      try {
        await fc.assert(
          fc.asyncProperty(runArb, async (spec) => {
            const dir = join(parent, `run-${runs++}`);
            mkdirSync(dir);
            await write(dir, spec);
            const cols = await readRunColumns(dir);
            const run = await readRun(dir);
            for (const selector of ['mc', 'mean(mc,cot-score)']) {
              const fromColumns = new LiveRecordGap(selector, 'quantile:0.5');
              fromColumns.addColumns(cols);
              assert.deepStrictEqual(fromColumns.reading(), bySampleObjects(spec, selector), selector);
              const fromRecords = new LiveRecordGap(selector, 'quantile:0.5');
              for (const g of run.generations.values()) fromRecords.add(g);
              for (const byVerifier of run.verifications.values()) for (const r of byVerifier.values()) fromRecords.add(r);
              assertSameReading(fromColumns.reading(), fromRecords.reading());
            }
          }),
          { numRuns: 60 },
        );
      } finally {
        cleanup();
      }
    });
  });

  /** The same state and counts; the rates equal up to the rounding of the running sums (records fed one by one add and remove a task's terms). */
  function assertSameReading(a: GapReading, b: GapReading): void {
    assert.equal(a.state, b.state);
    if (a.state === 'pending' || b.state === 'pending') return;
    assert.equal(a.samples, b.samples);
    assert.ok(Math.abs(a.accuracy - b.accuracy) <= 1e-12, `accuracy ${a.accuracy} vs ${b.accuracy}`);
    if ('gap' in a && 'gap' in b) assert.ok(Math.abs(a.gap - b.gap) <= 1e-12, `gap ${a.gap} vs ${b.gap}`);
    if (a.state === 'partial' && b.state === 'partial') assert.equal(a.scored, b.scored);
  }
});
