// What the user has chosen in the panel, and its persisted form (PanelState: never any sample data).
import { RUN_DEFAULTS, runSelector } from '../../src/core/config/runRules';
import { formatFilter, formatSelector, parseFilter, parseSelector } from '../../src/core/filter/parse';
import type { FilterSpec, ScoreSelector } from '../../src/core/filter/spec';
import type { PanelState, PanelView, RunSummary, SampleRef } from '../../src/protocol/panelProtocol';

export interface PanelSettings {
  /** Null when the run has no verifier. */
  selector: ScoreSelector | null;
  filter: FilterSpec;
  checkerCorrected: boolean;
  view: PanelView;
  selection: SampleRef | null;
}

export const DEFAULT_VIEW: PanelView = { task: null, show: 'all', sort: 'task', descending: false };

/** The CLI report's default filter; used when the run's own filter text does not parse. */
export const FALLBACK_FILTER: FilterSpec = parseFilter(RUN_DEFAULTS.filter);

/** The restored settings when they belong to this run, else the run's own selector and filter. */
export function initialSettings(run: RunSummary, restored: PanelState | null): PanelSettings {
  const fromState = restored !== null && restored.runId === run.id;
  const selectorText = fromState ? restored.selector : (run.selector ?? runSelector(run) ?? '');
  return {
    selector: tryParse(() => parseSelector(selectorText), null),
    filter: tryParse(() => parseFilter(fromState ? restored.filter : run.filter), tryParse(() => parseFilter(run.filter), FALLBACK_FILTER)),
    checkerCorrected: fromState ? restored.checkerCorrected : false,
    view: fromState ? restored.view : DEFAULT_VIEW,
    selection: fromState ? restored.selection : null,
  };
}

export function toPanelState(runId: string, settings: PanelSettings): PanelState {
  return {
    runId,
    selector: settings.selector ? formatSelector(settings.selector) : '',
    filter: formatFilter(settings.filter),
    checkerCorrected: settings.checkerCorrected,
    view: settings.view,
    selection: settings.selection,
  };
}

function tryParse<T, F>(parse: () => T, fallback: F): T | F {
  try {
    return parse();
  } catch {
    return fallback;
  }
}
