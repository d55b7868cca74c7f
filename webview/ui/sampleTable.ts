// The per-sample table: task headers and sample lines, virtualized so that only the lines in view
// exist in the DOM (smooth at 100k samples). Everything from a sample is set as text.
import { MISSING_SCORE } from '../../src/core/filter/columns';
import { formatAmount, formatEss, formatPercent, formatRate } from '../../src/core/report/numbers';
import { disagreementText, isWeighted, weightMass } from '../../src/core/report/weightTerms';
import type { PanelView } from '../../src/protocol/panelProtocol';
import type { FilterResult } from '../model/analysis';
import type { Dataset } from '../model/dataset';
import { planColumns, type ColumnPlan } from '../model/tableColumns';
import { disagreementOf, headerTask, type TableItems } from '../model/tableView';
import { revealLine, visibleLines } from '../model/virtualWindow';
import { custom, el, setText } from './dom';

export const LINE_HEIGHT = 24;
const OVERSCAN = 8;

type Select = HTMLElement & { value: string };
type Checkbox = HTMLElement & { checked: boolean; label: string };

export interface TableModel {
  ds: Dataset;
  filter: FilterResult;
  items: TableItems;
  /** Score columns, in order. */
  verifiers: readonly string[];
  /** The current label of a row (latest annotation), if any. */
  labelOf: (row: number) => string | null;
  questionOf: (task: string) => string | undefined;
  /** Dataset row of the selected sample, −1 when none. */
  selected: number;
  view: PanelView;
}

const SHOW_OPTIONS: [PanelView['show'], string][] = [
  ['all', 'All samples'],
  ['disagreements', 'Disagreements'],
  ['kept', 'Kept'],
  ['dropped', 'Dropped'],
  ['correct', 'Correct'],
  ['wrong', 'Incorrect'],
  ['annotated', 'Annotated'],
];

const SORT_OPTIONS: [PanelView['sort'], string][] = [
  ['task', 'Sample index'],
  ['score', 'Score'],
  ['correct', 'Checker ✓/✗'],
  ['kept', 'Filter weight'],
];

export interface TableEvents {
  select(row: number): void;
  view(view: PanelView): void;
  /** The user hid or showed a verifier column: every column hidden now. */
  columns(hidden: string[]): void;
}

export class SampleTable {
  readonly element: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly columnHeader: HTMLElement;
  private readonly count: HTMLElement;
  private readonly show: Select;
  private readonly sort: Select;
  private readonly descending: Checkbox;
  private readonly onlyTask: Checkbox;
  private readonly pool: HTMLElement[] = [];
  private readonly columnsMenu: HTMLElement;
  private readonly columnsList: HTMLElement;
  private model: TableModel | null = null;
  private paintQueued = false;
  private columnsKey = '';
  private plan: ColumnPlan | null = null;
  /** Verifier columns the user hid (Columns menu); the host remembers them per run and sends them back with 'init'. */
  private readonly hidden = new Set<string>();

  constructor(private readonly events: TableEvents) {
    this.show = custom<Select>('vscode-single-select', { attrs: { 'data-role': 'show' } }, SHOW_OPTIONS.map(([v, l]) => custom('vscode-option', { attrs: { value: v }, text: l })));
    this.sort = custom<Select>('vscode-single-select', { attrs: { 'data-role': 'sort' } }, SORT_OPTIONS.map(([v, l]) => custom('vscode-option', { attrs: { value: v }, text: l })));
    this.descending = custom<Checkbox>('vscode-checkbox', { attrs: { 'data-role': 'descending' } });
    this.descending.label = 'descending';
    this.onlyTask = custom<Checkbox>('vscode-checkbox', { attrs: { 'data-role': 'only-task' } });
    this.onlyTask.label = 'only the selected task';
    this.count = el('span', { className: 'table-count', attrs: { 'data-role': 'table-count' } });
    const viewChanged = (): void => {
      const model = this.model;
      if (!model) return;
      const selectedTask = model.selected >= 0 ? model.ds.sampleAt(model.selected).task : null;
      this.events.view({
        show: this.show.value as PanelView['show'],
        sort: this.sort.value as PanelView['sort'],
        descending: this.descending.checked,
        task: this.onlyTask.checked ? (model.view.task ?? selectedTask) : null,
      });
    };
    for (const control of [this.show, this.sort, this.descending, this.onlyTask]) control.addEventListener('change', viewChanged);

    this.columnHeader = el('div', { className: 'line column-header', attrs: { role: 'row' } });
    this.spacer = el('div', { className: 'table-spacer' });
    this.scroller = el('div', { className: 'table-scroll', attrs: { 'data-role': 'table-scroll', tabindex: '0', role: 'grid', 'aria-label': 'Samples' } }, [this.spacer]);
    this.scroller.addEventListener('scroll', () => this.queuePaint());
    this.scroller.addEventListener('click', (event) => {
      const line = (event.target as Element).closest('.line[data-row]');
      if (line) this.events.select(Number(line.getAttribute('data-row')));
    });
    this.columnsList = el('div', { className: 'columns-list', attrs: { 'data-role': 'columns-list' } });
    this.columnsMenu = el('details', { className: 'columns-menu', attrs: { 'data-role': 'columns-menu' } }, [
      el('summary', { text: 'Columns', attrs: { title: 'Show or hide verifier score columns' } }),
      this.columnsList,
    ]);
    this.element = el('section', { className: 'sample-table' }, [
      el('div', { className: 'table-toolbar' }, [this.show, this.sort, this.descending, this.onlyTask, this.columnsMenu, this.count]),
      this.columnHeader,
      this.scroller,
    ]);
    // The columns follow the table's width (the editor group's, the detail pane's side): re-plan on resize.
    new ResizeObserver(() => this.model && this.updateColumns(this.model.verifiers)).observe(this.element);
  }

