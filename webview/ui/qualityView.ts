// The panel's "Verifier quality" and "Any N" sections: can the verifier be believed (calibration,
// ranking, the filter as a classifier, each with its interval; the reliability diagram and risk–coverage
// curve of every score), and was N large enough (the gap at every k ≤ N, pass^k, the best-of-N
// shortfall, the finite-N warning and the bias-aware gap). Every number is core's (quality.ts); this only
// renders it, "—" with the reason where there is nothing under a number.
import type { ScoreSelector } from '../../src/core/filter/spec';
import { formatLevel } from '../../src/core/report/numbers';
import { QUALITY_COLUMNS } from '../../src/core/report/qualityTerms';
import type { RunStateParams } from '../../src/protocol/panelProtocol';
import type { KCurves } from '../model/analysis';
import { PENDING, type QualityEntry, type QualityState } from '../model/quality';
import { anyNText, biasAwareLine, oracleLines, qualityRows, type QualityRowText } from '../model/qualityText';
import { note } from './charts';
import { el } from './dom';
import { anyNChart, reliabilityChart, riskCoverageChart, seriesClass, type ChartScore } from './qualityCharts';

export interface QualityModel {
  state: QualityState;
  selector: ScoreSelector;
  filter: string;
  runState: RunStateParams | null;
  /** The panel's accuracy (the any-N chart's reference line). */
  accuracy: number;
  /** pass@k, pass^k and best-of-k; read only once the any-N curve is there (the slow part is deferred too). */
  curves: () => KCurves;
  level: number;
}

const COMPUTING = 'Computing…';

export class QualityView {
  readonly element: HTMLElement;
  private readonly quality: HTMLElement;
  private readonly anyN: HTMLElement;

  constructor() {
    this.quality = el('div', { className: 'quality-body' });
    this.anyN = el('div', { className: 'anyn-body' });
    this.element = el('section', { className: 'quality', attrs: { 'aria-label': 'Verifier quality and any N' } }, [
      el('figure', { className: 'chart-figure quality-block', attrs: { 'data-role': 'quality' } }, [el('figcaption', { text: 'Verifier quality' }), this.quality]),
      el('figure', { className: 'chart-figure quality-block', attrs: { 'data-role': 'anyn' } }, [el('figcaption', { text: 'Any N: the gap with fewer samples per task' }), this.anyN]),
    ]);
  }

  /** `model` as a string: why there is nothing to show (no graded sample, no verifier). */
  update(model: QualityModel | string): void {
    if (typeof model === 'string') {
      this.quality.replaceChildren(...note(model));
      this.anyN.replaceChildren(...note(model));
      return;
    }
    const { state } = model;
    if (state.entries === PENDING) {
      this.quality.replaceChildren(...note(COMPUTING));
      this.anyN.replaceChildren(...note(COMPUTING));
      return;
    }
    const rows = qualityRows(state.entries, model.selector, model.runState);
    // A score with values gets the next series colour, in the table's swatch and on both charts.
    const classes = new Map<number, string>();
    rows.forEach((row, i) => row.measure !== 'unmeasured' && classes.set(i, seriesClass(classes.size)));
    const measured = [...classes].map(([i, cls]): ChartScore => ({ q: (state.entries[i] as QualityEntry).point, cls }));
    this.quality.replaceChildren(
      el('p', {
        className: 'hint',
        text: `Calibration (Brier, ECE, RMSCE) over the samples with a score; ranking (AURC) over every sample, an unscored one last; specificity, balanced accuracy and F1 of ${model.filter} as a classifier. Below each value: its ${formatLevel(model.level)} task-bootstrap interval.`,
      }),
      qualityTable(rows, classes),
      ...(measured.length === 0
        ? note('No score has a value: nothing to draw.')
        : [el('div', { className: 'quality-charts' }, [chartBox('Reliability', reliabilityChart(measured)), chartBox('Risk–coverage', riskCoverageChart(measured))])]),
    );
    this.anyN.replaceChildren(...this.anyNContent(model, rows[0] as QualityRowText));
  }

