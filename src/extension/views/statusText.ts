// What the status bar item says about the active run: short but honest text (progress, incomplete or
// live, the gap with its partial or not-measured mark), the details in the tooltip. Pure.
import { gapText, type GapNow } from '../../core/pipeline/liveGap';
import { runStateLines, verifierCoverageLines } from '../../core/report/coverageText';
import { runState } from '../../core/stats/conclusion';
import type { RecordCoverage } from '../../core/stats/coverage';
import type { StatusView } from '../services';
import type { RunEnding } from '../run/runNotes';
import { PHASE_ICONS, runPhase, shortGapText } from './runPhase';

export interface RunStatus {
  runId: string;
  /** What tells the run apart (runItems.ts runName): the status bar names the run it shows. */
  name: string;
  dir: string;
  /** This window is executing the run. */
  running: boolean;
  /** A writer is adding records: this window's run, or another process holding the run's lock. */
  live: boolean;
  /** What the run's records cover (core's count of a run folder). */
  coverage: RecordCoverage;
  /** The live gap by the panel's selector and filter, or the run's own when no panel shows it; null when the run has no verifier to filter by. */
  gap: GapNow | null;
  /** How the extension's last execution of the run ended (run/runNotes.ts). */
  ended?: RunEnding;
}

export function statusView(s: RunStatus): StatusView {
  const phase = runPhase(s.coverage, s.running, s.live, s.ended);
  const { tasks, generations: g } = s.coverage;
  const progress =
    phase === 'running' ? `${g.done}/${g.expected}` : phase === 'live' ? `live ${g.done}/${g.expected}` : phase === 'complete' ? null : `${phase} ${tasks.done}/${tasks.expected} tasks`;
  const gap = s.gap ? shortGapText(s.gap.reading) : null;
  return {
    runId: s.runId,
    dir: s.dir,
    // Named, since it shows the focused panel's run (or the run reporting while no panel is in front).
    text: [`$(${PHASE_ICONS[phase]}) Gap Lens: ${s.name}`, progress, gap].filter((part) => part !== null).join(' · '),
    tooltip: [
      `Gap Lens run ${s.runId} (${s.name})${s.running ? ' (running in this window)' : ''}`,
      ...runStateLines(s.coverage, runState(s.coverage, s.live)),
      s.gap ? `${gapText(s.gap.reading)} (by ${s.gap.selector}, ${s.gap.filter})` : 'no gap: the run has no verifier to filter by',
      ...verifierCoverageLines(s.coverage).map((line) => `coverage ${line}`),
      'Click to open it.',
    ].join('\n'),
  };
}
