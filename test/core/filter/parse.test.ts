import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatFilter, formatSelector, parseFilter, parseSelector } from '../../../src/core/filter/parse';
import type { FilterSpec, ScoreSelector } from '../../../src/core/filter/spec';
import { UserError } from '../../../src/core/util/errors';

function assertUserError(run: () => unknown, ...mentions: string[]): void {
  assert.throws(run, (e: unknown) => {
    assert.ok(e instanceof UserError, `expected UserError, got ${String(e)}`);
    assert.equal(e.exitCode, 2);
    for (const m of mentions) assert.ok(e.message.includes(m), `message lacks ${JSON.stringify(m)}: ${e.message}`);
    return true;
  });
}

describe('parseFilter', () => {
  it('parses the four kinds', () => {
    assert.deepEqual(parseFilter('quantile:0.7'), { kind: 'quantile', q: 0.7 });
    assert.deepEqual(parseFilter('threshold:0.8'), { kind: 'threshold', tau: 0.8 });
    assert.deepEqual(parseFilter('topk:4'), { kind: 'topk', k: 4 });
    assert.deepEqual(parseFilter('exp:0.05'), { kind: 'exp', beta: 0.05 });
  });

  it('accepts the range ends, scientific notation, spaces and upper case', () => {
    assert.deepEqual(parseFilter('quantile:0'), { kind: 'quantile', q: 0 });
    assert.deepEqual(parseFilter('quantile:1'), { kind: 'quantile', q: 1 });
    assert.deepEqual(parseFilter(' Threshold : .5 '), { kind: 'threshold', tau: 0.5 });
    assert.deepEqual(parseFilter('exp:1e-3'), { kind: 'exp', beta: 0.001 });
    assert.deepEqual(parseFilter('topk:2.0'), { kind: 'topk', k: 2 });
  });

  it('rejects bad specs with a UserError that names the spec and lists the valid forms', () => {
    const forms = ['quantile:q', 'threshold:τ', 'topk:k', 'exp:β'];
    for (const bad of ['quantile:1.5', 'quantile:-0.1', 'quantile:', 'quantile', 'topk:0', 'topk:2.5', 'exp:0', 'exp:-1',
      'threshold:abc', 'threshold:1.2', 'threshold:0x1', 'threshold:Infinity', 'top:3', '', ':0.5']) {
      assertUserError(() => parseFilter(bad), `"${bad}"`, ...forms);
    }
  });

  it('formatFilter round-trips', () => {
    const spec = fc.oneof(
      fc.double({ min: 0, max: 1, noNaN: true }).map((q): FilterSpec => ({ kind: 'quantile', q })),
      fc.double({ min: 0, max: 1, noNaN: true }).map((tau): FilterSpec => ({ kind: 'threshold', tau })),
      fc.integer({ min: 1, max: 1_000_000 }).map((k): FilterSpec => ({ kind: 'topk', k })),
      fc.double({ min: 1e-300, max: 1e6, noNaN: true }).map((beta): FilterSpec => ({ kind: 'exp', beta })),
    );
    fc.assert(fc.property(spec, (s) => assert.deepEqual(parseFilter(formatFilter(s)), s)));
    assert.equal(formatFilter({ kind: 'quantile', q: 0.7 }), 'quantile:0.7');
  });
});

describe('parseSelector', () => {
  const v = (name: string): ScoreSelector => ({ kind: 'verifier', name });

  it('parses names, and(), mean() and nesting, ignoring spaces', () => {
    assert.deepEqual(parseSelector('mc'), v('mc'));
    assert.deepEqual(parseSelector('cot-score'), v('cot-score'));
    assert.deepEqual(parseSelector('and(mc,cot-score)'), { kind: 'and', parts: [v('mc'), v('cot-score')] });
    assert.deepEqual(parseSelector(' mean( mc , cot-score ) '), { kind: 'mean', parts: [v('mc'), v('cot-score')] });
    assert.deepEqual(parseSelector('and(mc,mean(cot-score,cot-binary),tournament)'), {
      kind: 'and',
      parts: [v('mc'), { kind: 'mean', parts: [v('cot-score'), v('cot-binary')] }, v('tournament')],
    });
  });

  it('rejects malformed selectors, naming the selector, the position and the valid forms', () => {
    for (const bad of ['', 'and(mc,', 'and()', 'and', 'mean', 'foo(mc)', 'mc cot', 'and(mc cot)', 'and(mc))', 'mc!']) {
      assertUserError(() => parseSelector(bad), `"${bad}"`, 'position', 'and(a,b,…)', 'mean(a,b,…)');
    }
  });

  it('formatSelector round-trips', () => {
    const name = fc.constantFrom('mc', 'cot-score', 'cot-binary', 'tournament', 'my_verifier.2');
    const { selector } = fc.letrec<{ selector: ScoreSelector }>((tie) => ({
      selector: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        name.map((n): ScoreSelector => ({ kind: 'verifier', name: n })),
        fc
          .tuple(fc.constantFrom('and' as const, 'mean' as const), fc.array(tie('selector'), { minLength: 1, maxLength: 3 }))
          .map(([kind, parts]): ScoreSelector => ({ kind, parts })),
      ),
    }));
    fc.assert(fc.property(selector, (s) => assert.deepEqual(parseSelector(formatSelector(s)), s)));
    assert.equal(formatSelector(parseSelector('and( mc, mean(cot-score , mc) )')), 'and(mc,mean(cot-score,mc))');
  });
});
