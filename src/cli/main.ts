// gaplens CLI: argv -> core. Progress and warnings on stderr, results (and --json) on stdout.
// Must not import 'vscode'. Exit codes: 0 ok, 1 failure, 2 usage error.
import { UserError } from '../core/util/errors';
import { BackendError } from '../core/llm/backend';
import { fileSystemProblem } from '../core/util/fsProblems';
import { runCommand } from './commands/run';
import { reportCommand } from './commands/report';
import { reverifyCommand } from './commands/reverify';
import { exportCommand } from './commands/export';
import { tasksCommand } from './commands/tasks';
import { templatesCommand } from './commands/templates';
import { USAGE } from './usage';
import { GAPLENS_VERSION } from '../core/version';

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  run: runCommand,
  report: reportCommand,
  reverify: reverifyCommand,
  export: exportCommand,
  tasks: tasksCommand,
  templates: templatesCommand,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version') {
    process.stdout.write(`${GAPLENS_VERSION}\n`);
    return 0;
  }
  const handler = COMMANDS[command];
  if (!handler) throw new UserError(`unknown command '${command}'. Commands: ${Object.keys(COMMANDS).join(', ')}. See gaplens --help.`, 2);
  return handler(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.exitCode = reportError(err);
  },
);

function reportError(err: unknown): number {
  if (err instanceof UserError) {
    process.stderr.write(`gaplens: ${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof BackendError) {
    process.stderr.write(`gaplens: ${err.message}\n`);
    return 1;
  }
  // node:util parseArgs reports unknown/ill-formed flags with these codes.
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`gaplens: ${(err as Error).message}. See gaplens --help.\n`);
    return 2;
  }
  if ((err as { name?: unknown }).name === 'AbortError') {
    process.stderr.write('gaplens: interrupted\n');
    return 1;
  }
  // A full disk, a read-only or missing folder wherever a command writes: the user's to fix.
  const problem = fileSystemProblem(err);
  if (problem) {
    process.stderr.write(`gaplens: ${problem.message}\n`);
    return 1;
  }
  // A bug of ours, not bad input: keep the stack, it is what a bug report needs.
  process.stderr.write(`gaplens: internal error (please report): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
}
