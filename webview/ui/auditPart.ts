// The Audit part's controller: holds the host's latest 'audit' message, derives the walk through the
// drawn samples from the labels the panel has, and turns the pane's events into host requests (a new
// draw, an audit label carrying the cause and note of the sample's label form) and selections. The
// panel app owns the data and the selection; this part only reads them through AuditPartDeps.
import type { HumanVerdict } from '../../src/core/runs/records';
import type { AuditParams } from '../../src/protocol/auditProtocol';
import type { AnnotationRecord } from '../../src/core/runs/records';
import type { AnnotationCause, SampleRef } from '../../src/protocol/panelProtocol';
import type { PanelHost } from '../hostApi';
import { auditWalk, drawnPosition, type AuditWalk } from '../model/auditWalk';
import { memoize } from '../model/memo';
import { AuditPane } from './auditPane';

export interface AuditPartDeps {
  host: PanelHost;
  annotationsOf(task: string, index: number): readonly AnnotationRecord[];
  /** Changes whenever the panel's annotations do. */
  annotationsVersion(): number;
  selection(): SampleRef | null;
  /** The panel's current verifier and filter (parseSelector/parseFilter text); null without a verifier. */
  filter(): { selector: string; filter: string } | null;
  /** The cause and note in the sample's label form. */
  draft(): { cause: AnnotationCause | null; note: string };
  /** Selects a sample in the table and the detail pane. */
  select(ref: SampleRef): void;
  /** A label was saved: the panel adds it and repaints. */
  saved(record: AnnotationRecord): void;
}

const NO_AUDIT: AuditParams = { audit: null, cannotDraw: null };

export class AuditPart {
  readonly pane: AuditPane;
  private state: AuditParams = NO_AUDIT;
  private readonly walkOf = memoize((state: AuditParams, _labels: number): AuditWalk | null =>
    state.audit ? auditWalk(state.audit.file, (task, index) => this.deps.annotationsOf(task, index)) : null,
  );

  constructor(private readonly deps: AuditPartDeps) {
    this.pane = new AuditPane({ draw: (size, seed) => this.draw(size, seed), label: (verdict) => this.label(verdict), select: (position) => this.selectDrawn(position) });
  }

  /** The host's 'audit' notification. */
  receive(state: AuditParams): void {
    this.state = state;
  }

  render(): void {
    const selection = this.deps.selection();
    const file = this.state.audit?.file;
    const selected = file && selection ? drawnPosition(file, selection.task, selection.index) : -1;
    this.pane.update({ state: this.state, walk: this.walkOf(this.state, this.deps.annotationsVersion()), selected, filter: this.deps.filter() });
  }

  private draw(size: number, seed: number | null): void {
    const filter = this.deps.filter();
    if (!filter) return;
    this.pane.setStatus('Drawing…');
    this.deps.host
      .drawAudit({ size, seed, ...filter })
      .then(({ id }) => {
        this.pane.setStatus(`Drew ${id}.`);
        this.selectDrawn(0);
      })
      .catch((err: unknown) => this.pane.setStatus(`Not drawn: ${err instanceof Error ? err.message : String(err)}`, true));
  }

  /** Saves the verdict on the selected drawn sample, then goes on to the next sample without a label. */
  private label(verdict: HumanVerdict): void {
    const file = this.state.audit?.file;
    const ref = this.deps.selection();
    if (!file || !ref || drawnPosition(file, ref.task, ref.index) < 0) return;
    const { cause, note } = this.deps.draft();
    this.pane.setStatus('Saving…');
    this.deps.host
      .annotate({ ...ref, human: verdict, ...(cause ? { cause } : {}), audit: { id: file.id }, note })
      .then(({ record }) => {
        this.deps.saved(record);
        this.pane.setStatus(`Saved: ${ref.task} #${ref.index} answer ${verdict}.`);
        const next = this.walkOf(this.state, this.deps.annotationsVersion())?.next ?? -1;
        if (next >= 0) this.selectDrawn(next);
      })
      .catch((err: unknown) => this.pane.setStatus(`Not saved: ${err instanceof Error ? err.message : String(err)}`, true));
  }

  private selectDrawn(position: number): void {
    const drawn = this.state.audit?.file.samples[position];
    if (drawn) this.deps.select({ task: drawn.task, index: drawn.index });
  }
}
