// Entry of the gap panel's browser bundle (dist/webview.js): registers the VS Code Elements it uses and
// starts the panel. Must not import 'vscode', node: modules or anything that reaches them.
import './zodConfig';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { createVsCodeHost, type VsCodeApi } from './hostApi';
import { PanelApp } from './ui/app';

declare function acquireVsCodeApi(): VsCodeApi;

const log = (message: string): void => console.warn(message);
const root = document.getElementById('root') ?? document.body;
const host = createVsCodeHost(acquireVsCodeApi(), window, log);
const clock = { now: () => performance.now(), setTimeout: (fn: () => void, ms: number) => window.setTimeout(fn, ms), clearTimeout: (h: unknown) => window.clearTimeout(h as number) };
// The next task without setTimeout's 4 ms clamp on nested timers: a message to ourselves on a private channel.
const channel = new MessageChannel();
const next: (() => void)[] = [];
channel.port1.onmessage = () => next.shift()?.();
const slices = { now: clock.now, later: (fn: () => void) => void (next.push(fn), channel.port2.postMessage(null)) };
new PanelApp(root, host, clock, slices, log).start();
