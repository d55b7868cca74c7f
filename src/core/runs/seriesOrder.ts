// The rounds of a self-improvement series in lineage order (docs/statistics.md, "Self-improvement
// series"): the runs given, whatever their order, must form one chain of lineage links on one task
// set. Each run is known by its run id; a run's parent is the run its run.json `lineage` names.
import { plural } from '../util/plural';
import { UserError } from '../util/errors';
import type { RunManifest } from './records';
import { checkOneTaskSet } from './taskSet';

export interface SeriesRun {
  dir: string;
  manifest: RunManifest;
}

/**
 * The runs ordered round 0, 1, …: round 0 is the one run whose lineage names no run among them (it
 * may have none), and round r+1 is the run whose lineage names round r. Refused (UserError, exit 2)
 * with what to do: fewer than two runs, a run given twice, runs on different task sets (tasks.jsonl
 * sha256), and links that are not one chain (two starts, a run with two children, a cycle).
 */
export function orderSeries<R extends SeriesRun>(runs: readonly R[]): R[] {
  if (runs.length < 2) throw new UserError(`a series needs the runs of at least two rounds; got ${plural(runs.length, 'run')}`, 2);
  const byId = new Map<string, R>();
  for (const run of runs) {
    const twin = byId.get(run.manifest.id);
    if (twin !== undefined) throw new UserError(`${twin.dir} and ${run.dir} are the same run (${run.manifest.id}): give each round once`, 2);
    byId.set(run.manifest.id, run);
  }
  checkOneTaskSet(runs, 'a series compares rounds on one task set; run every round on the same tasks (same --tasks, --limit and --seed)');
  const parentOf = (run: R): R | undefined => byId.get(run.manifest.lineage?.parent.id ?? '');
  const children = new Map<string, R>();
  for (const run of runs) {
    const parent = parentOf(run);
    if (parent === undefined) continue;
    const sibling = children.get(parent.manifest.id);
    if (sibling !== undefined) {
      throw new UserError(`${sibling.dir} and ${run.dir} both name ${parent.dir} as their parent: a series is one chain of rounds; report each branch as its own series`, 2);
    }
    children.set(parent.manifest.id, run);
  }
  const roots = runs.filter((r) => parentOf(r) === undefined);
  if (roots.length > 1) {
    const why = roots.map((r) => `${r.dir} (${r.manifest.lineage ? `its lineage names run ${r.manifest.lineage.parent.id}, not given` : 'no lineage'})`);
    throw new UserError(`the runs do not form one chain: ${why.join(', ')} each start one; give every round from the first on (a round's parent is the run its --lineage export came from)`, 2);
  }
  const ordered: R[] = [];
  for (let run = roots[0]; run !== undefined; run = children.get(run.manifest.id)) ordered.push(run);
  if (ordered.length < runs.length) {
    const left = runs.filter((r) => !ordered.includes(r)).map((r) => r.dir);
    throw new UserError(`the lineage links of ${left.join(', ')} form a cycle, so no round comes first: check their run.json lineage`, 2);
  }
  return ordered;
}

