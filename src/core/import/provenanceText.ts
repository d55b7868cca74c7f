// How a report names where a run's generations came from: for an imported run (run.json `import`)
// the tool and files, and the source's own sampling settings, "unknown" where it said nothing,
// because the numbers in such a run's `config` are not how its generations were made.
import type { ImportProvenance, RunManifest, SourceSampling } from '../runs/records';

/** `temperature 0, top-p unknown, max tokens 256, seed unknown`. */
export function sourceSamplingText(s: SourceSampling): string {
  const shown = (value: number | null): string => (value === null ? 'unknown' : String(value));
  return `temperature ${shown(s.temperature)}, top-p ${shown(s.topP)}, max tokens ${shown(s.maxTokens)}, seed ${shown(s.seed)}`;
}

/** The sampling line of a report. */
export function generationSettingsText({ config, import: imported }: RunManifest): string {
  if (imported !== undefined) return `imported from ${imported.format}: ${sourceSamplingText(imported.sampling)}`;
  return `temperature ${config.temperature}, top-p ${config.topP}, max tokens ${config.maxTokens}, seed ${config.seed}`;
}

/** One sentence on where an imported run's generations came from and what was not measured. */
export function importedFromText(imported: ImportProvenance): string {
  const files = imported.files.map((f) => f.path).join(', ');
  const tokens = imported.usageKnown ? "token counts are the source's" : 'token counts unknown';
  return `generations imported from ${imported.format} (${files}): made elsewhere, so their cost and time were not measured; ${tokens}`;
}
