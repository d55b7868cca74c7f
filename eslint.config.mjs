// Import boundaries, one rule set per folder (README, "Layout"): what each part of the house may
// import, checked on every `npm test`. Only these rules, and none that needs type information, so no
// type-checker runs (about 9 s of CPU for src/ and webview/). Static imports are checked by
// no-restricted-imports, import() and require() by the local rule below with the same patterns.
import tseslint from 'typescript-eslint';

/** A boundary: an import specifier matching `regex` (as written, e.g. '../../extension/main') is refused with `message`. */
const refuse = (regex, message) => ({ regex, message, caseSensitive: true });

const NO_VSCODE = refuse('^vscode(/|$)', "only src/extension imports 'vscode'");
/** node-llama-cpp is heavy: loaded with import() where it is used, so nothing pays for it at start-up. */
const LAZY_LLAMA = { name: 'node-llama-cpp', allowTypeImports: true, message: "load it lazily with await import('node-llama-cpp'); type imports are fine" };

/** The extension reaches the CLI, the server and the webview as bundles it starts or serves. */
const EXTENSION_BOUNDARY = refuse('^\\.\\./(\\.\\./)?(cli|server)(/|$)|(^|/)webview(/|$)', 'the extension reaches the CLI, the server and the webview as bundles, never by import');

/**
 * src/extension, layered one way: each folder imports only from the folders below it (and from core
 * and the protocol), never from one above, so a folder can be understood, tested and changed with what
 * is under it. Bottom to top:
 *   (files)   services, commandIds, gapTestResult, disposables: what the entry bundle and the on-demand
 *             bundle hand each other, and the disposable store
 *   ui        the prompter, multi-step input, error actions: VS Code's input, behind interfaces
 *   config    settings, API keys and their policy, remembered choices
 *   tasks     the workspace's task files and selections
 *   run       run folders as the extension lists and annotates them (the runs index, run notes)
 *   views     the trees and the status bar: runs as items and short text
 *   panel     the webview pages: the gap panel, its model and snapshot, the Compare Runs page
 *   commands  the command flows and the run executor they share
 *   testing   the Test Explorer's gap checks, which run as the commands do
 * main.ts, onDemand.ts and languageClient.ts sit on top: they wire everything and nothing imports them
 * (main.ts loads the other two with import()).
 */
const EXTENSION_FILES = ['services', 'commandIds', 'gapTestResult', 'disposables'];
const EXTENSION_LAYERS = ['ui', 'config', 'tasks', 'run', 'views', 'panel', 'commands', 'testing'];
const EXTENSION_ENTRIES = ['main', 'onDemand', 'languageClient'];

/** The boundary of one layer: `from` reaches the folders above it this way ('./' from src/extension, '../' from a folder). */
function layerBoundary(name, from, above) {
  const reach = [...above.map((folder) => `${folder}/`), ...EXTENSION_ENTRIES.map((entry) => `${entry}$`)];
  return refuse(
    `^${from.replace(/\./g, '\\.')}(${reach.join('|')})`,
    `src/extension is layered one way (eslint.config.mjs): ${name} imports nothing from ${[...above, ...EXTENSION_ENTRIES].join(', ')}`,
  );
}

const EXTENSION_FOLDERS = [
  { files: EXTENSION_FILES.map((f) => `src/extension/${f}.ts`), refused: [EXTENSION_BOUNDARY, layerBoundary(EXTENSION_FILES.join(', '), './', EXTENSION_LAYERS)] },
  ...EXTENSION_LAYERS.map((layer, i) => ({
    files: [`src/extension/${layer}/**/*.ts`],
    refused: [EXTENSION_BOUNDARY, layerBoundary(layer, '../', EXTENSION_LAYERS.slice(i + 1))],
  })),
];

