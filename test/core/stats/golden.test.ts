// The report, bootstrap intervals included, is held bit for bit to the goldens captured from the code
// before the bootstrap was made cache-friendly (golden/capture.ts): the same seed gives the same
// intervals. JSON round-trips every double exactly, so deepStrictEqual on the parsed report is
// equality of every bit of every number.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { goldenCases, goldenReport, type GoldenFile } from './golden/cases';

describe('computeReport against the golden reports', () => {
  for (const { name } of goldenCases()) {
    it(`reproduces ${name} exactly`, () => {
      const golden = JSON.parse(readFileSync(path.join(__dirname, 'golden', `${name}.json`), 'utf8')) as GoldenFile;
      assert.deepStrictEqual(goldenReport(golden), golden.report);
    });
  }
});
