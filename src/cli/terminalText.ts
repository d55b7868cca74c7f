// The CLI's way to print: everything goes through inertText, because almost anything printed can
// quote untrusted text (a task file line, a server's error message, a run folder's run.json, model
// output). Our own control codes (the progress bar's redraw) are written by progress.ts around the
// inert content, never through here.
import { inertText } from '../core/util/inertText';

/** Results: reports, --json, validation findings. JSON stays valid JSON (see inertText). */
export function writeOut(text: string): void {
  process.stdout.write(inertText(text));
}

/** Messages: warnings, errors, what was written where. */
export function writeErr(text: string): void {
  process.stderr.write(inertText(text));
}

/** One "gaplens: …" line on stderr: a warning, a notice, what was written where. */
export function say(message: string): void {
  writeErr(`gaplens: ${message}\n`);
}
