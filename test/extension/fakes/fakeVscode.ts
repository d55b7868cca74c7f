// A thin stand-in for the 'vscode' module, enough to activate the built extension in plain Node and
// drive its commands: the user's answers are scripted, and what the extension shows (messages,
// panels, posted webview messages, status bar, log) is recorded for assertions. Not a VS Code: it
// has no layout, no real webview, and findFiles only knows *.tasks.jsonl.
import Module from 'node:module';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

type Listener<T> = (value: T) => unknown;

/**
 * What the fake has handed out and nobody has disposed yet: registrations, panels, trees, watchers,
 * event emitters the extension made and listeners it added. Once the extension is deactivated and its
 * subscriptions are disposed, nothing may be left (the leak check of the extension tests).
 */
export class LiveDisposables {
  private readonly live = new Map<symbol, string>();

  /** Counts `what` as live until the returned function is called (later calls do nothing). */
  open(what: string): () => void {
    const key = Symbol(what);
    this.live.set(key, what);
    return () => void this.live.delete(key);
  }

  /** What is live now, sorted, e.g. "command gaplens.openRun", "listener of a file system watcher". */
  list(): string[] {
    return [...this.live.values()].sort();
  }
}

/** The tracker of the fake installed now; disposables made while none is installed are not tracked. */
let tracker: LiveDisposables | undefined;

/** Tracks `what` (if a fake is installed) and returns the function that stops tracking it. */
function track(what: string): () => void {
  return tracker?.open(what) ?? (() => undefined);
}

/**
 * An event source. Its listeners count as live until removed; disposing the emitter removes them, as
 * VS Code's do (a listener of a disposed panel's events is not a leak).
 */
export class FakeEventEmitter<T> {
  private listeners: { listener: Listener<T>; untrack: () => void }[] = [];
  constructor(private readonly what = 'an event') {}
  readonly event = (listener: Listener<T>): { dispose(): void } => {
    const entry = { listener, untrack: track(`listener of ${this.what}`) };
    this.listeners.push(entry);
    return {
      dispose: () => {
        entry.untrack();
        this.listeners = this.listeners.filter((e) => e !== entry);
      },
    };
  };
  fire(value: T): void {
    for (const { listener } of [...this.listeners]) listener(value);
  }
  dispose(): void {
    for (const { untrack } of this.listeners) untrack();
    this.listeners = [];
  }
}

/** An EventEmitter the extension makes (vscode.EventEmitter): live until it disposes it. */
class ExtensionEventEmitter<T> extends FakeEventEmitter<T> {
  private readonly untrack = track('EventEmitter');
  constructor() {
    super('an EventEmitter of the extension');
  }
  override dispose(): void {
    super.dispose();
    this.untrack();
  }
}

export class FakeUri {
  constructor(
    readonly scheme: string,
    readonly fsPath: string,
  ) {}
  get path(): string {
    return this.fsPath;
  }
  static file(path: string): FakeUri {
    return new FakeUri('file', path);
  }
  static joinPath(base: FakeUri, ...parts: string[]): FakeUri {
    return new FakeUri(base.scheme, join(base.fsPath, ...parts));
  }
  toString(): string {
    return `${this.scheme}://${this.fsPath}`;
  }
}

export const WEBVIEW_ORIGIN = 'https://webview.test';

export class FakeWebviewPanel {
  readonly posted: unknown[] = [];
  readonly received = new FakeEventEmitter<unknown>('webview.onDidReceiveMessage');
  readonly disposed = new FakeEventEmitter<void>('panel.onDidDispose');
  readonly viewState = new FakeEventEmitter<unknown>('panel.onDidChangeViewState');
  private readonly untrack: () => void;
  isDisposed = false;
  visible = true;
  active = true;
  iconPath: unknown;
  readonly webview = {
    html: '',
    options: {} as Record<string, unknown>,
    cspSource: WEBVIEW_ORIGIN,
    postMessage: async (message: unknown): Promise<boolean> => {
      this.posted.push(structuredClone(message));
      return true;
    },
    onDidReceiveMessage: this.received.event,
    asWebviewUri: (uri: FakeUri): FakeUri => new FakeUri('https', `webview.test${uri.fsPath}`),
  };

