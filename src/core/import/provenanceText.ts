// How a report names where an imported run's generations came from (run.json `import`).
import type { ImportProvenance } from '../runs/records';

/** One sentence on where an imported run's generations came from and what was not measured. */
export function importedFromText(imported: ImportProvenance): string {
  const files = imported.files.map((f) => f.path).join(', ');
  const tokens = imported.usageKnown ? "token counts are the source's" : 'token counts unknown';
  return `generations imported from ${imported.format} (${files}): made elsewhere, so their cost and time were not measured; ${tokens}`;
}
