// The panel's top line: which run this is, how far it has got, errors from the host, and the switch
// between raw and checker-corrected statistics.
import type { HostNotificationParams, RunSummary } from '../../src/protocol/panelProtocol';
import { gapModels, gapModelsText } from '../../src/core/runs/verifierModels';
import { custom, el, setText } from './dom';

type Checkbox = HTMLElement & { checked: boolean; label: string };
type ProgressBar = HTMLElement & { value: number; max: number; indeterminate: boolean };
export type Progress = HostNotificationParams['progress'];

export class RunBar {
  readonly element: HTMLElement;
  private readonly title: HTMLElement;
  private readonly details: HTMLElement;
  private readonly status: HTMLElement;
  private readonly bar: ProgressBar;
  private readonly corrected: Checkbox;
  private readonly error: HTMLElement;

  constructor(onCheckerCorrected: (on: boolean) => void) {
    this.title = el('h1', { className: 'run-title', attrs: { 'data-role': 'run-title' } });
    this.details = el('div', { className: 'run-details', attrs: { 'data-role': 'run-details' } });
    this.status = el('span', { className: 'run-status', attrs: { 'data-role': 'run-status' } });
    this.bar = custom<ProgressBar>('vscode-progress-bar', { attrs: { 'aria-label': 'Run progress' } });
    this.corrected = custom<Checkbox>('vscode-checkbox', {
      attrs: { 'data-role': 'checker-corrected' },
      title: 'Count samples with the human verdict of their latest label, or with the verdict flipped when it says "checker wrong". The raw verdict stays visible in the table.',
    });
    this.corrected.label = 'checker-corrected statistics';
    this.corrected.addEventListener('change', () => onCheckerCorrected(this.corrected.checked));
    this.error = el('div', { className: 'error-banner', attrs: { 'data-role': 'error', role: 'alert' } });
    this.error.hidden = true;
    this.element = el('header', { className: 'run-bar' }, [
      el('div', { className: 'run-head' }, [this.title, this.corrected]),
      this.details,
      el('div', { className: 'run-progress' }, [this.bar, this.status]),
      this.error,
    ]);
  }

  update(run: RunSummary | null, progress: Progress | null, checkerCorrected: boolean, corrections: number): void {
    setText(this.title, run ? `${run.model} on ${run.tasks}` : 'Waiting for the run…');
    setText(
      this.details,
      run
        ? [
            `run ${run.id}`,
            `${run.n} samples per task`,
            `verifiers ${run.verifiers.length > 0 ? run.verifiers.join(', ') : 'none'}`,
            // A run verified (also) by another model says which: the paper's gap(f, g).
            ...(run.verifierModels !== undefined ? [gapModelsText(gapModels(run, run.verifiers))] : []),
            ...(run.sampling !== undefined ? [run.sampling] : []),
          ].join(' · ')
        : '',
    );
    this.corrected.checked = checkerCorrected;
    this.corrected.label = `checker-corrected statistics (${corrections} label${corrections === 1 ? '' : 's'})`;
    if (!progress) {
      this.bar.hidden = true;
      setText(this.status, '');
      return;
    }
    this.bar.hidden = progress.status !== 'running';
    this.bar.max = Math.max(1, progress.total);
    this.bar.value = progress.done;
    const counts = `${progress.done} / ${progress.total}`;
    setText(this.status, `${progress.status} ${counts}${progress.message ? ` — ${progress.message}` : ''}`);
  }

  showError(message: string | null): void {
    setText(this.error, message ?? '');
    this.error.hidden = message === null;
  }
}