/** A folder of sources: who they are, and what they must not import. */
const FOLDERS = [
  {
    files: ['src/core/**/*.ts'],
    refused: [
      NO_VSCODE,
      refuse('(^|/)(extension|cli|server|webview|protocol)(/|$)', 'src/core is the pure core: it imports nothing from src/extension, src/cli, src/server, src/protocol or webview/ (they import it)'),
    ],
  },
  {
    files: ['src/protocol/**/*.ts'],
    refused: [NO_VSCODE, refuse('(^|/)(extension|cli|server|webview)(/|$)', 'src/protocol holds types and validators both sides import: only core and zod')],
  },
  {
    files: ['src/cli/**/*.ts'],
    refused: [NO_VSCODE, refuse('(^|/)(extension|server|webview|protocol)(/|$)', 'the CLI is a thin layer over src/core: no extension, server, protocol or webview code')],
  },
  {
    files: ['src/server/**/*.ts'],
    refused: [NO_VSCODE, refuse('(^|/)(extension|cli|webview)(/|$)', 'the language server runs outside VS Code over src/core and src/protocol')],
  },
  // The entries; each layer's own rule (EXTENSION_FOLDERS, after this one) replaces this for its files.
  { files: ['src/extension/**/*.ts'], refused: [EXTENSION_BOUNDARY] },
  ...EXTENSION_FOLDERS,
  {
    files: ['webview/**/*.ts'],
    refused: [
      NO_VSCODE,
      refuse('^node:|^(node-llama-cpp|openai|undici)(/|$)', 'webview/ is a browser bundle: no Node built-ins, no model clients'),
      // The pure modules the panel uses: the protocol's entries, filter, report and stats whole, the run rules, and five files of runs and util.
      refuse(
        '^(\\.\\./)+src/(?!protocol/(panelProtocol|auditProtocol)$|core/(filter|report|stats)/|core/config/runRules$|core/runs/(labels|records|sampleKey|verifierModels)$|core/util/(steps|numbering)$)',
        'webview/ imports only src/protocol/panelProtocol, auditProtocol and the pure core modules listed in eslint.config.mjs',
      ),
    ],
  },
];

/** Outside src/protocol, the panel protocol is imported through its entry, src/protocol/panelProtocol.ts. */
const PROTOCOL_ENTRY = refuse('(^|/)protocol/panel/', 'import the panel protocol from src/protocol/panelProtocol');

/** no-restricted-imports for import() and require(): the same boundaries, for code loaded lazily. */
const noRestrictedDynamicImports = {
  meta: {
    type: 'problem',
    docs: { description: 'Refuses import() and require() of specifiers matching the given patterns' },
    schema: [{ type: 'array', items: { type: 'object', properties: { regex: { type: 'string' }, message: { type: 'string' }, caseSensitive: { type: 'boolean' } }, required: ['regex', 'message'] } }],
    messages: { refused: "'{{source}}' import is restricted from being used by a pattern. {{message}}" },
  },
  create(context) {
    const patterns = (context.options[0] ?? []).map((p) => ({ test: new RegExp(p.regex, p.caseSensitive ? 'u' : 'iu'), message: p.message }));
    const check = (node, source) => {
      if (source?.type !== 'Literal' || typeof source.value !== 'string') return;
      const hit = patterns.find((p) => p.test.test(source.value));
      if (hit) context.report({ node, messageId: 'refused', data: { source: source.value, message: hit.message } });
    };
    return {
      ImportExpression: (node) => check(node, node.source),
      'CallExpression[callee.type="Identifier"][callee.name="require"]': (node) => check(node, node.arguments[0]),
    };
  },
};

export default [
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 'latest', sourceType: 'module' },
    plugins: { '@typescript-eslint': tseslint.plugin, gaplens: { rules: { 'no-restricted-dynamic-imports': noRestrictedDynamicImports } } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  ...FOLDERS.map(({ files, refused }) => {
    const patterns = files[0].startsWith('src/protocol/') ? refused : [...refused, PROTOCOL_ENTRY];
    return {
      files,
      rules: {
        '@typescript-eslint/no-restricted-imports': ['error', { paths: [LAZY_LLAMA], patterns }],
        'gaplens/no-restricted-dynamic-imports': ['error', patterns],
      },
    };
  }),
];
