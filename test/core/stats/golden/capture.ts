// Writes the golden reports the statistics are held to (golden.test.ts): each dataset's samples, the
// report options and computeReport's output. Captured from the sample-by-sample code before the
// bootstrap was made cache-friendly, and again for version 2 of the sums of a resample
// (docs/statistics.md, "The sums of a resample"), which changed the intervals in their last bits
// only. Run it again only for a documented, versioned change of the statistics:
// `npx tsx test/core/stats/golden/capture.ts`.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { goldenCases, goldenReport, type GoldenFile } from './cases';

for (const c of goldenCases()) {
  const file: GoldenFile = { ...c, report: goldenReport(c) };
  writeFileSync(path.join(__dirname, `${c.name}.json`), `${JSON.stringify(file)}\n`);
}