  /** The run's hidden columns as the host remembers them; the next update() re-plans the columns. */
  setHidden(names: readonly string[]): void {
    this.hidden.clear();
    for (const name of names) this.hidden.add(name);
  }

  update(model: TableModel): void {
    this.model = model;
    this.show.value = model.view.show;
    this.sort.value = model.view.sort;
    this.descending.checked = model.view.descending;
    this.onlyTask.checked = model.view.task !== null;
    setText(this.count, `${model.items.samples} of ${model.ds.slots.length} samples`);
    this.updateColumns(model.verifiers);
    this.spacer.style.height = `${model.items.items.length * LINE_HEIGHT}px`;
    this.paint();
  }

  /**
   * Scrolls the selected sample fully into view (keyboard navigation): inside the table's scroller
   * (whose client height excludes its scrollbar), then the page, when the table itself is partly out of
   * the window (the narrow layout, where the page scrolls).
   */
  reveal(line: number): void {
    const top = revealLine(line, this.scroller.scrollTop, this.scroller.clientHeight, LINE_HEIGHT);
    if (top !== null) this.scroller.scrollTop = top;
    this.paint();
    this.pool.find((node) => !node.hidden && node.getAttribute('data-line') === String(line))?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }

  private updateColumns(verifiers: readonly string[]): void {
    const emPx = parseFloat(getComputedStyle(this.element).fontSize) || 13;
    const plan = planColumns(this.scroller.clientWidth || this.element.clientWidth, emPx, verifiers, this.hidden);
    const key = `${verifiers.join('\u0000')}\u0001${plan.template}\u0001${plan.squeezed.join('\u0000')}\u0001${[...this.hidden].join('\u0000')}`;
    if (key === this.columnsKey) return;
    this.columnsKey = key;
    this.plan = plan;
    this.element.style.setProperty('--table-columns', plan.template);
    this.columnHeader.replaceChildren(
      ...plan.titles.map((title) =>
        el('span', { className: 'cell', text: title, attrs: { role: 'columnheader', ...(title === 'checker' ? { title: "The answer checker's grade against the gold answer: ✓ correct, ✗ wrong" } : {}) } }),
      ),
    );
    this.columnsList.replaceChildren(
      ...verifiers.map((name) => {
        const box = custom<Checkbox>('vscode-checkbox', { attrs: { 'data-column': name } });
        box.label = plan.squeezed.includes(name) ? `${name} (no room: widen the panel or hide another)` : name;
        box.checked = !this.hidden.has(name);
        box.addEventListener('change', () => {
          if (box.checked) this.hidden.delete(name);
          else this.hidden.add(name);
          this.events.columns([...this.hidden]);
          this.updateColumns(verifiers);
          this.paint();
        });
        return box;
      }),
    );
    for (const line of this.pool) line.remove();
    this.pool.length = 0;
    if (this.model) this.paint();
  }

  private queuePaint(): void {
    if (this.paintQueued) return;
    this.paintQueued = true;
    requestAnimationFrame(() => {
      this.paintQueued = false;
      this.paint();
    });
  }

  private paint(): void {
    const model = this.model;
    if (!model) return;
    const { first, end } = visibleLines(this.scroller.scrollTop, this.scroller.clientHeight || LINE_HEIGHT * 20, LINE_HEIGHT, model.items.items.length, OVERSCAN);
    while (this.pool.length < end - first) {
      const line = el('div', { attrs: { role: 'row' } });
      this.pool.push(line);
      this.spacer.append(line);
    }
    this.pool.forEach((line, i) => {
      const at = first + i;
      line.hidden = at >= end;
      if (at < end) this.fillLine(line, at, model);
    });
  }

