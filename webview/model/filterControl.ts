// The filter bar's controls as numbers: one integer slider position per filter setting, the parameter
// values of the sweep chart, and the selector built from the ticked verifiers.
import type { FilterSpec, ScoreSelector } from '../../src/core/filter/spec';

export type FilterKind = FilterSpec['kind'];
export const FILTER_KINDS: readonly FilterKind[] = ['quantile', 'threshold', 'topk', 'exp'];

export interface SliderScale {
  min: number;
  max: number;
}

/** Integer slider positions: q and τ in hundredths, k itself, β on a log scale 0.01 … 10. */
export function sliderScale(kind: FilterKind, largestTask: number): SliderScale {
  return kind === 'topk' ? { min: 1, max: Math.max(1, largestTask) } : { min: 0, max: 100 };
}

export function filterAt(kind: FilterKind, position: number): FilterSpec {
  switch (kind) {
    case 'quantile':
      return { kind, q: position / 100 };
    case 'threshold':
      return { kind, tau: position / 100 };
    case 'topk':
      return { kind, k: Math.max(1, Math.round(position)) };
    case 'exp':
      // Three significant digits keep the filter's text form short (exp:0.0316, not exp:0.031622776…).
      return { kind, beta: Number((10 ** (-2 + (3 * position) / 100)).toPrecision(3)) };
  }
}

/** The slider position closest to a filter (exact for the values filterAt produces). */
export function positionOf(spec: FilterSpec): number {
  switch (spec.kind) {
    case 'quantile':
      return Math.round(spec.q * 100);
    case 'threshold':
      return Math.round(spec.tau * 100);
    case 'topk':
      return spec.k;
    case 'exp':
      return Math.min(100, Math.max(0, Math.round(((Math.log10(spec.beta) + 2) / 3) * 100)));
  }
}

const MAX_SWEEP_POINTS = 41;

/** The filters the sweep chart evaluates for one kind: an even grid over the slider's range. */
export function sweepFilters(kind: FilterKind, largestTask: number): FilterSpec[] {
  const { min, max } = sliderScale(kind, largestTask);
  const points = kind === 'topk' ? Math.min(max - min + 1, MAX_SWEEP_POINTS) : 21;
  const positions = new Set<number>();
  for (let i = 0; i < points; i++) positions.add(Math.round(min + ((max - min) * i) / Math.max(1, points - 1)));
  return [...positions].map((p) => filterAt(kind, p));
}

/** The parameter of a filter (q, τ, k or β): the sweep chart's x value. */
export function filterParameter(spec: FilterSpec): number {
  switch (spec.kind) {
    case 'quantile':
      return spec.q;
    case 'threshold':
      return spec.tau;
    case 'topk':
      return spec.k;
    case 'exp':
      return spec.beta;
  }
}

export type Combine = 'and' | 'mean';

/** The selector for the ticked verifiers: one name, or and(…)/mean(…) of several; null when none is ticked. */
export function buildSelector(names: readonly string[], combine: Combine): ScoreSelector | null {
  if (names.length === 0) return null;
  if (names.length === 1) return { kind: 'verifier', name: names[0] as string };
  return { kind: combine, parts: names.map((name) => ({ kind: 'verifier', name })) };
}

/** The ticked verifiers and combinator of a flat selector; null for nested ones, which the checkboxes cannot show. */
export function selectorParts(sel: ScoreSelector): { names: string[]; combine: Combine } | null {
  if (sel.kind === 'verifier') return { names: [sel.name], combine: 'and' };
  const names: string[] = [];
  for (const part of sel.parts) {
    if (part.kind !== 'verifier') return null;
    names.push(part.name);
  }
  return { names, combine: sel.kind };
}
