import assert from 'node:assert/strict';
import { gapText, LiveGap } from '../../../src/core/pipeline/liveGap';

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

  it('matches hand-computed accuracy, filtered accuracy and gap', () => {
    const live = new LiveGap('mc', 'quantile:0.5');
    feed(live);
    const s = live.snapshot();
    assert.equal(s.tasks, 2);
    assert.equal(s.samples, 6);
    assert.equal(s.accuracy, 0.25);
    assert.equal(s.filteredAccuracy, 0.5);
    assert.equal(s.gap, 0.25);
    assert.equal(gapText(s), 'gap +25.0 pp');
  });

  it('leaves out samples still waiting for a verifier the selector reads, and samples without gold', () => {
    const live = new LiveGap('and(mc,cot-score)', 'threshold:0.5');
    live.update({ task: 'a', index: 0, correct: true, scores: { mc: 0.9 } });
    live.update({ task: 'a', index: 1, correct: null, scores: { mc: 0.9, 'cot-score': 0.9 } });
    assert.equal(live.snapshot().samples, 0);
    assert.equal(gapText(live.snapshot()), null);
    live.update({ task: 'a', index: 0, correct: true, scores: { mc: 0.9, 'cot-score': 0.2 } });
    assert.equal(live.snapshot().samples, 1);
    assert.equal(live.snapshot().filteredAccuracy, 1, 'nothing kept → filtered accuracy falls back to accuracy');
  });

  it('counts a failed parse (null score) as a sample with the lowest score', () => {
    const live = new LiveGap('mc', 'threshold:0.5');
    live.update({ task: 'a', index: 0, correct: true, scores: { mc: null } });
    live.update({ task: 'a', index: 1, correct: false, scores: { mc: 0.7 } });
    const s = live.snapshot();
    assert.equal(s.samples, 2);
    assert.equal(s.accuracy, 0.5);
    assert.equal(s.filteredAccuracy, 0);
    assert.equal(gapText(s), 'gap −50.0 pp');
  });
});
