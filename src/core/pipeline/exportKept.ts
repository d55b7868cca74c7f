// The kept samples of a run as an SFT export and its lineage sidecar (docs/run-format.md, "SFT
// export" and "Lineage"): one implementation for `gaplens export` and VS Code's Export Kept Samples….
import { formatFilter, formatSelector } from '../filter/parse';
import type { FilterSpec, ScoreSelector } from '../filter/spec';
import { exportLineageText, lineageParent, lineageSidecar } from '../runs/lineage';
import { writeOutputFile } from '../runs/outputPath';
import type { RunData } from '../runs/runStore';
import { sampleKey } from '../runs/sampleKey';
import { toScoredSamples } from '../runs/scoredSamples';
import { toSftRecords } from '../runs/sftExport';
import { weightsOf } from './runReport';

export interface KeptExport {
  /** Records written: the samples the filter kept. */
  records: number;
  /** The run's samples the filter chose from. */
  samples: number;
  /** FILE.lineage.json. */
  sidecar: string;
}

/**
 * Writes the samples `filter` keeps under `selector` to `out` as SFT JSONL, then the sidecar naming
 * the run, selector, filter and the sha256 of what was written (after the file, so a sidecar on disk
 * always describes a whole export). The caller has checked that both may be written.
 */
export async function writeKeptExport(run: RunData, opts: { selector: ScoreSelector; filter: FilterSpec; checkerCorrected: boolean; out: string }): Promise<KeptExport> {
  const { selector, filter, checkerCorrected, out } = opts;
  const samples = toScoredSamples(run, { checkerCorrected });
  const records = toSftRecords(run, weightsOf(samples, selector, filter, sampleKey));
  const text = records.map((r) => `${JSON.stringify(r)}\n`).join('');
  await writeOutputFile(out, text);
  const sidecar = lineageSidecar(out);
  const info = { records: records.length, exportedAt: new Date().toISOString(), parent: lineageParent(run.dir, run.manifest), selector: formatSelector(selector), filter: formatFilter(filter), checkerCorrected };
  await writeOutputFile(sidecar, exportLineageText(out, text, info));
  return { records: records.length, samples: samples.length, sidecar };
}
