// When failed calls stop being a sample's bad luck and become the endpoint's failure
// (docs/run-format.md, "Failures and when a run stops"): a run of call failures with no success
// in between. One bad answer in a hundred never gets there; a server that went down does at once.
import { BackendError } from '../llm/backend';
import type { CallFailure } from '../llm/callFailure';

/** Sample outcomes in a row that are call failures, after which the run stops. */
export const SYSTEMATIC_FAILURE_STREAK = 10;

/** The endpoint failed too many calls in a row: the run stops (resume when it is back). */
export class SystematicFailureError extends BackendError {
  constructor(streak: number, last: CallFailure) {
    super(`${streak} model calls in a row failed, so the endpoint is failing, not a sample; the last: ${last.message}`, 'fatal');
    this.name = 'SystematicFailureError';
  }
}

export class FailureStreak {
  private streak = 0;
  /** Once the limit is reached the run is stopping: calls that fail meanwhile say the same, not "11 in a row". */
  private tripped: SystematicFailureError | null = null;

  constructor(private readonly limit = SYSTEMATIC_FAILURE_STREAK) {}

  /** A sample's call succeeded. */
  succeeded(): void {
    this.streak = 0;
  }

  /** A sample's call failed; throws SystematicFailureError when that makes `limit` in a row. */
  failed(failure: CallFailure): void {
    if (this.tripped) throw this.tripped;
    if (++this.streak >= this.limit) throw (this.tripped = new SystematicFailureError(this.streak, failure));
  }
}
