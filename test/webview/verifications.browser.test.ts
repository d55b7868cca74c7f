// The verification curve in the real panel bundle (Chromium): for a run drawing K verifications per
// sample, the gap and AUROC at every k as charts and a table whose cells are the report's
// (verificationCells of the curve the panel's model computes); "—" with the reason where a value is
// undefined, never 0; no figure for a run drawing one verification per sample.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { parseFilter, parseSelector } from '../../src/core/filter/parse';
import { NO_AUROC, NO_RELATIVE_GAP, noCurveText, verificationCells } from '../../src/core/report/verificationSection';
import { DEFAULT_BOOTSTRAP } from '../../src/core/stats/bootstrap';
import { toSampleColumns, type HostMessage, type SampleRow } from '../../src/protocol/panelProtocol';
import { MISSING_SCORE } from '../../src/core/filter/columns';
import { applyFilter, verificationCurveOf } from '../../webview/model/analysis';
import { buildDataset } from '../../webview/model/dataset';
import { postToPanel, screenshotPath, startHarness, type PanelServer } from './browserHarness';
import { storeFromMessages } from './storeFixtures';

// Browser globals used inside page.evaluate callbacks, which run in Chromium (the test program has no DOM lib).
interface PageNode {
  textContent: string | null;
  getAttribute(name: string): string | null;
  matches(selector: string): boolean;
  closest(selector: string): PageNode | null;
}
declare const document: { querySelector(selector: string): PageNode | null; querySelectorAll(selector: string): ArrayLike<PageNode> };

const K = 3;
const FILTER = 'quantile:0.5';
const TASKS = 6;
const N = 4;

/** Task t's sample i with K cot-score draws; `correct` decides its grade. */
function row(t: number, i: number, correct: (t: number, i: number) => boolean): SampleRow {
  const draws = Array.from({ length: K }, (_, d) => (d === 1 && (t + i) % 5 === 0 ? null : ((t * 7 + i * 3 + d * 5) % 10) / 9));
  const scored = draws.filter((s): s is number => s !== null);
  const score = scored.reduce((a, b) => a + b, 0) / scored.length;
  return {
    task: `t${t}`, index: i, text: `answer ${i}`, correct: correct(t, i), extracted: String(i), normalized: String(i), gradeReason: 'r',
    verifications: [{ verifier: 'cot-score', score, parse: 'ok', prompt: 'p', raw: 'r', detail: { drawScores: draws } }],
  };
}

/** A finished run as the host snapshots it: the rows as columns (the draws with them). */
function snapshot(id: string, correct: (t: number, i: number) => boolean, drawn = true): HostMessage[] {
  const rows = Array.from({ length: TASKS * N }, (_, r) => row(Math.floor(r / N), r % N, correct));
  const sent = drawn ? rows : rows.map((r) => ({ ...r, verifications: r.verifications.map(({ detail: _draws, ...v }) => v) }));
  return [
    { kind: 'notify', method: 'init', params: { run: { id, model: 'm', tasks: 'tasks.jsonl', n: N, verifiers: ['cot-score'], filter: FILTER }, mode: 'gap' } },
    { kind: 'notify', method: 'sampleTable', params: { tasks: Array.from({ length: TASKS }, (_, t) => ({ id: `t${t}`, question: `q${t}`, gold: ['1'], grader: 'exact' })), columns: toSampleColumns(sent) } },
    { kind: 'notify', method: 'progress', params: { done: rows.length, total: rows.length, status: 'done' } },
  ];
}

/** The table the panel must show for these messages: the report's cells of the curve its model computes. */
function expectedRows(messages: HostMessage[]): { cells: (string | null)[]; titles: string[] }[] {
  const ds = buildDataset(storeFromMessages(messages), false);
  const curve = verificationCurveOf(ds, applyFilter(ds, parseSelector('cot-score'), parseFilter(FILTER)));
  assert.ok(curve);
  return curve.points.map((p) => {
    const c = verificationCells(curve, p, ds.graded.tasks.length, DEFAULT_BOOTSTRAP.resamples);
    return { cells: [String(p.k), c.filteredAccuracy, c.gap, c.gapInterval, c.relativeGap ?? '—', c.auroc ?? '—', c.how], titles: [c.relativeGap === null ? NO_RELATIVE_GAP : '', c.auroc === null ? NO_AUROC : ''] };
  });
}

