// The selected sample in full: question, gold answer, the whole generation, the checker's reading of
// it, every verifier's prompt, raw output and score — and the form to label it. All of it as text.
import { formatRate } from '../../src/core/report/numbers';
import { disagreementText } from '../../src/core/report/weightTerms';
import type { AnnotationRecord } from '../../src/core/runs/records';
import { ANNOTATION_CAUSES, type AnnotationCause, type SampleRow, type TaskInfo, type VerificationRow, type CallFailureRow } from '../../src/protocol/panelProtocol';
import { CAUSE_LABELS } from '../model/keyboard';
import { labelText } from '../model/labelText';
import { promptParts } from '../model/promptParts';
import type { StoredRow } from '../model/sampleStore';
import type { Disagreement } from '../model/tableView';
import { custom, el, setText } from './dom';
import { checkerText, weightText } from './sampleTable';

type Radio = HTMLElement & { checked: boolean; value: string; label: string };
type TextArea = HTMLElement & { value: string };
type Collapsible = HTMLElement & { heading: string; open: boolean };

export interface DetailModel {
  sample: StoredRow;
  /** The full row; null while it is being fetched (or when fetching failed: see `detailError`). */
  row: SampleRow | null;
  detailError: string | null;
  task: TaskInfo | undefined;
  graded: boolean;
  /** The checker's grade the statistics use (corrected by the user's labels when that is on). */
  correct: boolean;
  flipped: boolean;
  /** The filter's weight; null when the selector scored nothing (the filter decided nothing). */
  weight: number | null;
  /** The filter weighs (exp:β) rather than keeps or drops. */
  weighted: boolean;
  disagreement: Disagreement | null;
  annotations: readonly AnnotationRecord[];
}

export interface DetailEvents {
  annotate(cause: AnnotationCause, note: string): void;
  openSample(): void;
  copy(text: string): void;
}

export class DetailPane {
  readonly element: HTMLElement;
  private readonly title: HTMLElement;
  private readonly badges: HTMLElement;
  private readonly body: HTMLElement;
  private readonly history: HTMLElement;
  private readonly status: HTMLElement;
  private readonly radios = new Map<AnnotationCause, Radio>();
  private readonly note: TextArea;
  private readonly form: HTMLElement;
  private readonly actions: HTMLElement;
  private shown: { sample: StoredRow; row: SampleRow | null; detailError: string | null; task: TaskInfo | undefined } | null = null;
  private shownAnnotations: readonly AnnotationRecord[] | null = null;

  constructor(private readonly events: DetailEvents) {
    this.title = el('h2', { className: 'detail-title', attrs: { 'data-role': 'detail-title' } });
    this.badges = el('div', { className: 'detail-badges', attrs: { 'data-role': 'detail-badges' } });
    this.body = el('div', { className: 'detail-body' });
    this.history = el('ul', { className: 'annotation-history', attrs: { 'data-role': 'annotation-history' } });
    this.status = el('span', { className: 'annotation-status', attrs: { 'data-role': 'annotation-status', 'aria-live': 'polite' } });
    const group = custom('vscode-radio-group', { attrs: { variant: 'vertical', 'data-role': 'causes' } });
    ANNOTATION_CAUSES.forEach((cause, i) => {
      const radio = custom<Radio>('vscode-radio', { attrs: { name: 'cause', 'data-cause': cause } });
      radio.value = cause;
      radio.label = `${i + 1} · ${CAUSE_LABELS[cause]}`;
      this.radios.set(cause, radio);
      group.append(radio);
    });
    this.note = custom<TextArea>('vscode-textarea', { attrs: { placeholder: 'Note (optional)', 'data-role': 'note', rows: '2' } });
    const save = custom('vscode-button', { text: 'Save label', attrs: { 'data-role': 'save-annotation' } });
    save.addEventListener('click', () => {
      const cause = this.selectedCause();
      if (cause) this.events.annotate(cause, this.note.value);
      else this.setStatus('Pick a cause first (or press 1–5).', true);
    });
    this.form = el('form', { className: 'annotation-form', attrs: { 'aria-label': 'Label this sample' } }, [
      el('h3', { text: 'Label' }),
      group,
      this.note,
      el('div', { className: 'form-actions' }, [save, this.status]),
      this.history,
    ]);
    this.form.addEventListener('submit', (event) => event.preventDefault());
    const open = custom('vscode-button', { text: 'Open in editor', attrs: { secondary: '', 'data-role': 'open-sample' } });
    open.addEventListener('click', () => this.events.openSample());
    const copy = custom('vscode-button', { text: 'Copy generation', attrs: { secondary: '', 'data-role': 'copy-sample' } });
    copy.addEventListener('click', () => this.shown?.row && this.events.copy(this.shown.row.text));
    this.actions = el('div', { className: 'detail-actions' }, [open, copy]);
    this.element = el('section', { className: 'detail', attrs: { 'data-role': 'detail', 'aria-label': 'Selected sample' } }, [
      el('div', { className: 'detail-head' }, [this.title, this.actions]),
      this.badges,
      this.form,
      this.body,
    ]);
    this.update(null);
  }

