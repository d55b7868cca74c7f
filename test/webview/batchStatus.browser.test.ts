// The batch widget in the real panel bundle (Chromium): a batch run's phase, shards, requests and
// cost at the batch prices under the run bar while it executes; "—" with the reason while no cost is
// known; hidden when the execution ends.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { HostMessage, HostNotificationParams } from '../../src/protocol/panelProtocol';
import { postToPanel, screenshotPath, startHarness, type PanelServer } from './browserHarness';

// Browser globals used inside page.evaluate callbacks, which run in Chromium (the test program has no DOM lib).
interface PageNode {
  textContent: string | null;
  matches(selector: string): boolean;
}
declare const document: { querySelector(selector: string): PageNode | null; querySelectorAll(selector: string): ArrayLike<PageNode> };

describe('panel: batch progress', function () {
  this.timeout(120000);
  let server: PanelServer;
  let browser: Browser;
  let close: () => Promise<void>;
  before(async () => ({ server, browser, close } = await startHarness()));
  after(async () => close?.());

  const batch = (progress: HostNotificationParams['batch']['progress']): HostMessage => ({ kind: 'notify', method: 'batch', params: { progress } });
  const cells = (page: Page): Promise<(string | null)[]> => page.evaluate(() => Array.from(document.querySelectorAll('[data-role=batch] tbody td'), (td) => td.textContent));

  it('shows where the batches stand as phases land, the cost or why there is none, and hides when the run stops', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 700 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.waitForFunction(() => (globalThis as unknown as { __posted: { method: string }[] }).__posted.some((m) => m.method === 'ready'));
    await postToPanel(page, [{ kind: 'notify', method: 'init', params: { run: { id: 'run-batch', model: 'openai:m@http://h/v1', tasks: 'tasks.jsonl', n: 4, verifiers: ['mc', 'tournament'], filter: 'quantile:0.8' }, mode: 'gap' } }]);
    assert.equal(await page.locator('[data-role=batch]').isHidden(), true);

    const phase1 = { phase: 1, stages: { generation: 4 }, shards: { toSubmit: 0, submitted: 1, inProgress: 0, done: 0, failed: 0 }, requests: { total: 4, done: 0 }, cost: { amount: null, why: 'no batch has been downloaded yet' } } as const;
    await postToPanel(page, [batch(phase1)]);
    await page.waitForFunction(() => document.querySelector('[data-role=batch]')?.matches(':not([hidden])') === true);
    assert.deepEqual(await cells(page), ['1 (generation 4)', '0', '1', '0', '0', '0', '0/4', '—']);
    assert.equal(await page.locator('[data-role=batch] tbody td').nth(7).getAttribute('title'), 'no batch has been downloaded yet');

    await postToPanel(page, [batch({ phase: 2, stages: { mc: 16, tournament: 8 }, shards: { toSubmit: 1, submitted: 0, inProgress: 2, done: 1, failed: 1 }, requests: { total: 24, done: 9 }, cost: { amount: 0.0123, currency: 'USD', text: '0.0123 USD' } })]);
    await page.waitForFunction(() => document.querySelector('[data-role=batch] tbody td')?.textContent?.startsWith('2') === true);
    assert.deepEqual(await cells(page), ['2 (mc 16, tournament 8)', '1', '0', '2', '1', '1', '9/24', '0.0123 USD at batch prices']);
    await page.screenshot({ path: screenshotPath('panel-batch'), fullPage: false });

    await postToPanel(page, [batch(null)]);
    await page.waitForFunction(() => document.querySelector('[data-role=batch]')?.matches('[hidden]') === true);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
