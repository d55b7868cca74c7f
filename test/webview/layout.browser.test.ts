// The panel's layout in headless Chromium at an editor group's widths (480, 700 and 1400 px) with four
// verifiers: no sideways page scroll, the label column in view, the column header inside the table's
// box (not painted over the detail pane), the sample Next Disagreement selects fully visible. Also the
// words of issue 14: a starting run is neutral, and exp:β speaks of weights, not kept/dropped.
// Screenshots land in test-results/ for a person to check.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { HostMessage, SampleRow, TaskInfo } from '../../src/protocol/panelProtocol';
import { posted, postToPanel, screenshotPath, startHarness } from './browserHarness';
import { buildRows, coverageOf } from './sampleRows';

// Browser globals used inside page.evaluate callbacks (the test program has no DOM lib).
interface Rect {
  left: number;
  right: number;
  top: number;
  bottom: number;
}
interface PageNode {
  textContent: string | null;
  className: string;
  clientHeight: number;
  getBoundingClientRect(): Rect;
}
declare const document: {
  documentElement: { scrollWidth: number; clientWidth: number };
  querySelector(selector: string): PageNode | null;
  querySelectorAll(selector: string): ArrayLike<PageNode>;
};
declare const window: { innerWidth: number; innerHeight: number };
declare function requestAnimationFrame(callback: () => void): number;
declare function getComputedStyle(node: unknown): { overflowY: string };

const VERIFIERS = ['mc', 'cot-score', 'cot-binary', 'tournament'];
const RUN = { id: 'run-layout', model: 'a-model-with-a-rather-long-name-7b-instruct-q4_k_m', tasks: 'builtin:test', n: 8, verifiers: VERIFIERS, filter: 'quantile:0.5' };
const WIDTHS = [480, 700, 1400];

function messages(run: typeof RUN, data: { tasks: TaskInfo[]; rows: SampleRow[] }, hiddenColumns?: string[]): HostMessage[] {
  return [
    { kind: 'notify', method: 'init', params: { run, mode: 'gap', ...(hiddenColumns ? { hiddenColumns } : {}) } },
    { kind: 'notify', method: 'samples', params: data },
    { kind: 'notify', method: 'runState', params: { coverage: coverageOf(data.tasks, data.rows, run), live: false } },
    { kind: 'notify', method: 'progress', params: { done: data.rows.length, total: data.rows.length, status: 'done' } },
  ];
}

async function frames(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}

/** The measurements every width must pass. */
async function layout(page: Page): Promise<{ scrollWidth: number; clientWidth: number; label: Rect; header: Rect; table: Rect; detail: Rect; innerWidth: number }> {
  // No named function inside: the test's transpiler would wrap it in a helper the page does not have.
  return page.evaluate(() => {
    const [header, table, detail] = ['.column-header', '.sample-table', '[data-role=detail]'].map((selector) => {
      const r = (document.querySelector(selector) as PageNode).getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    }) as [Rect, Rect, Rect];
    const headers = Array.from(document.querySelectorAll('.column-header .cell'));
    const label = headers[headers.length - 1] as PageNode;
    const l = label.getBoundingClientRect();
    return {
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
      label: { left: l.left, right: l.right, top: l.top, bottom: l.bottom, text: label.textContent } as Rect,
      header,
      table,
      detail,
      innerWidth: window.innerWidth,
    };
  });
}

/** The selected line's box against the table scroller's visible box and the window. */
async function selectedVisibility(page: Page): Promise<{ row: Rect; box: Rect; innerHeight: number }> {
  return page.evaluate(() => {
    const row = (document.querySelector('.line.sample.selected') as PageNode).getBoundingClientRect();
    const scroller = document.querySelector('[data-role=table-scroll]') as PageNode;
    const s = scroller.getBoundingClientRect();
    // clientHeight: the scroller's inside without a horizontal scrollbar, if it had one.
    return { row: { left: row.left, right: row.right, top: row.top, bottom: row.bottom }, box: { left: s.left, right: s.right, top: s.top, bottom: s.top + scroller.clientHeight }, innerHeight: window.innerHeight };
  });
}

