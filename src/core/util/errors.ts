/**
 * An error caused by the user's input (a task file, a run folder, a flag, an endpoint's answer).
 * The CLI and the extension show its message as is — no stack trace — so the message must name
 * the file/line or endpoint and say what to do.
 */
export class UserError extends Error {
  constructor(message: string, readonly exitCode: 1 | 2 | 3 = 1) {
    super(message);
    this.name = 'UserError';
  }
}

/** "file:line: message" — the one format every input diagnostic uses. */
export function atLine(file: string, line: number, message: string): string {
  return `${file}:${line}: ${message}`;
}
