// Rendering of help: `gaplens --help` (the overview) and `gaplens <command> --help`, from the help
// entries of the command table (commandTable.ts).

export interface OptionHelp {
  /** The long name, as in the command's parseArgs options (`--name`). */
  name: string;
  /** A one-letter alias (`-n`), as in parseArgs' `short`. */
  short?: string;
  /** What the value is called (`--limit K`); absent for a flag (a boolean option). */
  value?: string;
  text: string;
}

interface HelpBase {
  /** One line for the overview. */
  summary: string;
  /** Synopsis lines after "gaplens ". */
  usage: string[];
  /** Paragraphs after the options. */
  notes?: string[];
}

/** A command that parses options itself (`gaplens run …`), or one with subcommands that each do (`gaplens tasks validate …`). */
export type CommandHelp = HelpBase & ({ options: OptionHelp[] } | { subcommands: Record<string, OptionHelp[]> });

export const MODEL_SPEC = `Model SPEC:
  llama:PATH.gguf         embedded llama.cpp (CPU/GPU), e.g. llama:models/qwen2.5-0.5b.gguf
  llama:default           a small instruct model, downloaded once into the cache
  openai:MODEL@BASE_URL   any OpenAI-compatible endpoint; key from OPENAI_API_KEY or GAPLENS_API_KEY
  openai:MODEL@URL1,URL2  several servers of one model: each task on one server, each server's
                          concurrency adapting to what it sustains, a server that dies replaced
  azure:DEPLOYMENT@URL    an Azure OpenAI deployment, URL = https://RESOURCE.openai.azure.com
                          (API version: OPENAI_API_VERSION, else 2024-10-21); the same keys
Endpoints honour HTTPS_PROXY, HTTP_PROXY, NO_PROXY and NODE_EXTRA_CA_CERTS (docs/providers.md).`;

const HELP_OPTION: OptionHelp = { name: 'help', short: 'h', text: 'this help' };
const EXIT_CODES = 'Exit codes: 0 ok, 1 failure, 2 usage error, 3 stopped at the cost limit (resumable).';

/** `gaplens --help`: every command's synopsis, then where to find the options. */
export function overviewHelp(table: Record<string, CommandHelp>): string {
  const commands = Object.entries(table);
  const width = Math.max(...commands.map(([name]) => name.length)) + 2;
  return [
    'gaplens — measure the generation-verification gap of a model',
    '',
    'Usage:',
    ...commands.flatMap(([, help]) => help.usage.map((u) => `  gaplens ${u}`)),
    '',
    'Commands:',
    ...commands.map(([name, help]) => `  ${name.padEnd(width)}${help.summary}`),
    '',
    'gaplens <command> --help (or gaplens help <command>) lists the options of a command.',
    '',
    MODEL_SPEC,
    '',
    EXIT_CODES,
    '',
  ].join('\n');
}

/** `gaplens <command> --help`. */
export function commandHelp(name: string, help: CommandHelp): string {
  const rows = [...commandOptions(help), HELP_OPTION].map((o) => [optionFlags(o), o.text] as const);
  const width = Math.max(...rows.map(([flags]) => flags.length)) + 2;
  return [
    `gaplens ${name} — ${help.summary}`,
    '',
    'Usage:',
    ...help.usage.map((u) => `  gaplens ${u}`),
    '',
    'Options:',
    ...rows.map(([flags, text]) => `  ${flags.padEnd(width)}${text}`),
    '',
    ...(help.notes ?? []).flatMap((n) => [n, '']),
    EXIT_CODES,
    '',
  ].join('\n');
}

/** A command's options; for subcommands, each option once (the usage lines say which takes it). */
function commandOptions(help: CommandHelp): OptionHelp[] {
  if ('options' in help) return help.options;
  const byName = new Map(Object.values(help.subcommands).flat().map((o) => [o.name, o]));
  return [...byName.values()];
}

/** `--limit K`, `-n N` (a one-letter name is its own short form), `-h, --help`. */
function optionFlags(o: OptionHelp): string {
  const long = o.short !== undefined && o.short === o.name ? `-${o.name}` : `${o.short !== undefined ? `-${o.short}, ` : ''}--${o.name}`;
  return o.value !== undefined ? `${long} ${o.value}` : long;
}
