// Filter controls: which verifiers (one, or an and/mean ensemble), which filter kind, and its
// parameter on a slider or typed exactly. Every change is reported at once; nothing here computes.
import { formatFilter, formatSelector, parseFilter } from '../../src/core/filter/parse';
import type { FilterSpec, ScoreSelector } from '../../src/core/filter/spec';
import { buildSelector, FILTER_KINDS, filterAt, positionOf, selectorParts, sliderScale, type Combine, type FilterKind } from '../model/filterControl';
import { custom, el, setText } from './dom';

type Checkbox = HTMLElement & { checked: boolean; label: string };
type Select = HTMLElement & { value: string };
type TextField = HTMLElement & { value: string; invalid: boolean };

const KIND_LABELS: Record<FilterKind, string> = {
  quantile: 'quantile (per task)',
  threshold: 'threshold',
  topk: 'top-k (per task)',
  exp: 'exp weights',
};

export interface FilterChange {
  selector: ScoreSelector | null;
  filter: FilterSpec;
}

export class FilterBar {
  readonly element: HTMLElement;
  private readonly verifierBox: HTMLElement;
  private readonly checkboxes = new Map<string, Checkbox>();
  private readonly combine: Select;
  private readonly kind: Select;
  private readonly slider: HTMLInputElement;
  private readonly text: TextField;
  private readonly selectorText: HTMLElement;
  private readonly message: HTMLElement;
  private current: FilterChange = { selector: null, filter: { kind: 'quantile', q: 0.8 } };
  private largestTask = 1;

  constructor(private readonly onChange: (change: FilterChange) => void) {
    this.verifierBox = el('span', { className: 'verifier-box', attrs: { 'data-role': 'verifiers' } });
    this.combine = select('combine', [
      ['and', 'AND: kept by every verifier'],
      ['mean', 'mean of the scores'],
    ]);
    this.kind = select('filter-kind', FILTER_KINDS.map((k) => [k, KIND_LABELS[k]]));
    this.slider = el('input', { className: 'filter-slider', attrs: { type: 'range', 'data-role': 'filter-slider', 'aria-label': 'Filter parameter' } });
    this.text = custom<TextField>('vscode-textfield', { className: 'filter-text', attrs: { 'data-role': 'filter-text', 'aria-label': 'Filter' } });
    this.selectorText = el('span', { className: 'selector-text', attrs: { 'data-role': 'selector' } });
    this.message = el('span', { className: 'filter-message', attrs: { 'data-role': 'filter-message' } });

    this.combine.addEventListener('change', () => this.emit({ ...this.current, selector: this.tickedSelector() }));
    this.kind.addEventListener('change', () => {
      const kind = this.kind.value as FilterKind;
      this.emit({ ...this.current, filter: defaultFilter(kind, this.largestTask) });
    });
    this.slider.addEventListener('input', () => {
      this.emit({ ...this.current, filter: filterAt(this.current.filter.kind, Number(this.slider.value)) });
    });
    this.text.addEventListener('change', () => {
      try {
        this.emit({ ...this.current, filter: parseFilter(this.text.value) });
      } catch (err) {
        this.text.invalid = true;
        setText(this.message, err instanceof Error ? err.message : String(err));
      }
    });

    this.element = el('section', { className: 'filter-bar', attrs: { 'aria-label': 'Filter' } }, [
      el('span', { className: 'filter-group' }, [el('span', { className: 'filter-label', text: 'Verifiers' }), this.verifierBox, this.combine]),
      el('span', { className: 'filter-group' }, [el('span', { className: 'filter-label', text: 'Filter' }), this.kind, this.slider, this.text]),
      el('span', { className: 'filter-group' }, [el('span', { className: 'filter-label', text: 'Selector' }), this.selectorText]),
      this.message,
    ]);
  }

  update(change: FilterChange, verifiers: readonly string[], largestTask: number): void {
    this.current = change;
    this.largestTask = largestTask;
    const parts = change.selector ? selectorParts(change.selector) : null;
    for (const name of verifiers) {
      if (this.checkboxes.has(name)) continue;
      const box = custom<Checkbox>('vscode-checkbox', { attrs: { 'data-verifier': name } });
      box.label = name;
      box.addEventListener('change', () => this.emit({ ...this.current, selector: this.tickedSelector() }));
      this.checkboxes.set(name, box);
      this.verifierBox.append(box);
    }
    for (const [name, box] of this.checkboxes) box.checked = parts?.names.includes(name) ?? false;
    if (parts) this.combine.value = parts.combine;
    this.combine.hidden = (parts?.names.length ?? 0) < 2;
    setText(this.selectorText, change.selector ? formatSelector(change.selector) : 'no verifier');

    const scale = sliderScale(change.filter.kind, largestTask);
    this.kind.value = change.filter.kind;
    this.slider.min = String(scale.min);
    this.slider.max = String(scale.max);
    this.slider.step = '1';
    this.slider.value = String(positionOf(change.filter));
    this.text.value = formatFilter(change.filter);
    this.text.invalid = false;
    setText(this.message, '');
  }

  private tickedSelector(): ScoreSelector | null {
    const names = [...this.checkboxes].filter(([, box]) => box.checked).map(([name]) => name);
    return buildSelector(names, this.combine.value as Combine);
  }

  private emit(change: FilterChange): void {
    this.current = change;
    this.onChange(change);
  }
}

function defaultFilter(kind: FilterKind, largestTask: number): FilterSpec {
  switch (kind) {
    case 'quantile':
      return { kind, q: 0.8 };
    case 'threshold':
      return { kind, tau: 0.5 };
    case 'topk':
      return { kind, k: Math.max(1, Math.round(largestTask / 4)) };
    case 'exp':
      return { kind, beta: 0.1 };
  }
}

function select(role: string, options: readonly (readonly [string, string])[]): Select {
  return custom<Select>(
    'vscode-single-select',
    { className: role, attrs: { 'data-role': role } },
    options.map(([value, label]) => custom('vscode-option', { attrs: { value }, text: label })),
  );
}
