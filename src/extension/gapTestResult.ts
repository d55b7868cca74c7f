// What one Test Explorer gap check came to, handed from the on-demand bundle (which runs it) to the
// entry's test controller (which shows it). Plain data: no 'vscode', no core.

export interface GapTestResult {
  /** errored: the check could not decide (see the pass rule); skipped: cancelled. */
  outcome: 'passed' | 'failed' | 'errored' | 'skipped';
  /** Why, in one sentence: the bar against the interval, or every reason it could not decide. */
  reason: string;
  /** The numbers it rests on, one per line (none when the run made no report). */
  numbers: string[];
  /** The run folder, once one was made: its panel is linked from the message. */
  dir?: string;
}