  update(model: DetailModel | null): void {
    this.element.classList.toggle('empty', model === null);
    if (!model) {
      setText(this.title, 'No sample selected');
      this.badges.replaceChildren(el('span', { className: 'hint', text: 'Click a sample, or press j / k to step through them and n for the next disagreement.' }));
      this.body.replaceChildren();
      this.history.replaceChildren();
      this.form.hidden = true;
      this.actions.hidden = true;
      this.shown = null;
      return;
    }
    this.form.hidden = false;
    this.actions.hidden = false;
    const sameSample = this.shown?.sample.task === model.sample.task && this.shown.sample.index === model.sample.index;
    if (!sameSample) this.resetForm();
    const shown = this.shown;
    if (!sameSample || !shown || shown.row !== model.row || shown.task !== model.task || shown.detailError !== model.detailError) {
      this.shown = { sample: model.sample, row: model.row, detailError: model.detailError, task: model.task };
      setText(this.title, `${model.sample.task} · sample #${model.sample.index}`);
      this.body.replaceChildren(...sections(model));
    }
    this.badges.replaceChildren(...badges(model));
    if (this.shownAnnotations !== model.annotations || !sameSample) {
      this.shownAnnotations = model.annotations;
      this.history.replaceChildren(
        ...[...model.annotations].reverse().map((a, i) =>
          el('li', { className: i === 0 ? 'current' : 'older' }, [el('strong', { text: labelText(a) }), ` ${a.note ? `— ${a.note} ` : ''}`, el('time', { text: a.at })]),
        ),
      );
    }
  }

  /** Ticks a cause (keyboard 1–5) and saves at once. */
  label(cause: AnnotationCause): void {
    for (const [c, radio] of this.radios) radio.checked = c === cause;
    this.events.annotate(cause, this.note.value);
  }

  /** The cause and note ticked and typed in the form, which an audit label carries too. */
  draft(): { cause: AnnotationCause | null; note: string } {
    return { cause: this.selectedCause(), note: this.note.value };
  }

  setStatus(text: string, error = false): void {
    setText(this.status, text);
    this.status.classList.toggle('error', error);
  }

  private selectedCause(): AnnotationCause | null {
    for (const [cause, radio] of this.radios) if (radio.checked) return cause;
    return null;
  }

  private resetForm(): void {
    for (const radio of this.radios.values()) radio.checked = false;
    this.note.value = '';
    this.setStatus('');
  }
}

function badges(model: DetailModel): HTMLElement[] {
  const out = [
    el('span', {
      className: `pill ${model.graded ? (model.correct ? 'correct' : 'wrong') : 'ungraded'}`,
      text: model.graded ? `checker ${checkerText(true, model.correct, model.flipped)}` : 'no gold answer',
      attrs: { 'data-role': 'checker-pill', title: "The answer checker's grade against the gold answer (the ground truth as graded), not a verifier's judgement" },
    }),
    model.weight === null
      ? el('span', { className: 'pill', text: 'filter: not measured' })
      : el('span', { className: `pill ${model.weight > 0 ? 'kept' : 'dropped'}`, text: `filter ${weightText(model.weight, model.weighted)}`, attrs: { 'data-role': 'filter-pill' } }),
  ];
  if (model.disagreement) out.push(el('span', { className: `pill badge ${model.disagreement}`, text: disagreementText(model.disagreement, model.weighted) }));
  const latest = model.annotations[model.annotations.length - 1];
  if (latest) out.push(el('span', { className: 'pill label', text: `labelled: ${labelText(latest)}` }));
  return out;
}

