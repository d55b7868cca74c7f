// The real panel bundle in headless Chromium, under the extension's exact HTML shell and CSP, fed
// protocol messages as the host would send them. Screenshots land in test-results/ for a person to check.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { formatFilter, parseFilter, parseSelector } from '../../src/core/filter/parse';
import { notMeasuredReason } from '../../src/core/report/coverageText';
import { formatIn, formatInterval, formatIntervalIn, formatPercent, formatPoints, formatRange, formatRate } from '../../src/core/report/numbers';
import { QUALITY_COLUMNS, qualityValue } from '../../src/core/report/qualityTerms';
import { computeReport } from '../../src/core/stats/report';
import type { GapReport } from '../../src/core/stats/types';
import { toSampleColumns, type HostMessage, type HostNotificationParams, type SampleRow, type TaskInfo } from '../../src/protocol/panelProtocol';
import { buildBundle, launchBrowser, postToPanel, posted, screenshotPath, servePanel, tempDir, type PanelServer } from './browserHarness';
import type { RecordCoverage } from '../../src/core/stats/coverage';
import { buildRows, coverageOf, sampleRow, toScored } from './sampleRows';

// Browser globals used inside page.evaluate callbacks, which run in Chromium (the test program has no DOM lib).
interface PageNode {
  textContent: string | null;
  className: string;
  getAttribute(name: string): string | null;
  matches(selector: string): boolean;
}
declare const document: { querySelector(selector: string): PageNode | null; querySelectorAll(selector: string): ArrayLike<PageNode>; body: PageNode };
declare function requestAnimationFrame(callback: () => void): number;
declare function getComputedStyle(node: PageNode): { backgroundColor: string; color: string };

const IMG_PAYLOAD = '<img src=x onerror=window.__pwned=1>';
const SCRIPT_PAYLOAD = '</script><script>window.__pwned=1</script>';
const VERIFIERS = ['mc', 'cot-score'];
const RUN = { id: 'run-1', model: 'tiny-model', tasks: 'builtin:test', n: 8, verifiers: VERIFIERS, filter: 'quantile:0.5' };

/** 40 synthetic tasks plus one whose question, answer, generation and verifier output try to run script. */
function runData(): { tasks: TaskInfo[]; rows: SampleRow[] } {
  const { tasks, rows } = buildRows({ tasks: 40, n: 8, verifiers: VERIFIERS, seed: 7, parseFailures: 0.05 });
  const hostile = (index: number, payload: string, correct: boolean): SampleRow => ({
    ...sampleRow('zz-hostile', index, correct, payload, [
      { verifier: 'mc', score: correct ? 0.4 : 0.9, parse: 'ok', prompt: `Is this right? ${payload}`, raw: payload },
      { verifier: 'cot-score', score: 0.5, parse: 'ok', prompt: payload, raw: payload, detail: { note: payload } },
    ], `Reasoning… ${payload}`),
    normalized: payload,
    gradeReason: `compared ${payload}`,
  });
  const hostileRows = Array.from({ length: 8 }, (_, i) => hostile(i, i % 2 === 0 ? IMG_PAYLOAD : SCRIPT_PAYLOAD, i < 3));
  return {
    tasks: [...tasks, { id: 'zz-hostile', question: `Say ${SCRIPT_PAYLOAD} ${IMG_PAYLOAD}`, gold: [IMG_PAYLOAD], grader: 'exact' }],
    rows: [...rows, ...hostileRows],
  };
}

/**
 * The host's snapshot as the extension sends it: the run as 'sampleTable' columns in batches (no text or
 * verifier outputs: the panel asks for those with 'sampleDetail'), then one live 'samples' batch of full
 * rows (the hostile task), then the progress, then the tasks with their questions.
 */
function gapMessages(data: { tasks: TaskInfo[]; rows: SampleRow[] }): HostMessage[] {
  const table = data.rows.filter((r) => r.task !== 'zz-hostile');
  const live = data.rows.filter((r) => r.task === 'zz-hostile');
  const batches: HostMessage[] = [];
  for (let at = 0; at < table.length; at += 64) {
    batches.push({ kind: 'notify', method: 'sampleTable', params: { tasks: [], columns: toSampleColumns(table.slice(at, at + 64)) } });
  }
  return [
    { kind: 'notify', method: 'init', params: { run: RUN, mode: 'gap' } },
    ...batches,
    { kind: 'notify', method: 'samples', params: { tasks: [], rows: live } },
    runState(coverageOf(data.tasks, data.rows, RUN), false),
    { kind: 'notify', method: 'progress', params: { done: data.rows.length, total: data.rows.length, status: 'done' } },
    { kind: 'notify', method: 'tasks', params: { tasks: data.tasks } },
  ];
}

function runState(coverage: RecordCoverage, live: boolean): HostMessage {
  return { kind: 'notify', method: 'runState', params: { coverage, live } };
}

/** A run sent as the host sends a live one: init, full rows, its run state, its progress. */
function liveMessages(run: typeof RUN, data: { tasks: TaskInfo[]; rows: SampleRow[] }, live: boolean): HostMessage[] {
  const total = data.tasks.length * run.n;
  return [
    { kind: 'notify', method: 'init', params: { run, mode: 'gap' } },
    { kind: 'notify', method: 'samples', params: data },
    runState(coverageOf(data.tasks, data.rows, run), live),
    { kind: 'notify', method: 'progress', params: { done: data.rows.length, total, status: live ? 'running' : 'cancelled' } },
  ];
}

/** The lines of the header's "what the numbers rest on" block, by role. */
async function restsOnLines(page: Page): Promise<{ warn: boolean; lines: [string, string][] }> {
  return page.evaluate(() => {
    const block = document.querySelector('[data-role=rests-on]') as PageNode;
    const lines = Array.from(document.querySelectorAll('[data-role=rests-on] p')).map((p): [string, string] => [p.getAttribute('data-role') ?? '', p.textContent ?? '']);
    return { warn: / warn\b|^warn\b/.test(block.className), lines };
  });
}

function reportFor(rows: readonly SampleRow[], selector: string, filter: string, flip?: ReadonlySet<string>): GapReport {
  return computeReport(toScored(rows, flip), { selector: parseSelector(selector), filter: parseFilter(filter) });
}