  private fillLine(line: HTMLElement, at: number, model: TableModel): void {
    const item = model.items.items[at] as number;
    line.style.transform = `translateY(${at * LINE_HEIGHT}px)`;
    line.setAttribute('data-line', String(at));
    if (item < 0) this.fillHeader(line, headerTask(item), model);
    else this.fillSample(line, item, model);
  }

  private fillHeader(line: HTMLElement, task: number, model: TableModel): void {
    const { ds, filter } = model;
    const id = ds.taskIds[task] as string;
    const summary = filter.tasks[task];
    const start = ds.starts[task] as number;
    const n = (ds.starts[task + 1] as number) - start;
    const kept = ` · ${decisionsText(filter, start, n, summary?.kept ?? 0)}`;
    // Nothing scored: the filter decided nothing, so J(f[w]|x) and the kept count are not measured.
    const text =
      ds.taskGraded[task] !== 1 || !summary
        ? `no gold answer${filter.measured ? kept : ''}`
        : filter.measured
          ? `J(f|x) ${formatPercent(summary.accuracy)} → J(f[w]|x) ${formatPercent(summary.filteredAccuracy)}${kept}`
          : `J(f|x) ${formatPercent(summary.accuracy)} · J(f[w]|x) not measured`;
    line.className = 'line task-header';
    line.removeAttribute('data-row');
    line.setAttribute('data-task', id);
    line.removeAttribute('aria-selected');
    cells(line, 3);
    setText(line.children[0] as Element, id);
    setText(line.children[1] as Element, (model.questionOf(id) ?? '').slice(0, 300));
    setText(line.children[2] as Element, text);
  }

  private fillSample(line: HTMLElement, row: number, model: TableModel): void {
    const { ds, filter } = model;
    const verifiers = this.plan?.shown ?? model.verifiers;
    const weighted = isWeighted(filter.filter);
    const sample = ds.sampleAt(row);
    const graded = ds.taskGraded[ds.taskOf[row] as number] === 1;
    const weight = filter.weights[row] as number;
    const disagreement = disagreementOf(ds, filter, row);
    const label = model.labelOf(row);
    line.className = `line sample${row === model.selected ? ' selected' : ''}${disagreement ? ` ${disagreement}` : ''}`;
    line.setAttribute('data-row', String(row));
    line.setAttribute('data-task', sample.task);
    line.setAttribute('data-index', String(sample.index));
    line.setAttribute('aria-selected', String(row === model.selected));
    const texts = [
      `#${sample.index}`,
      sample.extracted ?? '(no answer)',
      checkerText(graded, ds.correct[row] === 1, ds.flipped[row] === 1),
      ...verifiers.map((name) => scoreText(ds.columns.get(name)?.[row])),
      !filter.measured ? '—' : weightText(weight, weighted),
      disagreement ? disagreementText(disagreement, weighted) : '',
      label ?? '',
    ];
    cells(line, texts.length);
    texts.forEach((text, i) => setText(line.children[i] as Element, text));
    const badge = line.children[texts.length - 2] as HTMLElement;
    badge.className = `cell badge-cell${disagreement ? ` badge ${disagreement}` : ''}`;
    // The badge shrinks to a colour chip at narrow widths: its words stay in the tooltip.
    badge.title = texts[texts.length - 2] as string;
  }
}

function cells(line: HTMLElement, count: number): void {
  while (line.children.length > count) line.lastElementChild?.remove();
  while (line.children.length < count) line.append(el('span', { className: 'cell', attrs: { role: 'gridcell' } }));
  for (const cell of Array.from(line.children)) if (cell.className !== 'cell') cell.className = 'cell';
}

/** The checker's grade as the statistics use it: ✓/✗, with the checker's own mark when a label corrected it; "—" without a gold answer. */
export function checkerText(graded: boolean, correct: boolean, flipped: boolean): string {
  if (!graded) return '—';
  const mark = correct ? '✓' : '✗';
  return flipped ? `${mark} (checker said ${correct ? '✗' : '✓'})` : mark;
}

/** The filter's decision on a sample: kept/dropped (a binary filter), or its weight (exp:β weighs everything). */
export function weightText(weight: number, weighted: boolean): string {
  if (weighted) return `w ${formatRate(weight)}`;
  return weight > 0 ? (weight === 1 ? 'kept' : `w ${formatRate(weight)}`) : 'dropped';
}

/** A task's filter decisions: "kept 3 of 8" (binary), or under exp:β its weight sum and effective sample size. */
function decisionsText(filter: FilterResult, start: number, n: number, kept: number): string {
  if (!isWeighted(filter.filter)) return `kept ${formatAmount(kept)} of ${n}`;
  const { sum, ess } = weightMass(filter.weights.subarray(start, start + n));
  return `Σw ${formatAmount(sum)} · ESS ${formatEss(ess, n)}`;
}

function scoreText(score: number | undefined): string {
  return score === undefined || score === MISSING_SCORE ? '—' : formatRate(score);
}
