// Gap checks in the Test Explorer: the built bundle in a fake VS Code, its test controller's items
// following the workspace's task files, and its Run profile running real gap checks against the real
// HTTP fake server — passed, failed and errored with the message the pass rule gives, replayed from
// the response cache, and cancelled through the test run's token.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeOpenAI, type FakeOpenAI, type FakeRequest } from '../../fixtures/openaiServer';
import { REPO } from '../../helpers/cli';
import { isTaskRequest, writeTasks } from '../../helpers/runs';
import { closeExtension, extensionSandbox, loadBuiltExtension, type ExtensionModule, type ExtensionSandbox } from '../fakes/extensionSandbox';
import { FakeEventEmitter, FakeMarkdownString, FakeUri, installFakeVscode, type FakeTestController, type FakeTestItem, type FakeTestRun, type FakeVscode } from '../fakes/fakeVscode';

/** How the fake judge scores a response: "good" prefers the right answer (42), "reversed" the wrong ones. */
let judge: 'good' | 'reversed' = 'good';

/** mc's answer for a verification prompt (the response follows its last "Response: "); undefined: the default answer. */
function judgeAnswer(req: FakeRequest): { top: { token: string; logprob: number }[] } | undefined {
  const at = req.prompt.lastIndexOf('\nResponse: ');
  if (req.topLogprobs === undefined || at < 0) return undefined;
  const right = req.prompt.slice(at).includes('The answer is 42.');
  const pCorrect = right === (judge === 'good') ? 0.9 : 0.1;
  return { top: [{ token: ' Correct', logprob: Math.log(pCorrect) }, { token: ' Incorrect', logprob: Math.log(1 - pCorrect - 0.01) }] };
}