describe('gap panel layout in headless Chromium', function () {
  this.timeout(90_000);
  let harness: Awaited<ReturnType<typeof startHarness>>;
  const data = buildRows({ tasks: 40, n: 8, verifiers: VERIFIERS, seed: 11 });

  before(async () => {
    harness = await startHarness();
  });

  after(async () => {
    await harness?.close();
  });

  async function open(width: number, run = RUN, rows = data, hiddenColumns?: string[]): Promise<Page> {
    const page = await harness.browser.newPage({ viewport: { width, height: 900 } });
    await page.goto(harness.server.url);
    await page.waitForFunction(() => (globalThis as unknown as { __posted: { method: string }[] }).__posted.some((m) => m.method === 'ready'));
    await postToPanel(page, messages(run, rows, hiddenColumns));
    await page.waitForFunction((n) => document.querySelector('[data-role=table-count]')?.textContent === `${n} of ${n} samples`, rows.rows.length);
    await frames(page);
    return page;
  }

  for (const width of WIDTHS) {
    it(`at ${width} px with 4 verifiers: no sideways scroll, the label column in view, the header inside the table, Next Disagreement's row fully visible`, async () => {
      const page = await open(width);
      try {
        const before = await layout(page);
        assert.ok(before.scrollWidth <= before.clientWidth, `the page scrolls sideways: scrollWidth ${before.scrollWidth} > clientWidth ${before.clientWidth}`);
        assert.equal((before.label as Rect & { text?: string }).text, 'label');
        assert.ok(before.label.right <= before.table.right + 0.5 && before.label.left >= before.table.left, `label column outside the table: ${JSON.stringify(before.label)} vs ${JSON.stringify(before.table)}`);
        assert.ok(before.label.right <= before.innerWidth, 'label column off-screen');
        assert.ok(before.header.right <= before.table.right + 0.5, 'the column header is wider than the table');
        const beside = before.detail.top < before.table.bottom;
        if (beside) assert.ok(before.header.right <= before.detail.left, 'the column header is painted over the detail pane');
        else assert.ok(before.detail.top >= before.table.bottom, 'the detail pane overlaps the table');
        if (width < 1000) assert.ok(!beside, `at ${width} px the detail pane goes below the table`);

        // Next Disagreement, several times, from the top: each selected row entirely inside the scroller's visible part and the window.
        for (let i = 0; i < 12; i++) {
          await page.keyboard.press('n');
          await frames(page);
          const { row, box, innerHeight } = await selectedVisibility(page);
          assert.ok(row.top >= box.top - 0.5 && row.bottom <= box.bottom + 0.5, `press ${i + 1}: row ${JSON.stringify(row)} not inside the table's visible box ${JSON.stringify(box)}`);
          assert.ok(row.top >= -0.5 && row.bottom <= innerHeight + 0.5, `press ${i + 1}: row outside the window`);
        }
        const after = await layout(page);
        assert.ok(after.scrollWidth <= after.clientWidth, `with a sample shown the page scrolls sideways: ${after.scrollWidth} > ${after.clientWidth}`);
        await page.screenshot({ path: screenshotPath(`panel-layout-${width}`), fullPage: true });
      } finally {
        await page.close();
      }
    });
  }

  it('lets the user hide a verifier column; the table re-fits and keeps the label column', async () => {
    const page = await open(1400);
    try {
      const titles = async (): Promise<string[]> => page.evaluate(() => Array.from(document.querySelectorAll('.column-header .cell')).map((c) => c.textContent ?? ''));
      assert.deepEqual(await titles(), ['#', 'answer', 'checker', ...VERIFIERS, 'filter', 'disagreement', 'label']);
      await page.locator('[data-role=columns-menu] summary').click();
      await page.locator('[data-column="cot-score"]').click();
      await frames(page);
      assert.deepEqual(await titles(), ['#', 'answer', 'checker', 'mc', 'cot-binary', 'tournament', 'filter', 'disagreement', 'label']);
      const cells = await page.evaluate(() => (document.querySelector('.line.sample') as unknown as { children: ArrayLike<unknown> }).children.length);
      assert.equal(cells, 9, 'every line has as many cells as the header');
    } finally {
      await page.close();
    }
  });

  it('keeps hidden columns hidden when the panel is opened again: it tells the host, whose next init carries them back', async () => {
    const titles = (page: Page): Promise<string[]> => page.evaluate(() => Array.from(document.querySelectorAll('.column-header .cell')).map((c) => c.textContent ?? ''));
    const menu = (page: Page): Promise<void> => page.locator('[data-role=columns-menu]').evaluate((node) => void ((node as unknown as { open: boolean }).open = true));
    const hide = async (page: Page, column: string): Promise<void> => {
      await menu(page);
      await page.locator(`[data-column="${column}"]`).click();
      await frames(page);
    };
    const told = async (page: Page): Promise<unknown[]> => (await posted(page)).filter((m) => m.method === 'columnsChanged').map((m) => m.params);
    const first = await open(1400);
    try {
      await hide(first, 'cot-score');
      await hide(first, 'tournament');
      assert.deepEqual(await told(first), [{ hidden: ['cot-score'] }, { hidden: ['cot-score', 'tournament'] }]);
    } finally {
      await first.close();
    }
    // A new webview (the panel reopened, or VS Code restarted) knows nothing: the host's init says what is hidden.
    const again = await open(1400, RUN, data, ['cot-score', 'tournament']);
    try {
      assert.deepEqual(await titles(again), ['#', 'answer', 'checker', 'mc', 'cot-binary', 'filter', 'disagreement', 'label']);
      await menu(again);
      const checked = await again.evaluate(() => Array.from(document.querySelectorAll('[data-column]')).map((box) => `${(box as unknown as { getAttribute(n: string): string }).getAttribute('data-column')} ${(box as unknown as { checked: boolean }).checked}`));
      assert.deepEqual(checked, ['mc true', 'cot-score false', 'cot-binary true', 'tournament false']);
      // Showing one again is remembered too.
      await again.locator('[data-column="tournament"]').click();
      await frames(again);
      assert.deepEqual(await told(again), [{ hidden: ['cot-score'] }]);
      assert.deepEqual(await titles(again), ['#', 'answer', 'checker', 'mc', 'cot-binary', 'tournament', 'filter', 'disagreement', 'label']);
    } finally {
      await again.close();
    }
  });

  it('says "checker" for the grade, and shows the judged part of a verifier prompt first with the few-shot examples collapsed', async () => {
    // task-01 asks "What is 1 + 10?" (sampleRows.ts); the example before it is the few-shot preamble.
    const judged = 'Question: What is 1 + 10?\nResponse: The answer is 11.\nJudgement:';
    const prompt = `Question: What is 2 + 2?\nResponse: 4\nJudgement: Correct\n\n${judged}`;
    const rows = { tasks: data.tasks, rows: data.rows.map((r) => (r.task === 'task-01' ? { ...r, verifications: r.verifications.map((v) => ({ ...v, prompt })) } : r)) };
    const page = await open(1400, RUN, rows);
    try {
      await page.locator('.line.sample[data-task="task-01"][data-index="0"]').dispatchEvent('click');
      await page.waitForSelector('[data-role=checker-pill]');
      assert.match((await page.locator('[data-role=checker-pill]').textContent()) ?? '', /^checker [✓✗]/);
      const box = page.locator('vscode-collapsible[data-verifier="mc"]');
      await box.evaluate((node) => ((node as unknown as { open: boolean }).open = true));
      assert.equal(await box.locator('pre.prompt:not(.preamble)').textContent(), judged);
      assert.equal(await box.locator('[data-role=prompt-preamble]').getAttribute('open'), null, 'the few-shot examples start collapsed');
      assert.equal(await box.locator('pre.prompt:not(.preamble)').evaluate((node) => getComputedStyle(node).overflowY), 'visible', 'no scroller of its own');
    } finally {
      await page.close();
    }
  });

  it('under exp:β shows weights and the effective sample size, and no weight-0 sample "kept but wrong"', async () => {
    const page = await open(1400, { ...RUN, filter: 'exp:0.05' });
    try {
      const confusion = await page.evaluate(() => Array.from(document.querySelectorAll('[data-role=confusion] .confusion-label')).map((c) => c.textContent));
      assert.deepEqual(confusion, ['weight on ✓', 'weight on ✗', 'ESS (Kish)']);
      assert.match((await page.locator('[data-stat=ess]').textContent()) ?? '', /^\d+\.\d of 320$/);
      const badges = await page.evaluate(() => Array.from(document.querySelectorAll('.line.sample')).map((l) => [l.className, (l as unknown as { children: ArrayLike<PageNode> }).children]).length);
      assert.ok(badges > 0);
      const texts = await page.evaluate(() => Array.from(document.querySelectorAll('.line.sample .badge-cell')).map((c) => c.textContent ?? ''));
      assert.ok(!texts.some((t) => t === 'kept but wrong' || t === 'dropped but correct'), 'binary words under a weighted filter');
      await page.keyboard.press('n');
      await frames(page);
      const filterPill = (await page.locator('[data-role=filter-pill]').textContent()) ?? '';
      const weight = Number(/^filter w (\d\.\d{4})$/.exec(filterPill)?.[1]);
      const checker = (await page.locator('[data-role=checker-pill]').textContent()) ?? '';
      // Next Disagreement lands on a wrong sample with weight ≥ ½ or a correct one with weight < ½.
      assert.ok(checker.includes('✗') ? weight >= 0.5 : weight < 0.5, `${checker} with ${filterPill}`);
    } finally {
      await page.close();
    }
  });

  it('a run that is starting (nothing graded, a writer adding records) shows a neutral "starting…", not a warning', async () => {
    const page = await harness.browser.newPage({ viewport: { width: 700, height: 900 } });
    try {
      await page.goto(harness.server.url);
      await page.waitForFunction(() => (globalThis as unknown as { __posted: { method: string }[] }).__posted.some((m) => m.method === 'ready'));
      const empty = { tasks: data.tasks, rows: [] };
      await postToPanel(page, [
        { kind: 'notify', method: 'init', params: { run: RUN, mode: 'gap' } },
        { kind: 'notify', method: 'samples', params: empty },
        { kind: 'notify', method: 'runState', params: { coverage: coverageOf(data.tasks, [], RUN), live: true } },
        { kind: 'notify', method: 'progress', params: { done: 0, total: 320, status: 'running' } },
      ]);
      await page.waitForFunction(() => document.querySelector('[data-role=stats-notice]')?.textContent === 'Starting… nothing graded yet.');
      const classes = await page.evaluate(() => [document.querySelector('[data-role=stats-notice]')?.className, document.querySelector('[data-role=rests-on]')?.className]);
      assert.match(classes[0] ?? '', /\bstarting\b/);
      assert.doesNotMatch(classes[1] ?? '', /\bwarn\b/);
      await page.screenshot({ path: screenshotPath('panel-starting') });
    } finally {
      await page.close();
    }
  });
});
