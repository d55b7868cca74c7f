import assert from 'node:assert/strict';
import { auditOf, drawNewAudit } from '../../src/core/stats/audit';
import { buildPool } from '../../src/core/stats/pool';
import { parseHostMessage, parseRequestResult, parseWebviewMessage } from '../../src/protocol/panelProtocol';

const SAMPLES = [0.9, 0.2, 0.8, 0.1, 0.7, 0.3].map((mc, i) => ({ task: i < 4 ? 'A' : 'B', index: i % 4, correct: i % 2 === 0, scores: { mc } }));
const DATA = buildPool(SAMPLES);
const FILE = drawNewAudit(DATA, { id: 'audit-1', seed: 1, size: 4, selector: 'mc', filter: 'threshold:0.5' }, new Date('2026-11-24T10:00:00.000Z'));
const REPORT = auditOf(DATA, FILE, [], { resamples: 10, seed: 0, level: 0.95 });

describe('panel protocol: audit messages', () => {
  it("accepts the host's 'audit' notification as core computes it, and nothing malformed", () => {
    const message = { kind: 'notify', method: 'audit', params: { audit: { file: FILE, report: REPORT }, cannotDraw: null } };
    const parsed = parseHostMessage(message);
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
    assert.deepEqual(parsed.value, message);
    assert.ok(parseHostMessage({ kind: 'notify', method: 'audit', params: { audit: null, cannotDraw: 'Check Selection' } }).ok);
    const bad = [
      { audit: { file: { ...FILE, strata: [1, 2] }, report: REPORT }, cannotDraw: null },
      { audit: { file: FILE, report: { ...REPORT, labels: -1 } }, cannotDraw: null },
      { audit: { file: FILE, report: { ...REPORT, result: { ...REPORT.result, agreement: { verifier: { kappa: 'high' } } } } }, cannotDraw: null },
      { audit: null },
    ];
    for (const params of bad) assert.equal(parseHostMessage({ kind: 'notify', method: 'audit', params }).ok, false, JSON.stringify(params).slice(0, 80));
  });

  it('annotate carries a cause, a verdict or both; an audit label needs a verdict', () => {
    const annotate = (params: Record<string, unknown>): ReturnType<typeof parseWebviewMessage> => parseWebviewMessage({ kind: 'request', id: 3, method: 'annotate', params: { task: 'A', index: 0, note: '', ...params } });
    assert.ok(annotate({ cause: 'other' }).ok);
    assert.ok(annotate({ human: 'correct', audit: { id: 'audit-1' } }).ok);
    assert.ok(annotate({ human: 'incorrect', cause: 'gold-wrong', audit: { id: 'audit-1' } }).ok);
    const none = annotate({});
    assert.equal(none.ok, false);
    assert.equal(none.replyTo, 3, 'answered with an error, not left hanging');
    assert.match(none.ok ? '' : none.error, /field "cause" must be set when "human" is not/);
    const noVerdict = annotate({ cause: 'other', audit: { id: 'audit-1' } });
    assert.match(noVerdict.ok ? '' : noVerdict.error, /field "human" must be set on an audit label/);
    assert.equal(annotate({ human: 'maybe' }).ok, false);
  });

  it('drawAudit asks for a size, an optional seed in [0, 2^32), and the filter; answers with the id', () => {
    const draw = (params: Record<string, unknown>): boolean => parseWebviewMessage({ kind: 'request', id: 4, method: 'drawAudit', params: { size: 40, seed: null, selector: 'mc', filter: 'quantile:0.8', ...params } }).ok;
    assert.ok(draw({}));
    assert.ok(draw({ seed: 0xffffffff }));
    for (const bad of [{ size: 0 }, { size: 2.5 }, { seed: -1 }, { seed: 2 ** 32 }, { selector: '' }]) assert.equal(draw(bad), false, JSON.stringify(bad));
    assert.ok(parseRequestResult('drawAudit', { id: 'audit-1' }).ok);
    assert.equal(parseRequestResult('drawAudit', {}).ok, false);
  });
});
