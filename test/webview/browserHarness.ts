// Runs the real panel bundle in headless Chromium under the extension's own HTML shell and CSP
// (src/extension/panel/panelHtml.ts), with a fake acquireVsCodeApi that records what the panel posts.
// Used by the browser tests and by bench/panel.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createNonce, webviewHtml } from '../../src/extension/panel/panelHtml';
import type { HostMessage } from '../../src/protocol/panelProtocol';

export const REPO = path.resolve(__dirname, '../..');
export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Builds the webview bundle with the project's own options into `dir`; returns the bundle's path. */
export async function buildBundle(dir: string): Promise<string> {
  const { webviewBuildOptions } = (await import(path.join(REPO, 'webview/buildOptions.mjs'))) as { webviewBuildOptions: Record<string, unknown> };
  const outfile = path.join(dir, 'webview.js');
  await build({ ...webviewBuildOptions, absWorkingDir: REPO, outfile, sourcemap: false, logLevel: 'error' });
  return outfile;
}

/** VS Code's Dark Modern values of the theme variables the panel reads (VS Code injects them itself). */
const THEME_CSS = `:root {
  --vscode-font-family: system-ui, "Segoe UI", Ubuntu, sans-serif; --vscode-font-size: 13px;
  --vscode-editor-font-family: "DejaVu Sans Mono", monospace; --vscode-editor-font-size: 12px;
  --vscode-foreground: #cccccc; --vscode-descriptionForeground: #9d9d9d; --vscode-editor-background: #1f1f1f;
  --vscode-sideBar-background: #181818; --vscode-panel-border: #2b2b2b; --vscode-widget-border: #313131;
  --vscode-focusBorder: #0078d4; --vscode-list-hoverBackground: #2a2d2e; --vscode-list-activeSelectionBackground: #04395e;
  --vscode-list-activeSelectionForeground: #ffffff; --vscode-sideBarSectionHeader-background: #181818;
  --vscode-textCodeBlock-background: #2b2b2b; --vscode-badge-background: #616161; --vscode-badge-foreground: #f8f8f8;
  --vscode-button-background: #0078d4; --vscode-button-foreground: #ffffff; --vscode-button-hoverBackground: #026ec1;
  --vscode-button-secondaryBackground: #313131; --vscode-button-secondaryForeground: #cccccc;
  --vscode-input-background: #313131; --vscode-input-foreground: #cccccc; --vscode-input-border: #3c3c3c;
  --vscode-dropdown-background: #313131; --vscode-dropdown-foreground: #cccccc; --vscode-dropdown-border: #3c3c3c;
  --vscode-checkbox-background: #313131; --vscode-checkbox-border: #3c3c3c; --vscode-checkbox-foreground: #cccccc;
  --vscode-progressBar-background: #0078d4; --vscode-errorForeground: #f85149; --vscode-editorWarning-foreground: #cca700;
  --vscode-charts-green: #89d185; --vscode-charts-red: #f14c4c; --vscode-charts-blue: #3794ff; --vscode-charts-yellow: #cca700;
  --vscode-charts-orange: #d18616; --vscode-charts-purple: #b180d7; --vscode-settings-textInputBackground: #313131;
  --vscode-settings-dropdownBackground: #313131; --vscode-settings-dropdownForeground: #cccccc; --vscode-settings-dropdownBorder: #3c3c3c;
  --vscode-settings-dropdownListBorder: #454545; --vscode-settings-checkboxBackground: #313131; --vscode-settings-checkboxForeground: #cccccc;
  --vscode-settings-checkboxBorder: #3c3c3c; --vscode-settings-textInputForeground: #cccccc; --vscode-settings-textInputBorder: #3c3c3c;
  --vscode-input-placeholderForeground: #989898; --vscode-button-secondaryHoverBackground: #3c3c3c; --vscode-icon-foreground: #cccccc;
  --vscode-list-focusOutline: #0078d4; --vscode-editor-foreground: #cccccc;
}`;

