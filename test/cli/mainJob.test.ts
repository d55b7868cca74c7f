import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, runCli, tempDir } from '../helpers/cli';

/** The README's main-job command, so this test breaks when the README stops working. */
function readmeMainJobArgs(): string[] {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const line = readme.split('\n').find((l) => l.startsWith('npm ci && npm run gap -- '));
  assert.ok(line, 'README has no "npm ci && npm run gap -- …" main-job command');
  return line.slice('npm ci && npm run gap -- '.length).trim().split(/\s+/);
}

describe("the README's main job (real llama.cpp on stories260K)", function () {
  // CPU-bound llama.cpp on a 2-core machine: minutes, not seconds (224 s measured on a busy machine).
  this.timeout(600000);

  it('runs end to end and writes a complete run folder', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const out = join(dir, 'run');
      const args = [...readmeMainJobArgs(), '--out', out, '--cache', join(dir, 'cache'), '--json'];
      const res = await runCli(args);
      assert.equal(res.code, 0, res.stderr);
      const report = JSON.parse(res.stdout) as Record<string, unknown>;
      const flag = (name: string): number => Number(args[args.indexOf(name) + 1]);
      const tasks = flag('--limit');
      const samples = tasks * flag('-n');
      for (const key of ['tasks', 'samples', 'accuracy', 'filteredAccuracy', 'gap', 'relativeGap', 'retention', 'auroc', 'ci']) assert.ok(key in report, `report lacks ${key}`);
      assert.equal(report.tasks, tasks);
      assert.equal(report.samples, samples);

      const manifest = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { completedAt?: string; config: { verifiers: string[]; n: number } };
      assert.ok(manifest.completedAt, 'run.json is not marked complete');
      assert.deepEqual(manifest.config.verifiers, ['mc', 'cot-score']);
      assert.equal(readFileSync(join(out, 'tasks.jsonl'), 'utf8').trim().split('\n').length, tasks);
      const records = readFileSync(join(out, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; verifier?: string; raw?: string; text?: string; score?: number | null; detail?: { method?: string } });
      const generations = records.filter((r) => r.type === 'generation');
      const verifications = records.filter((r) => r.type === 'verification');
      assert.equal(generations.length, samples);
      const mc = verifications.filter((r) => r.verifier === 'mc');
      assert.equal(mc.length, samples);
      // llama.cpp scores " Correct" and " Incorrect" over the whole vocabulary: no sample goes unscored.
      assert.deepEqual(mc.filter((r) => typeof r.score !== 'number' || r.detail?.method !== 'exact'), [], 'an mc verification is not scored exactly');
      assert.equal(verifications.filter((r) => r.verifier === 'cot-score').length, samples);
      assert.ok(generations.every((g) => typeof g.text === 'string' && g.text.length > 0), 'a generation is empty');
      assert.ok(verifications.every((v) => typeof v.raw === 'string'), 'a verification lost its raw output');
      assert.ok(existsSync(join(out, 'templates')), 'the run has no copy of its templates');
    } finally {
      cleanup();
    }
  });
});
