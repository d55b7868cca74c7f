// The panel's Audit part: draw a stratified random sample of the run, walk it in labelling order,
// label each sample's answer correct or incorrect, and see the verifier's and the checker's agreement
// with the human and the gap on the human-corrected truth (computed by the host, as `gaplens report`
// does). Definitions: docs/statistics.md, "Audit".
import { formatIn, formatLevel, formatRange, type Unit } from '../../src/core/report/numbers';
import type { HumanVerdict } from '../../src/core/runs/records';
import { CORRECTED_NAMES, CORRECTED_STATISTICS, type Agreement, type AuditResult } from '../../src/core/stats/auditEstimate';
import type { Interval } from '../../src/core/stats/types';
import type { AuditParams } from '../../src/protocol/auditProtocol';
import type { AuditWalk } from '../model/auditWalk';
import { custom, el, setText } from './dom';

type Collapsible = HTMLElement & { heading: string; open: boolean };
type TextField = HTMLElement & { value: string; invalid: boolean };

export interface AuditPaneModel {
  state: AuditParams;
  /** The audit's drawn samples with their verdicts so far; null without an audit. */
  walk: AuditWalk | null;
  /** The selected sample's place in the labelling order (−1: not drawn, or nothing selected). */
  selected: number;
  /** The panel's current verifier and filter, which a new draw uses; null when it has no verifier. */
  filter: { selector: string; filter: string } | null;
}

export interface AuditEvents {
  draw(size: number, seed: number | null): void;
  /** Label the selected drawn sample. */
  label(verdict: HumanVerdict): void;
  /** Select the drawn sample at this place in the labelling order. */
  select(position: number): void;
}

const DEFAULT_SIZE = '40';

export class AuditPane {
  readonly element: Collapsible;
  private readonly summary = el('p', { attrs: { 'data-role': 'audit-summary' } });
  private readonly status = el('p', { className: 'hint', attrs: { 'data-role': 'audit-status', 'aria-live': 'polite' } });
  private readonly labelRow: HTMLElement;
  private readonly position = el('span', { attrs: { 'data-role': 'audit-position' } });
  private readonly verdictButtons: HTMLElement[];
  private readonly results = el('div', { className: 'audit-results', attrs: { 'data-role': 'audit-results' } });
  private readonly list = el('ol', { className: 'audit-list', attrs: { 'data-role': 'audit-list' } });
  private readonly listBox: HTMLElement;
  private readonly size: TextField;
  private readonly seed: TextField;
  private readonly drawButton: HTMLElement;
  private readonly drawForm: HTMLElement;
  private shown: { state: AuditParams; walk: AuditWalk | null; selected: number; filter: string } | null = null;

  constructor(private readonly events: AuditEvents) {
    const next = custom('vscode-button', { text: 'Label next', attrs: { 'data-role': 'audit-next' } });
    next.addEventListener('click', () => {
      const position = this.shown?.walk?.next ?? -1;
      if (position >= 0) this.events.select(position);
    });
    this.verdictButtons = (['correct', 'incorrect'] as const).map((verdict) => {
      const button = custom('vscode-button', { text: `Answer ${verdict}`, attrs: { 'data-role': `audit-${verdict}`, ...(verdict === 'incorrect' ? { secondary: '' } : {}) } });
      button.addEventListener('click', () => this.events.label(verdict));
      return button;
    });
    this.labelRow = el('div', { className: 'form-actions' }, [next, this.position, ...this.verdictButtons]);
    this.listBox = el('details', {}, [el('summary', { text: 'Drawn samples, in labelling order' }), this.list]);
    this.size = custom<TextField>('vscode-textfield', { attrs: { 'data-role': 'audit-size', 'aria-label': 'Samples to draw', type: 'number', min: '1' } });
    this.size.value = DEFAULT_SIZE;
    this.seed = custom<TextField>('vscode-textfield', { attrs: { 'data-role': 'audit-seed', 'aria-label': 'Seed (optional)', placeholder: 'random', type: 'number', min: '0' } });
    this.drawButton = custom('vscode-button', { text: 'Draw audit', attrs: { 'data-role': 'audit-draw' } });
    this.drawButton.addEventListener('click', () => this.draw());
    this.drawForm = el('div', { className: 'form-actions' }, [el('label', { text: 'samples' }), this.size, el('label', { text: 'seed' }), this.seed, this.drawButton]);
    this.element = custom<Collapsible>('vscode-collapsible', { className: 'audit', attrs: { 'data-role': 'audit' } }, [
      el('div', { className: 'audit-body' }, [this.summary, this.labelRow, this.status, this.results, this.listBox, this.drawForm]),
    ]);
    this.element.heading = 'Audit';
  }

