import assert from 'node:assert/strict';
import { COMMANDS, type Command } from '../../src/cli/commandTable';
import { commandHelp, type OptionHelp } from '../../src/cli/usage';
import { runCli } from '../helpers/cli';

// The real node:util module object: the commands call parseArgs through it, so replacing the
// property for a moment shows the options each parser really accepts.
const nodeUtil = require('node:util') as typeof import('node:util');

interface AcceptedOption {
  type: 'string' | 'boolean';
  short?: string;
}

class Probed extends Error {}

/** The options the parseArgs call that `command.run(argv)` makes first accepts. */
async function acceptedOptions(command: Command, argv: string[]): Promise<Record<string, AcceptedOption>> {
  const real = nodeUtil.parseArgs;
  let seen: Record<string, AcceptedOption> | undefined;
  nodeUtil.parseArgs = ((config: { options?: Record<string, AcceptedOption> }) => {
    seen = config.options ?? {};
    throw new Probed();
  }) as typeof real;
  try {
    await command.run(argv).catch((err: unknown) => {
      if (!(err instanceof Probed)) throw err;
    });
  } finally {
    nodeUtil.parseArgs = real;
  }
  assert.ok(seen, `gaplens ${argv.join(' ')} … never called parseArgs`);
  return seen;
}

/** Comparable form: name, short alias, whether it takes a value. */
const fromParser = (options: Record<string, AcceptedOption>): string[] => Object.entries(options).map(([name, o]) => `--${name}${o.short ? ` -${o.short}` : ''}${o.type === 'string' ? ' VALUE' : ''}`).sort();
const fromHelp = (options: OptionHelp[]): string[] => options.map((o) => `--${o.name}${o.short ? ` -${o.short}` : ''}${o.value !== undefined ? ' VALUE' : ''}`).sort();

/** Each parser of a command: the command's own, or one per subcommand, with the options its help lists. */
function parsers(name: string, command: Command): { argv: string[]; help: OptionHelp[] }[] {
  if ('options' in command) return [{ argv: [], help: command.options }];
  return Object.entries(command.subcommands).map(([sub, help]) => ({ argv: [sub], help }));
}

describe('CLI help', function () {
  this.timeout(60000);

  describe('lists exactly the options each command accepts', () => {
    for (const [name, command] of Object.entries(COMMANDS)) {
      it(name, async () => {
        const text = commandHelp(name, command);
        for (const { argv, help } of parsers(name, command)) {
          const accepted = await acceptedOptions(command, argv);
          // reverify --model (cross-model verification) is in the help ahead of its parser: until
          // reverify's OPTIONS has `model`, this names the one missing option.
          assert.deepEqual(fromHelp(help), fromParser(accepted), `gaplens ${[name, ...argv].join(' ')}: the help (first) and the parser (second) disagree`);
          for (const o of help) assert.ok(text.includes(o.short === o.name ? `-${o.name}` : `--${o.name}`), `--${o.name} is not in the help text of ${name}`);
        }
      });
    }
  });

  it('answers --help, -h and help <command> for every command, exit 0, on stdout', async () => {
    // The three ways of asking run side by side: 75 process start-ups one after another took 18 s.
    for (const name of Object.keys(COMMANDS)) {
      const expected = commandHelp(name, COMMANDS[name] as Command);
      const asked = [[name, '--help'], [name, '-h'], ['help', name]];
      const answers = await Promise.all(asked.map((args) => runCli(args)));
      answers.forEach((res, i) => {
        const args = (asked[i] as string[]).join(' ');
        assert.equal(res.code, 0, `${args}: ${res.stderr}`);
        assert.equal(res.stdout, expected, args);
        assert.equal(res.stderr, '');
      });
    }
    // After other arguments too, as long as it comes before a `--`.
    const late = await runCli(['run', '--tasks', 'builtin:arithmetic', '--help']);
    assert.equal(late.code, 0);
    assert.match(late.stdout, /^gaplens run — /);
  });

  it('keeps gaplens --help the overview of every command, pointing at the per-command help', async () => {
    const res = await runCli(['--help']);
    assert.equal(res.code, 0);
    for (const name of Object.keys(COMMANDS)) assert.match(res.stdout, new RegExp(`^  gaplens ${name} `, 'm'));
    assert.match(res.stdout, /gaplens <command> --help/);
    assert.equal((await runCli(['help'])).stdout, res.stdout);
  });

  it('points a usage error at the command\'s own help, and an unknown help topic is a usage error', async () => {
    const bogus = await runCli(['report', '--bogus']);
    assert.equal(bogus.code, 2);
    assert.match(bogus.stderr, /^gaplens: Unknown option '--bogus'.*See gaplens report --help\.\n$/);
    const unknown = await runCli(['help', 'constructor']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^gaplens: unknown command 'constructor'/);
  });
});