describe('gap checks in the Test Explorer (built bundle, fake VS Code, real HTTP model server)', function () {
  this.timeout(120_000);
  let sandbox: ExtensionSandbox;
  let server: FakeOpenAI;
  let slow: FakeOpenAI;
  let fake: FakeVscode;
  let ext: ExtensionModule;
  let controller: FakeTestController;
  let settings: Record<string, unknown>;
  let gsm: string;

  before(async () => {
    sandbox = extensionSandbox();
    server = await startFakeOpenAI({ respond: judgeAnswer });
    slow = await startFakeOpenAI({ respond: judgeAnswer, latencyMs: 150 });
    gsm = join(sandbox.ws, 'gsm.tasks.jsonl');
    // 40 tasks whose gold answer the fake model gives ~60 % of the time; the check runs the first 30.
    writeTasks(gsm, 40);
    const profiles = [
      { name: 'Local', backend: 'openai', baseUrl: server.url, model: 'fake-model' },
      { name: 'Slow', backend: 'openai', baseUrl: slow.url, model: 'fake-model' },
    ];
    settings = { 'gaplens.modelProfiles': profiles, 'gaplens.runsFolder': '.gaplens/runs' };
    fake = installFakeVscode({ extensionPath: REPO, workspaceFolder: sandbox.ws, globalStorage: join(sandbox.tmp, 'global'), settings, userSettings: { 'gaplens.modelProfiles': profiles } });
    ext = loadBuiltExtension();
    ext.activate(fake.context);
    controller = fake.recorded.testControllers.get('gaplens.gapChecks') as FakeTestController;
  });

  after(async () => {
    await closeExtension(ext, fake);
    await server?.close();
    await slow?.close();
    sandbox?.cleanup();
  });

  const uriId = (path: string): string => FakeUri.file(path).toString();
  const item = (path: string): FakeTestItem => controller.items.get(uriId(path)) as FakeTestItem;
  const token = (): { isCancellationRequested: boolean; onCancellationRequested: FakeEventEmitter<void>['event']; cancel(): void } => {
    const cancelled = new FakeEventEmitter<void>();
    const t = { isCancellationRequested: false, onCancellationRequested: cancelled.event, cancel: () => ((t.isCancellationRequested = true), cancelled.fire()) };
    return t;
  };

  /** Runs the default profile on `paths`; the run it made. */
  async function runTests(paths: string[], t = token()): Promise<FakeTestRun> {
    const profile = controller.profiles.find((p) => p.isDefault);
    assert.ok(profile);
    await profile.runHandler({ include: paths.map(item), exclude: [] }, t);
    const run = controller.runs.at(-1) as FakeTestRun;
    assert.ok(run.ended, 'the test run was not ended');
    return run;
  }

  const states = (run: FakeTestRun): string[] => run.events.map((e) => `${e.kind} ${e.id.split('/').at(-1)}`);
  const messageOf = (run: FakeTestRun, path: string): string => {
    const message = run.events.find((e) => e.id === uriId(path) && e.message)?.message?.message;
    assert.ok(message instanceof FakeMarkdownString, 'no markdown message');
    return message.value;
  };
  /** A message's markdown with its escapes taken out (the link's argument has none). */
  const plain = (markdown: string): string => markdown.replace(/\\([\\`*_[\]<>|~#+-])/g, '$1');
  const outputOf = (run: FakeTestRun, path: string): string => run.output.filter((o) => o.id === uriId(path)).map((o) => o.text).join('');
  /** The run folder a message links to (the command link's argument). */
  const linkedRun = (markdown: string): string => {
    const link = /\]\(command:gaplens\.openRun\?([^)]+)\)/.exec(markdown);
    assert.ok(link, markdown);
    return (JSON.parse(decodeURIComponent(link[1] as string)) as string[])[0] as string;
  };

  it('lists each task file as a test item once the Test Explorer asks, and follows files created, changed and deleted', async () => {
    assert.equal(controller.label, 'Gap Lens gap checks');
    assert.deepEqual(controller.profiles.map((p) => [p.label, p.kind, p.isDefault]), [['Run Gap Check', 1, true]]);
    assert.equal(controller.items.size, 0, 'nothing is searched before the Test Explorer asks');
    await controller.resolveHandler?.(undefined);
    assert.deepEqual(controller.items.all().map((i) => i.label).sort(), ['gsm.tasks.jsonl', 'math.tasks.jsonl']);
    assert.equal(item(gsm).description, undefined, 'a file at the top of the workspace needs no folder beside it');
    const watcher = fake.recorded.watchers.at(-1);
    assert.equal(watcher?.glob, '**/*.tasks.jsonl');

    const added = join(sandbox.ws, 'more', 'new.tasks.jsonl');
    mkdirSync(join(sandbox.ws, 'more'));
    writeFileSync(added, '{"id":"a","question":"q","answer":"1","grader":"numeric"}\n');
    watcher?.created.fire(FakeUri.file(added));
    assert.equal(item(added)?.label, 'new.tasks.jsonl');
    assert.equal(item(added)?.description, 'more');
    // A run folder's copy of the tasks is not a task set of the workspace.
    watcher?.created.fire(FakeUri.file(join(sandbox.ws, '.gaplens', 'runs', 'r', 'x.tasks.jsonl')));
    assert.equal(controller.items.size, 3);

    watcher?.changed.fire(FakeUri.file(added));
    assert.deepEqual(controller.invalidated.at(-1), [uriId(added)], 'a changed file keeps no result');
    watcher?.deleted.fire(FakeUri.file(added));
    assert.equal(controller.items.get(uriId(added)), undefined);
    assert.equal(controller.items.size, 2);
  });

  let passedDir: string;

  it('passes a task file whose verifier helps: the gap, accuracies, N, tasks and coverage in the output, and its run folder', async () => {
    judge = 'good';
    process.env.GAPLENS_CACHE_DIR = join(sandbox.tmp, 'cache-good');
    const [panels, progress] = [fake.recorded.panels.length, fake.recorded.progress.length];
    const run = await runTests([gsm]);
    // The Test Explorer shows the test's progress: a test run opens no panel and no progress notification.
    assert.deepEqual([fake.recorded.panels.length, fake.recorded.progress.length], [panels, progress], 'a test run opened a panel or a progress notification');
    assert.deepEqual(states(run), ['enqueued gsm.tasks.jsonl', 'started gsm.tasks.jsonl', 'passed gsm.tasks.jsonl']);
    const output = outputOf(run, gsm);
    assert.match(output, /^gsm\.tasks\.jsonl: passed: the lower end of the gap's 95 % interval, \+\d+\.\d\d pp, is above the bar 0\.00 pp: the filter helps\r\n/);
    assert.match(output, /\r\ngap \+\d+\.\d\d pp, 95 % CI \[\+\d+\.\d\d, \+\d+\.\d\d\] pp\r\n/);
    assert.match(output, /\r\naccuracy \d+\.\d\d % before the filter → \d+\.\d\d % after \(verifier mc, filter quantile:0\.8\)\r\n/);
    assert.match(output, /\r\nN 4 · 30 tasks · 120 samples\r\n/);
    assert.match(output, /\r\ncoverage: complete: 30 tasks, 120 samples, every verification recorded; mc: 120 of 120 scored\r\n/);
    const runJson = /\r\nrun: (.*run\.json) \(opens the run's panel\)\r\n$/.exec(output)?.[1];
    assert.ok(runJson && existsSync(runJson), output);
    passedDir = runJson.replace(/[\\/]run\.json$/, '');
    const config = (JSON.parse(readFileSync(runJson, 'utf8')) as { config: { tasks: string; limit: number; n: number; verifiers: string[] } }).config;
    assert.deepEqual([config.tasks, config.limit, config.n, config.verifiers], [gsm, 30, 4, ['mc']]);
    assert.deepEqual(fake.recorded.messages.filter((m) => m.level !== 'info'), []);
  });

  it('runs again from the response cache: same result, no model call', async () => {
    const before = server.requests.filter(isTaskRequest).length;
    const run = await runTests([gsm]);
    assert.deepEqual(states(run).at(-1), 'passed gsm.tasks.jsonl');
    assert.equal(server.requests.filter(isTaskRequest).length, before, 'a cached check called the model');
    const gapLine = (r: FakeTestRun | undefined): string | undefined => /\r\ngap ([^\r]*)\r\n/.exec(r ? outputOf(r, gsm) : '')?.[1];
    assert.ok(gapLine(run));
    assert.equal(gapLine(run), gapLine(controller.runs.at(-2)));
  });

  it('fails a task file whose verifier prefers wrong answers, with the numbers and a link that opens the run', async () => {
    judge = 'reversed';
    process.env.GAPLENS_CACHE_DIR = join(sandbox.tmp, 'cache-reversed');
    const run = await runTests([gsm]);
    assert.deepEqual(states(run), ['enqueued gsm.tasks.jsonl', 'started gsm.tasks.jsonl', 'failed gsm.tasks.jsonl']);
    const markdown = messageOf(run, gsm);
    assert.match(plain(markdown), /^\*\*the lower end of the gap's 95 % interval, −\d+\.\d\d pp, is not above the bar 0\.00 pp\*\*\n\n- gap −/);
    assert.match(plain(markdown), /\n- N 4 · 30 tasks · 120 samples\n/);
    const dir = linkedRun(markdown);
    assert.ok(existsSync(join(dir, 'run.json')));
    assert.notEqual(dir, passedDir);
    // The link is how the run's panel opens.
    const panels = fake.recorded.panels.length;
    await fake.recorded.commands.get('gaplens.openRun')?.(dir);
    assert.equal(fake.recorded.panels.length, panels + 1);
    const event = run.events.find((e) => e.kind === 'failed');
    assert.equal((event?.message?.location as { uri: FakeUri }).uri.fsPath, gsm);
  });

  it('errors, never passes, a file with too few tasks for an interval; and bad testing settings, naming them', async () => {
    judge = 'good';
    const math = join(sandbox.ws, 'math.tasks.jsonl');
    const run = await runTests([math]);
    assert.deepEqual(states(run).at(-1), 'errored math.tasks.jsonl');
    // As written: the Test Explorer shows the first line of a message as plain text, escapes and all.
    assert.match(messageOf(run, math), /^\*\*2 tasks: too few for the interval \(needs ≥ 30, gaplens\.testing\.minTasks\)\*\*\n\n- gap /);

    settings['gaplens.testing.verifier'] = 'judge';
    try {
      const bad = await runTests([gsm]);
      assert.deepEqual(states(bad).at(-1), 'errored gsm.tasks.jsonl');
      assert.match(plain(messageOf(bad, gsm)), /"gaplens\.testing\.verifier" must be one of mc, cot-binary, cot-score, tournament/);
    } finally {
      delete settings['gaplens.testing.verifier'];
    }
  });

  it("cancels the running check through the test run's token: it is skipped, the next file is not started, the run folder is left resumable", async () => {
    settings['gaplens.testing.modelProfile'] = 'Slow';
    process.env.GAPLENS_CACHE_DIR = join(sandbox.tmp, 'cache-cancel');
    try {
      const t = token();
      const running = runTests([gsm, join(sandbox.ws, 'math.tasks.jsonl')], t);
      while (slow.requests.filter(isTaskRequest).length < 2) await new Promise((r) => setTimeout(r, 20));
      t.cancel();
      const run = await running;
      assert.deepEqual(states(run), ['enqueued gsm.tasks.jsonl', 'enqueued math.tasks.jsonl', 'started gsm.tasks.jsonl', 'skipped gsm.tasks.jsonl', 'skipped math.tasks.jsonl']);
      const dir = /the run folder (.*) keeps what was done/.exec(outputOf(run, gsm))?.[1];
      assert.ok(dir && existsSync(join(dir, 'run.json')), outputOf(run, gsm));
      assert.equal((JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { completedAt?: string }).completedAt, undefined);
    } finally {
      delete settings['gaplens.testing.modelProfile'];
    }
  });
});
