import assert from 'node:assert/strict';
import { renderHtmlReport } from '../../../src/core/report/html';
import type { AnnotationRecord, HumanVerdict } from '../../../src/core/runs/records';
import { auditOf, drawNewAudit } from '../../../src/core/stats/audit';
import { buildPool } from '../../../src/core/stats/pool';
import type { ScoredSample } from '../../../src/core/stats/types';
import { handInput } from './fixtures';
import { ALLOWED_TAGS, balanceProblems, tags } from './markupCheck';

// Two tasks: A checker [1,1,0,0] mc [0.9,0.2,0.8,0.1]; B checker [1,0] mc [0.7,0.3]; threshold 0.5, a census.
const SAMPLES: ScoredSample[] = [
  { task: 'A', index: 0, correct: true, scores: { mc: 0.9 } },
  { task: 'A', index: 1, correct: true, scores: { mc: 0.2 } },
  { task: 'A', index: 2, correct: false, scores: { mc: 0.8 } },
  { task: 'A', index: 3, correct: false, scores: { mc: 0.1 } },
  { task: 'B', index: 0, correct: true, scores: { mc: 0.7 } },
  { task: 'B', index: 1, correct: false, scores: { mc: 0.3 } },
];
const DATA = buildPool(SAMPLES);
const FILE = drawNewAudit(DATA, { id: 'audit-<1>', seed: 1, size: 6, selector: 'mc', filter: 'threshold:0.5' }, new Date('2026-11-24T10:00:00.000Z'));

function labels(verdict: (s: ScoredSample) => HumanVerdict): AnnotationRecord[] {
  return FILE.samples.map((d) => {
    const s = SAMPLES.find((x) => x.task === d.task && x.index === d.index) as ScoredSample;
    return { v: 2, task: d.task, index: d.index, human: verdict(s), audit: { id: FILE.id, stratum: d.stratum }, note: '', at: '2026-11-24T10:01:00.000Z' };
  });
}

function page(audit: ReturnType<typeof auditOf> | null): string {
  const input = handInput();
  return renderHtmlReport({ ...input, assessed: { ...input.assessed, audit } });
}

function auditMarkup(html: string): string {
  const start = html.indexOf('<section id="audit">');
  assert.ok(start >= 0, 'no audit section');
  return html.slice(start, html.indexOf('</section>', start));
}

describe('HTML report: the audit section', () => {
  it('shows the strata, κ with its base rates and the corrected statistics with intervals (census, hand-computed)', () => {
    // Human [1,0,1,0 | 1,0]: the checker is wrong on A#1 and A#2. Checker κ 1/3, verifier κ 1; corrected gap 0.5.
    const human = new Map([['A#1', 'incorrect'], ['A#2', 'correct']]);
    const audit = auditOf(DATA, FILE, labels((s) => (human.get(`${s.task}#${s.index}`) as HumanVerdict | undefined) ?? (s.correct ? 'correct' : 'incorrect')), { resamples: 50, seed: 0, level: 0.95 });
    const html = page(audit);
    const section = auditMarkup(html);
    assert.ok(html.includes('<a href="#audit">Audit</a>'));
    assert.ok(section.includes('Audit <code>audit-&lt;1&gt;</code>'), 'the id is escaped');
    assert.ok(section.includes('6 of 6 drawn samples labelled (6 samples in the run): every estimate below rests on these 6 labels.'));
    assert.ok(section.includes('<tr><td class="text">kept-correct</td><td>2</td><td>2</td><td>2</td><td>2</td></tr>'));
    assert.ok(section.includes('<tr><td class="text">dropped-correct</td><td>1</td><td>1</td><td>1</td><td>0</td></tr>'));
    assert.match(section, /<tr><td class="text">verifier \(kept = correct\)<\/td><td>1\.0000<div class="muted">\[1\.0000, 1\.0000\]<\/div><\/td><td>100\.00 %/);
    assert.match(section, /<tr><td class="text">checker<\/td><td>0\.3333<div class="muted">\[0\.3333, 0\.3333\]<\/div><\/td><td>66\.67 %/);
    assert.match(section, /<tr><td class="text">gap<\/td><td>\+25\.00 pp<div class="muted">\[[^\]]*\] pp<\/div><\/td><td>\+25\.00 pp<div class="muted">\[\+25\.00, \+25\.00\] pp<\/div><\/td><td>\+50\.00 pp/);
    assert.deepEqual(balanceProblems(html), []);
    for (const tag of tags(html)) assert.ok(ALLOWED_TAGS.has(tag.name), tag.source);
  });

  it('says why an estimate is missing: κ undefined, no label yet, the audit unavailable; no section without an audit', () => {
    const noLabel = auditOf(DATA, FILE, [], { resamples: 0, seed: 0, level: 0.95 });
    assert.match(auditMarkup(page(noLabel)), /No estimate yet: stratum kept-correct has no label yet \(2 drawn of 2\)/);
    const stale = auditOf(DATA, { ...FILE, strata: [3, 3, 0, 0] }, [], { resamples: 0, seed: 0, level: 0.95 });
    assert.match(auditMarkup(page(stale)), /Not available: the run(&#39;|')s samples are not those the audit was drawn from/);

    const everyKept = drawNewAudit(DATA, { ...FILE, filter: 'threshold:0' }, new Date('2026-11-24T10:00:00.000Z'));
    const annotations = everyKept.samples.map((d): AnnotationRecord => ({ v: 2, task: d.task, index: d.index, human: 'correct', audit: { id: everyKept.id, stratum: d.stratum }, note: '', at: '2026-11-24T10:01:00.000Z' }));
    const kappaNull = auditMarkup(page(auditOf(DATA, everyKept, annotations, { resamples: 0, seed: 0, level: 0.95 })));
    assert.ok(kappaNull.includes('<td><span class="na" title="undefined: the verifier calls every sample correct and so does every label (chance agreement 1)">—</span></td>'), kappaNull);
    assert.ok(!page(null).includes('id="audit"'));
    assert.ok(!page(null).includes('href="#audit"'));
  });
});
