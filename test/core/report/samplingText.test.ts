import assert from 'node:assert/strict';
import { samplingText } from '../../../src/core/report/samplingText';
import type { ImportProvenance } from '../../../src/core/runs/records';
import { manifest } from '../runs/runFixtures';

const IMPORTED: ImportProvenance = {
  format: 'lm-eval',
  files: [{ path: '/data/samples_gsm8k.jsonl', sha256: 'a'.repeat(64) }],
  sourceModel: null,
  sampling: { temperature: 0, topP: null, maxTokens: 256, seed: null },
  usageKnown: false,
  generationCalls: 0,
};

describe('samplingText', () => {
  it("shows a run's own sampling settings", () => {
    assert.equal(samplingText(manifest()), 'temperature 0.7, top-p 0.95, max tokens 256, seed 42');
  });

  it("shows an imported run's settings as its source gave them, unknown where it gave none, never its config's", () => {
    assert.equal(samplingText({ ...manifest(), import: IMPORTED }), 'imported from lm-eval: temperature 0, top-p unknown, max tokens 256, seed unknown');
  });
});
