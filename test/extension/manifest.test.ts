// package.json's extension fields and .vscodeignore against the code they describe.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { COMMAND_IDS } from '../../src/extension/commandIds';
import { readQuickCheckSettings } from '../../src/extension/config/quickCheckSettings';
import { readTestingSettings } from '../../src/extension/testing/testingSettings';
import { readSettings, RESTRICTED_SETTINGS } from '../../src/extension/config/settings';
import { PANEL_ACTIVE_CONTEXT, PANEL_VIEW_TYPE, RUN_EDITOR_VIEW_TYPES, TASK_LANGUAGE_ID } from '../../src/extension/services';
import { DEFAULT_TASK_CODE_LENS, TASK_CODE_LENS_MODES, TASK_CODE_LENS_SETTING } from '../../src/protocol/taskServerProtocol';

const REPO = resolve(__dirname, '..', '..');

interface Manifest {
  main: string;
  icon: string;
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
  contributes: {
    commands: { command: string; title: string; category: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    keybindings: { command: string; when: string }[];
    languages: { id: string; extensions: string[]; configuration: string }[];
    grammars: { language: string; scopeName: string; path: string }[];
    customEditors: { viewType: string; displayName: string; selector: { filenamePattern: string }[]; priority: string }[];
    viewsContainers: { activitybar: { id: string; icon: string }[] };
    views: Record<string, { id: string }[]>;
    configuration: { properties: Record<string, { default?: unknown; enum?: unknown[] }> };
    walkthroughs: { steps: { media: { markdown: string } }[] }[];
  };
}

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Manifest;
const c = pkg.contributes;
const lines = readFileSync(join(REPO, '.vscodeignore'), 'utf8').split('\n').map((l) => l.trim());

describe('extension manifest', () => {
  it('contributes exactly the commands the extension registers, all in the Gap Lens category', () => {
    assert.deepEqual(c.commands.map((x) => x.command).sort(), [...COMMAND_IDS].sort());
    assert.ok(c.commands.every((x) => x.category === 'Gap Lens' && x.title.length > 0));
  });

  it('menus and keybindings name only contributed commands', () => {
    const known = new Set<string>(COMMAND_IDS);
    for (const [menu, items] of Object.entries(c.menus)) for (const item of items) assert.ok(known.has(item.command), `${menu}: ${item.command}`);
    for (const k of c.keybindings) {
      assert.ok(known.has(k.command));
      assert.match(k.when, new RegExp(PANEL_ACTIVE_CONTEXT.replace('.', '\\.')));
    }
  });

  it('activates lazily: on its commands, views, language and the panel serializer, never at start-up', () => {
    assert.equal(pkg.main, './dist/extension.js');
    assert.ok(pkg.activationEvents.includes(`onWebviewPanel:${PANEL_VIEW_TYPE}`));
    assert.ok(!pkg.activationEvents.some((e) => e === '*' || e === 'onStartupFinished'));
    assert.deepEqual(c.languages.map((l) => [l.id, l.extensions]), [[TASK_LANGUAGE_ID, ['.tasks.jsonl']]]);
    assert.deepEqual(c.views.gaplens?.map((v) => v.id), ['gaplens.taskSets', 'gaplens.runs']);
  });

  it('declares exactly the settings the extension reads, with defaults that pass its own validation', () => {
    // The language server reads its own: which CodeLens a task file shows.
    const read = new Set<string>([TASK_CODE_LENS_SETTING]);
    readSettings((key) => void read.add(key), '/w');
    readTestingSettings((key) => void read.add(key), readSettings(() => undefined, '/w'), undefined);
    readQuickCheckSettings((key) => void read.add(key));
    const declared = Object.keys(c.configuration.properties).map((k) => k.replace(/^gaplens\./, ''));
    assert.deepEqual(declared.sort(), [...read].sort());
    const defaults = (key: string): unknown => c.configuration.properties[`gaplens.${key}`]?.default;
    assert.deepEqual(readSettings(defaults, '/w'), readSettings(() => undefined, '/w'));
    assert.deepEqual(readTestingSettings(defaults, readSettings(defaults, '/w'), undefined), readTestingSettings(() => undefined, readSettings(() => undefined, '/w'), undefined));
    assert.deepEqual(readQuickCheckSettings(defaults), readQuickCheckSettings(() => undefined));
    const lens = c.configuration.properties[`gaplens.${TASK_CODE_LENS_SETTING}`];
    assert.deepEqual([lens?.default, lens?.enum], [DEFAULT_TASK_CODE_LENS, [...TASK_CODE_LENS_MODES]]);
  });

  it('gives task files a grammar and a language configuration that ship', () => {
    const [language] = c.languages;
    assert.deepEqual(c.grammars.map((g) => g.language), [TASK_LANGUAGE_ID]);
    for (const file of [language?.configuration ?? '', c.grammars[0]?.path ?? '']) {
      assert.ok(existsSync(join(REPO, file)), file);
      assert.ok(lines.includes(`!${file.replace(/^\.\//, '').split('/')[0]}/**`), `${file} is left out of the VSIX`);
    }
    assert.equal((JSON.parse(readFileSync(join(REPO, c.grammars[0]?.path ?? ''), 'utf8')) as { scopeName: string }).scopeName, c.grammars[0]?.scopeName);
  });

  it('opens run.json in the run editor by default only inside the runs folders Gap Lens writes, any run file by "Open With…"', () => {
    assert.deepEqual(c.customEditors.map((e) => e.viewType), [...RUN_EDITOR_VIEW_TYPES]);
    const [byDefault, byChoice] = c.customEditors;
    assert.equal(byDefault?.priority, 'default');
    // Every pattern names the runs folder: a run.json of another tool elsewhere stays a JSON file.
    assert.deepEqual(byDefault?.selector.map((s) => s.filenamePattern), ['**/.gaplens/runs/*/run.json', '**/globalStorage/gaplens.gaplens/runs/*/run.json']);
    assert.ok(byDefault?.selector.every((s) => s.filenamePattern.includes('/runs/*/run.json')));
    assert.equal(byChoice?.priority, 'option');
    assert.deepEqual(byChoice?.selector.map((s) => s.filenamePattern), ['run.json', 'samples.jsonl']);
  });

  it('runs with limits in untrusted workspaces, ignoring workspace-level endpoint settings', () => {
    assert.equal(c.configuration.properties['gaplens.modelProfiles'] !== undefined, true);
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('gaplens.modelProfiles'));
    // What the picker and the panel say Restricted Mode ignores is what the manifest restricts.
    assert.deepEqual([...pkg.capabilities.untrustedWorkspaces.restrictedConfigurations].sort(), RESTRICTED_SETTINGS.map((k) => `gaplens.${k}`).sort());
  });

  it('ships the icon, the activity bar icon and every walkthrough page it names', () => {
    const png = readFileSync(join(REPO, pkg.icon));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    for (const container of c.viewsContainers.activitybar) assert.ok(existsSync(join(REPO, container.icon)), container.icon);
    for (const step of c.walkthroughs.flatMap((w) => w.steps)) assert.ok(existsSync(join(REPO, step.media.markdown)), step.media.markdown);
  });
});

describe('.vscodeignore', () => {
  it('leaves everything out first, then puts back the bundles, templates, media and walkthrough', () => {
    assert.equal(lines.find((l) => l !== '' && !l.startsWith('#')), '**');
    for (const back of ['!package.json', '!dist/extension.js', '!dist/onDemand.js', '!dist/languageClient.js', '!dist/server.js', '!dist/webview.js', '!templates/**', '!media/**', '!walkthrough/**']) {
      assert.ok(lines.includes(back), back);
    }
    assert.ok(!lines.some((l) => /^!dist\/\*\*|\.map$/.test(l)), 'source maps and the whole dist/ stay out');
  });

  it('puts back nothing from node_modules: npm run package adds the run-time files of node-llama-cpp (scripts/vsix/contents.ts)', () => {
    assert.deepEqual(lines.filter((l) => !l.startsWith('#') && l.includes('node_modules')), []);
    assert.match(readFileSync(join(REPO, 'package.json'), 'utf8'), /"package:vsix": "tsx scripts\/packageVsix\.ts"/);
  });
});
