// gaplens CLI: argv -> core. Progress and warnings on stderr, results (and --json) on stdout, all of
// it through terminalText (untrusted text is shown, never obeyed by the terminal).
// Must not import 'vscode'. Exit codes: 0 ok, 1 failure, 2 usage error, 3 stopped at the cost limit.
import { UserError } from '../core/util/errors';
import { BackendError } from '../core/llm/backend';
import { fileSystemProblem } from '../core/util/fsProblems';
import { GAPLENS_VERSION } from '../core/version';
import { COMMANDS, type Command } from './commandTable';
import { useCliNetwork } from './network';
import { writeErr, writeOut } from './terminalText';
import { commandHelp, overviewHelp } from './usage';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    writeOut(overviewHelp(COMMANDS));
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    writeOut(`${GAPLENS_VERSION}\n`);
    return 0;
  }
  if (name === 'help') {
    const topic = rest[0] as string;
    writeOut(commandHelp(topic, commandNamed(topic)));
    return 0;
  }
  const command = commandNamed(name);
  if (asksForHelp(rest)) {
    writeOut(commandHelp(name, command));
    return 0;
  }
  if (command.callsModels) await useCliNetwork();
  return command.run(rest);
}

function commandNamed(name: string): Command {
  // Own properties only: `gaplens constructor` is an unknown command, not Object's constructor.
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) throw new UserError(`unknown command '${name}'. Commands: ${Object.keys(COMMANDS).join(', ')}. See gaplens --help.`, 2);
  return command;
}

/** --help or -h anywhere before a `--` (after it, arguments are not options). */
function asksForHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

const [commandName] = process.argv.slice(2);
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.exitCode = reportError(err, commandName !== undefined && Object.hasOwn(COMMANDS, commandName) ? commandName : undefined);
  },
);

/** One line (or a few) on stderr for what went wrong, and the exit code; `command` names the help to see. */
function reportError(err: unknown, command: string | undefined): number {
  if (err instanceof UserError) {
    writeErr(`gaplens: ${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof BackendError) {
    writeErr(`gaplens: ${err.message}\n`);
    return 1;
  }
  // node:util parseArgs reports unknown/ill-formed flags with these codes.
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
    writeErr(`gaplens: ${(err as Error).message}. See gaplens ${command ? `${command} ` : ''}--help.\n`);
    return 2;
  }
  if ((err as { name?: unknown }).name === 'AbortError') {
    writeErr('gaplens: interrupted\n');
    return 1;
  }
  // A full disk or a read-only folder is the user's environment, not a bug: one line naming the path.
  const problem = fileSystemProblem(err);
  if (problem !== null) {
    writeErr(`gaplens: ${problem.message}\n`);
    return 1;
  }
  // A bug of ours, not bad input: keep the stack, it is what a bug report needs.
  writeErr(`gaplens: internal error (please report): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
}