/** The header's texts exactly as the panel must print them for this report. */
function expectedHeader(report: GapReport): Record<string, string> {
  // A statistic that is not measured (null) shows as a dash, as statsView prints it.
  const or = <T>(value: T | null, format: (v: T) => string): string => (value === null ? '—' : format(value));
  return {
    accuracy: formatPercent(report.accuracy),
    filteredAccuracy: or(report.filteredAccuracy, formatPercent),
    gap: or(report.gap, formatPoints),
    relativeGap: or(report.relativeGap, (x) => formatIn(x, 'signed-percent')),
    retention: or(report.retention, formatPercent),
    auroc: or(report.auroc, formatRate),
    keptCorrect: or(report.confusion, (c) => String(c.keptCorrect)),
    keptWrong: or(report.confusion, (c) => String(c.keptWrong)),
    droppedCorrect: or(report.confusion, (c) => String(c.droppedCorrect)),
    droppedWrong: or(report.confusion, (c) => String(c.droppedWrong)),
    'ci:accuracy': formatIntervalIn(report.ci.accuracy, 'percent', report.tasks),
    'ci:filteredAccuracy': or(report.ci.filteredAccuracy, (i) => formatIntervalIn(i, 'percent', report.tasks)),
    'ci:gap': or(report.ci.gap, (i) => formatIntervalIn(i, 'points', report.tasks)),
    'ci:relativeGap': report.ci.relativeGap ? formatIntervalIn(report.ci.relativeGap, 'signed-percent', report.tasks) : '',
    oracleFilteredAccuracy: formatPercent(report.oracle.filteredAccuracy),
    oracleGap: formatPoints(report.oracle.gap),
    'ci:oracleFilteredAccuracy': formatIntervalIn(report.oracle.ci.filteredAccuracy, 'percent', report.tasks),
    'ci:oracleGap': formatIntervalIn(report.oracle.ci.gap, 'points', report.tasks),
  };
}

async function headerTexts(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const out: Record<string, string> = {};
    for (const node of Array.from(document.querySelectorAll('[data-stat]'))) out[node.getAttribute('data-stat') as string] = node.textContent ?? '';
    for (const node of Array.from(document.querySelectorAll('[data-stat-interval]'))) out[`ci:${node.getAttribute('data-stat-interval')}`] = node.textContent ?? '';
    delete out.samples;
    return out;
  });
}

/** Waits until the header (intervals included) shows this report. */
async function expectHeader(page: Page, report: GapReport): Promise<void> {
  const expected = expectedHeader(report);
  try {
    await page.waitForFunction((want) => {
      const nodes = Array.from(document.querySelectorAll('[data-stat], [data-stat-interval]'));
      return Object.entries(want).every(([key, text]) => {
        const attr = key.startsWith('ci:') ? `[data-stat-interval="${key.slice(3)}"]` : `[data-stat="${key}"]`;
        return nodes.some((n) => n.matches(attr) && n.textContent === text);
      });
    }, expected, { timeout: 5000 });
  } catch {
    assert.deepEqual(await headerTexts(page), expected);
  }
}

/** The verifier-quality and any-N sections' texts exactly as the panel must print them for this report. */
function expectedQuality(report: GapReport, coverage: RecordCoverage): Record<string, string> {
  const out: Record<string, string> = {};
  report.verifierQuality.forEach((q, i) => {
    const scoredOf = `${q.selector} scored ${q.scored} of ${q.samples}`;
    const reason = i === 0 ? notMeasuredReason({ verifiers: coverage.verifiers, selector: { selector: q.selector, verifiers: [q.selector], samples: q.samples, scored: q.scored, measured: q.measured, partial: q.partial } }) : '';
    out[`${q.selector}/coverage`] = !q.measured ? `not measured: ${reason}` : q.partial ? `partial: ${scoredOf}` : `${q.scored} of ${q.samples}`;
    for (const c of QUALITY_COLUMNS) {
      const value = qualityValue(q, c.key);
      const ci = q.ci[c.key];
      out[`${q.selector}/${c.key}`] = value === null ? '—' : `${formatRate(value)} ${ci === null ? '—' : formatInterval(ci, false)}`;
    }
  });
  const K = report.passAtK.length;
  if (report.anyN) {
    for (const p of report.anyN.points) {
      out[`k=${p.k}`] = [formatPercent(p.filteredAccuracy), formatPoints(p.gap), p.relativeGap === null ? '—' : formatIn(p.relativeGap, 'signed-percent'), p.exact ? 'exact' : `estimated, ± ${formatIn(p.standardError, 'point-size')}`].join(' | ');
    }
    out.oracle = [
      `pass@${K} ${formatPercent(report.passAtK[K - 1] as number)} (at least one of ${K} correct), pass^${K} ${formatPercent(report.passAllK[K - 1] as number)} (all ${K} correct)`,
      ...(report.bestOfNShortfall === null ? [] : [`Best-of-N shortfall (pass@${K} − best-of-${K}, not the gap): ${formatPoints(report.bestOfNShortfall)} — what answering with the verifier’s favourite of ${K} samples loses against an oracle that picks a correct one whenever there is one.`]),
    ].join('\n');
    const b = report.finiteN.biasCorrected;
    out['bias-aware'] = `Bias-aware gap (2·gap(N) − gap(N/2), half-sample extrapolation): ${
      b === null ? `— (${report.finiteN.biasCorrectedUnavailable ?? ''})` : `${formatPoints(b.gap)}, 95 % CI ${b.ci.gap === null ? '—' : formatRange(b.ci.gap, 'points')}; gap at N/2 ${formatPoints(b.halfSampleGap)}`
    }`;
  }
  if (report.finiteN.warning !== null) out['finite-n'] = report.finiteN.warning;
  return out;
}

/**
 * Defines __qualityTexts() in the page: the texts of its quality and any-N sections, keyed as
 * expectedQuality keys them. (No named function inside: the test's transpiler would wrap it in a helper
 * the page does not have.)
 */
async function installQualityTexts(page: Page): Promise<void> {
  await page.evaluate(() => {
    (globalThis as unknown as { __qualityTexts: () => Record<string, string> }).__qualityTexts = () => {
      const out: Record<string, string> = {};
      type Node = PageNode & { querySelector(s: string): PageNode | null; querySelectorAll(s: string): ArrayLike<Node> };
      for (const row of Array.from(document.querySelectorAll('[data-quality-row]')) as unknown as Node[]) {
        const name = row.getAttribute('data-quality-row') as string;
        for (const cell of Array.from(row.querySelectorAll('[data-quality]'))) {
          const key = cell.getAttribute('data-quality') as string;
          const parts = key === 'coverage' ? [cell.textContent ?? ''] : [cell.querySelector('.q-value')?.textContent ?? '', cell.querySelector('.q-interval')?.textContent ?? ''];
          out[`${name}/${key}`] = parts.filter((t) => t !== '').join(' ');
        }
      }
      for (const row of Array.from(document.querySelectorAll('[data-anyn-k]')) as unknown as Node[]) {
        out[`k=${row.getAttribute('data-anyn-k')}`] = Array.from(row.querySelectorAll('[data-anyn]'))
          .map((cell) => cell.textContent ?? '')
          .join(' | ');
      }
      const oracle = Array.from(document.querySelectorAll('[data-role=oracle]')).map((line) => line.textContent ?? '');
      if (oracle.length > 0) out.oracle = oracle.join('\n');
      const bias = document.querySelector('[data-role=bias-aware]');
      if (bias) out['bias-aware'] = bias.textContent ?? '';
      const warning = document.querySelector('[data-role=anyn-finite-n]');
      if (warning) out['finite-n'] = warning.textContent ?? '';
      return out;
    };
  });
}

