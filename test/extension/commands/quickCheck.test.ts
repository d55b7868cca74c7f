// Quick Gap Check: the built bundle in a fake VS Code against the real HTTP fake server. Its CodeLenses
// on a task file (every task, the file, a selection of several), a quiet run with the quick settings
// and the profile used last (asked once when there is none), the lens then saying the run's gap as
// `gaplens report` computes it and opening its panel, a second check replayed from the response cache,
// a verifier that scored nothing shown without a gap, and the status bar's action on task files.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatIntervalIn, formatPoints } from '../../../src/core/report/numbers';
import { parseTaskText } from '../../../src/core/tasks/parseTaskText';
import type { Task } from '../../../src/core/tasks/task';
import { RUN_CHOICES_KEY } from '../../../src/extension/config/runChoices';
import { taskHoverMarkdown } from '../../../src/server/hover';
import { TaskResultsCache } from '../../../src/server/taskResults';
import { startFakeOpenAI, type FakeOpenAI, type FakeRequest } from '../../fixtures/openaiServer';
import { REPO, runCli } from '../../helpers/cli';
import { isTaskRequest, writeTasks } from '../../helpers/runs';
import { closeExtension, extensionSandbox, loadBuiltExtension, type ExtensionModule, type ExtensionSandbox } from '../fakes/extensionSandbox';
import { fakeEditor, FakeTextDocument, FakeUri, installFakeVscode, pick, type FakeCodeLens, type FakeCodeLensProvider, type FakeVscode } from '../fakes/fakeVscode';

/** How the fake judge answers mc: "good" prefers the right answer (42); "garbage" gives no verdict token, so mc scores nothing. */
let judge: 'good' | 'garbage' = 'good';

function judgeAnswer(req: FakeRequest): { top: { token: string; logprob: number }[] } | undefined {
  const at = req.prompt.lastIndexOf('\nResponse: ');
  if (req.topLogprobs === undefined || at < 0) return undefined;
  if (judge === 'garbage') return { top: [{ token: ' Banana', logprob: -0.1 }] };
  const pCorrect = req.prompt.slice(at).includes('The answer is 42.') ? 0.9 : 0.1;
  return { top: [{ token: ' Correct', logprob: Math.log(pCorrect) }, { token: ' Incorrect', logprob: Math.log(1 - pCorrect - 0.01) }] };
}

interface RunJson {
  config: { tasks: string; n: number; verifiers: string[]; model: string; filter: string; limit?: number };
}

