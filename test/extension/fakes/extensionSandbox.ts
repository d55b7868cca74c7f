// What the tests of the built extension share: a temporary workspace with a small task file and its
// own response cache, and the built bundle loaded anew into whichever fake VS Code is installed.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../../helpers/cli';
import { installFakeVscode, type FakeOptions, type FakeVscode } from './fakeVscode';

export const DIST = join(REPO, 'dist');

export interface ExtensionModule {
  activate(context: unknown): void;
  deactivate(): Promise<void> | undefined;
}

export interface ExtensionSandbox {
  tmp: string;
  /** The workspace folder: holds math.tasks.jsonl (t1 "What is 2 + 3?" → 5, t2 "What is 4 * 5?" → 20). */
  ws: string;
  /** Puts GAPLENS_CACHE_DIR back and removes the folder. */
  cleanup(): void;
}

/** A temporary folder with the workspace, GAPLENS_CACHE_DIR pointed inside it; asserts the extension is built. */
export function extensionSandbox(): ExtensionSandbox {
  assert.ok(existsSync(join(DIST, 'extension.js')), 'dist/extension.js is missing: run `npm run build` first');
  const saved = process.env.GAPLENS_CACHE_DIR;
  const tmp = mkdtempSync(join(tmpdir(), 'gaplens-'));
  const ws = join(tmp, 'ws');
  mkdirSync(ws);
  process.env.GAPLENS_CACHE_DIR = join(tmp, 'cache');
  writeFileSync(
    join(ws, 'math.tasks.jsonl'),
    ['{"id":"t1","question":"What is 2 + 3?","answer":"5","grader":"numeric"}', '{"id":"t2","question":"What is 4 * 5?","answer":"20","grader":"numeric"}', ''].join('\n'),
  );
  return {
    tmp,
    ws,
    cleanup() {
      if (saved === undefined) delete process.env.GAPLENS_CACHE_DIR;
      else process.env.GAPLENS_CACHE_DIR = saved;
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** The built extension, loaded anew: every bundle of dist/ is dropped from the require cache first. */
export function loadBuiltExtension(): ExtensionModule {
  for (const file of readdirSync(DIST)) delete require.cache[join(DIST, file)];
  return require(join(DIST, 'extension.js')) as ExtensionModule;
}

/** The built extension, activated in a fake VS Code over the sandbox's workspace. */
export interface ActivatedExtension {
  fake: FakeVscode;
  ext: ExtensionModule;
}

/**
 * Installs the fake VS Code over the sandbox's workspace (this repo as the extension, global storage
 * inside the sandbox) with these settings, and activates the built extension in it.
 */
export function activateInSandbox(sandbox: ExtensionSandbox, settings: Pick<FakeOptions, 'settings' | 'userSettings'>): ActivatedExtension {
  const fake = installFakeVscode({ extensionPath: REPO, workspaceFolder: sandbox.ws, globalStorage: join(sandbox.tmp, 'global'), ...settings });
  const ext = loadBuiltExtension();
  ext.activate(fake.context);
  return { fake, ext };
}

/**
 * Ends a test of the built extension as VS Code ends a window: deactivate, dispose every subscription,
 * then take the fake away. Either may be undefined when `before` failed early.
 */
export async function closeExtension(ext: ExtensionModule | undefined, fake: FakeVscode | undefined): Promise<void> {
  await ext?.deactivate();
  for (const d of fake?.context.subscriptions ?? []) await d.dispose();
  fake?.uninstall();
}

/** The built extension activated in a fake VS Code on the sandbox's workspace: runs under .gaplens/runs, these model profiles in the user's and the workspace's settings. */
export function activateWithProfiles(sandbox: ExtensionSandbox, profiles: readonly Record<string, unknown>[]): ActivatedExtension {
  return activateInSandbox(sandbox, {
    settings: { 'gaplens.modelProfiles': profiles, 'gaplens.runsFolder': '.gaplens/runs' },
    userSettings: { 'gaplens.modelProfiles': profiles },
  });
}