async function qualityTexts(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => (globalThis as unknown as { __qualityTexts: () => Record<string, string> }).__qualityTexts());
}

/** Waits until the quality and any-N sections (intervals included) show this report. */
async function expectQuality(page: Page, report: GapReport, coverage: RecordCoverage): Promise<void> {
  const expected = expectedQuality(report, coverage);
  await installQualityTexts(page);
  try {
    await page.waitForFunction((want) => {
      const got = (globalThis as unknown as { __qualityTexts: () => Record<string, string> }).__qualityTexts();
      return Object.keys(want).length === Object.keys(got).length && Object.entries(want).every(([k, v]) => got[k] === v);
    }, expected, { timeout: 20_000 });
  } catch {
    assert.deepEqual(await qualityTexts(page), expected);
  }
}

async function selectedTitle(page: Page): Promise<string> {
  return (await page.locator('[data-role=detail-title]').textContent()) ?? '';
}

/** Scrolls the virtual list top to bottom and collects every sample line it renders. */
async function collectAllSamples(page: Page): Promise<{ seen: Set<string>; maxLinesInDom: number }> {
  const seen = new Set<string>();
  let maxLinesInDom = 0;
  await page.locator('[data-role=table-scroll]').evaluate((el) => (el.scrollTop = 0));
  for (;;) {
    await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
    const step = await page.locator('[data-role=table-scroll]').evaluate((el) => {
      const lines = Array.from(el.querySelectorAll('.line.sample:not([hidden])')) as unknown as PageNode[];
      return {
        keys: lines.map((l) => `${l.getAttribute('data-task')}#${l.getAttribute('data-index')}`),
        inDom: el.querySelectorAll('.line').length,
        atEnd: el.scrollTop + el.clientHeight >= el.scrollHeight - 1,
        height: el.clientHeight,
      };
    });
    step.keys.forEach((k) => seen.add(k));
    maxLinesInDom = Math.max(maxLinesInDom, step.inDom);
    if (step.atEnd) break;
    await page.locator('[data-role=table-scroll]').evaluate((el, h) => (el.scrollTop += h - 30), step.height);
  }
  return { seen, maxLinesInDom };
}

type Posted = Awaited<ReturnType<typeof posted>>[number];

/** Waits for the panel's request of `method` (the n-th one, from 1), and returns it. */
async function waitForRequest(page: Page, method: string, nth = 1): Promise<Posted> {
  await page.waitForFunction(
    ([m, n]) => (globalThis as unknown as { __posted: { kind: string; method: string }[] }).__posted.filter((p) => p.kind === 'request' && p.method === m).length >= (n as number),
    [method, nth] as const,
  );
  return (await posted(page)).filter((p) => p.kind === 'request' && p.method === method)[nth - 1] as Posted;
}

/**
 * Scrolls the virtual list until the sample's line exists, and clicks it — as an event on the element:
 * a pointer click would first scroll it fully into view, and the list then reuses that element for
 * another line.
 */
async function clickSample(page: Page, task: string, index: number): Promise<void> {
  const line = page.locator(`.line.sample[data-task="${task}"][data-index="${index}"]:not([hidden])`);
  await page.locator('[data-role=table-scroll]').evaluate((el) => (el.scrollTop = 0));
  while ((await line.count()) === 0) {
    const atEnd = await page.locator('[data-role=table-scroll]').evaluate((el) => {
      const end = el.scrollTop + el.clientHeight >= el.scrollHeight - 1;
      el.scrollTop += el.clientHeight - 30;
      return end;
    });
    if (atEnd) throw new Error(`no line for ${task} #${index}`);
    await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
  }
  await line.dispatchEvent('click');
}

