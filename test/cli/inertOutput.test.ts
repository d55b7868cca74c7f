import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeOpenAI, type FakeOpenAI } from '../fixtures/openaiServer';
import { runCli, tempDir, type CliResult } from '../helpers/cli';

/** Sets the terminal's window title, then clears the screen. */
const TITLE = '\x1b]0;pwned\x07';
const CLEAR = '\x1b[2J';
const SHOWN = '\\u001b]0;pwned\\u0007';

/** No byte a terminal would act on: ESC, BEL, a lone CR, C1 controls (the progress line is not on a terminal here). */
function assertInert(res: CliResult): void {
  for (const [name, text] of [['stdout', res.stdout], ['stderr', res.stderr]] as const) {
    assert.doesNotMatch(text, /[\x00-\x08\x0b-\x1f\x7f-\x9f]/, `${name} has a raw control character:\n${JSON.stringify(text)}`);
  }
}

describe('untrusted text reaches the terminal inert', function () {
  this.timeout(60000);
  let tmp: { dir: string; cleanup: () => void };
  let servers: FakeOpenAI[] = [];
  before(() => (tmp = tempDir()));
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
    tmp.cleanup();
  });

  async function server(opts: Parameters<typeof startFakeOpenAI>[0]): Promise<FakeOpenAI> {
    const s = await startFakeOpenAI(opts);
    servers.push(s);
    return s;
  }

  const taskFile = (name: string, ...records: object[]): string => {
    const path = join(tmp.dir, name);
    writeFileSync(path, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    return path;
  };

  it('tasks validate: ids, field names and questions from the file are shown, not obeyed', async () => {
    const file = taskFile(
      'hostile.jsonl',
      { id: `a${TITLE}`, question: `What is 1+1?${CLEAR}`, answer: '2' },
      { id: `a${TITLE}`, question: 'again', answer: '2', [`x${CLEAR}`]: 1 },
    );
    const res = await runCli(['tasks', 'validate', file]);
    assert.equal(res.code, 1);
    assertInert(res);
    assert.ok(res.stdout.includes(`duplicate id "a${SHOWN}"`), res.stdout);
    assert.ok(res.stdout.includes('unknown field "x\\u001b[2J"'), res.stdout);
  });

  it('run: a server error message with escape sequences is printed visibly', async () => {
    const hostile = await server({ respond: () => ({ status: 401, message: `bad key ${TITLE}${CLEAR}\rspoofed` }) });
    const file = taskFile('one.jsonl', { id: `t${TITLE}`, question: `What is 1+1?${CLEAR}`, answer: '2' });
    const res = await runCli(['run', '--tasks', file, '--model', `openai:m@${hostile.url}`, '-n', '2', '--no-cache', '--out', join(tmp.dir, 'refused')]);
    assert.equal(res.code, 1);
    assertInert(res);
    assert.ok(res.stderr.includes(`answered HTTP 401: bad key ${SHOWN}\\u001b[2J\\u000dspoofed`), res.stderr);
  });

  it('run: hostile task text and model output leave stderr and the --json report inert, and progress is plain lines', async () => {
    const echo = await server({ respond: (req) => (req.topLogprobs === undefined ? { text: `${TITLE}${CLEAR} The answer is 2.` } : undefined) });
    const file = taskFile('echo.jsonl', { id: `t${TITLE}`, question: `What is 1+1?${CLEAR}`, answer: '2' });
    const res = await runCli(['run', '--tasks', file, '--model', `openai:m@${echo.url}`, '-n', '4', '--no-cache', '--json', '--out', join(tmp.dir, 'echo')]);
    assert.equal(res.code, 0, res.stderr);
    assertInert(res);
    const report = JSON.parse(res.stdout) as { samples: number };
    assert.equal(report.samples, 4);
    // Not a terminal: the first progress line at once, the last at 100 %, no \r redraws.
    const progress = res.stderr.split('\n').filter((l) => l.startsWith('gap check: '));
    assert.match(progress[0] ?? '', /^gap check: 0\/8 records \(0%\), 0s elapsed$/);
    assert.match(progress.at(-1) ?? '', /^gap check: 8\/8 records \(100%\), \d+s elapsed/);
  });
});
