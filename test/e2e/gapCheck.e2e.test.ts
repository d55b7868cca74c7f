// End to end in a real VS Code (code-server 4.100.3) driven through headless Chromium: the
// extension, packed by vsce into a VSIX and installed from it by code-server, runs a gap check
// from the command palette against the fake OpenAI server, and the panel webview shows every
// sample and statistics that match the run's own files.
// Needs `npm run build` and scripts/install-code-server.sh first (the npm script test:e2e does both).
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { startFakeOpenAI, type FakeAnswer, type FakeOpenAI, type FakeOpenAIOptions, type FakeRequest } from '../fixtures/openaiServer';
import { formatPercent, formatPoints } from '../../src/core/report/numbers';
import { runCli } from '../helpers/cli';
import { cleanEnv, roundsResponder, writeTasks } from '../helpers/runs';

// Browser globals used inside evaluate callbacks, which run in Chromium (the test program has no DOM lib).
interface PageNode {
  textContent: string | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageNode | null;
}
declare const document: { querySelectorAll(selector: string): ArrayLike<PageNode> };

const REPO = path.resolve(__dirname, '../..');
// Where scripts/install-code-server.sh puts it.
const CODE_SERVER = path.join(process.env.GAPLENS_E2E_CACHE ?? path.resolve(REPO, '..', '.cache-e2e'), 'code-server-4.100.3', 'node_modules', '.bin', 'code-server');
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = path.join(REPO, 'test-results');
const HOSTILE = '<img src=x onerror="window.__pwned=1">';
const TASKS = ['t1', 't2', 't3', 'zz-hostile'];
const BROKEN_LINE_3 = '{"id":"b3","question":"What is 1 + 1?","answer":"2","grader":"nmeric"}';
const N = 4;

// The verifier is scripted to be perfect: P(" Correct") is 0.9 for a response ending in the gold
// answer 42 and 0.1 otherwise, so "threshold:0.5" keeps exactly the correct samples. A verify
// template edited to hold STRICT (the template loop's edit) makes it doubt every response.
// Generations for the hostile task carry HTML, which the panel must show as text.
const STRICT = 'STRICT';
function scriptedAnswers(req: FakeRequest): FakeAnswer | undefined {
  if (req.topLogprobs === undefined) return req.prompt.endsWith(`${HOSTILE}\nAnswer:`) ? { text: ` ${HOSTILE} The answer is 42.` } : undefined;
  const response = req.prompt.slice(req.prompt.lastIndexOf('Response:'));
  const p = !req.prompt.includes(STRICT) && /The answer is 42\.\s*Judgement:\s*$/.test(response) ? 0.9 : 0.1;
  return { top: [{ token: ' Correct', logprob: Math.log(p) }, { token: ' Incorrect', logprob: Math.log(1 - p) }] };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Packs the extension as `npm run package` does (so .vscodeignore and the manifest decide what
 * ships) and installs the VSIX with code-server's own installer, as a user would. Returns the
 * installed extension's folder.
 */
function installVsix(root: string, extensionsDir: string, userDataDir: string): string {
  const vsix = path.join(root, 'gaplens.vsix');
  // Synchronous calls block mocha's own timeout: each has its own.
  execFileSync('npm', ['run', '--silent', 'package:vsix', '--', '--out', vsix], { cwd: REPO, stdio: 'pipe', timeout: 240_000 });
  execFileSync(CODE_SERVER, ['--install-extension', vsix, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir], { stdio: 'pipe', timeout: 60_000 });
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  return path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
}

/** The text of the quick input (placeholder, prompt, title), to know which question is showing. */
async function quickInputText(page: Page): Promise<string> {
  return page.locator('.quick-input-widget').evaluate((widget: PageNode) => {
    const input = widget.querySelector('input');
    return `${widget.textContent ?? ''} ${input?.getAttribute('placeholder') ?? ''} ${input?.getAttribute('aria-label') ?? ''}`;
  });
}

async function answerQuickInput(page: Page, question: RegExp, typed: string): Promise<void> {
  await waitFor(`the question ${question}`, 30_000, async () => {
    const visible = await page.locator('.quick-input-widget').isVisible();
    return visible && question.test(await quickInputText(page)) ? true : undefined;
  });
  if (typed) {
    await page.keyboard.press('Control+a');
    await page.keyboard.type(typed);
  }
  await page.waitForTimeout(300); // the list filters on the next frame
  await page.keyboard.press('Enter');
}

/** Runs a command from the palette, reopening it until the command is listed (extensions register late). */
async function runFromPalette(page: Page, title: string): Promise<void> {
  await waitFor(`${title} in the command palette`, 60_000, async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    // Short: with the focus in a webview the key never reaches the workbench, and the next try's
    // Escape is what gets it back (playwright's own 30 s wait here cost a minute per e2e run).
    await page.waitForSelector('.quick-input-widget', { state: 'visible', timeout: 3_000 });
    await page.keyboard.type(title);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title });
    await row.first().waitFor({ timeout: 3_000 });
    return true;
  });
  await page.keyboard.press('Enter');
}

/**
 * Opens a workspace file with Quick Open: types `query`, waits for a row showing `file`, opens it.
 * Rows of Gap Lens panels are passed over (their titles name the task file too), and Quick Open is
 * asked again until the file is listed (a file written moments ago reaches its index late).
 */
async function quickOpen(page: Page, query: string, file = query): Promise<void> {
  const row = await waitFor(`${file} in quick open`, 60_000, async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+p');
    await page.waitForSelector('.quick-input-widget', { state: 'visible', timeout: 3_000 }); // as in runFromPalette
    await page.keyboard.type(query);
    const rows = page.locator('.quick-input-list .monaco-list-row', { hasText: file }).filter({ hasNotText: 'Gap Lens' });
    await rows.first().waitFor({ timeout: 5_000 });
    return rows.first();
  });
  await row.click();
  // The click leaves the mouse over the editor's tabs, whose hover (a panel's run folder) would
  // then lie over the text a test clicks next.
  await page.mouse.move(1, 1);
  await page.locator('.context-view .hover-contents').first().waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
}

async function panelFrame(page: Page): Promise<Frame> {
  return waitFor('the Gap Lens panel webview', 60_000, async () => {
    for (const frame of page.frames()) {
      if ((await frame.locator('[data-role=filter-slider]').count()) > 0) return frame;
    }
    return undefined;
  });
}

async function stats(frame: Frame): Promise<Record<string, string>> {
  return frame.evaluate(() => {
    const out: Record<string, string> = {};
    for (const node of Array.from(document.querySelectorAll('[data-stat]'))) out[node.getAttribute('data-stat') ?? ''] = (node.textContent ?? '').trim();
    return out;
  });
}

async function setFilter(frame: Frame, filter: string): Promise<void> {
  const input = frame.locator('[data-role=filter-text] input');
  await input.fill(filter);
  await input.press('Enter');
}

/** The host hears about the panel's filter: its status bar item shows the panel's gap in percentage points. */
/** A header number as a fraction: "56.25 %" -> 0.5625, "−6.25 pp" -> −0.0625 (docs/statistics.md, "Numbers on screen"). */
function shownValue(text: string | undefined): number {
  return Number((text ?? '').replace('\u2212', '-').replace(/ (%|pp)$/, '')) / 100;
}

