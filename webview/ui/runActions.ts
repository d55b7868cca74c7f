// The panel's run-actions bar: Resume, Cancel, Re-verify, Edit Verifier Template, Delete and Label on the panel's run. Each
// button asks the host to run the Gap Lens command on the run (confirmations and pickers are the
// host's); only the actions that fit the run's state now are shown.
import type { RunAction, RunStateParams } from '../../src/protocol/panelProtocol';
import { isComplete } from '../../src/core/stats/coverage';
import { custom, el } from './dom';
import type { Progress } from './runBar';

const BUTTONS: readonly { action: RunAction; text: string; title: string; secondary: boolean }[] = [
  { action: 'resume', text: 'Resume', title: 'Continue the run where it stopped: only the missing samples and verifications are asked for', secondary: false },
  { action: 'cancel', text: 'Cancel', title: 'Stop the run; everything finished so far is kept and Resume continues it', secondary: false },
  { action: 'reverify', text: 'Re-verify…', title: 'Add verifiers to this complete run, without new samples', secondary: true },
  { action: 'editTemplate', text: 'Edit Verifier Template…', title: "Open an editable copy of a verifier's template; Re-verify with this Template compares the edit with it", secondary: true },
  { action: 'label', text: 'Label…', title: 'Name this run in the runs view, this tab and the status bar', secondary: true },
  { action: 'delete', text: 'Delete…', title: 'Move the run folder to the trash (asks first)', secondary: true },
];

/**
 * The actions that fit: Cancel while this window runs it; Resume when it is incomplete and nobody
 * writes it; Re-verify and Edit Verifier Template when it is complete and nobody writes it; Delete when nobody
 * writes it; Label always.
 */
export function availableRunActions(progress: Progress | null, runState: RunStateParams | null): Set<RunAction> {
  const actions = new Set<RunAction>(['label']);
  if (progress === null || runState === null) return actions;
  if (progress.status === 'running') return actions.add('cancel');
  if (runState.live) return actions;
  if (isComplete(runState.coverage)) actions.add('reverify').add('editTemplate');
  else actions.add('resume');
  return actions.add('delete');
}

export class RunActions {
  readonly element: HTMLElement;
  private readonly buttons = new Map<RunAction, HTMLElement>();

  constructor(act: (action: RunAction) => void) {
    for (const b of BUTTONS) {
      const button = custom('vscode-button', { text: b.text, title: b.title, attrs: { 'data-role': `run-action-${b.action}`, ...(b.secondary ? { secondary: '' } : {}) } });
      button.addEventListener('click', () => act(b.action));
      this.buttons.set(b.action, button);
    }
    this.element = el('div', { className: 'run-actions', attrs: { 'data-role': 'run-actions', role: 'toolbar', 'aria-label': 'Run actions' } }, [...this.buttons.values()]);
  }

  update(progress: Progress | null, runState: RunStateParams | null): void {
    const available = availableRunActions(progress, runState);
    // Not `hidden`: a custom element's own `:host { display }` outranks the [hidden] rule.
    for (const [action, button] of this.buttons) button.style.display = available.has(action) ? '' : 'none';
  }
}