  update(model: AuditPaneModel): void {
    const filterText = model.filter ? `${model.filter.selector} ${model.filter.filter}` : '';
    const shown = this.shown;
    if (shown && shown.state === model.state && shown.walk === model.walk && shown.selected === model.selected && shown.filter === filterText) return;
    this.shown = { state: model.state, walk: model.walk, selected: model.selected, filter: filterText };
    const audit = model.state.audit;
    const walk = model.walk;
    this.drawForm.hidden = model.state.cannotDraw !== null || model.filter === null;
    this.drawButton.textContent = `${audit ? 'Draw a new audit' : 'Draw audit'}${model.filter ? ` (${model.filter.selector}, ${model.filter.filter})` : ''}`;
    if (audit === null || walk === null) {
      this.element.heading = 'Audit';
      setText(
        this.summary,
        model.state.cannotDraw ??
          'No audit yet. An audit draws a random sample of this run, stratified by kept/dropped × the checker’s verdict, for you to label in order: it measures how often the verifier and the checker agree with you, and the gap on your corrected truth, for the whole run (unlike Next Disagreement).',
      );
      this.labelRow.hidden = true;
      this.listBox.hidden = true;
      this.results.replaceChildren();
      return;
    }
    const { file, report } = audit;
    const drawn = file.samples.length;
    this.element.heading = `Audit — ${walk.labelled} of ${drawn} labelled`;
    setText(this.summary, `Audit ${file.id}: ${drawn} of ${file.strata.reduce((a, b) => a + b, 0)} samples drawn with ${file.selector}, ${file.filter} (seed ${file.seed}); ${walk.labelled} of ${drawn} labelled.`);
    this.labelRow.hidden = false;
    const selected = model.selected;
    setText(this.position, selected < 0 ? 'The selected sample is not in the audit.' : `Sample ${selected + 1} of ${drawn}${walk.verdicts[selected] ? ` (labelled: answer ${walk.verdicts[selected]})` : ''}:`);
    for (const button of this.verdictButtons) button.hidden = selected < 0;
    this.listBox.hidden = false;
    this.list.replaceChildren(...file.samples.map((s, i) => this.listItem(`${s.task} · #${s.index}`, walk.verdicts[i] ?? null, i, i === selected)));
    this.results.replaceChildren(...(report.result === null ? [el('p', { className: 'hint', text: `Not available: ${report.unavailable ?? ''}` })] : results(report.result)));
  }

  setStatus(text: string, error = false): void {
    setText(this.status, text);
    this.status.classList.toggle('error', error);
  }

  private listItem(text: string, verdict: HumanVerdict | null, position: number, selected: boolean): HTMLElement {
    const link = el('a', { text, attrs: { href: '#', 'data-position': String(position) } });
    link.addEventListener('click', (event) => {
      event.preventDefault();
      this.events.select(position);
    });
    return el('li', { className: selected ? 'current' : '' }, [link, ` — ${verdict === null ? 'not labelled' : `answer ${verdict}`}`]);
  }

  private draw(): void {
    const size = Number(this.size.value);
    const seedText = this.seed.value.trim();
    const seed = seedText === '' ? null : Number(seedText);
    this.size.invalid = !Number.isSafeInteger(size) || size < 1;
    this.seed.invalid = seed !== null && !(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff);
    if (this.size.invalid || this.seed.invalid) {
      this.setStatus('The size is a whole number ≥ 1, the seed empty (random) or a whole number in [0, 2^32).', true);
      return;
    }
    this.events.draw(size, seed);
  }
}

/** "—" with the reason as its hover text, or the value with its interval. */
function value(x: number | null, ci: Interval | null, why: string | null, unit: Unit = 'percent'): HTMLElement {
  if (x === null) return el('td', { text: '—', title: why ?? '' });
  return el('td', { text: ci === null ? formatIn(x, unit) : `${formatIn(x, unit)} ${formatRange(ci, unit)}` });
}

function table(head: string[], rows: HTMLElement[][]): HTMLElement {
  return el('table', { className: 'audit-table' }, [
    el('thead', {}, [el('tr', {}, head.map((h) => el('th', { text: h })))]),
    el('tbody', {}, rows.map((cells) => el('tr', {}, cells))),
  ]);
}

function results(r: AuditResult): HTMLElement[] {
  const why = r.estimatesUnavailable;
  const agreement = (name: string, a: Agreement): HTMLElement[] => [
    el('td', { text: name }),
    value(a.kappa, a.ci.kappa, a.kappaUnavailable, 'rate'),
    value(a.agreement, a.ci.agreement, why),
    value(a.chance, null, why),
    value(a.prevalence, a.ci.prevalence, why),
    value(a.raterPositive, null, why),
  ];
  const notes = [
    el('p', { text: `Every estimate rests on the ${r.labelled} labels of ${r.drawn} drawn samples (${r.samples} in the run); ${formatLevel(r.ci.level)} intervals from ${r.ci.resamples} resamples.` }),
    ...(why === null ? [] : [el('p', { className: 'hint', text: `No estimate yet: ${why}` })]),
    ...(why === null && r.intervalsUnavailable !== null ? [el('p', { className: 'hint', text: `No interval: ${r.intervalsUnavailable}` })] : []),
    ...(r.ignoredLabels > 0 ? [el('p', { className: 'hint', text: `${r.ignoredLabels} label(s) of this audit ignored (not drawn, no verdict, or another stratum).` })] : []),
  ];
  return [
    ...notes,
    table(
      ['stratum', 'samples', 'drawn', 'labelled', 'human: correct'],
      r.strata.map((s) => [s.stratum, s.samples, s.drawn, s.labelled, s.humanCorrect].map((c) => el('td', { text: String(c) }))),
    ),
    table(['vs human', 'κ', 'agreement', 'chance', 'human: correct', 'rater: correct'], [agreement('verifier (kept)', r.agreement.verifier), agreement('checker', r.agreement.checker)]),
    table(
      [`on human-corrected truth (${r.labelled} labels)`, 'checker', 'correction', 'corrected'],
      CORRECTED_STATISTICS.map((key) => {
        const c = r.corrected[key];
        const unit: Unit = key === 'gap' ? 'points' : 'percent';
        return [el('td', { text: CORRECTED_NAMES[key] }), value(c.checker, c.checkerCi, null, unit), value(c.correction, c.correctionCi, why, 'points'), value(c.value, c.ci, why, unit)];
      }),
    ),
  ];
}