  /** `createdByExtension`: made with createWebviewPanel, so the extension must dispose it (VS Code owns the ones it restores or opens as an editor). */
  constructor(
    readonly viewType: string,
    public title: string,
    readonly options: Record<string, unknown>,
    createdByExtension = false,
  ) {
    this.untrack = createdByExtension ? track(`webview panel ${viewType}`) : () => undefined;
  }

  readonly onDidDispose = this.disposed.event;
  readonly onDidChangeViewState = this.viewState.event;

  reveal(): void {
    this.visible = true;
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.disposed.fire();
    for (const emitter of [this.received, this.disposed, this.viewState]) emitter.dispose();
    this.untrack();
  }

  /** What the webview script would send. */
  send(message: unknown): void {
    this.received.fire(message);
  }
}

/** What a test run reported, in order: each item's states, with the message of a failed or errored one. */
export interface FakeTestRunEvent {
  kind: 'enqueued' | 'started' | 'passed' | 'failed' | 'errored' | 'skipped';
  id: string;
  message?: FakeTestMessage;
}

export class FakeMarkdownString {
  isTrusted: unknown;
  constructor(public value = '') {}
  appendMarkdown(text: string): this {
    this.value += text;
    return this;
  }
  appendText(text: string): this {
    // The characters VS Code's appendText escapes (it also turns spaces into &nbsp;, left out here).
    this.value += text.replace(/[\\`*_{}[\]()#+\-!~>]/g, '\\$&');
    return this;
  }
}

export class FakeTestMessage {
  location: unknown;
  constructor(readonly message: string | FakeMarkdownString) {}
}

export interface FakeTestItem {
  id: string;
  label: string;
  uri: FakeUri | undefined;
  description?: string;
}

/** The items of a controller, as TestItemCollection offers them. */
export class FakeTestItemCollection {
  private readonly byId = new Map<string, FakeTestItem>();
  get size(): number {
    return this.byId.size;
  }
  add(item: FakeTestItem): void {
    this.byId.set(item.id, item);
  }
  get(id: string): FakeTestItem | undefined {
    return this.byId.get(id);
  }
  delete(id: string): void {
    this.byId.delete(id);
  }
  replace(items: readonly FakeTestItem[]): void {
    this.byId.clear();
    for (const item of items) this.add(item);
  }
  forEach(fn: (item: FakeTestItem) => void): void {
    [...this.byId.values()].forEach(fn);
  }
  all(): FakeTestItem[] {
    return [...this.byId.values()];
  }
}

export class FakeTestRun {
  readonly events: FakeTestRunEvent[] = [];
  readonly output: { text: string; id: string | undefined }[] = [];
  ended = false;
  constructor(readonly request: unknown) {}
  enqueued(item: FakeTestItem): void {
    this.events.push({ kind: 'enqueued', id: item.id });
  }
  started(item: FakeTestItem): void {
    this.events.push({ kind: 'started', id: item.id });
  }
  passed(item: FakeTestItem): void {
    this.events.push({ kind: 'passed', id: item.id });
  }
  skipped(item: FakeTestItem): void {
    this.events.push({ kind: 'skipped', id: item.id });
  }
  failed(item: FakeTestItem, message: FakeTestMessage): void {
    this.events.push({ kind: 'failed', id: item.id, message });
  }
  errored(item: FakeTestItem, message: FakeTestMessage): void {
    this.events.push({ kind: 'errored', id: item.id, message });
  }
  appendOutput(text: string, _location?: unknown, item?: FakeTestItem): void {
    this.output.push({ text, id: item?.id });
  }
  end(): void {
    this.ended = true;
  }
}

export interface FakeRunProfile {
  label: string;
  kind: number;
  isDefault: boolean;
  runHandler(request: unknown, token: { isCancellationRequested: boolean; onCancellationRequested: FakeEventEmitter<void>['event'] }): Promise<void> | void;
}

export class FakeTestController {
  readonly items = new FakeTestItemCollection();
  readonly profiles: FakeRunProfile[] = [];
  readonly runs: FakeTestRun[] = [];
  /** Every invalidateTestResults call, as item ids. */
  readonly invalidated: string[][] = [];
  resolveHandler: ((item: FakeTestItem | undefined) => Promise<void> | void) | undefined;
  disposed = false;
  private readonly untrack: () => void;
  constructor(
    readonly id: string,
    readonly label: string,
  ) {
    this.untrack = track(`test controller ${id}`);
  }
  createTestItem(id: string, label: string, uri?: FakeUri): FakeTestItem {
    return { id, label, uri };
  }
  createRunProfile(label: string, kind: number, runHandler: FakeRunProfile['runHandler'], isDefault = false): FakeRunProfile & { dispose(): void } {
    const profile = { label, kind, runHandler, isDefault, dispose: () => undefined };
    this.profiles.push(profile);
    return profile;
  }
  createTestRun(request: unknown): FakeTestRun {
    const run = new FakeTestRun(request);
    this.runs.push(run);
    return run;
  }
  invalidateTestResults(items?: FakeTestItem | readonly FakeTestItem[]): void {
    this.invalidated.push(items === undefined ? [] : (Array.isArray(items) ? items : [items as FakeTestItem]).map((i) => i.id));
  }
  /** Its run profiles go with it, as in VS Code. */
  dispose(): void {
    this.disposed = true;
    this.untrack();
  }
}

/** A file system watcher whose events a test fires. */
export interface FakeWatcher {
  glob: string;
  created: FakeEventEmitter<FakeUri>;
  changed: FakeEventEmitter<FakeUri>;
  deleted: FakeEventEmitter<FakeUri>;
  disposed: boolean;
}

export interface FakePosition {
  line: number;
  character: number;
}

/** A text document over a string (a file's content, or an untitled document's). */
export class FakeTextDocument {
  isDirty = false;
  constructor(
    readonly uri: FakeUri,
    readonly languageId: string,
    private readonly text: string,
  ) {}
  get fileName(): string {
    return this.uri.fsPath;
  }
  getText(range?: { start: FakePosition; end: FakePosition }): string {
    if (!range) return this.text;
    return this.text.slice(this.offset(range.start), this.offset(range.end));
  }
  private offset(p: FakePosition): number {
    const lines = this.text.split('\n');
    return lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  }
}

/** An editor on `doc` with the given selections (the first is the primary one). */
export function fakeEditor(doc: FakeTextDocument, selections: { start: FakePosition; end: FakePosition }[]): { document: FakeTextDocument; selection: unknown; selections: unknown[] } {
  const withEmpty = selections.map((s) => ({ ...s, isEmpty: s.start.line === s.end.line && s.start.character === s.end.character }));
  return { document: doc, selection: withEmpty[0], selections: withEmpty };
}

export interface FakeCustomEditorProvider {
  openCustomDocument(uri: FakeUri): Promise<{ uri: FakeUri; dispose(): void }> | { uri: FakeUri; dispose(): void };
  resolveCustomEditor(document: { uri: FakeUri }, panel: FakeWebviewPanel): Promise<void>;
}

export type QuickPickAnswer = (items: { label: string; value?: unknown; kind?: number }[], opts: Record<string, unknown>) => unknown;
export type InputAnswer = (opts: Record<string, unknown>) => string | undefined | typeof BACK;

/** What a scripted answer returns to press a question's Back button. */
export const BACK = Symbol('back');

/** One question shown through createQuickPick/createInputBox: its text and where it stands in a multi-step input. */
export interface AskedQuestion {
  title: string;
  /** The placeholder of a quick pick, the prompt of an input box. */
  text: string;
  step?: number;
  totalSteps?: number;
  /** Whether it has a Back button. */
  back: boolean;
}

export interface Recorded {
  commands: Map<string, (...args: unknown[]) => unknown>;
  serializers: Map<string, { deserializeWebviewPanel(panel: unknown, state: unknown): Promise<void> }>;
  /** Custom editor providers by view type, with the options they were registered with. */
  customEditors: Map<string, { provider: FakeCustomEditorProvider; options: Record<string, unknown> }>;
  treeViews: Map<string, { getChildren(parent?: unknown): Promise<{ label: string; description?: string; contextValue?: string }[]> }>;
  panels: FakeWebviewPanel[];
  messages: { level: 'info' | 'warning' | 'error'; text: string }[];
  log: { level: string; text: string }[];
  status: { text: string; tooltip: unknown; visible: boolean }[];
  contextKeys: Map<string, unknown>;
  progress: { title: unknown; reports: { message?: string; increment?: number }[] }[];
  /** Answers for message buttons, by message text prefix. */
  messageAnswers: Map<string, string>;
  quickPicks: QuickPickAnswer[];
  inputs: InputAnswer[];
  /** What the save dialog answers next. */
  savePath: string | undefined;
  /** What the open dialog answers, in order (undefined: cancelled). */
  openPaths: (string | undefined)[];
  /** Every quick pick and input box shown, in order. */
  questions: AskedQuestion[];
  /** Settings written with update(): full key, value, target (1 user, 2 workspace). */
  settingUpdates: { key: string; value: unknown; target: number }[];
  /** Documents opened with openTextDocument. */
  opened: FakeTextDocument[];
  /** Cancels the progress notification currently running, if any. */
  cancelProgress: () => void;
  testControllers: Map<string, FakeTestController>;
  /** Every file system watcher created, in order. */
  watchers: FakeWatcher[];
  /** workspace.fs.delete calls; the folder is removed either way unless `noTrash` refuses the trash. */
  deleted: { path: string; useTrash: boolean }[];
  /** workspace.fs.delete with useTrash fails with this message (a host without a trash). */
  noTrash: string | undefined;
  /** What the extension was handed and has not disposed (listeners, registrations, panels, …). */
  live: LiveDisposables;
  /** CodeLens providers registered with languages.registerCodeLensProvider, with their document filters. */
  codeLenses: { selector: unknown; provider: FakeCodeLensProvider }[];
  /** What a test fires when it changes window.activeTextEditor or its selections (the fake does not on its own). */
  editorEvents: { active: FakeEventEmitter<unknown>; selection: FakeEventEmitter<{ textEditor: unknown }> };
}

/** A CodeLens as the fake's CodeLens class makes it: its range and command. */
export interface FakeCodeLens {
  range: unknown;
  command?: { title: string; command: string; arguments?: unknown[]; tooltip?: string };
}

export interface FakeCodeLensProvider {
  onDidChangeCodeLenses?: (listener: () => unknown) => { dispose(): void };
  provideCodeLenses(document: FakeTextDocument, token?: unknown): FakeCodeLens[] | Promise<FakeCodeLens[]>;
}

export interface FakeVscode {
  module: Record<string, unknown>;
  recorded: Recorded;
  context: FakeContext;
  /** Removes the 'vscode' module hook. */
  uninstall(): void;
}

export interface FakeContext {
  subscriptions: { dispose(): unknown }[];
  extensionUri: FakeUri;
  extensionPath: string;
  globalStorageUri: FakeUri;
  asAbsolutePath(path: string): string;
  workspaceState: { get<T>(key: string, fallback?: T): T | undefined; update(key: string, value: unknown): Promise<void>; keys(): string[] };
  secrets: { get(key: string): Promise<string | undefined>; store(key: string, value: string): Promise<void>; delete(key: string): Promise<void>; stored: Map<string, string> };
}

export interface FakeOptions {
  extensionPath: string;
  workspaceFolder: string;
  globalStorage: string;
  /** Settings by full key, e.g. 'gaplens.modelProfiles', as get() answers them. */
  settings: Record<string, unknown>;
  /** The user-level values among them (inspect().globalValue), by full key; none by default. */
  userSettings?: Record<string, unknown>;
  /** The workspace-level values among them (inspect().workspaceValue), by full key; none by default. */
  workspaceSettings?: Record<string, unknown>;
  /** workspace.isTrusted (default true; false is Restricted Mode). */
  trusted?: boolean;
}

function findTaskFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name.startsWith('.')) return [];
    const path = join(dir, name);
    return statSync(path).isDirectory() ? findTaskFiles(path) : name.endsWith('.tasks.jsonl') ? [path] : [];
  });
}

/** Builds the fake and makes `require('vscode')` return it until uninstall(). */
export function installFakeVscode(opts: FakeOptions): FakeVscode {
  const recorded: Recorded = {
    commands: new Map(),
    serializers: new Map(),
    customEditors: new Map(),
    treeViews: new Map(),
    panels: [],
    messages: [],
    log: [],
    status: [],
    contextKeys: new Map(),
    progress: [],
    messageAnswers: new Map(),
    quickPicks: [],
    inputs: [],
    savePath: undefined,
    openPaths: [],
    questions: [],
    settingUpdates: [],
    opened: [],
    cancelProgress: () => undefined,
    testControllers: new Map(),
    watchers: [],
    deleted: [],
    noTrash: undefined,
    live: new LiveDisposables(),
    codeLenses: [],
    editorEvents: { active: new FakeEventEmitter('window.onDidChangeActiveTextEditor'), selection: new FakeEventEmitter('window.onDidChangeTextEditorSelection') },
  };
  tracker = recorded.live;
  const disposable = (what: string): { dispose(): void } => ({ dispose: track(what) });
  const textDocumentOpened = new FakeEventEmitter<unknown>('workspace.onDidOpenTextDocument');
  const configurationChanged = new FakeEventEmitter<unknown>('workspace.onDidChangeConfiguration');
  const showMessage =
    (level: 'info' | 'warning' | 'error') =>
    async (text: string, ...items: unknown[]): Promise<string | undefined> => {
      recorded.messages.push({ level, text });
      const buttons = items.filter((i): i is string => typeof i === 'string');
      for (const [prefix, answer] of recorded.messageAnswers) if (text.startsWith(prefix) && buttons.includes(answer)) return answer;
      return undefined;
    };
  const logger = (level: string) => (text: string) => void recorded.log.push({ level, text });
  const backButton = { iconPath: 'back' };

  /**
   * A quick pick or input box that, when shown, takes the next scripted answer of `queue`: an
   * answer accepts, BACK presses the Back button, undefined hides it (the user cancelled).
   */
  function quickInput(kind: 'pick' | 'input'): Record<string, unknown> {
    const accept = new FakeEventEmitter<void>(`${kind}.onDidAccept`);
    const button = new FakeEventEmitter<unknown>(`${kind}.onDidTriggerButton`);
    const hide = new FakeEventEmitter<void>(`${kind}.onDidHide`);
    const change = new FakeEventEmitter<string>(`${kind}.onDidChangeValue`);
    const untrack = track(kind === 'pick' ? 'quick pick' : 'input box');
    const q: Record<string, unknown> = {
      title: undefined, placeholder: undefined, prompt: undefined, value: '', password: false, step: undefined, totalSteps: undefined, buttons: [],
      items: [], selectedItems: [], canSelectMany: false, validationMessage: undefined, ignoreFocusOut: false, matchOnDescription: false,
      onDidAccept: accept.event, onDidTriggerButton: button.event, onDidHide: hide.event, onDidChangeValue: change.event,
      hide: () => hide.fire(),
      dispose: () => {
        for (const emitter of [accept, button, hide, change]) emitter.dispose();
        untrack();
      },
    };
    q.show = () => {
      const text = String((kind === 'pick' ? q.placeholder : q.prompt) ?? '');
      const buttons = q.buttons as unknown[];
      recorded.questions.push({ title: String(q.title), text, ...(q.step !== undefined ? { step: q.step as number, totalSteps: q.totalSteps as number } : {}), back: buttons.includes(backButton) });
      setImmediate(() => {
        let answer: unknown;
        if (kind === 'pick') {
          const next = recorded.quickPicks.shift();
          if (!next) throw new Error(`unexpected quick pick: ${String(q.title)} / ${text}`);
          answer = next(q.items as { label: string }[], { title: q.title, placeHolder: q.placeholder, canPickMany: q.canSelectMany, step: q.step, totalSteps: q.totalSteps });
        } else {
          const next = recorded.inputs.shift();
          if (!next) throw new Error(`unexpected input box: ${text}`);
          answer = next({ title: q.title, prompt: q.prompt, value: q.value, password: q.password, placeHolder: q.placeholder, step: q.step, totalSteps: q.totalSteps });
        }
        if (answer === BACK) return button.fire(backButton);
        if (answer === undefined) return hide.fire();
        if (kind === 'pick') q.selectedItems = Array.isArray(answer) ? answer : [answer];
        else {
          q.value = answer;
          change.fire(answer as string);
        }
        let hidden = false;
        const watch = hide.event(() => (hidden = true));
        accept.fire();
        watch.dispose();
        if (!hidden) throw new Error(`the scripted answer ${JSON.stringify(answer)} to "${text}" was not accepted: ${String(q.validationMessage)}`);
      });
    };
    return q;
  }
  const state = new Map<string, unknown>();
  const stored = new Map<string, string>();

  const vscode: Record<string, unknown> = {
    version: '1.100.3-fake',
    EventEmitter: ExtensionEventEmitter,
    Uri: FakeUri,
    Disposable: class {
      constructor(private readonly fn: () => void) {}
      dispose(): void {
        this.fn();
      }
    },
    TreeItem: class {
      constructor(
        public label: string,
        public collapsibleState: number,
      ) {}
    },
    ThemeIcon: class {
      constructor(readonly id: string) {}
    },
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ViewColumn: { Active: -1, Beside: -2, One: 1 },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    QuickPickItemKind: { Separator: -1, Default: 0 },
    TestRunProfileKind: { Run: 1, Debug: 2, Coverage: 3 },
    TestMessage: FakeTestMessage,
    MarkdownString: FakeMarkdownString,
    Position: class {
      constructor(
        readonly line: number,
        readonly character: number,
      ) {}
    },
    Range: class {
      constructor(
        readonly startLine: number,
        readonly startCharacter: number,
        readonly endLine: number,
        readonly endCharacter: number,
      ) {}
    },
    CodeLens: class {
      constructor(
        readonly range: unknown,
        readonly command?: FakeCodeLens['command'],
      ) {}
    },
    languages: {
      registerCodeLensProvider: (selector: unknown, provider: FakeCodeLensProvider) => {
        const entry = { selector, provider };
        recorded.codeLenses.push(entry);
        return { dispose: () => void recorded.codeLenses.splice(recorded.codeLenses.indexOf(entry), 1) };
      },
    },
    Location: class {
      constructor(
        readonly uri: FakeUri,
        readonly range: unknown,
      ) {}
    },
    TestRunRequest: class {
      constructor(
        readonly include?: FakeTestItem[],
        readonly exclude?: FakeTestItem[],
        readonly profile?: FakeRunProfile,
      ) {}
    },
    tests: {
      createTestController: (id: string, label: string) => {
        if (recorded.testControllers.has(id)) throw new Error(`test controller ${id} created twice`);
        const controller = new FakeTestController(id, label);
        recorded.testControllers.set(id, controller);
        return controller;
      },
    },
    QuickInputButtons: { Back: backButton },
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    env: { clipboard: { writeText: async () => undefined } },
    commands: {
      registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
        if (recorded.commands.has(id)) throw new Error(`command ${id} registered twice`);
        recorded.commands.set(id, fn);
        const untrack = track(`command ${id}`);
        return { dispose: () => void (recorded.commands.delete(id), untrack()) };
      },
      executeCommand: async (id: string, ...args: unknown[]) => {
        if (id === 'setContext') {
          recorded.contextKeys.set(args[0] as string, args[1]);
          return undefined;
        }
        return recorded.commands.get(id)?.(...args);
      },
    },
    window: {
      createOutputChannel: (_name: string, options?: { log?: boolean }) => {
        if (!options?.log) throw new Error('expected a LogOutputChannel');
        return { info: logger('info'), warn: logger('warn'), error: logger('error'), debug: logger('debug'), trace: logger('trace'), appendLine: logger('line'), show: () => undefined, ...disposable('output channel') };
      },
      createStatusBarItem: () => {
        const item = { text: '', tooltip: undefined as unknown, name: '', command: undefined as unknown, visible: false, show: () => undefined, hide: () => undefined, ...disposable('status bar item') };
        item.show = () => void ((item.visible = true), recorded.status.push({ text: item.text, tooltip: item.tooltip, visible: true }));
        item.hide = () => void ((item.visible = false), recorded.status.push({ text: item.text, tooltip: item.tooltip, visible: false }));
        return item;
      },
      createTreeView: (id: string, options: { treeDataProvider: Recorded['treeViews'] extends Map<string, infer P> ? P : never }) => {
        recorded.treeViews.set(id, options.treeDataProvider);
        return disposable(`tree view ${id}`);
      },
      registerWebviewPanelSerializer: (viewType: string, serializer: Recorded['serializers'] extends Map<string, infer S> ? S : never) => {
        recorded.serializers.set(viewType, serializer);
        const untrack = track(`panel serializer ${viewType}`);
        return { dispose: () => void (recorded.serializers.delete(viewType), untrack()) };
      },
      registerCustomEditorProvider: (viewType: string, provider: FakeCustomEditorProvider, options: Record<string, unknown>) => {
        recorded.customEditors.set(viewType, { provider, options });
        const untrack = track(`custom editor ${viewType}`);
        return { dispose: () => void (recorded.customEditors.delete(viewType), untrack()) };
      },
      createWebviewPanel: (viewType: string, title: string, _column: unknown, options: Record<string, unknown>) => {
        const panel = new FakeWebviewPanel(viewType, title, options, true);
        recorded.panels.push(panel);
        return panel;
      },
      showInformationMessage: showMessage('info'),
      showWarningMessage: showMessage('warning'),
      showErrorMessage: showMessage('error'),
      showQuickPick: async (items: { label: string; value?: unknown; kind?: number }[], options: Record<string, unknown>) => {
        const answer = recorded.quickPicks.shift();
        if (!answer) throw new Error(`unexpected quick pick: ${String(options.title)} / ${String(options.placeHolder)}`);
        return answer(items, options);
      },
      showInputBox: async (options: Record<string, unknown>) => {
        const answer = recorded.inputs.shift();
        if (!answer) throw new Error(`unexpected input box: ${String(options.prompt)}`);
        const text = answer(options);
        if (text === BACK) throw new Error('showInputBox has no Back button');
        const validate = options.validateInput as ((t: string) => string | null) | undefined;
        if (text !== undefined && validate && validate(text)) throw new Error(`the scripted input "${text}" is invalid: ${validate(text)}`);
        return text;
      },
      withProgress: async (options: { title?: string }, task: (progress: unknown, token: unknown) => Promise<unknown>) => {
        const entry = { title: options.title, reports: [] as { message?: string; increment?: number }[] };
        recorded.progress.push(entry);
        const cancelled = new FakeEventEmitter<void>('progress token.onCancellationRequested');
        const token = { isCancellationRequested: false, onCancellationRequested: cancelled.event };
        recorded.cancelProgress = () => {
          token.isCancellationRequested = true;
          cancelled.fire();
        };
        // VS Code disposes the token's source when the task settles, and its listeners with it.
        return task({ report: (r: { message?: string; increment?: number }) => entry.reports.push(r) }, token).finally(() => cancelled.dispose());
      },
      createQuickPick: () => quickInput('pick'),
      createInputBox: () => quickInput('input'),
      showOpenDialog: async () => {
        const path = recorded.openPaths.shift();
        return path === undefined ? undefined : [FakeUri.file(path)];
      },
      activeTextEditor: undefined,
      onDidChangeActiveTextEditor: recorded.editorEvents.active.event,
      onDidChangeTextEditorSelection: recorded.editorEvents.selection.event,
      showTextDocument: async () => undefined,
      showSaveDialog: async () => (recorded.savePath === undefined ? undefined : FakeUri.file(recorded.savePath)),
    },
    workspace: {
      workspaceFolders: [{ uri: FakeUri.file(opts.workspaceFolder), name: 'ws', index: 0 }],
      textDocuments: [],
      isTrusted: opts.trusted ?? true,
      getConfiguration: (section: string) => ({
        get: (key: string) => opts.settings[`${section}.${key}`],
        inspect: (key: string) => ({ key: `${section}.${key}`, globalValue: opts.userSettings?.[`${section}.${key}`], workspaceValue: opts.workspaceSettings?.[`${section}.${key}`] }),
        // What VS Code does for one folder: a user value applies unless the workspace sets its own.
        update: async (key: string, value: unknown, target: number) => {
          const full = `${section}.${key}`;
          recorded.settingUpdates.push({ key: full, value: structuredClone(value), target });
          const level = target === 1 ? (opts.userSettings ??= {}) : (opts.workspaceSettings ??= {});
          level[full] = value;
          if (target !== 1 || opts.workspaceSettings?.[full] === undefined) opts.settings[full] = value;
        },
      }),
      findFiles: async () => findTaskFiles(opts.workspaceFolder).map((p) => FakeUri.file(p)),
      fs: {
        delete: async (uri: FakeUri, options: { recursive?: boolean; useTrash?: boolean } = {}) => {
          const useTrash = options.useTrash === true;
          if (useTrash && recorded.noTrash !== undefined) throw new Error(recorded.noTrash);
          recorded.deleted.push({ path: uri.fsPath, useTrash });
          rmSync(uri.fsPath, { recursive: options.recursive === true });
        },
      },
      onDidOpenTextDocument: textDocumentOpened.event,
      onDidChangeConfiguration: configurationChanged.event,
      createFileSystemWatcher: (glob: string) => {
        const what = `a file system watcher (${glob})`;
        const watcher: FakeWatcher = { glob, created: new FakeEventEmitter(what), changed: new FakeEventEmitter(what), deleted: new FakeEventEmitter(what), disposed: false };
        recorded.watchers.push(watcher);
        const untrack = track(`file system watcher ${glob}`);
        const dispose = (): void => {
          watcher.disposed = true;
          for (const emitter of [watcher.created, watcher.changed, watcher.deleted]) emitter.dispose();
          untrack();
        };
        return { onDidCreate: watcher.created.event, onDidChange: watcher.changed.event, onDidDelete: watcher.deleted.event, dispose };
      },
      // One folder named "ws": its name goes first only when asked (VS Code's default for one folder).
      asRelativePath: (arg: FakeUri | string, includeWorkspaceFolder = false) => {
        const path = typeof arg === 'string' ? arg : arg.fsPath;
        if (!path.startsWith(`${opts.workspaceFolder}/`)) return path;
        return `${includeWorkspaceFolder ? 'ws/' : ''}${path.slice(opts.workspaceFolder.length + 1)}`;
      },
      openTextDocument: async (arg: FakeUri | { content: string; language?: string }) => {
        const doc =
          arg instanceof FakeUri
            ? new FakeTextDocument(arg, arg.fsPath.endsWith('.tasks.jsonl') ? 'gaplens-tasks' : 'plaintext', readFileSync(arg.fsPath, 'utf8'))
            : new FakeTextDocument(new FakeUri('untitled', `Untitled-${recorded.opened.length + 1}`), arg.language ?? 'plaintext', arg.content);
        recorded.opened.push(doc);
        return doc;
      },
    },
  };

  const context: FakeContext = {
    subscriptions: [],
    extensionUri: FakeUri.file(opts.extensionPath),
    extensionPath: opts.extensionPath,
    globalStorageUri: FakeUri.file(opts.globalStorage),
    asAbsolutePath: (path) => join(opts.extensionPath, path),
    workspaceState: {
      get: <T>(key: string, fallback?: T) => (state.has(key) ? (state.get(key) as T) : fallback),
      update: async (key, value) => void state.set(key, structuredClone(value)),
      keys: () => [...state.keys()],
    },
    secrets: {
      get: async (key) => stored.get(key),
      store: async (key, value) => void stored.set(key, value),
      delete: async (key) => void stored.delete(key),
      stored,
    },
  };

  type Load = (request: string, parent: unknown, isMain: boolean) => unknown;
  const mod = Module as unknown as { _load: Load };
  const originalLoad = mod._load;
  mod._load = function load(request: string, parent: unknown, isMain: boolean): unknown {
    return request === 'vscode' ? vscode : originalLoad.call(this, request, parent, isMain);
  };
  const uninstall = (): void => {
    mod._load = originalLoad;
    if (tracker === recorded.live) tracker = undefined;
  };
  return { module: vscode, recorded, context, uninstall };
}

/** Picks the quick-pick item whose label contains `text` (multi-select: every such item). */
export function pick(text: string, many = false): QuickPickAnswer {
  return (items) => {
    const found = items.filter((i) => i.kind !== -1 && i.label.includes(text));
    if (found.length === 0) throw new Error(`no quick-pick item contains "${text}": ${items.map((i) => i.label).join(' | ')}`);
    return many ? found : found[0];
  };
}

export function type(text: string): InputAnswer {
  return () => text;
}

/** Accepts the value an input box is shown with. */
export function keep(): InputAnswer {
  return (opts) => opts.value as string;
}

/** Presses the Back button of a quick pick or an input box. */
export function back(): QuickPickAnswer & InputAnswer {
  return () => BACK;
}