  private anyNContent(model: QualityModel, selector: QualityRowText): Element[] {
    const { anyN, finiteN } = model.state;
    if (selector.measure === 'unmeasured') return note(`The gap at every N: ${selector.coverage}`);
    if (anyN === PENDING || anyN === null) return note(COMPUTING);
    const text = anyNText(anyN);
    const partial = selector.measure === 'partial' ? [el('p', { className: 'stat-badge partial', text: selector.coverage, attrs: { 'data-role': 'anyn-partial' } })] : [];
    const finite =
      finiteN === PENDING
        ? note(COMPUTING)
        : [
            ...(finiteN.warning === null ? [] : [el('p', { className: 'quality-warning', text: finiteN.warning, attrs: { 'data-role': 'anyn-finite-n' } })]),
            el('p', { text: biasAwareLine(finiteN, model.level), attrs: { 'data-role': 'bias-aware' } }),
          ];
    return [
      el('p', { className: 'hint', text: `Each task’s filtered accuracy expected over the k-subsets of its samples, the filter applied to the subset. ${text.method} A gap that still moves at the largest k has not settled.` }),
      ...partial,
      anyNTable(text.rows),
      el('div', { className: 'quality-charts' }, [chartBox('Against k', anyNChart(anyN, model.accuracy))]),
      ...oracleLines(model.curves()).map((line) => el('p', { text: line, attrs: { 'data-role': 'oracle' } })),
      ...finite,
    ];
  }
}

function chartBox(title: string, content: Element[]): HTMLElement {
  return el('div', { className: 'chart-figure' }, [el('div', { className: 'chart-title', text: title }), ...content]);
}

function qualityTable(rows: readonly QualityRowText[], classes: ReadonlyMap<number, string>): HTMLElement {
  const head = el('tr', {}, [el('th', { text: 'score' }), el('th', { text: 'scored' }), ...QUALITY_COLUMNS.map((c) => el('th', { text: c.label, title: c.title }))]);
  const body = rows.map((row, i) =>
    el('tr', { className: row.measure, attrs: { 'data-quality-row': row.selector } }, [
      el('th', { attrs: { scope: 'row' } }, [el('span', { className: `swatch ${classes.get(i) ?? ''}` }), el('code', { text: row.selector })]),
      el('td', { className: row.measure === 'measured' ? 'quality-coverage' : `quality-coverage ${row.measure}`, text: row.coverage, attrs: { 'data-quality': 'coverage' } }),
      ...row.cells.map((cell) =>
        el('td', { title: cell.title, attrs: { 'data-quality': cell.key } }, [el('span', { className: 'q-value', text: cell.value }), el('span', { className: 'q-interval', text: cell.interval })]),
      ),
    ]),
  );
  return el('table', { className: 'quality-table', attrs: { 'data-role': 'quality-table' } }, [el('thead', {}, [head]), el('tbody', {}, body)]);
}

function anyNTable(rows: ReturnType<typeof anyNText>['rows']): HTMLElement {
  const head = el('tr', {}, ['k', 'filtered accuracy', 'gap', 'relative gap', 'how'].map((text) => el('th', { text })));
  const body = rows.map((r) =>
    el('tr', { attrs: { 'data-anyn-k': r.k } }, [
      el('td', { text: r.k }),
      el('td', { text: r.filteredAccuracy, attrs: { 'data-anyn': 'filteredAccuracy' } }),
      el('td', { text: r.gap, attrs: { 'data-anyn': 'gap' } }),
      el('td', { text: r.relativeGap, title: r.relativeGapTitle, attrs: { 'data-anyn': 'relativeGap' } }),
      el('td', { text: r.how, attrs: { 'data-anyn': 'how' } }),
    ]),
  );
  return el('table', { className: 'quality-table', attrs: { 'data-role': 'anyn-table' } }, [el('thead', {}, [head]), el('tbody', {}, body)]);
}
