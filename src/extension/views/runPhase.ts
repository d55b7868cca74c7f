// How a run stands, in the icons and short words the runs tree, the run pickers and the status bar
// share, and the short gap text of the status bar. The long forms are core's (src/core/report/
// coverageText.ts, gapText). Pure.
import { gapText, type GapReading } from '../../core/pipeline/liveGap';
import { incompleteness } from '../../core/stats/conclusion';
import { callFailures, isComplete, type RecordCoverage } from '../../core/stats/coverage';
import { plural } from '../../core/util/plural';
import type { RunEnding } from '../run/runNotes';

/**
 * - running: this window is executing it;
 * - live: another writer holds the run's lock and is adding records;
 * - complete: every expected record exists;
 * - cancelled: incomplete, and the extension's last execution of it was cancelled (or stopped at the cost limit);
 * - failed: incomplete, and some sample stages failed at the model call (a resume asks again), or the
 *   extension's last execution of it ended with an error;
 * - incomplete: incomplete otherwise (e.g. a CLI run stopped with Ctrl-C, or a window closed mid-run).
 */
export type RunPhase = 'running' | 'live' | 'complete' | 'cancelled' | 'failed' | 'incomplete';

/** Codicon names (ThemeIcon ids; `$(id)` in status bar text): one per phase. */
export const PHASE_ICONS: Record<RunPhase, string> = {
  running: 'sync~spin',
  live: 'pulse',
  complete: 'graph',
  cancelled: 'circle-slash',
  failed: 'error',
  incomplete: 'debug-pause',
};

/** `ended`: how the extension's last execution of the run ended, from the run's notes (run/runNotes.ts). */
export function runPhase(coverage: RecordCoverage, running: boolean, live: boolean, ended?: RunEnding): RunPhase {
  if (running) return 'running';
  if (live) return 'live';
  if (isComplete(coverage)) return 'complete';
  if (ended === 'cancelled') return 'cancelled';
  return failedCalls(coverage) > 0 || ended === 'failed' ? 'failed' : 'incomplete';
}

/** A resume can continue the run from here: it is not complete and nobody is writing it. */
export function canResume(phase: RunPhase): boolean {
  return phase === 'cancelled' || phase === 'failed' || phase === 'incomplete';
}

/** Sample stages whose model call failed and that no record has superseded. */
export function failedCalls(coverage: RecordCoverage): number {
  return Object.values(coverage.verifiers).reduce((sum, c) => sum + callFailures(c), coverage.generations.failed);
}

/**
 * "running: 12 of 40 samples", "live: 12 of 40 samples", "incomplete: 8 of 40 tasks generated",
 * "cancelled: 8 of 40 tasks generated", "failed: 8 of 40 tasks generated, 3 failed calls", or "complete".
 */
export function phaseText(phase: RunPhase, coverage: RecordCoverage): string {
  const { generations: g } = coverage;
  switch (phase) {
    case 'running':
    case 'live':
      return `${phase}: ${g.done} of ${plural(g.expected, 'sample')}`;
    case 'complete':
      return 'complete';
    case 'cancelled':
      return `cancelled: ${incompleteness(coverage)}`;
    case 'failed': {
      const calls = failedCalls(coverage);
      return `failed: ${incompleteness(coverage)}${calls > 0 ? `, ${plural(calls, 'failed call')}` : ''}`;
    }
    case 'incomplete':
      return `incomplete: ${incompleteness(coverage)}`;
  }
}

/**
 * The gap in a few characters, as honest as gapText: "gap +3.13 pp", "gap +3.13 pp (partial)",
 * "gap — (0 of 24 scored)"; null while nothing counts yet.
 */
export function shortGapText(reading: GapReading): string | null {
  switch (reading.state) {
    case 'pending':
      return null;
    case 'unmeasured':
      return `gap — (0 of ${reading.samples} scored)`;
    case 'partial':
      return `${gapText({ state: 'measured', samples: reading.samples, accuracy: reading.accuracy, gap: reading.gap })} (partial)`;
    case 'measured':
      return gapText(reading);
  }
}