async function statusBarShowsGap(page: Page, gap: number): Promise<void> {
  const points = formatPoints(gap);
  await waitFor(`the status bar to show ${points}`, 10_000, async () => ((await page.locator('.statusbar-item', { hasText: 'Gap Lens' }).allInnerTexts()).some((t) => t.includes(points)) ? true : undefined));
}

interface GenerationRecord { type: string; task: string; index: number; grade: { correct: boolean; extracted: string } }
interface VerificationRecord { type: string; task: string; index: number; verifier: string; score: number | null; raw: string }

function killGroup(child: ChildProcess | undefined): void {
  if (child?.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

describe('Gap Lens in a real VS Code (code-server + Chromium)', function () {
  // Starting VS Code and running a gap check takes tens of seconds, whichever mocha config runs this.
  this.timeout(240_000);
  let root: string;
  let workspace: string;
  let fake: FakeOpenAI | undefined;
  let server: ChildProcess | undefined;
  let serverLog = '';
  let browser: Browser | undefined;
  let page: Page;
  let frame: Frame;
  let runDir: string;
  let installed: string;

  before(async function () {
    // Packing the VSIX comes on top of starting VS Code.
    this.timeout(360_000);
    for (const [file, how] of [[CODE_SERVER, 'run scripts/install-code-server.sh'], [CHROMIUM, 'run scripts/install-code-server.sh'], [path.join(REPO, 'dist', 'extension.js'), 'run npm run build'], [path.join(REPO, 'dist', 'webview.js'), 'run npm run build']] as const) {
      assert.ok(fs.existsSync(file), `${file} is missing: ${how} first`);
    }
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'gaplens-e2e-'));
    workspace = path.join(root, 'ws');
    const userData = path.join(root, 'data');
    const extensions = path.join(root, 'ext');
    fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
    installed = installVsix(root, extensions, userData);

    fake = await startFakeOpenAI({ respond: scriptedAnswers });
    fs.writeFileSync(path.join(workspace, 'x.tasks.jsonl'), TASKS.map((id, i) => JSON.stringify({ id, question: id === 'zz-hostile' ? HOSTILE : `What is ${40 + i} + ${2 - i}?`, answer: '42', grader: 'numeric' })).join('\n') + '\n');
    // Line 2 is not JSON: the task-file language server must flag it. Line 3 misspells its grader.
    fs.writeFileSync(path.join(workspace, 'broken.tasks.jsonl'), `{"id":"b1","question":"What is 6 * 7?","answer":"42"}\n{"id":"b2","question":\n${BROKEN_LINE_3}\n`);
    fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({
      'gaplens.modelProfiles': [{ name: 'Fake server', backend: 'openai', baseUrl: fake.url, model: 'fake-model' }],
      'gaplens.samplesPerTask': N,
    }, null, 2));
    fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({
      'workbench.startupEditor': 'none',
      'security.workspace.trust.enabled': false,
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
    }));

    const port = await freePort();
    server = spawn(CODE_SERVER, [
      '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
      '--disable-workspace-trust', '--user-data-dir', userData, '--extensions-dir', extensions, workspace,
    ], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GAPLENS_CACHE_DIR: path.join(root, 'cache') } });
    server.stdout?.on('data', (d: Buffer) => (serverLog += d.toString()));
    server.stderr?.on('data', (d: Buffer) => (serverLog += d.toString()));
    const base = `http://127.0.0.1:${port}`;
    await waitFor('code-server to answer /healthz', 60_000, async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined));

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
    // The workbench is interactive once the explorer lists the workspace.
    await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 90_000 });
    // The extension's contributions are registered once its activity bar entry shows.
    await page.waitForSelector('.activitybar [aria-label^="Gap Lens"]', { timeout: 90_000 });
  });

  after(async function () {
    await browser?.close().catch(() => undefined);
    killGroup(server);
    await fake?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await page?.screenshot({ path: path.join(SCREENSHOTS, `e2e-failure-${(this.currentTest.title.split(' ').slice(0, 3).join('-'))}.png`) }).catch(() => undefined);
      console.error(`code-server output:\n${serverLog.slice(-4000)}`);
      serverLog = '';
    }
  });

  it('installs from the VSIX only what the extension runs, and llama.cpp loads from the installed copy', function () {
    assert.deepEqual(fs.readdirSync(installed).filter((f) => !f.startsWith('.')).sort(), ['dist', 'media', 'package.json', 'readme.md', 'syntaxes', 'templates', 'walkthrough']);
    assert.deepEqual(fs.readdirSync(path.join(installed, 'dist')).filter((f) => f.endsWith('.map')), [], 'no source maps');
    // The README of the extension page is the one for users, not the developers' README.md.
    assert.match(fs.readFileSync(path.join(installed, 'readme.md'), 'utf8'), /^# Gap Lens\n\n\*\*Can your model judge answers better than it writes them\?\*\*/);
    // Everything else is bundled into dist/; node-llama-cpp runs from dist/node_modules, with this
    // platform's CPU build of llama.cpp only.
    const modules = path.join(installed, 'dist', 'node_modules');
    assert.deepEqual(fs.readdirSync(path.join(modules, '@node-llama-cpp')), [`${process.platform}-${process.arch}`]);
    assert.ok(!fs.existsSync(path.join(modules, 'node-llama-cpp', 'dist', 'cli', 'cli.js')), "node-llama-cpp's command line ships");
    const probe = execFileSync(process.execPath, [path.join(__dirname, 'loadLlama.mjs'), path.join(modules, 'node-llama-cpp', 'dist', 'index.js')], { encoding: 'utf8', timeout: 60_000 });
    assert.equal((JSON.parse(probe) as { buildType: string }).buildType, 'prebuilt');
  });

  it('runs a gap check from the command palette and the panel shows every sample and the run\'s statistics', async function () {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await runFromPalette(page, 'Gap Lens: Run Gap Check');
    await answerQuickInput(page, /Which tasks\?/, 'x.tasks');
    await answerQuickInput(page, /Model profile/, 'Fake server');
    await answerQuickInput(page, /How are the calls sent\?/, 'Online');
    await answerQuickInput(page, /Samples per task/, String(N));
    await answerQuickInput(page, /Max tokens per generation/, '');
    await answerQuickInput(page, /Which verifiers/, '');
    await answerQuickInput(page, /Filter: which samples/, '');

    // The run folder is complete once run.json has completedAt.
    const runsDir = path.join(workspace, '.gaplens', 'runs');
    runDir = await waitFor('the run to complete', 120_000, async () => {
      const [run] = fs.readdirSync(runsDir);
      if (!run) return undefined;
      const meta = JSON.parse(fs.readFileSync(path.join(runsDir, run, 'run.json'), 'utf8')) as { completedAt?: string };
      return meta.completedAt ? path.join(runsDir, run) : undefined;
    });
    const generations = fs.readFileSync(path.join(runDir, 'samples.jsonl'), 'utf8').trim().split('\n')
      .map((line) => JSON.parse(line) as GenerationRecord).filter((r) => r.type === 'generation');
    assert.equal(generations.length, TASKS.length * N);
    const correct = generations.filter((g) => g.grade.correct).length;
    // A perfect verifier only shows a gap when some task has both right and wrong samples.
    const mixed = TASKS.filter((t) => new Set(generations.filter((g) => g.task === t).map((g) => g.grade.correct)).size === 2);
    assert.ok(mixed.length > 0, 'the fake server\'s answers give no task with both right and wrong samples');

    frame = await panelFrame(page);
    await waitFor('the panel to show all samples', 30_000, async () => ((await stats(frame)).samples?.startsWith(`${TASKS.length * N} of ${TASKS.length * N}`) ? true : undefined));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'e2e-after-run.png') });

    // What the numbers rest on comes first: the run's state, each verifier's coverage, the few-tasks warning.
    const [verifier] = (JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8')) as { config: { verifiers: string[] } }).config.verifiers;
    const samples = TASKS.length * N;
    const restsOn = await waitFor('the run state in the panel header', 10_000, async () => {
      const lines = await frame.locator('[data-role=rests-on] p').allTextContents();
      return lines.length > 0 ? lines : undefined;
    });
    assert.deepEqual(restsOn.slice(0, 2), [`complete: ${TASKS.length} tasks, ${samples} samples, every verification recorded`, `${verifier}: ${samples} of ${samples} scored`]);
    assert.ok(restsOn.includes(`only ${TASKS.length} tasks: the task-bootstrap interval is unreliable`), restsOn.join('\n'));

    // Every sample is a row, with the answer the checker extracted.
    for (const g of generations) {
      const row = frame.locator(`.line.sample[data-task="${g.task}"][data-index="${g.index}"]`);
      assert.equal(await row.count(), 1, `row ${g.task}#${g.index}`);
      assert.equal((await row.locator('.cell').nth(1).textContent())?.trim(), g.grade.extracted);
    }

    // Plain accuracy is the fraction of correct samples (every task has N samples).
    const shown = await stats(frame);
    for (const key of ['accuracy', 'filteredAccuracy', 'gap', 'relativeGap', 'retention']) {
      assert.match(shown[key] ?? '', /^[+\u2212]?\d+\.\d\d (%|pp)$/, `${key} = ${JSON.stringify(shown[key])}`);
    }
    assert.equal(shown.accuracy, formatPercent(correct / generations.length));

    // Keeping everything leaves no gap; keeping what the perfect verifier trusts gives one.
    await setFilter(frame, 'threshold:0');
    await waitFor('gap 0 with every sample kept', 10_000, async () => (shownValue((await stats(frame)).gap) === 0 ? true : undefined));
    assert.equal((await stats(frame)).retention, formatPercent(1));
    await statusBarShowsGap(page, 0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'e2e-keep-all.png') });
    await setFilter(frame, 'threshold:0.5');
    const gap = await waitFor('a positive gap', 10_000, async () => {
      const g = shownValue((await stats(frame)).gap);
      return g > 0 ? g : undefined;
    });
    assert.equal((await stats(frame)).retention, formatPercent(correct / generations.length));
    await statusBarShowsGap(page, gap);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'e2e-threshold.png') });

    // The slider changes the filter, and the statistics follow it.
    const slider = frame.locator('[data-role=filter-slider]');
    await slider.fill('0');
    await waitFor('the slider to move the filter', 10_000, async () => (shownValue((await stats(frame)).gap) === 0 ? true : undefined));
    await statusBarShowsGap(page, 0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'e2e-slider.png') });
  });

  it('shows model output and task text as text, never as HTML', async function () {
    const row = frame.locator('.line.sample[data-task="zz-hostile"][data-index="0"]');
    await row.click();
    await waitFor('the detail pane of zz-hostile #0', 10_000, async () => ((await frame.locator('[data-role=generation]').textContent())?.includes(HOSTILE) ? true : undefined));
    assert.equal((await frame.locator('[data-role=generation]').textContent())?.trim(), `${HOSTILE} The answer is 42.`);
    assert.equal((await frame.locator('[data-role=question]').textContent())?.trim(), HOSTILE);
    assert.equal(await frame.locator('img').count(), 0);
    assert.equal(await frame.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned), undefined);
    await frame.locator('[data-role=generation]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'e2e-hostile.png') });
  });

  it('appends a label to annotations.jsonl and still shows it after the window reloads', async function () {
    await frame.locator('.line.sample[data-task="t1"][data-index="0"]').click();
    await frame.locator('vscode-radio[data-cause="gold-wrong"]').click();
    await frame.locator('[data-role=note] textarea').fill('e2e note');
    await frame.locator('[data-role=save-annotation]').click();
    const annotationsFile = path.join(runDir, 'annotations.jsonl');
    const saved = await waitFor('annotations.jsonl', 10_000, async () => (fs.existsSync(annotationsFile) ? fs.readFileSync(annotationsFile, 'utf8').trim() : undefined));
    const records = saved.split('\n').map((line) => JSON.parse(line) as { task: string; index: number; cause: string; note: string });
    assert.deepEqual(records.map((r) => [r.task, r.index, r.cause, r.note]), [['t1', 0, 'gold-wrong', 'e2e note']]);
    const labelCell = (f: Frame): Promise<string | null> => f.locator('.line.sample[data-task="t1"][data-index="0"] .cell').last().textContent();
    await waitFor('the label in the table', 10_000, async () => ((await labelCell(frame))?.trim() === 'Gold label wrong' ? true : undefined));

    // Reload Window runs VS Code's shutdown, which saves the open panel for its serializer to restore.
    const reloaded = page.waitForEvent('load', { timeout: 60_000 });
    await runFromPalette(page, 'Developer: Reload Window');
    await reloaded;
    await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
    frame = await panelFrame(page);
    await waitFor('the restored panel to show the label', 60_000, async () => ((await labelCell(frame))?.trim() === 'Gold label wrong' ? true : undefined));
    const restoredGap = await waitFor('the restored panel\'s gap', 10_000, async () => {
      const shown = (await stats(frame)).gap;
      return shown !== undefined && /\d/.test(shown) ? shownValue(shown) : undefined;
    });
    await statusBarShowsGap(page, restoredGap);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'e2e-reloaded.png') });
  });

  it('flags the line of a task file that is not JSON, through the language server', async function () {
    await quickOpen(page, 'broken.tasks.jsonl');
    await page.waitForSelector('.monaco-editor .squiggly-error', { timeout: 60_000 });
    await page.keyboard.press('Control+Shift+m');
    const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'invalid JSON' });
    await problem.first().waitFor({ timeout: 30_000 });
    assert.equal(await problem.count(), 1);
    // At the exact column: the line ends too soon, after its 22nd character.
    assert.match(await problem.first().innerText(), /Ln 2, Col 22/);
    assert.match(await problem.first().innerText(), /at column 22/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'e2e-diagnostics.png') });
  });

  it('colours a task file as JSON line by line: an unfinished line leaves the next one alone', async function () {
    // The editor of broken.tasks.jsonl, opened by the test above. Each token's colour class, by text.
    const tokens = async (line: number): Promise<Map<string, string>> =>
      new Map(
        await page.locator('.monaco-editor .view-line').nth(line - 1).locator('span > span').evaluateAll((spans: PageNode[]) =>
          spans.map((s): [string, string] => [(s.textContent ?? '').trim(), s.getAttribute('class') ?? '']),
        ),
      );
    const first = await waitFor('the grammar to colour line 1', 30_000, async () => {
      const t = await tokens(1);
      return t.size > 3 ? t : undefined;
    });
    const key = [...first].find(([text]) => text.includes('id'))?.[1];
    const value = [...first].find(([text]) => text.includes('b1'))?.[1];
    assert.ok(key && value && key !== value, `keys and values look alike: ${JSON.stringify([...first])}`);
    // Line 2 ends inside an object; line 3's names are still coloured as names, not as a string.
    const third = await tokens(3);
    assert.equal([...third].find(([text]) => text.includes('id'))?.[1], key, JSON.stringify([...third]));
  });

  it('offers the misspelled grader\'s quick fix, and closes braces and quotes as they are typed', async function () {
    await page.keyboard.press('Control+g');
    await page.keyboard.type(`3:${BROKEN_LINE_3.indexOf('nmeric') + 2}`);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+.');
    const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'Use grader "numeric"' });
    await fix.first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'e2e-quick-fix.png') });
    // The preferred fix is the one focused.
    await page.keyboard.press('Enter');
    await waitFor('the fixed grader', 10_000, async () => ((await page.locator('.monaco-editor .view-line').nth(2).textContent())?.includes('"grader":"numeric"') ? true : undefined));

    await page.keyboard.press('Control+End');
    await page.keyboard.type('{"a');
    const typed = await waitFor('the new line', 10_000, async () => {
      const text = (await page.locator('.monaco-editor .view-line').nth(3).textContent())?.replace(/\u00a0/g, ' ').trim();
      // Typed keys reach a loaded page's editor one by one: wait for the last one, not the first.
      return text?.includes('a') ? text : undefined;
    });
    assert.equal(typed, '{"a"}');
  });

  it('shows one "Run gap check" and one "Quick gap check" lens for the task file, and one of each above the selected tasks', async function () {
    await quickOpen(page, 'x.tasks.jsonl');
    const lenses = async (): Promise<string[]> => (await page.locator('.monaco-editor .codelens-decoration a').allInnerTexts()).map((t) => t.trim()).filter((t) => t !== '').sort();
    const fileLenses = [`Quick gap check of the file (${TASKS.length} tasks)`, `Run gap check (${TASKS.length} tasks)`];
    const showing = async (wanted: string[]): Promise<true | undefined> => {
      const all = await lenses();
      return wanted.every((l) => all.includes(l)) ? true : undefined;
    };
    await waitFor('the file lenses', 30_000, () => showing(fileLenses));
    assert.deepEqual(await lenses(), fileLenses, 'one lens of each, not one per line');
    // Lines 2 and 3, whole: the selection ends at the start of line 4.
    await page.keyboard.press('Control+g');
    await page.keyboard.type('2');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    const selectionLenses = ['Quick gap check of the 2 selected tasks', 'Run gap check on the 2 selected tasks'];
    await waitFor('the selection lenses', 30_000, () => showing(selectionLenses));
    assert.deepEqual(await lenses(), [...fileLenses, ...selectionLenses].sort());
    await page.screenshot({ path: path.join(SCREENSHOTS, 'e2e-selection-lens.png') });
  });

  it("opens the run's run.json as its gap panel, and samples.jsonl with Open With", async function () {
    const runId = path.basename(runDir);
    const panelFrames = async (): Promise<Frame[]> => {
      const found: Frame[] = [];
      for (const f of page.frames()) if ((await f.locator('[data-role=filter-slider]').count()) > 0) found.push(f);
      return found;
    };
    const showsTheRun = async (): Promise<Frame> =>
      waitFor('the run editor to show every sample', 60_000, async () => {
        const frames = await panelFrames();
        // One panel per run: the editor replaced the run's other panel.
        if (frames.length !== 1) return undefined;
        const [only] = frames as [Frame];
        return (await stats(only)).samples?.startsWith(`${TASKS.length * N} of ${TASKS.length * N}`) ? only : undefined;
      });

    await quickOpen(page, `${runId}/run.json`, 'run.json');
    await waitFor('the run.json tab', 30_000, async () => ((await page.locator('.tab.active', { hasText: 'run.json' }).count()) > 0 ? true : undefined));
    frame = await showsTheRun();
    assert.equal(await page.locator('.monaco-editor .view-line', { hasText: '"completedAt"' }).count(), 0, 'run.json opened as text');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'e2e-run-editor.png') });
    // The extension page's screenshot (marketplace/README.md shows a copy, media/screenshots/):
    // the editor area without the Problems panel, a sample's details open.
    await runFromPalette(page, 'View: Hide Panel');
    await frame.locator('.line.sample[data-task="t2"][data-index="1"]').click();
    await waitFor('the detail pane', 10_000, async () => ((await frame.locator('[data-role=generation]').count()) > 0 ? true : undefined));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'marketplace-gap-panel.png') });

    // samples.jsonl opens as text; Reopen Editor With… offers the run editor.
    // On a loaded machine the first Quick Open can lose the race with its own file search: open
    // until the tab is active, then give the text editor its time to render the first lines.
    await waitFor('the samples.jsonl tab', 90_000, async () => {
      await quickOpen(page, `${runId}/samples.jsonl`, 'samples.jsonl');
      return waitFor('the samples.jsonl tab to be active', 15_000, async () => ((await page.locator('.tab.active', { hasText: 'samples.jsonl' }).count()) > 0 ? true : undefined));
    });
    await waitFor('samples.jsonl as text', 60_000, async () => ((await page.locator('.monaco-editor .view-line', { hasText: '"generation"' }).count()) > 0 ? true : undefined));
    // "View: Reopen Editor With..." (not "… With Text Editor", which asks nothing).
    await runFromPalette(page, 'Reopen Editor With...');
    await answerQuickInput(page, /Gap Lens Run \(any folder\)/, 'Gap Lens Run (any folder)');
    frame = await showsTheRun();
    await waitFor('the samples.jsonl tab', 30_000, async () => ((await page.locator('.tab.active', { hasText: 'samples.jsonl' }).count()) > 0 ? true : undefined));
  });

  // Run lifecycle (issue 14): a slow server of its own, so that a run can be cancelled mid-way.
  // Slow until the cancel has been seen; the tests after it only need its answers, not its wait.
  const slowOptions: FakeOpenAIOptions = {
    latencyMs: 800,
    respond: (req) => {
      // Check Selection's question: most samples say 34, every third 35.
      if (req.topLogprobs === undefined && req.prompt.includes('What is 30 + 4?')) return { text: ((req.seed ?? 0) + req.choiceIndex) % 3 === 2 ? ' So the answer is 35.' : ' Thirty plus four. The answer is 34.' };
      return scriptedAnswers(req);
    },
  };
  let slow: FakeOpenAI | undefined;
  let slowDir = '';
  after(async () => slow?.close());

  /** The visible panel frame showing `selector`, among the open panels' frames. */
  async function frameWith(selector: string, what: string): Promise<Frame> {
    return waitFor(what, 60_000, async () => {
      for (const f of page.frames()) if (await f.locator(selector).first().isVisible().catch(() => false)) return f;
      return undefined;
    });
  }

  async function statusBarSays(text: string): Promise<void> {
    await waitFor(`the status bar to say "${text}"`, 15_000, async () => ((await page.locator('.statusbar-item', { hasText: 'Gap Lens' }).allInnerTexts()).some((t) => t.includes(text)) ? true : undefined));
  }

  it('cancels a run from its panel, which then offers Resume; Resume in the panel completes it', async function () {
    slow = await startFakeOpenAI(slowOptions);
    const settingsFile = path.join(workspace, '.vscode', 'settings.json');
    const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as { 'gaplens.modelProfiles': unknown[] };
    settings['gaplens.modelProfiles'].push({ name: 'Slow server', backend: 'openai', baseUrl: slow.url, model: 'fake-model', maxConcurrency: 1 });
    fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
    const runsDir = path.join(workspace, '.gaplens', 'runs');
    const before = new Set(fs.readdirSync(runsDir));

    await runFromPalette(page, 'Gap Lens: Run Gap Check');
    await answerQuickInput(page, /Which tasks\?/, 'x.tasks');
    await answerQuickInput(page, /Model profile/, 'Slow server');
    await answerQuickInput(page, /How are the calls sent\?/, 'Online');
    await answerQuickInput(page, /Samples per task/, String(N));
    await answerQuickInput(page, /Max tokens per generation/, '');
    await answerQuickInput(page, /Which verifiers/, '');
    // Two profiles now: the plan asks which model verifies.
    await answerQuickInput(page, /Which model verifies the samples\?/, 'Same model');
    await answerQuickInput(page, /Filter: which samples/, '');
    slowDir = await waitFor('the new run folder', 60_000, async () => {
      const made = fs.readdirSync(runsDir).find((d) => !before.has(d));
      return made === undefined ? undefined : path.join(runsDir, made);
    });
    const running = await frameWith('[data-role=run-action-cancel]', 'the Cancel button of the running run');
    await running.locator('[data-role=run-action-cancel]').click();
    await waitFor('the panel to offer Resume', 60_000, async () => ((await running.locator('[data-role=run-action-resume]').isVisible()) ? true : undefined));
    const status = (await running.locator('[data-role=run-status]').textContent()) ?? '';
    assert.match(status, /^cancelled \d+ \/ 16 — Cancelled\. .*Resume \(in the panel or on the run in the Gap Lens runs view\) continues it\.$/);
    assert.doesNotMatch(status, /Open Run/);
    const cut = fs.readFileSync(path.join(slowDir, 'samples.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"type":"generation"')).length;
    assert.ok(cut < TASKS.length * N, `the run was not cancelled (${cut} generations)`);
    await statusBarSays('cancelled');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'e2e-cancelled.png') });
    slowOptions.latencyMs = 20;

    await running.locator('[data-role=run-action-resume]').click();
    await waitFor('the resumed run to complete', 120_000, async () => ((JSON.parse(fs.readFileSync(path.join(slowDir, 'run.json'), 'utf8')) as { completedAt?: string }).completedAt ? true : undefined));
    await waitFor('the panel to say done', 30_000, async () => (/^done 16 \/ 16/.test((await running.locator('[data-role=run-status]').textContent()) ?? '') ? true : undefined));
    assert.equal(await running.locator('[data-role=run-action-resume]').isVisible(), false);
    assert.equal(await running.locator('[data-role=run-action-reverify]').isVisible(), true);
  });

  it('names each run in its tab and the status bar, which follows the focused panel', async function () {
    assert.ok(slowDir, 'needs the run of the previous test');
    // Label the slow run from its panel's bar; the other run keeps its model and task set as its name.
    const slowFrame = await frameWith('[data-role=run-action-label]', 'the slow run\'s panel');
    await slowFrame.locator('[data-role=run-action-label]').click();
    await answerQuickInput(page, /A name for run/, 'slow run');
    await waitFor('the labelled tab', 30_000, async () => ((await page.locator('.tab', { hasText: 'Gap Lens: slow run' }).count()) > 0 ? true : undefined));
    await statusBarSays('Gap Lens: slow run');
    // The first run is still open in the run editor of its samples.jsonl (the test before last).
    const other = page.locator('.tab', { hasText: 'samples.jsonl' });
    assert.equal(await other.count(), 1, 'the first run\'s editor is not open');
    await other.click();
    await statusBarSays('Gap Lens: fake-model · x.tasks.jsonl');
    await page.locator('.tab', { hasText: 'Gap Lens: slow run' }).first().click();
    await statusBarSays('Gap Lens: slow run');
    await other.click();
    await statusBarSays('Gap Lens: fake-model · x.tasks.jsonl');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'e2e-status-follows-focus.png') });
  });

  it('Check Selection without a gold answer shows the answers grouped, and Mark as right answer grades every sample', async function () {
    assert.ok(slow, 'needs the slow server of the lifecycle test');
    fs.writeFileSync(path.join(workspace, 'question.md'), 'What is 30 + 4?\n');
    await quickOpen(page, 'question.md');
    await waitFor('question.md in the editor', 30_000, async () => ((await page.locator('.monaco-editor .view-line', { hasText: 'What is 30 + 4?' }).count()) > 0 ? true : undefined));
    await page.locator('.monaco-editor .view-line', { hasText: 'What is 30 + 4?' }).click();
    await page.keyboard.press('Control+a');
    // Not runFromPalette: its Escape would clear the selection.
    await page.keyboard.press('F1');
    await page.waitForSelector('.quick-input-widget', { state: 'visible' });
    await page.keyboard.type('Gap Lens: Check Selection');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Check Selection' }).first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Enter');
    await answerQuickInput(page, /How are answers compared\?/, 'numeric');
    await answerQuickInput(page, /Gold answer \(optional/, '');
    await answerQuickInput(page, /Model profile/, 'Slow server');
    await answerQuickInput(page, /How are the calls sent\?/, 'Online');
    await answerQuickInput(page, /Samples per task/, '6');
    await answerQuickInput(page, /Max tokens per generation/, '');
    await answerQuickInput(page, /Which verifiers/, '');
    // Two profiles now: the plan asks which model verifies.
    await answerQuickInput(page, /Which model verifies the samples\?/, 'Same model');
    await answerQuickInput(page, /Filter: which samples/, '');

    const checkFrame = await frameWith('[data-role=clusters] .cluster-line[data-answer="34"]', 'the answer groups');
    await waitFor('all 6 samples', 120_000, async () => {
      const counts = await checkFrame.locator('[data-role=clusters] .cluster-line[data-answer] span:nth-child(2)').allTextContents();
      return counts.reduce((n, t) => n + Number.parseInt(t, 10), 0) === 6 ? true : undefined;
    });
    const answers = await checkFrame.locator('[data-role=clusters] .cluster-line[data-answer]').evaluateAll((lines) => lines.map((l) => (l as unknown as PageNode).getAttribute('data-answer')));
    assert.deepEqual([...answers].sort(), ['34', '35']);
    assert.equal(await checkFrame.locator('[data-role=clusters]', { hasText: '(no answer)' }).count(), 0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'e2e-check-selection-clusters.png') });

    await checkFrame.locator('.cluster-line[data-answer="34"] [data-role=mark-answer]').click();
    await waitFor('34 marked as the gold answer', 30_000, async () => ((await checkFrame.locator('.cluster-line.gold[data-answer="34"]').count()) === 1 ? true : undefined));
    const say34 = Number.parseInt((await checkFrame.locator('.cluster-line[data-answer="34"] span:nth-child(2)').textContent()) ?? '', 10);
    const accuracy = await waitFor('the accuracy of the marked answer', 30_000, async () => {
      const text = (await stats(checkFrame)).accuracy ?? '';
      const value = Number.parseFloat(text.replace(/[^\d.+-]/g, ''));
      return Number.isFinite(value) ? (text.includes('%') ? value / 100 : value) : undefined;
    });
    assert.ok(Math.abs(accuracy - say34 / 6) < 0.001, `accuracy ${accuracy}, ${say34} of 6 samples say 34`);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'e2e-check-selection-marked.png') });
  });

  it('fits the gap panel with 4 verifiers at half width and at 1400 px: no sideways scroll, the label column in view', async function () {
    // A copy of the run with three more verifiers' records (the first verifier's, renamed): four score
    // columns without teaching the fake server three more verifiers.
    const wideId = `${path.basename(runDir)}-4v`;
    const wideDir = path.join(path.dirname(runDir), wideId);
    fs.cpSync(runDir, wideDir, { recursive: true, filter: (src) => !src.endsWith('.lock') });
    const meta = JSON.parse(fs.readFileSync(path.join(wideDir, 'run.json'), 'utf8')) as { id: string; config: { verifiers: string[] } };
    const [first] = meta.config.verifiers as [string];
    const more = ['cot-score', 'cot-binary', 'tournament'].filter((v) => v !== first).slice(0, 3);
    meta.id = wideId;
    meta.config.verifiers = [first, ...more];
    fs.writeFileSync(path.join(wideDir, 'run.json'), JSON.stringify(meta, null, 2));
    const records = fs.readFileSync(path.join(wideDir, 'samples.jsonl'), 'utf8').trim().split('\n');
    const copies = records
      .map((line) => JSON.parse(line) as { type: string; verifier?: string })
      .filter((r) => r.type === 'verification' && r.verifier === first)
      .flatMap((r) => more.map((verifier) => JSON.stringify({ ...r, verifier })));
    fs.appendFileSync(path.join(wideDir, 'samples.jsonl'), `${copies.join('\n')}\n`);

    const wideFrame = async (): Promise<Frame> =>
      waitFor('the 4-verifier panel', 60_000, async () => {
        for (const f of page.frames()) {
          // Every verifier has a column to show (the Columns menu); as many as fit are shown.
          const columns = await f.locator('[data-role=columns-list] [data-column]').count().catch(() => 0);
          if (columns === 1 + more.length && (await stats(f)).samples?.startsWith(`${TASKS.length * N} of`)) return f;
        }
        return undefined;
      });
    /** The page's sideways overflow and where the label column sits, inside the panel's webview. */
    const measure = async (f: Frame): Promise<{ scrollWidth: number; clientWidth: number; label: string; left: number; right: number; width: number }> =>
      f.evaluate(() => {
        const doc = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number }; querySelectorAll(s: string): ArrayLike<{ textContent: string | null; getBoundingClientRect(): { left: number; right: number } }> } }).document;
        const headers = Array.from(doc.querySelectorAll('.column-header .cell'));
        const label = headers[headers.length - 1];
        const box = label?.getBoundingClientRect() ?? { left: -1, right: -1 };
        return { scrollWidth: doc.documentElement.scrollWidth, clientWidth: doc.documentElement.clientWidth, label: label?.textContent ?? '', left: box.left, right: box.right, width: (globalThis as unknown as { innerWidth: number }).innerWidth };
      });
    const assertFits = async (f: Frame, where: string): Promise<void> => {
      // The columns re-plan after a resize: give the layout a moment, then measure.
      const m = await waitFor(`the panel to fit ${where}`, 10_000, async () => {
        const got = await measure(f);
        return got.scrollWidth <= got.clientWidth ? got : undefined;
      }).catch(async () => measure(f));
      assert.ok(m.scrollWidth <= m.clientWidth, `${where}: the panel scrolls sideways (scrollWidth ${m.scrollWidth} > clientWidth ${m.clientWidth})`);
      assert.equal(m.label, 'label', `${where}: the last column is the label column`);
      assert.ok(m.left >= 0 && m.right <= m.width + 0.5 && m.right > m.left, `${where}: the label column is off-screen (${m.left}–${m.right} of ${m.width})`);
    };

    await page.setViewportSize({ width: 1400, height: 900 });
    // Wait for the copy's own entry (its folder name is in the row): the run's first run.json matches the query too.
    await quickOpen(page, `${wideId}/run.json`, wideId);
    let f = await wideFrame();
    await assertFits(f, 'at 1400 px');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'e2e-panel-4-verifiers-1400.png') });

    // Half width: the panel beside the task file, each in its own editor group.
    await quickOpen(page, 'x.tasks.jsonl');
    await waitFor('the task file tab', 30_000, async () => ((await page.locator('.tab.active', { hasText: 'x.tasks.jsonl' }).count()) > 0 ? true : undefined));
    await quickOpen(page, `${wideId}/run.json`, wideId);
    f = await wideFrame();
    await runFromPalette(page, 'View: Move Editor into Right Group');
    await waitFor('two editor groups', 30_000, async () => ((await page.locator('.editor-group-container').count()) >= 2 ? true : undefined));
    f = await wideFrame();
    const half = await measure(f);
    assert.ok(half.width < 800, `the panel is not at half width: ${half.width} px`);
    await assertFits(f, `at half width (${half.width} px)`);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'e2e-panel-4-verifiers-half.png') });
  });

  it('adds a model profile from the run picker (an endpoint, checked), saves it to the workspace settings and runs with it', async function () {
    const runsDir = path.join(workspace, '.gaplens', 'runs');
    const before = fs.readdirSync(runsDir);
    const profilesBefore = (JSON.parse(fs.readFileSync(path.join(workspace, '.vscode', 'settings.json'), 'utf8')) as { 'gaplens.modelProfiles': { name: string }[] })['gaplens.modelProfiles'].map((p) => p.name);
    await runFromPalette(page, 'Gap Lens: Run Gap Check');
    await answerQuickInput(page, /Which tasks\?/, 'x.tasks');
    // A multi-step input: the step counter in the title, a Back button from step 2 on.
    await waitFor('the profile question', 30_000, async () => (/Model profile/.test(await quickInputText(page)) ? true : undefined));
    assert.match(await page.locator('.quick-input-widget .quick-input-title').innerText(), /Gap Lens: Run Gap Check \(2\/\d+\)/);
    assert.equal(await page.locator('.quick-input-widget .codicon-quick-input-back').isVisible(), true, 'no Back button at step 2');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'e2e-profile-step.png') });
    await answerQuickInput(page, /Model profile/, 'Add a model profile');
    await answerQuickInput(page, /What does the profile run\?/, 'OpenAI-compatible');
    await answerQuickInput(page, /Base URL of the server/, fake?.url ?? '');
    await answerQuickInput(page, /The model name the server serves/, 'fake-model');
    await answerQuickInput(page, /Which API does the profile call\?/, 'completions');
    await answerQuickInput(page, /API key of/, '');
    await answerQuickInput(page, /Name of the profile/, 'Added endpoint');
    // The doctor's probe of the endpoint says what it found; either way the profile can be kept.
    await waitFor('the check of the endpoint', 60_000, async () => (/Check (passed|failed)/.test(await quickInputText(page)) ? true : undefined));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'e2e-profile-check.png') });
    await answerQuickInput(page, /Check (passed|failed)/, 'Continue');
    await answerQuickInput(page, /Save the profile where\?/, 'Workspace settings');
    await answerQuickInput(page, /How are the calls sent\?/, 'Online');
    await answerQuickInput(page, /Samples per task/, '2');
    await answerQuickInput(page, /Max tokens per generation/, '');
    await answerQuickInput(page, /Which verifiers/, '');
    // With more than one profile (the lifecycle tests add one) the verifier's model is asked too.
    const next = await waitFor('the verifier model or the filter question', 30_000, async () => {
      const shown = await quickInputText(page);
      return /Which model verifies the samples\?/.test(shown) ? 'model' : /Filter: which samples/.test(shown) ? 'filter' : undefined;
    });
    if (next === 'model') await answerQuickInput(page, /Which model verifies the samples\?/, 'Same model');
    await answerQuickInput(page, /Filter: which samples/, '');

    const settings = JSON.parse(fs.readFileSync(path.join(workspace, '.vscode', 'settings.json'), 'utf8')) as { 'gaplens.modelProfiles': { name: string; baseUrl?: string; model?: string }[] };
    assert.deepEqual(settings['gaplens.modelProfiles'].map((p) => p.name), [...profilesBefore, 'Added endpoint']);
    assert.deepEqual(settings['gaplens.modelProfiles'].at(-1), { name: 'Added endpoint', backend: 'openai', baseUrl: fake?.url, model: 'fake-model' });
    const run = await waitFor('the run with the added profile to complete', 120_000, async () => {
      const [dir] = fs.readdirSync(runsDir).filter((d) => !before.includes(d));
      if (!dir) return undefined;
      const meta = JSON.parse(fs.readFileSync(path.join(runsDir, dir, 'run.json'), 'utf8')) as { completedAt?: string; config: { model: string; n: number } };
      return meta.completedAt ? meta : undefined;
    });
    assert.deepEqual([run.config.model, run.config.n], [`openai:fake-model@${fake?.url}`, 2]);
  });

  it('runs a task file\'s gap check from the Test Explorer: passed with 30 tasks, errored with too few, the message shown', async function () {
    // Its own task file and runs folder, put back afterwards: the other tests see the workspace as before.
    const settingsFile = path.join(workspace, '.vscode', 'settings.json');
    const savedSettings = fs.readFileSync(settingsFile, 'utf8');
    const gate = path.join(workspace, 'gate.tasks.jsonl');
    const testRuns = path.join(workspace, '.gaplens', 'test-runs');
    fs.writeFileSync(gate, Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: `g${i}`, question: `What is ${40 - i} + ${2 + i}?`, answer: '42', grader: 'numeric' })).join('\n') + '\n');
    fs.writeFileSync(settingsFile, JSON.stringify({ ...(JSON.parse(savedSettings) as Record<string, unknown>), 'gaplens.runsFolder': '.gaplens/test-runs', 'testing.automaticallyOpenPeekView': 'failureAnywhere' }, null, 2));
    try {
      await runFromPalette(page, 'Testing: Focus on Test Explorer View');
      const row = (file: string) => page.locator('.monaco-list-row:visible', { hasText: file }).filter({ has: page.locator('.computed-state') });
      for (const file of ['gate.tasks.jsonl', 'x.tasks.jsonl']) await row(file).first().waitFor({ timeout: 60_000 });
      const runTest = async (file: string): Promise<void> => {
        await row(file).first().hover();
        await row(file).first().locator('.action-label[aria-label^="Run Test"]').click();
      };

      // The perfect verifier's filter helps on 30 tasks: the lower end of the gap's interval is above 0.
      await runTest('gate.tasks.jsonl');
      await waitFor('gate.tasks.jsonl to pass', 120_000, async () => ((await row('gate.tasks.jsonl').locator('.codicon-testing-passed-icon').count()) > 0 ? true : undefined));
      const [made] = fs.readdirSync(testRuns);
      const run = JSON.parse(fs.readFileSync(path.join(testRuns, made as string, 'run.json'), 'utf8')) as { completedAt?: string; config: { tasks: string; n: number; limit: number } };
      assert.ok(run.completedAt);
      assert.deepEqual([run.config.tasks, run.config.n, run.config.limit], [gate, 4, 30]);
      await runFromPalette(page, 'Testing: Focus on Test Explorer View');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'e2e-test-explorer-passed.png') });

      // Four tasks are too few for the interval: errored, never passed, and the peek shows why with the numbers.
      await runTest('x.tasks.jsonl');
      await waitFor('x.tasks.jsonl to be errored', 120_000, async () => ((await row('x.tasks.jsonl').locator('.codicon-testing-error-icon').count()) > 0 ? true : undefined));
      const peek = page.locator('.peekview-widget', { hasText: 'too few for the interval' });
      await peek.first().waitFor({ timeout: 30_000 });
      const shown = (await peek.first().innerText()).replace(/\u00a0/g, ' ');
      assert.match(shown, /4 tasks: too few for the interval \(needs ≥ 30, gaplens\.testing\.minTasks\)/);
      assert.match(shown, /gap [-+]\d+\.\d\d pp/);
      assert.match(shown, /N 4 · 4 tasks · 16 samples/);
      assert.match(shown, /Open the run's panel/);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'e2e-test-explorer-errored.png') });
    } finally {
      await page.keyboard.press('Escape');
      await runFromPalette(page, 'View: Close All Editors');
      fs.writeFileSync(settingsFile, savedSettings);
      fs.rmSync(gate, { force: true });
      fs.rmSync(testRuns, { recursive: true, force: true });
    }
  });

  // Issue 15's workflows, on runs the CLI makes here against loopback fake servers. Mocha runs a
  // suite's own tests before its inner suites, so these runs come after the steps above, which count
  // the runs folder.
  describe('the verifier template loop and the self-improvement series', function () {
    const ROUNDS = ['round0', 'round1', 'round2'];
    let loopRun: string;
    let roundDirs: string[];
    let rounds: FakeOpenAI | undefined;

    async function cli(args: string[]): Promise<string> {
      const res = await runCli(args, { env: cleanEnv(root) });
      assert.equal(res.code, 0, `gaplens ${args.join(' ')}: ${res.stderr}`);
      return res.stdout;
    }

    before(async function () {
      const runsDir = path.join(workspace, '.gaplens', 'runs');
      loopRun = path.join(runsDir, 'template-loop');
      await cli(['run', '--tasks', path.join(workspace, 'x.tasks.jsonl'), '--model', `openai:fake-model@${fake?.url}`, '-n', String(N), '--verifier', 'mc', '--filter', 'threshold:0.5', '--out', loopRun, '--no-cache']);
      // Each round's "fine-tuned" model (a fake model name) answers 1, 2 and 3 of 4 samples per task
      // right, and mc is sure and right; round r + 1 names round r's export as its lineage.
      rounds = await startFakeOpenAI({ respond: roundsResponder({ round0: 1, round1: 2, round2: 3 }) });
      const tasks = path.join(workspace, 'rounds.tasks.jsonl');
      writeTasks(tasks, 3);
      roundDirs = ROUNDS.map((name) => path.join(runsDir, name));
      const kept = (r: number): string => path.join(root, `${ROUNDS[r]}.kept.jsonl`);
      for (const [r, dir] of roundDirs.entries()) {
        const parent = roundDirs[r - 1];
        if (parent !== undefined) await cli(['export', parent, '--filter', 'threshold:0.5', '--out', kept(r - 1)]);
        const lineage = parent === undefined ? [] : ['--lineage', kept(r - 1)];
        await cli(['run', '--tasks', tasks, '--model', `openai:${ROUNDS[r]}@${rounds.url}`, '-n', '4', '--verifier', 'mc', '--filter', 'threshold:0.5', '--out', dir, '--no-cache', ...lineage]);
      }
      // The steps above leave the Test Explorer in the side bar, its filter box focused.
      await runFromPalette(page, 'View: Close All Editors');
      await runFromPalette(page, 'View: Show Explorer');
    });

    after(async () => rounds?.close());

    it('Edit Verifier Template, an edit the verifier sees, its CodeLens: the A/B view lists exactly the samples whose verdict changed, each with both raw outputs', async function () {
      await quickOpen(page, 'template-loop/run.json', 'template-loop');
      const panel = await frameWith('[data-role=run-action-editTemplate]', "the template-loop run's panel");
      await panel.locator('[data-role=run-action-editTemplate]').click();
      await waitFor('the draft template in the editor', 30_000, async () => ((await page.locator('.tab.active', { hasText: 'verify-mc.txt' }).count()) > 0 ? true : undefined));
      assert.equal(fs.readFileSync(path.join(loopRun, 'templates', 'drafts', 'verify-mc.txt'), 'utf8'), fs.readFileSync(path.join(loopRun, 'templates', 'verify-mc.txt'), 'utf8'), 'the draft is the template the run used');
      // Typed and left unsaved: the re-verify saves the draft as the user sees it.
      await page.locator('.part.editor .monaco-editor .view-line').first().click();
      await page.keyboard.press('Control+Home');
      await page.keyboard.type(`${STRICT}: judge strictly. `);
      await waitFor('the edit in the editor', 10_000, async () => ((await page.locator('.part.editor .monaco-editor .view-line').first().textContent())?.replace(/\u00a0/g, ' ').startsWith(`${STRICT}: judge strictly.`) ? true : undefined));
      const lens = page.locator('.part.editor .monaco-editor .codelens-decoration a', { hasText: 'Re-verify with this template' });
      await lens.first().waitFor({ timeout: 60_000 });
      await lens.first().click();
      const ab = await frameWith('h1#top', 'the A/B view');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'e2e-template-ab.png') });

      // The changed samples, from the run's files: the verdict of each version under threshold:0.5
      // (kept: score ≥ 0.5; unscored: no score), listed in tasks.jsonl order, then by index.
      assert.deepEqual((JSON.parse(fs.readFileSync(path.join(loopRun, 'run.json'), 'utf8')) as { config: { verifiers: string[] } }).config.verifiers, ['mc', 'mc#v2']);
      const records = fs.readFileSync(path.join(loopRun, 'samples.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as GenerationRecord & VerificationRecord);
      const latest = new Map(records.filter((r) => r.type === 'verification').map((r) => [`${r.verifier} ${r.task} ${r.index}`, r]));
      const verdict = (verifier: string, g: GenerationRecord): string => {
        const score = latest.get(`${verifier} ${g.task} ${g.index}`)?.score ?? null;
        return score === null ? 'unscored' : score >= 0.5 ? 'kept' : 'dropped';
      };
      const changed = records
        .filter((r) => r.type === 'generation' && verdict('mc', r) !== verdict('mc#v2', r))
        .sort((x, y) => TASKS.indexOf(x.task) - TASKS.indexOf(y.task) || x.index - y.index);
      assert.ok(changed.length > 0, 'the edit changed no verdict');
      assert.equal(await ab.locator('h1#top').textContent(), 'mc: v1 vs v2');
      assert.match((await ab.locator('h2').first().textContent()) ?? '', new RegExp(`^${changed.length} samples? changed verdict`));
      assert.deepEqual(await ab.locator('ol.changes li a').allTextContents(), changed.map((g) => `${g.task} #${g.index} (${g.grade.correct ? 'correct' : 'incorrect'})`));

      // Opening the last one scrolls to it: the answer judged and both versions' raw outputs.
      const last = changed.length - 1;
      const where = async (): Promise<{ top: number; bottom: number; height: number }> =>
        ab.locator(`#sample-${last}`).evaluate((section: PageNode & { getBoundingClientRect(): { top: number; bottom: number } }) => {
          const box = section.getBoundingClientRect();
          return { top: box.top, bottom: box.bottom, height: (globalThis as unknown as { innerHeight: number }).innerHeight };
        });
      const before = await where();
      assert.ok(before.top > before.height, `the last changed sample is in view before it is opened (${before.top} of ${before.height} px)`);
      await ab.locator('ol.changes li a').nth(last).click();
      await waitFor('the opened sample in view', 10_000, async () => {
        const now = await where();
        return now.top >= 0 && now.bottom <= now.height ? true : undefined;
      });
      const opened = changed[last] as GenerationRecord;
      const raws = ab.locator(`#sample-${last} .side pre`);
      assert.deepEqual(await raws.allTextContents(), ['mc', 'mc#v2'].map((v) => latest.get(`${v} ${opened.task} ${opened.index}`)?.raw));
      for (const raw of await raws.all()) assert.ok(await raw.isVisible());
      // The hostile task's generations are among the changed samples: shown as text, never as HTML.
      assert.ok(changed.some((g) => g.task === 'zz-hostile'));
      assert.equal(await ab.locator('img').count(), 0);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'e2e-template-ab-sample.png') });
    });

    it('Show Self-Improvement Series… on three rounds linked by their exports: the series tab shows each round and its gap as report --series --json does', async function () {
      const expected = (JSON.parse(await cli(['report', '--series', ...roundDirs, '--json'])) as { rounds: { round: number; run: string; id: string; model: string; gap: number | null }[] }).rounds;
      assert.deepEqual(expected.map((r) => r.run), roundDirs, 'the rounds in lineage order');
      // Rounds of 1, 2 and 3 right of 4 under a sure and right verifier: gap 1 − k/4, three different numbers to compare.
      assert.deepEqual(expected.map((r) => [r.round, r.gap]), [[0, 0.75], [1, 0.5], [2, 0.25]]);

      await runFromPalette(page, 'Gap Lens: Show Self-Improvement Series');
      await waitFor('the question for the rounds', 30_000, async () => (/The runs of every round/.test(await quickInputText(page)) ? true : undefined));
      await page.keyboard.type('round');
      const listed = page.locator('.quick-input-list .monaco-list-row');
      await waitFor('the three rounds, and only they, listed', 30_000, async () => {
        const texts = await listed.allInnerTexts();
        return texts.length === ROUNDS.length && ROUNDS.every((name) => texts.some((t) => t.includes(`${name} · rounds.tasks.jsonl`))) ? true : undefined;
      });
      await page.locator('.quick-input-header .monaco-checkbox').click();
      await waitFor('the three rounds picked', 10_000, async () => (/\b3\b/.test(await page.locator('.quick-input-count').innerText()) ? true : undefined));
      await page.keyboard.press('Enter');

      const series = await frameWith('#rounds tbody tr', 'the series tab');
      const rows = series.locator('#rounds tbody tr');
      assert.equal(await rows.count(), ROUNDS.length);
      for (const [i, round] of expected.entries()) {
        const [shownRound, id, model, , gap] = await rows.nth(i).locator('td').allTextContents();
        assert.deepEqual([shownRound, id, model], [String(round.round), round.id, round.model]);
        assert.ok(gap?.startsWith(round.gap === null ? '—' : `${formatPoints(round.gap)} `), `round ${round.round}: gap cell "${gap}", report --series --json says ${round.gap}`);
      }
      await page.screenshot({ path: path.join(SCREENSHOTS, 'e2e-series.png') });
    });
  });
});