function sections(model: DetailModel): HTMLElement[] {
  const { row, task } = model;
  const gold = task?.gold ?? [];
  const head = [
    section('Question', [text(task?.question ?? '(question not received)', 'question')]),
    section(gold.length > 1 ? 'Gold answers' : 'Gold answer', [gold.length === 0 ? el('p', { className: 'hint', text: 'none' }) : el('ul', { attrs: { 'data-role': 'gold' } }, gold.map((g) => el('li', { text: g })))]),
  ];
  if (!row) {
    const message = model.detailError ? `Could not load this sample: ${model.detailError}` : 'Loading the generation and the verifiers’ outputs…';
    return [...head, el('p', { className: model.detailError ? 'hint error' : 'hint', text: message, attrs: { 'data-role': 'detail-loading' } })];
  }
  return [
    ...head,
    section(`Generation${row.finishReason ? ` (finish: ${row.finishReason})` : ''}`, [text(row.text, 'generation')]),
    section('Checker', [
      el('dl', { className: 'facts' }, [
        el('dt', { text: 'extracted' }),
        el('dd', { text: row.extracted ?? '(no answer found)', attrs: { 'data-role': 'extracted' } }),
        el('dt', { text: 'normalized' }),
        el('dd', { text: row.normalized ?? '—', attrs: { 'data-role': 'normalized' } }),
        el('dt', { text: 'reason' }),
        el('dd', { text: row.gradeReason, attrs: { 'data-role': 'grade-reason' } }),
      ]),
    ]),
    section(
      'Verifiers',
      row.verifications.length === 0 && !row.callFailures
        ? [el('p', { className: 'hint', text: 'No verification yet.' })]
        : [...(row.callFailures ?? []).map(callFailureLine), ...row.verifications.map((v) => verificationBox(v, task?.question, row.text))],
    ),
  ];
}

/** A verifier whose model call for this sample failed: no verification, and why (a resume asks again). */
function callFailureLine(f: CallFailureRow): HTMLElement {
  return el('p', { className: 'call-failure', text: `${f.stage}: the call failed (${f.kind}): ${f.message}`, attrs: { 'data-role': 'call-failure', 'data-stage': f.stage } });
}

function verificationBox(v: VerificationRow, question: string | undefined, response: string): HTMLElement {
  const box = custom<Collapsible>('vscode-collapsible', { attrs: { 'data-verifier': v.verifier } }, [
    el('div', { className: 'verification' }, [
      el('dl', { className: 'facts' }, [
        el('dt', { text: 'score' }),
        el('dd', { text: v.score === null ? 'none' : formatRate(v.score) }),
        el('dt', { text: 'parse' }),
        el('dd', { text: v.parse === 'ok' ? 'ok' : `failed (${failureOf(v)}): ${v.parseError ?? 'no reason given'}`, attrs: { 'data-role': 'parse' } }),
        ...(v.detail ? [el('dt', { text: 'detail' }), el('dd', { text: JSON.stringify(v.detail) })] : []),
      ]),
      el('h4', { text: 'Raw output' }),
      text(v.raw, 'raw'),
      ...promptBlocks(v.prompt, question, response),
    ]),
  ]);
  box.heading = `${v.verifier}: ${v.score === null ? `no score (${failureOf(v)})` : formatRate(v.score)}`;
  return box;
}

/**
 * The prompt with what matters first: the judged question and response, then the few-shot examples
 * collapsed (they are the same for every sample). Neither block scrolls on its own: the pane does.
 */
function promptBlocks(prompt: string, question: string | undefined, response: string): HTMLElement[] {
  const { preamble, judged } = promptParts(prompt, question, response);
  const blocks = [el('h4', { text: 'Prompt: the part judged' }), text(judged, 'prompt')];
  if (preamble === '') return blocks;
  const lines = preamble.split('\n').length - 1;
  return [
    ...blocks,
    el('details', { className: 'prompt-preamble', attrs: { 'data-role': 'prompt-preamble' } }, [
      el('summary', { text: `Few-shot examples before it (${lines} lines)` }),
      text(preamble, 'prompt preamble'),
    ]),
  ];
}

/** Why a verification has no score; records older than the field are unparsable. */
function failureOf(v: VerificationRow): string {
  return v.failure ?? 'unparsable';
}

function section(title: string, content: HTMLElement[]): HTMLElement {
  return el('section', { className: 'detail-section' }, [el('h3', { text: title }), ...content]);
}

/** Untrusted text (model output, prompts) in a preformatted block: a text node, never markup. */
function text(value: string, role: string): HTMLElement {
  return el('pre', { className: `text ${role}`, text: value, attrs: { 'data-role': role } });
}
