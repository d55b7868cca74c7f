// Filters turn per-sample verifier scores into weights w (the paper's reweighting, Sec. 2).

export type FilterSpec =
  | { kind: 'quantile'; q: number } // per task: keep score >= the q-quantile of that task's scores
  | { kind: 'threshold'; tau: number } // keep score >= tau
  | { kind: 'topk'; k: number } // per task: the k best, ties by sample index
  | { kind: 'exp'; beta: number }; // weight exp(score / beta), not binary

/**
 * Which scores a filter reads. `and(a,b)` applies the filter to each component and multiplies the
 * weights (for binary filters: keep only if every component keeps); `mean(a,b)` averages the
 * component scores first. Names are verifier names as stored in a run (`mc`, `cot-score`, …).
 */
export type ScoreSelector =
  | { kind: 'verifier'; name: string }
  | { kind: 'and'; parts: ScoreSelector[] }
  | { kind: 'mean'; parts: ScoreSelector[] };
