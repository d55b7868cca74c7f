// The panel's Audit part in headless Chromium under the extension's HTML shell and CSP: drawing an audit,
// walking the drawn samples in labelling order, labelling them, and showing what the host computed.
// The host's messages are made with the same core code the extension uses.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { AnnotationRecord } from '../../src/core/runs/records';
import { formatPoints } from '../../src/core/report/numbers';
import { auditOf, drawNewAudit } from '../../src/core/stats/audit';
import { DEFAULT_BOOTSTRAP } from '../../src/core/stats/bootstrap';
import { buildPool } from '../../src/core/stats/pool';
import { toSampleColumns, type HostMessage } from '../../src/protocol/panelProtocol';
import { postToPanel, posted, screenshotPath, startHarness } from './browserHarness';
import { buildRows, coverageOf, toScored } from './sampleRows';

interface PageNode {
  textContent: string | null;
}
declare const document: { querySelector(selector: string): PageNode | null };

const VERIFIERS = ['mc'];
const RUN = { id: 'run-audit', model: 'tiny-model', tasks: 'builtin:test', n: 6, verifiers: VERIFIERS, filter: 'quantile:0.5' };
const { tasks, rows } = buildRows({ tasks: 12, n: 6, verifiers: VERIFIERS, seed: 3, parseFailures: 0 });
const DATA = { ...buildPool(toScored(rows)), verifiers: VERIFIERS };
const FILE = drawNewAudit(DATA, { id: 'audit-2026-11-24T10:00:00.000Z', seed: 5, size: 8, selector: 'mc', filter: 'quantile:0.5' }, new Date('2026-11-24T10:00:00.000Z'));

function auditMessage(annotations: AnnotationRecord[]): HostMessage {
  return { kind: 'notify', method: 'audit', params: { audit: { file: FILE, report: auditOf(DATA, FILE, annotations, DEFAULT_BOOTSTRAP) }, cannotDraw: null } };
}

function snapshot(audit: HostMessage): HostMessage[] {
  return [
    { kind: 'notify', method: 'init', params: { run: RUN, mode: 'gap' } },
    { kind: 'notify', method: 'sampleTable', params: { tasks, columns: toSampleColumns(rows) } },
    { kind: 'notify', method: 'annotations', params: { records: [] } },
    audit,
    { kind: 'notify', method: 'runState', params: { coverage: coverageOf(tasks, rows, RUN), live: false } },
    { kind: 'notify', method: 'progress', params: { done: rows.length, total: rows.length, status: 'done' } },
  ];
}

async function request(page: Page, method: string, nth = 1): Promise<{ id?: number; params: Record<string, unknown> }> {
  await page.waitForFunction(
    ([m, n]) => (globalThis as unknown as { __posted: { kind: string; method: string }[] }).__posted.filter((p) => p.kind === 'request' && p.method === m).length >= (n as number),
    [method, nth] as const,
  );
  return (await posted(page)).filter((p) => p.kind === 'request' && p.method === method)[nth - 1] as { id?: number; params: Record<string, unknown> };
}

async function text(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).first().textContent()) ?? '';
}