/** VS Code's Light Modern values, for ?theme=light. */
const LIGHT_THEME_CSS = `:root {
  --vscode-font-family: system-ui, "Segoe UI", Ubuntu, sans-serif; --vscode-font-size: 13px;
  --vscode-editor-font-family: "DejaVu Sans Mono", monospace; --vscode-editor-font-size: 12px;
  --vscode-foreground: #3b3b3b; --vscode-descriptionForeground: #717171; --vscode-editor-background: #ffffff;
  --vscode-sideBar-background: #f8f8f8; --vscode-panel-border: #e5e5e5; --vscode-widget-border: #e5e5e5;
  --vscode-focusBorder: #005fb8; --vscode-list-hoverBackground: #f2f2f2; --vscode-list-activeSelectionBackground: #e8e8e8;
  --vscode-list-activeSelectionForeground: #000000; --vscode-sideBarSectionHeader-background: #f8f8f8;
  --vscode-textCodeBlock-background: #f8f8f8; --vscode-badge-background: #cccccc; --vscode-badge-foreground: #3b3b3b;
  --vscode-button-background: #005fb8; --vscode-button-foreground: #ffffff; --vscode-button-hoverBackground: #0258a8;
  --vscode-button-secondaryBackground: #e5e5e5; --vscode-button-secondaryForeground: #3b3b3b;
  --vscode-input-background: #ffffff; --vscode-input-foreground: #3b3b3b; --vscode-input-border: #cecece;
  --vscode-dropdown-background: #ffffff; --vscode-dropdown-foreground: #3b3b3b; --vscode-dropdown-border: #cecece;
  --vscode-checkbox-background: #f8f8f8; --vscode-checkbox-border: #cecece; --vscode-checkbox-foreground: #3b3b3b;
  --vscode-progressBar-background: #005fb8; --vscode-errorForeground: #f85149; --vscode-editorWarning-foreground: #bf8803;
  --vscode-charts-green: #388a34; --vscode-charts-red: #e51400; --vscode-charts-blue: #1a85ff; --vscode-charts-yellow: #bf8803;
  --vscode-charts-orange: #d18616; --vscode-charts-purple: #652d90; --vscode-settings-textInputBackground: #ffffff;
  --vscode-settings-dropdownBackground: #ffffff; --vscode-settings-dropdownForeground: #3b3b3b; --vscode-settings-dropdownBorder: #cecece;
  --vscode-settings-dropdownListBorder: #c8c8c8; --vscode-settings-checkboxBackground: #f8f8f8; --vscode-settings-checkboxForeground: #3b3b3b;
  --vscode-settings-checkboxBorder: #cecece; --vscode-settings-textInputForeground: #3b3b3b; --vscode-settings-textInputBorder: #cecece;
  --vscode-input-placeholderForeground: #767676; --vscode-button-secondaryHoverBackground: #cccccc; --vscode-icon-foreground: #3b3b3b;
  --vscode-list-focusOutline: #005fb8; --vscode-editor-foreground: #3b3b3b;
}`;

/** Stands in for VS Code: records posts, keeps setState, and reports CSP violations and errors. */
const FAKE_VSCODE = `(() => {
  window.__posted = [];
  window.__violations = [];
  window.__errors = [];
  let state = JSON.parse(sessionStorage.getItem('gaplens-state') || 'null');
  window.__getState = () => state;
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
    getState: () => state,
    setState: (s) => { state = s; sessionStorage.setItem('gaplens-state', JSON.stringify(s)); },
  });
  document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber));
  window.addEventListener('error', (e) => window.__errors.push(String(e.message)));
  window.__post = (messages) => { for (const m of messages) window.postMessage(m, '*'); };
})();`;

/** The theme variables VS Code injects, as a stylesheet's text: Dark Modern, or Light Modern. */
export function themeCss(theme: 'light' | 'dark'): string {
  return theme === 'light' ? LIGHT_THEME_CSS : THEME_CSS;
}

export interface PanelServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the harness page, the bundle, the panel CSS and the fake VS Code API on 127.0.0.1. */
export async function servePanel(bundle: string): Promise<PanelServer> {
  const files: Record<string, [type: string, body: () => Buffer | string]> = {
    '/webview.js': ['text/javascript', () => fs.readFileSync(bundle)],
    '/panel.css': ['text/css', () => fs.readFileSync(path.join(REPO, 'media/panel.css'))],
    '/fake-vscode.js': ['text/javascript', () => FAKE_VSCODE],
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (url.pathname === '/') {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(harnessPage(origin, url.searchParams.get('theme') === 'light' ? 'light' : 'dark'));
      return;
    }
    if (url.pathname === '/theme.css') {
      res.writeHead(200, { 'content-type': 'text/css' });
      res.end(url.searchParams.get('name') === 'light' ? LIGHT_THEME_CSS : THEME_CSS);
      return;
    }
    const file = files[url.pathname];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file[0], 'cache-control': 'no-store' });
    res.end(file[1]());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * The extension's shell, as the host builds it (src/extension/panel/gapPanel.ts), plus two things VS Code
 * itself provides: the theme variables (a stylesheet from the same origin) and acquireVsCodeApi (a
 * script that, like every script here, must carry the page's nonce).
 */
function harnessPage(origin: string, theme: 'light' | 'dark'): string {
  return webviewHtml({
    title: 'Gap Lens test',
    cspSource: origin,
    nonce: createNonce(),
    scripts: [`${origin}/fake-vscode.js`, `${origin}/webview.js`],
    styles: [`${origin}/theme.css?name=${theme}`, `${origin}/panel.css`],
    body: '<div id="root"></div>',
  });
}

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/install-browser.sh`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}

/** Posts host messages into the page, as VS Code delivers them (window message events). */
export async function postToPanel(page: Page, messages: readonly HostMessage[]): Promise<void> {
  await page.evaluate((m) => (globalThis as unknown as { __post(m: unknown[]): void }).__post(m), messages as unknown[]);
}

/** Everything the panel has posted to the "host" so far. */
export async function posted(page: Page): Promise<{ kind: string; method: string; id?: number; params: Record<string, unknown> }[]> {
  return page.evaluate(() => (globalThis as unknown as { __posted: never[] }).__posted);
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'gaplens-'));
}

/** test-results/<name>.png (gitignored), for a person to look at. */
export function screenshotPath(name: string): string {
  const dir = path.join(REPO, 'test-results');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name}.png`);
}

/** What a browser test's before() sets up: the bundle built into a temp folder and served, and Chromium; close() undoes it all. */
export async function startHarness(): Promise<{ server: PanelServer; browser: Browser; close(): Promise<void> }> {
  const dir = tempDir();
  const server = await servePanel(await buildBundle(dir));
  const browser = await launchBrowser();
  return {
    server,
    browser,
    close: async () => {
      await browser.close();
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