async function shownRows(page: Page): Promise<{ cells: (string | null)[]; titles: string[] }[]> {
  await page.waitForFunction((k) => document.querySelectorAll('[data-role=verifications-table] tbody tr').length === k, K);
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('[data-role=verifications-table] tbody tr'), (tr) => {
      // No named helper in here: the test's transpiler would wrap it in a function the page lacks.
      const cells = Array.from((tr as unknown as { querySelectorAll(s: string): ArrayLike<PageNode> }).querySelectorAll('td'));
      const titles = ['relativeGap', 'auroc'].map((role) => cells.find((td) => td.getAttribute('data-verification') === role)?.getAttribute('title') ?? '');
      return { cells: cells.map((td) => td.textContent), titles };
    }),
  );
}

describe('panel: the verification curve', function () {
  this.timeout(120000);
  let server: PanelServer;
  let browser: Browser;
  let close: () => Promise<void>;
  before(async () => ({ server, browser, close } = await startHarness()));
  after(async () => close?.());

  async function open(messages: HostMessage[]): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1600 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.waitForFunction(() => (globalThis as unknown as { __posted: { method: string }[] }).__posted.some((m) => m.method === 'ready'));
    await postToPanel(page, messages);
    return { page, errors };
  }

  it('shows gap@k and AUROC@k for k = 1 … K as two charts and the report\'s table', async () => {
    const messages = snapshot('run-k3', (t, i) => (t + i * 2) % 3 !== 0);
    const { page, errors } = await open(messages);
    const expected = expectedRows(messages);
    assert.deepEqual(await shownRows(page), expected);
    assert.ok(expected.every((r) => r.cells[5] !== '—'), 'every AUROC measured here');
    assert.equal(await page.locator('[data-chart=verifications] svg.chart').count(), 2);
    assert.equal(await page.locator('[data-chart=verifications] circle[data-k]').count(), K, 'a gap point per k');
    await page.locator('[data-chart=verifications]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('panel-verifications'), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('shows "—" with the reason where AUROC and the relative gap are undefined, never 0', async () => {
    // Every sample correct: no incorrect sample to rank (AUROC), no task with room to improve (relative gap).
    const { page, errors } = await open(snapshot('run-all-correct', () => true));
    const rows = await shownRows(page);
    for (const r of rows) {
      assert.deepEqual([r.cells[4], r.cells[5]], ['—', '—']);
      assert.deepEqual(r.titles, [NO_RELATIVE_GAP, NO_AUROC]);
    }
    assert.equal(await page.locator('[data-chart=verifications] svg.chart').nth(1).locator('circle').count(), 0, 'no AUROC point');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('shows "—" and why, no table, when no draw scored (every k without a scored sample)', async () => {
    const messages = snapshot('run-unparsed', (t, i) => (t + i) % 2 === 0).map((m) => {
      if (m.kind !== 'notify' || m.method !== 'sampleTable') return m;
      const { columns } = m.params;
      const none = (): Float64Array => new Float64Array(columns.index.length).fill(MISSING_SCORE);
      return { ...m, params: { ...m.params, columns: { ...columns, scores: { 'cot-score': none() }, draws: { 'cot-score': (columns.draws?.['cot-score'] ?? []).map(none) } } } };
    });
    const { page, errors } = await open(messages);
    await page.waitForFunction(() => document.querySelector('[data-role=verifications-none]') !== null);
    assert.equal(await page.locator('[data-role=verifications-none]').textContent(), noCurveText());
    assert.match(noCurveText(), /^— Not measured: .*scored nothing\.$/);
    assert.equal(await page.locator('[data-role=verifications-table]').count(), 0);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('has no verification figure for a run drawing one verification per sample', async () => {
    const { page, errors } = await open(snapshot('run-k1', (t, i) => (t + i) % 2 === 0, false));
    await page.waitForFunction(() => document.querySelector('[data-chart=curves] svg') !== null);
    assert.equal(await page.locator('[data-chart=verifications]').isHidden(), true);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