describe('gap panel in headless Chromium', function () {
  this.timeout(60_000);
  let dir: string;
  let server: PanelServer;
  let browser: Browser;
  let page: Page | undefined;
  let consoleErrors: string[];
  const data = runData();

  before(async () => {
    dir = tempDir();
    server = await servePanel(await buildBundle(dir));
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function openPanel(query = ''): Promise<Page> {
    const opened = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page = opened;
    consoleErrors = [];
    opened.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    opened.on('pageerror', (e) => consoleErrors.push(e.message));
    await opened.goto(server.url + query);
    await waitForReady(opened, 1);
    return opened;
  }

  async function waitForReady(page: Page, count: number): Promise<void> {
    await page.waitForFunction((n) => (globalThis as unknown as { __posted: { method: string }[] }).__posted.filter((m) => m.method === 'ready').length >= n, count);
  }

  async function loadRun(page: Page): Promise<void> {
    await postToPanel(page, gapMessages(data));
    await page.waitForFunction((n) => document.querySelector('[data-role=table-count]')?.textContent === `${n} of ${n} samples`, data.rows.length);
  }

  afterEach(async function () {
    if (!page) return;
    const open = page;
    page = undefined;
    const trouble = await open.evaluate(() => {
      const w = globalThis as unknown as { __violations: string[]; __errors: string[]; __pwned?: unknown };
      return { violations: w.__violations, errors: w.__errors, pwned: w.__pwned, images: document.querySelectorAll('img').length };
    });
    await open.close();
    if (this.currentTest?.state === 'failed') return;
    assert.deepEqual(trouble.violations, [], 'CSP violations');
    assert.deepEqual(trouble.errors, [], 'uncaught errors');
    assert.deepEqual(consoleErrors, [], 'console errors');
    assert.equal(trouble.pwned, undefined, 'model output ran as script');
    assert.equal(trouble.images, 0, 'model output became an <img>');
  });

  it('says ready first, and shows every sample when scrolling the virtual list', async () => {
    const page = await openPanel();
    assert.deepEqual(await posted(page), [{ kind: 'notify', method: 'ready', params: { state: null } }]);
    await loadRun(page);
    const { seen, maxLinesInDom } = await collectAllSamples(page);
    assert.deepEqual([...seen].sort(), data.rows.map((r) => `${r.task}#${r.index}`).sort());
    assert.ok(maxLinesInDom < 80, `${maxLinesInDom} lines in the DOM: the list is not virtualized`);
    await page.locator('[data-role=table-scroll]').evaluate((el) => (el.scrollTop = 0));
    await page.screenshot({ path: screenshotPath('panel-dark'), fullPage: true });
  });

  it("paints a snapshot's samples at its progress, and shows the tasks' questions once the 'tasks' after it arrive", async () => {
    const page = await openPanel();
    const messages = gapMessages(data);
    const paintedBy = messages.findIndex((m) => m.kind === 'notify' && m.method === 'progress') + 1;
    await postToPanel(page, messages.slice(0, paintedBy));
    await page.waitForFunction((n) => document.querySelector('[data-role=table-count]')?.textContent === `${n} of ${n} samples`, data.rows.length);
    const firstTask = data.tasks[0] as TaskInfo;
    const questionCell = page.locator(`.line.task-header[data-task="${firstTask.id}"] > :nth-child(2)`);
    assert.equal(await questionCell.textContent(), '', 'no question before the tasks arrive');
    await postToPanel(page, messages.slice(paintedBy));
    await page.waitForFunction(([id, question]) => document.querySelector(`.line.task-header[data-task="${id}"] > :nth-child(2)`)?.textContent === question, [firstTask.id, firstTask.question]);
  });

  it('prints the statistics computeReport gives for the same samples, and recomputes them when the filter moves', async () => {
    const page = await openPanel();
    await loadRun(page);
    await expectHeader(page, reportFor(data.rows, 'mc', 'quantile:0.5'));

    await page.locator('[data-role=filter-slider]').fill('80');
    await expectHeader(page, reportFor(data.rows, 'mc', 'quantile:0.8'));
    assert.equal(await page.locator('[data-role=filter-text]').evaluate((el) => (el as unknown as { value: string }).value), 'quantile:0.8');

    await page.locator('[data-role=filter-text] input').fill('topk:2');
    await page.locator('[data-role=filter-text] input').press('Enter');
    await expectHeader(page, reportFor(data.rows, 'mc', 'topk:2'));

    // Tick cot-score: the AND ensemble of both verifiers.
    await page.locator('[data-verifier="cot-score"]').click();
    assert.equal(await page.locator('[data-role=selector]').textContent(), 'and(mc,cot-score)');
    await expectHeader(page, reportFor(data.rows, 'and(mc,cot-score)', 'topk:2'));

    await page.locator('[data-role=filter-text] input').fill('threshold:1.5');
    await page.locator('[data-role=filter-text] input').press('Enter');
    assert.match((await page.locator('[data-role=filter-message]').textContent()) ?? '', /τ must be between 0 and 1/);
    await expectHeader(page, reportFor(data.rows, 'and(mc,cot-score)', 'topk:2'));

    // The host hears about the filter (for the status bar and exports).
    await page.waitForFunction(() =>
      (globalThis as unknown as { __posted: { method: string; params: { selector?: string; filter?: string } }[] }).__posted.some(
        (m) => m.method === 'filterChanged' && m.params.selector === 'and(mc,cot-score)' && m.params.filter === 'topk:2',
      ),
    );
  });

  it('shows script-bearing model output as text and runs none of it', async () => {
    const page = await openPanel();
    await loadRun(page);
    await clickSample(page, 'zz-hostile', 0);
    const line = page.locator('.line.sample[data-task="zz-hostile"][data-index="0"]');
    assert.equal(await line.locator('.cell').nth(1).textContent(), IMG_PAYLOAD);
    assert.equal(await page.locator('[data-role=generation]').textContent(), `Reasoning… ${IMG_PAYLOAD}`);
    assert.equal(await page.locator('[data-role=question]').textContent(), `Say ${SCRIPT_PAYLOAD} ${IMG_PAYLOAD}`);
    assert.equal(await page.locator('[data-role=extracted]').textContent(), IMG_PAYLOAD);
    assert.equal(await page.locator('[data-role=gold] li').textContent(), IMG_PAYLOAD);
    await page.locator('[data-verifier="mc"]').nth(1).click();
    assert.equal(await page.locator('[data-verifier="mc"] [data-role=raw]').textContent(), IMG_PAYLOAD);
    await page.keyboard.press('j');
    assert.equal(await selectedTitle(page), 'zz-hostile · sample #1');
    assert.equal(await page.locator('[data-role=generation]').textContent(), `Reasoning… ${SCRIPT_PAYLOAD}`);
    assert.equal(await page.locator('[data-role=grade-reason]').textContent(), `compared ${SCRIPT_PAYLOAD}`);
    assert.equal(await page.locator('[data-verifier="cot-score"] [data-role=prompt]').textContent(), SCRIPT_PAYLOAD);
    assert.equal(await page.locator('script').count(), 2, 'only the fake API and the bundle are scripts');
    await page.screenshot({ path: screenshotPath('panel-hostile-sample'), fullPage: false });
  });

  it('asks for the details of a sample sent as a table row, and shows them when they come', async () => {
    const page = await openPanel();
    await loadRun(page);
    await clickSample(page, 'task-02', 6);
    const request = await waitForRequest(page, 'sampleDetail');
    assert.deepEqual(request.params, { task: 'task-02', index: 6 });
    assert.match((await page.locator('[data-role=detail-loading]').textContent()) ?? '', /Loading/);
    const row = data.rows.find((r) => r.task === 'task-02' && r.index === 6) as SampleRow;
    await postToPanel(page, [{ kind: 'reply', id: request.id as number, ok: true, result: { row } }]);
    await page.waitForSelector('[data-role=generation]');
    assert.equal(await page.locator('[data-role=generation]').textContent(), row.text);
    assert.equal(await page.locator('[data-role=grade-reason]').textContent(), row.gradeReason);
    assert.equal(await page.locator('[data-verifier="mc"] [data-role=raw]').textContent(), row.verifications[0]?.raw);
    // Stepping away and back does not ask again; a failing answer is shown.
    await page.keyboard.press('j');
    const next = await waitForRequest(page, 'sampleDetail', 2);
    await postToPanel(page, [{ kind: 'reply', id: next.id as number, ok: false, error: { code: 'failed', message: 'the run folder is gone' } }]);
    await page.waitForFunction(() => document.querySelector('[data-role=detail-loading]')?.textContent === 'Could not load this sample: the run folder is gone');
    await page.keyboard.press('k');
    assert.equal(await page.locator('[data-role=generation]').textContent(), row.text);
    assert.equal((await posted(page)).filter((m) => m.method === 'sampleDetail').length, 2);
  });

  it('sends annotate with the chosen cause and note, and shows the saved label', async () => {
    const page = await openPanel();
    await loadRun(page);
    await clickSample(page, 'task-03', 5);
    await page.locator('[data-cause="verifier-wrong"]').click();
    await page.locator('[data-role=note] textarea').fill('scores look random here');
    await page.locator('[data-role=save-annotation]').click();
    const request = await waitForRequest(page, 'annotate');
    assert.deepEqual(request.params, { task: 'task-03', index: 5, cause: 'verifier-wrong', note: 'scores look random here' });
    const record = { v: 1, task: 'task-03', index: 5, cause: 'verifier-wrong', note: 'scores look random here', at: '2025-06-01T10:00:00.000Z' };
    await postToPanel(page, [
      { kind: 'reply', id: request.id, ok: true, result: { record } } as HostMessage,
      { kind: 'notify', method: 'annotations', params: { records: [record as never] } },
    ]);
    await page.waitForFunction(() => document.querySelector('[data-role=annotation-status]')?.textContent?.startsWith('Saved'));
    const cells = page.locator('.line.sample[data-task="task-03"][data-index="5"] .cell');
    assert.equal(await cells.last().textContent(), 'Verifier wrong');
    assert.equal(await page.locator('[data-role=annotation-history] li').count(), 1, 'the pushed copy of the saved record is not a second label');

    // An error reply is shown, not swallowed.
    await page.locator('[data-cause="other"]').click();
    await page.locator('[data-role=save-annotation]').click();
    const second = await waitForRequest(page, 'annotate', 2);
    await postToPanel(page, [{ kind: 'reply', id: second.id as number, ok: false, error: { code: 'failed', message: 'cannot save the annotation: disk full' } }]);
    await page.waitForFunction(() => document.querySelector('[data-role=annotation-status]')?.textContent === 'Not saved: cannot save the annotation: disk full');
  });

  it('steps with j/k, jumps to disagreements with n, labels with 1–5, and corrects the checker on request', async () => {
    const page = await openPanel();
    await loadRun(page);
    await page.keyboard.press('j');
    assert.equal(await selectedTitle(page), 'task-00 · sample #0');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    assert.equal(await selectedTitle(page), 'task-00 · sample #1');

    const before = Number(await page.locator('.line.sample.selected').getAttribute('data-line'));
    await page.keyboard.press('n');
    const selected = page.locator('.line.sample.selected');
    const className = (await selected.getAttribute('class')) ?? '';
    assert.match(className, /kept-wrong|dropped-correct/);
    const after = Number(await selected.getAttribute('data-line'));
    const skipped = await page.evaluate(([a, b]) => Array.from(document.querySelectorAll('.line.sample')).filter((l) => {
      const line = Number(l.getAttribute('data-line'));
      return line > (a as number) && line < (b as number) && /kept-wrong|dropped-correct/.test(l.className);
    }).length, [before, after]);
    assert.ok(after > before && skipped === 0, `n went from line ${before} to ${after}, past ${skipped} disagreement(s)`);

    const title = await selectedTitle(page);
    const [, task, index] = /^(.*) · sample #(\d+)$/.exec(title) as RegExpExecArray;
    await page.keyboard.press('2');
    const request = await waitForRequest(page, 'annotate');
    assert.deepEqual(request.params, { task, index: Number(index), cause: 'checker-wrong', note: '' });

    // The host confirms; checker-corrected statistics flip that sample's verdict, the raw one stays visible.
    const record = { v: 1, task: task as string, index: Number(index), cause: 'checker-wrong' as const, note: '', at: '2025-06-01T10:00:00.000Z' };
    await postToPanel(page, [{ kind: 'reply', id: request.id as number, ok: true, result: { record } }]);
    await page.locator('[data-role=checker-corrected]').click();
    await expectHeader(page, reportFor(data.rows, 'mc', 'quantile:0.5', new Set([`${task}#${index}`])));
    const rawCorrect = data.rows.find((r) => r.task === task && r.index === Number(index))?.correct;
    assert.equal(await page.locator('.line.sample.selected .cell').nth(2).textContent(), rawCorrect ? '✗ (checker said ✓)' : '✓ (checker said ✗)');
    await page.locator('[data-role=checker-corrected]').click();
    await expectHeader(page, reportFor(data.rows, 'mc', 'quantile:0.5'));
  });

  it('comes back after a reload with the same run, filter and selection, persisting no sample data', async () => {
    const page = await openPanel();
    await loadRun(page);
    await page.locator('[data-role=filter-slider]').fill('30');
    await clickSample(page, 'task-01', 4);
    await page.reload();
    await waitForReady(page, 1);
    const ready = (await posted(page)).find((m) => m.method === 'ready');
    const state = (ready?.params as { state: Record<string, unknown> }).state;
    assert.deepEqual(state, {
      runId: 'run-1',
      selector: 'mc',
      filter: 'quantile:0.3',
      checkerCorrected: false,
      view: { task: null, show: 'all', sort: 'task', descending: false },
      selection: { task: 'task-01', index: 4 },
    });
    assert.ok(JSON.stringify(state).length < 300);
    await loadRun(page);
    assert.equal(await selectedTitle(page), 'task-01 · sample #4');
    await expectHeader(page, reportFor(data.rows, 'mc', 'quantile:0.3'));
  });

  it('Check Selection: clusters answers without a gold answer and sends the one the user marks', async () => {
    const page = await openPanel();
    const mc = (score: number) => [{ verifier: 'mc', score, parse: 'ok' as const, prompt: 'p', raw: String(score) }];
    const answers = ['42', '42', '41', '42', null, '40'];
    const rows = answers.map((a, i) => sampleRow('selection', i, null, a, mc(a === '42' ? 0.8 : 0.3)));
    const task: TaskInfo = { id: 'selection', question: 'What is 6 × 7?', gold: [], grader: 'numeric' };
    await postToPanel(page, [
      { kind: 'notify', method: 'init', params: { run: { ...RUN, id: 'check-1', tasks: 'selection', n: 6, verifiers: ['mc'] }, mode: 'check' } },
      { kind: 'notify', method: 'samples', params: { tasks: [task], rows } },
    ]);
    await page.waitForSelector('[data-role=clusters] [data-answer="42"]');
    assert.deepEqual(await page.locator('[data-role=clusters] .cluster-answer').allTextContents(), ['42', '40', '41', '(no answer)']);
    assert.match((await page.locator('[data-role=stats-notice]').textContent()) ?? '', /No gold answer yet/);
    assert.equal(await page.locator('[data-stat=accuracy]').textContent(), '—');
    await page.screenshot({ path: screenshotPath('panel-check-selection'), fullPage: false });

    await page.locator('[data-answer="42"] [data-role=mark-answer]').click();
    const request = await waitForRequest(page, 'markAnswer');
    assert.deepEqual(request.params, { task: 'selection', answer: '42' });

    // The host regrades and re-sends the task and its rows: the gap statistics switch on.
    const graded = rows.map((r) => ({ ...r, correct: r.normalized === '42' }));
    await postToPanel(page, [
      { kind: 'reply', id: request.id as number, ok: true, result: { regraded: 6 } },
      { kind: 'notify', method: 'samples', params: { tasks: [{ ...task, gold: ['42'] }], rows: graded } },
    ]);
    await expectHeader(page, computeReport(toScored(graded), { selector: parseSelector('mc'), filter: parseFilter(formatFilter(parseFilter('quantile:0.5'))) }));
    assert.equal(await page.locator('[data-answer="42"] [data-role=mark-answer]').textContent(), 'gold answer');
  });

  it('a run whose every verification failed: "—" and the reason in the header, never a measured 0', async () => {
    const page = await openPanel();
    const { tasks, rows } = buildRows({ tasks: 6, n: 4, verifiers: ['mc'], seed: 3 });
    const why = "neither 'Correct' nor 'Incorrect' is among the model's 20 most likely next tokens";
    const failed = rows.map((r) => ({ ...r, verifications: r.verifications.map((v) => ({ ...v, score: null, parse: 'failed' as const, failure: 'labels-absent' as const, parseError: why })) }));
    const run = { ...RUN, id: 'run-unsure', n: 4, verifiers: ['mc'] };
    await postToPanel(page, liveMessages(run, { tasks, rows: failed }, false));
    await page.waitForFunction(() => document.querySelector('[data-role=measure]')?.textContent === 'not measured: mc scored 0 of 24 samples: 24 labels-absent');
    const texts = await headerTexts(page);
    for (const key of ['filteredAccuracy', 'gap', 'relativeGap', 'retention', 'auroc', 'keptCorrect', 'keptWrong', 'droppedCorrect', 'droppedWrong']) assert.equal(texts[key], '—', key);
    for (const key of ['ci:filteredAccuracy', 'ci:gap', 'ci:relativeGap', 'ci:retention', 'ci:auroc']) assert.equal(texts[key], 'not measured', key);
    assert.equal(texts.accuracy, formatPercent(reportFor(failed, 'mc', 'quantile:0.5').accuracy), 'accuracy does not depend on the verifier');
    assert.equal(await page.locator('.stat-card.gap').getAttribute('title'), 'not measured: mc scored 0 of 24 samples: 24 labels-absent');
    const rests = await restsOnLines(page);
    assert.equal(rests.warn, true);
    assert.deepEqual(rests.lines.slice(0, 3), [
      ['run-state', 'complete: 6 tasks, 24 samples, every verification recorded'],
      ['verifier-coverage', 'mc: 0 of 24 scored (24 labels-absent)'],
      ['measure', 'not measured: mc scored 0 of 24 samples: 24 labels-absent'],
    ]);
    await page.waitForFunction(() => document.querySelector('[data-role=conclusion]') !== null);
    assert.equal(
      await page.locator('[data-role=conclusion]').textContent(),
      'no conclusion: mc scored 0 of 24 samples (needs ≥ 95 %); 6 tasks (needs ≥ 30); the gap has no 95 % interval (not measured)',
    );
    for (const card of ['filteredAccuracy', 'gap', 'relativeGap', 'retention', 'auroc']) assert.doesNotMatch((await page.locator(`.stat-card.${card}`).textContent()) ?? '', /\d/, card);
    assert.doesNotMatch((await page.locator('[data-role=stats-notice]').textContent()) ?? '', /No score from|plain accuracy/);
    // The table says the same: no J(f[w]|x), no kept count, no "dropped but correct" where the verifier judged nothing.
    const table = (await page.locator('[data-role=table-scroll]').textContent()) ?? '';
    assert.match(table, /J\(f\|x\) \d+\.\d\d % · J\(f\[w\]\|x\) not measured/);
    assert.doesNotMatch(table, /J\(f\[w\]\|x\) \d|kept \d+ of|dropped/);
    await page.screenshot({ path: screenshotPath('panel-not-measured'), fullPage: false });
  });

  it('a partly scored run: "partial: mc scored S of N" beside every verifier statistic, the numbers as computeReport gives them', async () => {
    const page = await openPanel();
    const data = buildRows({ tasks: 6, n: 4, verifiers: ['mc'], seed: 5, parseFailures: 0.25 });
    const report = reportFor(data.rows, 'mc', 'quantile:0.5');
    assert.ok(report.scored > 0 && report.scored < 24, `the data must be partly scored (${report.scored} of 24)`);
    await postToPanel(page, liveMessages({ ...RUN, id: 'run-partial', n: 4, verifiers: ['mc'] }, data, false));
    await expectHeader(page, report);
    const note = `partial: mc scored ${report.scored} of 24`;
    await page.waitForFunction((n) => document.querySelector('[data-role=measure]')?.textContent === n, note);
    const badges = await page.locator('[data-role=partial]:not([hidden])').evaluateAll((nodes) => nodes.map((n) => [n.getAttribute('data-partial'), n.textContent]));
    assert.deepEqual(badges, ['filteredAccuracy', 'gap', 'relativeGap', 'retention', 'auroc', 'confusion'].map((key) => [key, note]));
    assert.equal((await restsOnLines(page)).warn, true);
    await page.screenshot({ path: screenshotPath('panel-partial'), fullPage: false });
  });

  it('shows every score’s verifier quality and the gap at every N as computeReport gives them, and recomputes them when the filter moves', async () => {
    const page = await openPanel();
    await loadRun(page);
    const coverage = coverageOf(data.tasks, data.rows, RUN);
    const report = reportFor(data.rows, 'mc', 'quantile:0.5');
    assert.ok(report.verifierQuality.every((q) => q.partial), 'the data has parse failures: every score is partial');
    await expectQuality(page, report, coverage);
    // N = 8 < 32: the header says so too, in core's words.
    assert.equal(await page.locator('[data-role=finite-n]').textContent(), report.finiteN.warning);
    await page.locator('[data-role=quality]').screenshot({ path: screenshotPath('panel-quality') });
    await page.locator('[data-role=anyn]').screenshot({ path: screenshotPath('panel-any-n') });

    await page.locator('[data-role=filter-slider]').fill('75');
    const at75 = reportFor(data.rows, 'mc', 'quantile:0.75');
    assert.ok(at75.finiteN.biasCorrected, 'quantile:0.75 keeps 2 of 8 and 1 of 4: the bias-aware gap exists');
    await expectQuality(page, at75, coverage);

    await page.locator('[data-role=filter-text] input').fill('topk:2');
    await page.locator('[data-role=filter-text] input').press('Enter');
    await expectQuality(page, reportFor(data.rows, 'mc', 'topk:2'), coverage);
    assert.equal(await page.locator('[data-role=finite-n]').count(), 0, 'topk is defined at its N: no finite-N warning');
  });

  it('a verifier that scored nothing: its quality row is "—" with the reason, never 0, beside one that scored', async () => {
    const page = await openPanel();
    const { tasks, rows } = buildRows({ tasks: 6, n: 4, verifiers: ['mc', 'cot-score'], seed: 4 });
    const failed = rows.map((r) => ({
      ...r,
      verifications: r.verifications.map((v) => (v.verifier === 'mc' ? { ...v, score: null, parse: 'failed' as const, failure: 'labels-absent' as const, parseError: 'no label' } : v)),
    }));
    const run = { ...RUN, id: 'run-half-unsure', n: 4 };
    await postToPanel(page, liveMessages(run, { tasks, rows: failed }, false));
    const coverage = coverageOf(tasks, failed, run);
    const report = reportFor(failed, 'mc', 'quantile:0.5');
    await expectQuality(page, report, coverage);
    const why = 'not measured: mc scored 0 of 24 samples: 24 labels-absent';
    const texts = await qualityTexts(page);
    assert.equal(texts['mc/coverage'], why);
    for (const c of QUALITY_COLUMNS) {
      assert.equal(texts[`mc/${c.key}`], '—', c.key);
      assert.equal(await page.locator(`[data-quality-row="mc"] [data-quality="${c.key}"]`).getAttribute('title'), why);
    }
    assert.match(texts['cot-score/brier'] ?? '', /^\d\.\d{4} \[/);
    assert.equal(await page.locator('[data-role=anyn] .hint').textContent(), `The gap at every N: ${why}`);
    assert.equal(await page.locator('[data-role=anyn-table]').count(), 0);
  });

  it('an incomplete run says so first (8 of 40 tasks); while a writer adds records it says live, with no warning', async () => {
    const page = await openPanel();
    const all = buildRows({ tasks: 40, n: 2, verifiers: ['mc'], seed: 9 });
    const firstEight = new Set(all.tasks.slice(0, 8).map((t) => t.id));
    const data = { tasks: all.tasks, rows: all.rows.filter((r) => firstEight.has(r.task)) };
    const run = { ...RUN, id: 'run-early', n: 2, verifiers: ['mc'] };
    const incomplete = 'incomplete: 8 of 40 tasks, 16 of 80 samples generated; 64 of 80 verifications outstanding';
    await postToPanel(page, liveMessages(run, data, true));
    await page.waitForFunction(() => document.querySelectorAll('[data-role=run-state]').length === 2);
    const live = await restsOnLines(page);
    assert.deepEqual(live.lines.filter(([role]) => role === 'run-state'), [
      ['run-state', incomplete],
      ['run-state', "live: a writer holds the run's lock and is still adding records"],
    ]);
    assert.equal(live.warn, false, 'a run being written is not a problem');
    await page.screenshot({ path: screenshotPath('panel-live'), fullPage: false });

    // The writer stops: the same counts, no longer live, and now worth a look.
    await postToPanel(page, [runState(coverageOf(data.tasks, data.rows, run), false), { kind: 'notify', method: 'progress', params: { done: 16, total: 80, status: 'cancelled' } }]);
    await page.waitForFunction(() => document.querySelectorAll('[data-role=run-state]').length === 1);
    const stopped = await restsOnLines(page);
    assert.deepEqual(stopped.lines[0], ['run-state', incomplete]);
    assert.equal(stopped.warn, true);
    await page.waitForFunction(() => document.querySelector('[data-role=conclusion]') !== null);
    assert.match((await page.locator('[data-role=conclusion]').textContent()) ?? '', /^no conclusion: the run is incomplete \(8 of 40 tasks generated\); /);
    await page.screenshot({ path: screenshotPath('panel-incomplete'), fullPage: false });
  });

  it('a run verified by another model names the generator and the verifier model in the run bar: gap(f, g)', async () => {
    const page = await openPanel();
    const judge = 'openai:judge@http://127.0.0.1:8001/v1';
    const data = buildRows({ tasks: 3, n: 2, verifiers: ['mc@judge'], seed: 5 });
    const run = { ...RUN, id: 'run-cross', n: 2, verifiers: ['mc@judge'], verifierModels: { 'mc@judge': judge } };
    await postToPanel(page, liveMessages(run, data, false));
    await page.waitForFunction(() => document.querySelector('[data-role=run-details]')?.textContent?.includes('run-cross') === true);
    const details = (await page.locator('[data-role=run-details]').textContent()) ?? '';
    assert.equal(details, `run run-cross · 2 samples per task · verifiers mc@judge · gap(f, g): generator tiny-model, verifier ${judge} (cross-verification)`);

    // A self-verified run says nothing more than its verifiers.
    await postToPanel(page, liveMessages({ ...RUN, id: 'run-self', n: 2, verifiers: ['mc'] }, buildRows({ tasks: 3, n: 2, verifiers: ['mc'], seed: 5 }), false));
    await page.waitForFunction(() => document.querySelector('[data-role=run-details]')?.textContent?.includes('run-self') === true);
    assert.doesNotMatch((await page.locator('[data-role=run-details]').textContent()) ?? '', /gap\(f/);
  });

  it("shows a sample's failed calls and why a verification has no score", async () => {
    const page = await openPanel();
    const { tasks, rows } = buildRows({ tasks: 2, n: 2, verifiers: ['mc'], seed: 11 });
    const message = 'http://127.0.0.1:8000/v1 answered with something that is not JSON (also when asked again)';
    const [first, ...rest] = rows as [SampleRow, ...SampleRow[]];
    const broken: SampleRow = {
      ...first,
      verifications: [{ verifier: 'mc', score: null, parse: 'failed', failure: 'labels-absent', parseError: 'no label in the top tokens', prompt: 'p', raw: '" Maybe" p=0.9' }],
      callFailures: [{ stage: 'cot-score', kind: 'bad-answer', message }],
    };
    await postToPanel(page, liveMessages({ ...RUN, id: 'run-broken', n: 2, verifiers: ['mc', 'cot-score'] }, { tasks, rows: [broken, ...rest] }, false));
    await clickSample(page, broken.task, broken.index);
    await page.waitForSelector('[data-role=call-failure]');
    assert.equal(await page.locator('[data-role=call-failure]').textContent(), `cot-score: the call failed (bad-answer): ${message}`);
    assert.equal(await page.locator('[data-verifier="mc"] [data-role=parse]').textContent(), 'failed (labels-absent): no label in the top tokens');
    assert.match((await restsOnLines(page)).lines.map(([, t]) => t).join('\n'), /^cot-score: 0 of 4 scored \(1 bad-answer, 3 missing\)$/m);
  });

  it("shows each endpoint's live figures under the run bar while the run executes, and hides them when it stops", async () => {
    const page = await openPanel();
    await postToPanel(page, liveMessages({ ...RUN, id: 'run-fleet', n: 2, verifiers: ['mc'] }, buildRows({ tasks: 4, n: 2, verifiers: ['mc'], seed: 5 }), true));
    const up = { url: 'http://10.0.0.1:8000/v1', state: 'up', inFlight: 12, limit: 16, answered: 340, callsPerSecond: 41, overloaded: 3, unreachable: 0, latencyMs: 250.4 } as const;
    const down = { ...up, url: 'http://10.0.0.2:8000/v1', state: 'down', inFlight: 0, limit: 4, answered: 0, callsPerSecond: 0, unreachable: 3, latencyMs: null } as const;
    const endpoints = (models: HostNotificationParams['endpoints']['models']): HostMessage => ({ kind: 'notify', method: 'endpoints', params: { models } });
    await postToPanel(page, [endpoints([{ model: `openai:m@${up.url},${down.url}`, endpoints: [up, down] }])]);
    await page.waitForFunction(() => document.querySelectorAll('[data-role=endpoints] tbody tr').length === 2);
    const cells = await page.evaluate(() => Array.from(document.querySelectorAll('[data-role=endpoints] tbody td'), (td) => td.textContent));
    assert.deepEqual(cells, [up.url, 'up', '12/16', '41.0', '3', '0', '250 ms', down.url, 'DOWN', '0/4', '0.0', '3', '3', '—']);
    // No latency is measured yet: "—", with the reason.
    assert.equal(await page.locator('[data-role=endpoints] tbody tr').nth(1).locator('td').nth(6).getAttribute('title'), 'no answer yet');
    await page.screenshot({ path: screenshotPath('panel-endpoints'), fullPage: false });
    await postToPanel(page, [endpoints([])]);
    await page.waitForFunction(() => document.querySelector('[data-role=endpoints]')?.matches('[hidden]') === true);
  });

  it("the run-actions bar offers what fits the run's state and sends the action clicked", async () => {
    const page = await openPanel();
    const all = buildRows({ tasks: 4, n: 2, verifiers: ['mc'], seed: 3 });
    const half = { tasks: all.tasks, rows: all.rows.slice(0, 4) };
    const run = { ...RUN, id: 'run-actions', n: 2, verifiers: ['mc'] };
    const shown = async (): Promise<string[]> =>
      page.evaluate(() => Array.from(document.querySelectorAll('[data-role=run-actions] vscode-button')).filter((b) => (b as unknown as { style: { display: string } }).style.display !== 'none').map((b) => b.textContent ?? ''));
    const expectShown = async (want: string[]): Promise<void> => {
      await page.waitForFunction((w) => JSON.stringify(Array.from(document.querySelectorAll('[data-role=run-actions] vscode-button')).filter((b) => (b as unknown as { style: { display: string } }).style.display !== 'none').map((b) => b.textContent)) === w, JSON.stringify(want));
    };
    // Running in this window: Cancel.
    await postToPanel(page, liveMessages(run, half, true));
    await expectShown(['Cancel', 'Label…']);
    await page.locator('[data-role=run-action-cancel]').click();
    assert.deepEqual((await waitForRequest(page, 'runAction')).params, { action: 'cancel' });
    // Cancelled: Resume, and Delete.
    await postToPanel(page, [runState(coverageOf(half.tasks, half.rows, run), false), { kind: 'notify', method: 'progress', params: { done: 4, total: 8, status: 'cancelled', message: 'Cancelled. Resume continues it.' } }]);
    await expectShown(['Resume', 'Label…', 'Delete…']);
    await page.screenshot({ path: screenshotPath('panel-run-actions-cancelled'), fullPage: false });
    await page.locator('[data-role=run-action-resume]').click();
    assert.deepEqual((await waitForRequest(page, 'runAction', 2)).params, { action: 'resume' });
    // Another process writes it: nothing to start or delete from here.
    await postToPanel(page, [runState(coverageOf(half.tasks, half.rows, run), true)]);
    await expectShown(['Label…']);
    // Complete: Re-verify and Edit Verifier Template instead of Resume.
    await postToPanel(page, [runState(coverageOf(all.tasks, all.rows, run), false), { kind: 'notify', method: 'samples', params: { tasks: [], rows: all.rows } }, { kind: 'notify', method: 'progress', params: { done: 8, total: 8, status: 'done' } }]);
    const complete = ['Re-verify…', 'Edit Verifier Template…', 'Label…', 'Delete…'];
    await expectShown(complete);
    await page.locator('[data-role=run-action-delete]').click();
    assert.deepEqual((await waitForRequest(page, 'runAction', 3)).params, { action: 'delete' });
    await page.locator('[data-role=run-action-editTemplate]').click();
    assert.deepEqual((await waitForRequest(page, 'runAction', 4)).params, { action: 'editTemplate' });
    assert.deepEqual(await shown(), complete);
  });

  it('follows a light theme through the VS Code variables', async () => {
    const page = await openPanel('?theme=light');
    await loadRun(page);
    await clickSample(page, 'task-00', 2);
    const colours = await page.evaluate(() => ({ body: getComputedStyle(document.body).backgroundColor, text: getComputedStyle(document.body).color }));
    assert.deepEqual(colours, { body: 'rgb(255, 255, 255)', text: 'rgb(59, 59, 59)' });
    await page.screenshot({ path: screenshotPath('panel-light'), fullPage: true });
  });

  it('never writes sample data into markup: no innerHTML-style sinks in the webview sources', () => {
    const sources = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
    const sinks = /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|createContextualFragment|setAttribute\(\s*['"](style|on\w+)['"]/;
    const offenders = sources(path.resolve(__dirname, '../../webview')).filter((f) => sinks.test(fs.readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
  });

  it('shows what Restricted Mode ignores above the panel, with a button that asks the host to manage trust', async () => {
    const page = await openPanel();
    await loadRun(page);
    assert.equal(await page.locator('[data-role=restricted-note]').isHidden(), true, 'a note in a trusted workspace');
    const note = 'Restricted Mode ignores 2 workspace model profiles; trust the workspace to use them';
    await postToPanel(page, [{ kind: 'notify', method: 'restricted', params: { note } }]);
    await page.locator('[data-role=restricted-note]').waitFor({ state: 'visible' });
    assert.match(await page.locator('[data-role=restricted-note]').innerText(), new RegExp(`^${note}`));
    await page.locator('[data-role=manage-trust]').click();
    await page.waitForFunction(() => (globalThis as unknown as { __posted: { method: string }[] }).__posted.some((m) => m.method === 'manageTrust'));
  });
});
