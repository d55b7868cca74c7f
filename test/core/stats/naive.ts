// Independent, deliberately naive implementations of the verifier-quality and any-N statistics: plain
// loops over samples, permutations and subsets, written from docs/statistics.md without the code's
// shortcuts (no tie blocks, no harmonic numbers, no closed forms, no per-task sums).
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { selectorScore, taskWeights } from '../../../src/core/filter/weights';
import type { ScoredSample } from '../../../src/core/stats/types';
import { kSubsets } from './fixtures';

export interface NaiveRow {
  score: number | null;
  correct: boolean;
}

export function naiveCalibration(rows: readonly NaiveRow[], bins = 10): { brier: number; ece: number; rmsce: number; counts: number[] } | null {
  const scored = rows.filter((r) => r.score !== null) as { score: number; correct: boolean }[];
  if (scored.length === 0) return null;
  const groups: { score: number; correct: boolean }[][] = Array.from({ length: bins }, () => []);
  for (const r of scored) groups[Math.min(bins - 1, Math.floor(r.score * bins))]?.push(r);
  let ece = 0;
  let squares = 0;
  for (const g of groups) {
    if (g.length === 0) continue;
    const conf = g.reduce((s, r) => s + r.score, 0) / g.length;
    const acc = g.filter((r) => r.correct).length / g.length;
    ece += (g.length / scored.length) * Math.abs(acc - conf);
    squares += (g.length / scored.length) * (acc - conf) ** 2;
  }
  const brier = scored.reduce((s, r) => s + (r.score - (r.correct ? 1 : 0)) ** 2, 0) / scored.length;
  return { brier, ece, rmsce: Math.sqrt(squares), counts: groups.map((g) => g.length) };
}

/** All orders of `items` that put higher scores first (missing last), ties in every order. */
function rankedOrders(rows: readonly NaiveRow[]): NaiveRow[][] {
  const key = (r: NaiveRow): number => (r.score === null ? -Infinity : r.score);
  const groups = new Map<number, NaiveRow[]>();
  for (const r of rows) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  const ordered = [...groups.entries()].sort((a, b) => b[0] - a[0]).map(([, g]) => g);
  const permutations = (items: NaiveRow[]): NaiveRow[][] =>
    items.length <= 1 ? [items] : items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((p) => [item, ...p]));
  return ordered.reduce<NaiveRow[][]>((orders, group) => orders.flatMap((o) => permutations(group).map((p) => [...o, ...p])), [[]]);
}

/** The mean, over every order of the ties, of the risk at each coverage and of the AURC. */
export function naiveRiskCoverage(rows: readonly NaiveRow[]): { aurc: number; risk: number[] } {
  const orders = rankedOrders(rows);
  const n = rows.length;
  const risk = new Array<number>(n).fill(0);
  for (const order of orders) {
    let errors = 0;
    order.forEach((r, i) => {
      if (!r.correct) errors++;
      risk[i] = (risk[i] as number) + errors / (i + 1) / orders.length;
    });
  }
  return { aurc: risk.reduce((s, r) => s + r, 0) / n, risk };
}

/** Every sample of `samples` grouped by task, index order. */
function byTask(samples: readonly ScoredSample[]): ScoredSample[][] {
  const groups = new Map<string, ScoredSample[]>();
  for (const s of samples) groups.set(s.task, [...(groups.get(s.task) ?? []), s]);
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g.sort((x, y) => x.index - y.index));
}

/** J(f[w]) of a list of samples filtered as a task of its own. */
export function naiveFilteredAccuracy(samples: readonly ScoredSample[], selector: string, filter: string): number {
  const w = taskWeights(samples.map((s) => s.scores), parseSelector(selector), parseFilter(filter));
  const kept = w.reduce((a, b) => a + b, 0);
  const correct = (s: ScoredSample): number => (s.correct ? 1 : 0);
  if (kept > 0) return samples.reduce((sum, s, i) => sum + (w[i] as number) * correct(s), 0) / kept;
  return samples.reduce((sum, s) => sum + correct(s), 0) / samples.length;
}

/** Per task: the mean over every k-subset of its samples of J(f[w]) of the subset. */
export function naiveSubsetMeans(samples: readonly ScoredSample[], selector: string, filter: string, k: (n: number) => number): number[] {
  return byTask(samples).map((task) => {
    const subsets = kSubsets(task.length, k(task.length));
    return subsets.reduce((sum, pick) => sum + naiveFilteredAccuracy(pick.map((i) => task[i] as ScoredSample), selector, filter), 0) / subsets.length;
  });
}

/** The any-N point at k: filtered accuracy, gap and relative gap by enumeration. */
export function naiveAnyN(samples: readonly ScoredSample[], selector: string, filter: string, k: number): { filteredAccuracy: number; gap: number; relativeGap: number | null } {
  const means = naiveSubsetMeans(samples, selector, filter, () => k);
  const accuracies = byTask(samples).map((task) => task.filter((s) => s.correct).length / task.length);
  const filteredAccuracy = means.reduce((a, b) => a + b, 0) / means.length;
  const accuracy = accuracies.reduce((a, b) => a + b, 0) / accuracies.length;
  const room = accuracies.map((j, t) => [j, means[t] as number]).filter(([j]) => (j as number) < 1);
  const relativeGap = room.length === 0 ? null : room.reduce((s, [j, f]) => s + ((f as number) - (j as number)) / (1 - (j as number)), 0) / room.length;
  return { filteredAccuracy, gap: filteredAccuracy - accuracy, relativeGap };
}

/** pass^k by enumeration: the share of k-subsets that are all correct, averaged over tasks. */
export function naivePassAllK(samples: readonly ScoredSample[], k: number): number {
  const tasks = byTask(samples);
  return tasks.reduce((sum, task) => {
    const subsets = kSubsets(task.length, k);
    return sum + subsets.filter((pick) => pick.every((i) => task[i]?.correct)).length / subsets.length;
  }, 0) / tasks.length;
}

/** The selector's score of every sample, as NaiveRows. */
export function naiveRows(samples: readonly ScoredSample[], selector: string): NaiveRow[] {
  return samples.map((s) => ({ score: selectorScore(s.scores, parseSelector(selector)), correct: s.correct }));
}