describe('Quick Gap Check (built bundle, fake VS Code, real HTTP model server)', function () {
  this.timeout(120_000);
  let sandbox: ExtensionSandbox;
  let server: FakeOpenAI;
  let fake: FakeVscode;
  let ext: ExtensionModule;
  let lensProvider: FakeCodeLensProvider;
  let file: string;
  let doc: FakeTextDocument;
  let settings: Record<string, unknown>;

  before(async () => {
    sandbox = extensionSandbox();
    // Scored from the top logprobs alone (no exact continuation scoring), so a judge without a verdict token scores nothing.
    server = await startFakeOpenAI({ respond: judgeAnswer, echo: 'ignored', promptLogprobs: 'ignored' });
    file = join(sandbox.ws, 'gsm.tasks.jsonl');
    writeTasks(file, 5);
    const profiles = [
      { name: 'Other', backend: 'openai', baseUrl: 'http://127.0.0.1:9', model: 'other-model' },
      { name: 'Local', backend: 'openai', baseUrl: server.url, model: 'fake-model' },
    ];
    settings = { 'gaplens.modelProfiles': profiles, 'gaplens.runsFolder': '.gaplens/runs', 'gaplens.quickCheck.n': 3, 'gaplens.quickCheck.limit': 4 };
    fake = installFakeVscode({ extensionPath: REPO, workspaceFolder: sandbox.ws, globalStorage: join(sandbox.tmp, 'global'), settings, userSettings: { 'gaplens.modelProfiles': profiles } });
    ext = loadBuiltExtension();
    ext.activate(fake.context);
    const registered = fake.recorded.codeLenses.find((l) => (l.selector as { language?: string }).language === 'gaplens-tasks');
    assert.ok(registered, 'no CodeLens provider for task files');
    lensProvider = registered.provider;
    doc = (await (fake.module.workspace as { openTextDocument(u: FakeUri): Promise<FakeTextDocument> }).openTextDocument(FakeUri.file(file))) as FakeTextDocument;
  });

  after(async () => {
    setEditor(undefined);
    await closeExtension(ext, fake);
    await server?.close();
    sandbox?.cleanup();
  });

  const window = (): Record<string, unknown> => fake.module.window as Record<string, unknown>;
  function setEditor(editor: ReturnType<typeof fakeEditor> | undefined): void {
    if (!fake) return;
    window().activeTextEditor = editor;
    fake.recorded.editorEvents.active.fire(editor);
    if (editor) fake.recorded.editorEvents.selection.fire({ textEditor: editor });
  }
  const cursor = (line: number): { start: { line: number; character: number }; end: { line: number; character: number } } => ({ start: { line, character: 0 }, end: { line, character: 0 } });
  const lenses = async (): Promise<FakeCodeLens[]> => lensProvider.provideCodeLenses(doc);
  const lineOf = (lens: FakeCodeLens): number => (lens.range as { startLine: number }).startLine;
  const titled = async (prefix: string): Promise<FakeCodeLens> => {
    const found = (await lenses()).find((l) => l.command?.title.startsWith(prefix));
    assert.ok(found, `no lens "${prefix}…" in ${(await lenses()).map((l) => l.command?.title).join(' | ')}`);
    return found;
  };
  /** Runs a lens's command as a click does. */
  async function click(lens: FakeCodeLens): Promise<void> {
    const command = lens.command;
    assert.ok(command && command.command !== '', `the lens "${command?.title}" has no command`);
    await fake.recorded.commands.get(command.command)?.(...(command.arguments ?? []));
  }
  /** The run folder a result lens opens. */
  const dirOf = (lens: FakeCodeLens): string => {
    assert.equal(lens.command?.command, 'gaplens.openRun');
    return lens.command?.arguments?.[0] as string;
  };
  const runJson = (dir: string): RunJson => JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunJson;

  it('puts a Quick gap check lens where gaplens.taskCodeLens puts "Run gap check": the file and the selection, or every task', async () => {
    const shown = async (): Promise<unknown[]> => (await lenses()).map((l) => [lineOf(l), l.command?.title, l.command?.command, l.command?.arguments?.[1]]);
    const fileLens = [0, '$(zap) Quick gap check of the file (5 tasks)', 'gaplens.quickCheck', [1, 2, 3, 4, 5]];
    assert.deepEqual(await shown(), [fileLens], 'by default one lens for the file, none per line');
    settings['gaplens.taskCodeLens'] = 'everyTask';
    try {
      assert.deepEqual(await shown(), [fileLens, ...[0, 1, 2, 3, 4].map((line) => [line, '$(zap) Quick gap check of this task', 'gaplens.quickCheck', [line + 1]])]);
    } finally {
      delete settings['gaplens.taskCodeLens'];
    }
    let asked = 0;
    const listening = lensProvider.onDidChangeCodeLenses?.(() => void asked++);
    try {
      // Lines 2 and 3 selected (the selection ends at the start of line 4, which it leaves out).
      setEditor(fakeEditor(doc, [{ start: { line: 1, character: 3 }, end: { line: 3, character: 0 } }]));
      assert.ok(asked > 0, 'the lenses were not asked for again when the selection changed');
      const selection = await titled('$(zap) Quick gap check of the 2 selected tasks');
      assert.deepEqual([lineOf(selection), selection.command?.arguments?.[1]], [1, [2, 3]]);
    } finally {
      listening?.dispose();
      setEditor(undefined);
    }
  });

  let fileRun: string;
  let fileTitle: string;

  it('checks the file from the status bar: asks for a profile once (none used yet), runs quietly with the quick settings, and the lens says the gap `gaplens report` gives', async () => {
    process.env.GAPLENS_CACHE_DIR = join(sandbox.tmp, 'cache-good');
    setEditor(fakeEditor(doc, [cursor(0)]));
    const [panels, progress, questions] = [fake.recorded.panels.length, fake.recorded.progress.length, fake.recorded.questions.length];
    const item = fake.recorded.status.filter((s) => s.visible).at(-1);
    assert.equal(item?.text, '$(zap) Quick check file');
    fake.recorded.quickPicks.push(pick('Local'));
    await fake.recorded.commands.get('gaplens.quickCheck')?.();
    assert.deepEqual(fake.recorded.questions.slice(questions).map((q) => q.title), ['Gap Lens: Quick Gap Check'], 'one question: the profile');
    assert.equal((fake.context.workspaceState.get(RUN_CHOICES_KEY) as { profile?: string }).profile, 'Local', 'the profile is remembered');
    // Quiet: no panel and no progress notification of its own.
    assert.deepEqual([fake.recorded.panels.length, fake.recorded.progress.length], [panels, progress]);
    assert.deepEqual(fake.recorded.messages.filter((m) => m.level !== 'info'), []);

    const lens = await titled('Quick gap check of the file (5 tasks): ');
    fileRun = dirOf(lens);
    const { config } = runJson(fileRun);
    // N and the limit from gaplens.quickCheck.*, the first default verifier, the remembered profile's model.
    assert.deepEqual([config.tasks, config.n, config.verifiers, config.model], [`${file}#L1-L4`, 3, ['mc'], `openai:fake-model@${server.url}`]);
    const report = JSON.parse((await runCli(['report', fileRun, '--json'])).stdout) as { gap: number; tasks: number; ci: { gap: [number, number]; resamples: number } };
    fileTitle = (lens.command?.title ?? '').replace('Quick gap check of the file (5 tasks): ', '');
    assert.equal(fileTitle, `gap ${formatPoints(report.gap)}, 95 % CI ${formatIntervalIn(report.ci.gap, 'points', report.tasks, report.ci.resamples)} · N=3 · 4 tasks (< 30: rough interval)`);
    assert.match(String(lens.command?.tooltip), /^Quick gap check: accuracy \d+\.\d\d % before the filter → \d+\.\d\d % after \(verifier mc, filter quantile:0\.8\)\n12 samples; complete/);

    // One click opens the run's panel.
    await click(lens);
    assert.equal(fake.recorded.panels.length, panels + 1);
    fake.recorded.panels.at(-1)?.dispose();
    setEditor(undefined);
  });

  it('checks the file again from the response cache: no model call, the same result, a new run folder', async () => {
    const calls = server.requests.filter(isTaskRequest).length;
    const lenses0 = await lenses();
    const again = lenses0.find((l) => lineOf(l) === 0 && l.command?.title === '$(refresh) Check again' && (l.command.arguments?.[1] as number[]).length === 5);
    assert.ok(again);
    await click(again);
    assert.equal(server.requests.filter(isTaskRequest).length, calls, 'a cached quick check called the model');
    const lens = await titled('Quick gap check of the file (5 tasks): ');
    assert.notEqual(dirOf(lens), fileRun);
    assert.equal(lens.command?.title, `Quick gap check of the file (5 tasks): ${fileTitle}`);
  });

  it("the task hover (the language server's) names the quick check's run with the lens's gap and a link to its panel", async () => {
    const lens = await titled('Quick gap check of the file (5 tasks): ');
    const task = parseTaskText(readFileSync(file, 'utf8'), file).tasks[0] as Task;
    const hover = taskHoverMarkdown(task, await new TaskResultsCache([join(sandbox.ws, '.gaplens', 'runs')]).latest(task.id));
    const whole = /\nThe whole run `[^`]+` \(4 tasks\): (gap [^ ]+ pp) · \[Open the run's panel\]\(command:gaplens\.openRun\?([^)]+)\)$/.exec(hover);
    assert.ok(whole, hover);
    assert.equal(whole[1], /^gap [^ ]+ pp/.exec(fileTitle)?.[0], 'the hover and the lens show different gaps');
    assert.deepEqual(JSON.parse(decodeURIComponent(whole[2] as string)), [dirOf(lens)]);
  });

  it("checks one task with the profile used last, without asking; a verifier that scored nothing gives no gap, never 0", async () => {
    judge = 'garbage';
    process.env.GAPLENS_CACHE_DIR = join(sandbox.tmp, 'cache-garbage');
    settings['gaplens.taskCodeLens'] = 'everyTask';
    try {
      const questions = fake.recorded.questions.length;
      const task = (await lenses()).find((l) => l.command?.title === '$(zap) Quick gap check of this task' && lineOf(l) === 2);
      assert.ok(task);
      await click(task);
      assert.equal(fake.recorded.questions.length, questions, 'the profile used last is not asked again');
      const lens = (await lenses()).find((l) => lineOf(l) === 2 && l.command?.title.startsWith('Quick gap check of this task: '));
      assert.ok(lens, 'the task lens does not show the result');
      assert.deepEqual([runJson(dirOf(lens)).config.tasks, runJson(dirOf(lens)).config.n], [`${file}#L3`, 3]);
      assert.match(lens.command?.title ?? '', /^Quick gap check of this task: gap — \(mc scored 0 of 3 samples[^)]*\) · N=3 · 1 task \(< 30: rough interval\)$/);
      assert.doesNotMatch(lens.command?.title ?? '', /pp/);
      // The other tasks' lenses are untouched.
      assert.equal((await lenses()).filter((l) => l.command?.title === '$(zap) Quick gap check of this task').length, 4);
    } finally {
      judge = 'good';
      delete settings['gaplens.taskCodeLens'];
    }
  });

  it('shows the status bar action only while a task file is the active editor, for its selection or the file', () => {
    const last = (): { text: string; visible: boolean } | undefined => fake.recorded.status.at(-1);
    setEditor(fakeEditor(doc, [{ start: { line: 0, character: 0 }, end: { line: 2, character: 0 } }]));
    assert.deepEqual([last()?.text, last()?.visible], ['$(zap) Quick check selection', true]);
    setEditor(fakeEditor(new FakeTextDocument(FakeUri.file(join(sandbox.ws, 'notes.txt')), 'plaintext', 'hi'), [cursor(0)]));
    assert.equal(last()?.visible, false);
    setEditor(undefined);
    assert.equal(last()?.visible, false);
  });

  it('shows no quick check lens when gaplens.taskCodeLens turns task-file lenses off', async () => {
    settings['gaplens.taskCodeLens'] = 'off';
    try {
      assert.deepEqual(await lenses(), []);
    } finally {
      delete settings['gaplens.taskCodeLens'];
    }
    assert.ok((await lenses()).length > 0);
  });

  it('refuses invalid quick check settings, naming them', async () => {
    settings['gaplens.quickCheck.n'] = 0;
    try {
      await fake.recorded.commands.get('gaplens.quickCheck')?.(FakeUri.file(file), [1]);
      assert.match(fake.recorded.messages.at(-1)?.text ?? '', /"gaplens\.quickCheck\.n" must be a whole number at least 1/);
    } finally {
      settings['gaplens.quickCheck.n'] = 3;
    }
  });
});
