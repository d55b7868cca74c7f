// The questions a command asks the user, as an interface: command flows are written against it and
// tested with a scripted fake; vscodePrompter.ts implements it with quick picks and input boxes.

/** Where a question stands in a multi-step input (multiStep.ts): shown as "Step 2 of 5". */
export interface StepPosition {
  step: number;
  totalSteps: number;
}

/**
 * Thrown by a question of step 2 or later when the user presses its Back button (as VS Code's
 * multi-step input sample does): only the step machine catches it, so one-off questions keep
 * their plain "answer or undefined" result.
 */
export class GoBack extends Error {
  constructor() {
    super('back');
    this.name = 'GoBack';
  }
}

export interface PickItem<T> {
  label: string;
  description?: string;
  detail?: string;
  /** Multi-select: checked at the start. */
  picked?: boolean;
  value: T;
}

/** A group heading between items. */
export interface PickSeparator {
  separator: string;
}

export type PickEntry<T> = PickItem<T> | PickSeparator;

export interface PickOptions {
  title: string;
  placeholder: string;
  /** Part of a multi-step input: a step counter, and a Back button from step 2 on. */
  step?: StepPosition;
}

export interface InputOptions {
  title: string;
  prompt: string;
  value?: string;
  placeholder?: string;
  /** Hide the typed text (API keys). */
  password?: boolean;
  /** A message when the text is not acceptable, else undefined. */
  validate: (text: string) => string | undefined;
  step?: StepPosition;
}

export interface FileOptions {
  title: string;
  /** Label of the accept button. */
  openLabel: string;
  folders: boolean;
  filters?: Record<string, string[]>;
}

/** Every method resolves to undefined when the user cancels, and throws GoBack when they press Back. */
export interface Prompter {
  pickOne<T>(entries: PickEntry<T>[], opts: PickOptions): Promise<T | undefined>;
  pickMany<T>(entries: PickEntry<T>[], opts: PickOptions): Promise<T[] | undefined>;
  input(opts: InputOptions): Promise<string | undefined>;
  /** An absolute path chosen in the OS dialog. */
  openPath(opts: FileOptions): Promise<string | undefined>;
  savePath(opts: { title: string; defaultPath: string; filters: Record<string, string[]> }): Promise<string | undefined>;
}

export function isSeparator<T>(entry: PickEntry<T>): entry is PickSeparator {
  return 'separator' in entry;
}