describe('gap panel: the Audit part in headless Chromium', function () {
  this.timeout(60_000);
  let harness: Awaited<ReturnType<typeof startHarness>>;
  before(async () => (harness = await startHarness()));
  after(async () => harness?.close());

  async function open(audit: HostMessage): Promise<Page> {
    const page = await harness.browser.newPage({ viewport: { width: 1400, height: 1200 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(harness.server.url);
    await page.waitForFunction(() => (globalThis as unknown as { __posted: { method: string }[] }).__posted.some((m) => m.method === 'ready'));
    await postToPanel(page, snapshot(audit));
    await page.locator('[data-role=audit]').evaluate((el) => ((el as unknown as { open: boolean }).open = true));
    assert.deepEqual(errors, []);
    return page;
  }

  it('draws an audit with the panel’s verifier and filter', async () => {
    const page = await open({ kind: 'notify', method: 'audit', params: { audit: null, cannotDraw: null } });
    assert.match(await text(page, '[data-role=audit-summary]'), /^No audit yet\./);
    await page.locator('[data-role=audit-size] input').fill('10');
    await page.locator('[data-role=audit-draw]').click();
    const draw = await request(page, 'drawAudit');
    assert.deepEqual(draw.params, { size: 10, seed: null, selector: 'mc', filter: 'quantile:0.5' });
    await page.locator('[data-role=audit-seed] input').fill('-3');
    await page.locator('[data-role=audit-draw]').click();
    await page.waitForFunction(() => document.querySelector('[data-role=audit-status]')?.textContent?.startsWith('The size is a whole number'));
    await page.close();
  });

  it('walks the drawn samples in labelling order, saves audit labels and shows the host’s estimates', async () => {
    const page = await open(auditMessage([]));
    const drawn = FILE.samples.length;
    assert.equal(await text(page, '[data-role=audit-summary]'), `Audit ${FILE.id}: ${drawn} of ${rows.length} samples drawn with mc, quantile:0.5 (seed 5); 0 of ${drawn} labelled.`);
    assert.match(await text(page, '[data-role=audit-results]'), /No estimate yet: stratum kept-correct has no label yet/);

    // Label next: the first drawn sample; label it, the panel goes on to the second.
    const annotations: AnnotationRecord[] = [];
    for (let i = 0; i < drawn; i++) {
      const s = FILE.samples[i];
      assert.ok(s);
      if (i === 0) await page.locator('[data-role=audit-next]').click();
      await page.waitForFunction((t) => document.querySelector('[data-role=detail-title]')?.textContent === t, `${s.task} · sample #${s.index}`);
      assert.equal(await text(page, '[data-role=audit-position]'), `Sample ${i + 1} of ${drawn}:`);
      if (i === 1) await page.locator('[data-cause="gold-wrong"]').click();
      await page.locator(`[data-role=audit-${i % 3 === 0 ? 'incorrect' : 'correct'}]`).click();
      const saved = await request(page, 'annotate', i + 1);
      const human = i % 3 === 0 ? 'incorrect' : 'correct';
      assert.deepEqual(saved.params, { task: s.task, index: s.index, human, ...(i === 1 ? { cause: 'gold-wrong' } : {}), audit: { id: FILE.id }, note: '' });
      const record: AnnotationRecord = { v: 2, task: s.task, index: s.index, human, ...(i === 1 ? { cause: 'gold-wrong' as const } : {}), audit: { id: FILE.id, stratum: s.stratum }, note: '', at: `2026-11-24T10:0${i}:00.000Z` };
      annotations.push(record);
      await postToPanel(page, [{ kind: 'notify', method: 'annotations', params: { records: [record] } }, auditMessage(annotations), { kind: 'reply', id: saved.id as number, ok: true, result: { record } }]);
      await page.waitForFunction((n) => document.querySelector('[data-role=audit-summary]')?.textContent?.endsWith(`${n} of 8 labelled.`), i + 1);
    }
    const results = await text(page, '[data-role=audit-results]');
    const r = auditOf(DATA, FILE, annotations, DEFAULT_BOOTSTRAP).result;
    assert.ok(r && r.estimatesUnavailable === null, 'every stratum has a label');
    assert.ok(results.includes(`Every estimate rests on the ${drawn} labels of ${drawn} drawn samples (${rows.length} in the run)`), results);
    const gap = r.corrected.gap;
    assert.ok(gap.value !== null);
    assert.ok(results.includes(formatPoints(gap.value)), `the corrected gap ${gap.value} (${formatPoints(gap.value)}) in ${results}`);
    assert.equal(await page.locator('[data-role=audit-list] li').count(), drawn);
    await page.screenshot({ path: screenshotPath('panel-audit'), fullPage: true });
    await page.close();
  });

  it('says why a panel cannot audit (Check Selection)', async () => {
    const page = await open({ kind: 'notify', method: 'audit', params: { audit: null, cannotDraw: 'an audit needs a gold answer for every task, and Check Selection has none' } });
    assert.equal(await text(page, '[data-role=audit-summary]'), 'an audit needs a gold answer for every task, and Check Selection has none');
    assert.equal(await page.locator('[data-role=audit-draw]').isVisible(), false);
    await page.close();
  });
});
