// The estimate against numbers worked out by hand from tiny templates whose byte counts are easy
// to read (docs/cost.md, "The estimate").
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { estimateLines, formatAmount } from '../../../src/core/cost/costText';
import { costBound, estimateRun, type EstimateInput, type StageEstimate } from '../../../src/core/cost/estimate';
import { parsePricing } from '../../../src/core/cost/pricing';
import { ExecutionRecords } from '../../../src/core/pipeline/executionRecords';
import { loadTemplates } from '../../../src/core/prompts/load';
import type { TemplateSet } from '../../../src/core/prompts/templates';
import { SAMPLES_SCHEMA_VERSION, type GenerationRecord, type RunConfig, type VerificationRecord } from '../../../src/core/runs/records';
import { sampleKey } from '../../../src/core/runs/sampleKey';
import type { Task } from '../../../src/core/tasks/task';

const MODEL = 'openai:m@http://h/v1';
// "héllo?" is 7 bytes: é takes two.
const TASKS: Task[] = [
  { id: 't1', question: '2+2?', answer: '4', grader: 'numeric' },
  { id: 't2', question: 'héllo?', answer: '4', grader: 'numeric' },
];
const CONFIG: RunConfig = {
  tasks: 'x.jsonl', model: MODEL, api: 'completions', n: 2, verifiers: ['mc', 'cot-binary', 'tournament'], filter: 'quantile:0.8',
  temperature: 0.7, topP: 0.9, maxTokens: 10, verifierTemperature: 0.7, verifierMaxTokens: 5, seed: 0, concurrency: 1,
};
const PRICING = '{"currency": "EUR", "models": [{"model": "m", "inputPerMTok": 2, "outputPerMTok": 10, "batchDiscount": 0.5}]}';

type Totals = Omit<StageEstimate, 'stage' | 'model'>;

function stages(input: EstimateInput): Record<string, Totals> {
  return Object.fromEntries(estimateRun(input).stages.map(({ stage, model: _model, ...totals }) => [stage, totals]));
}

function generation(task: string, index: number, text: string): GenerationRecord {
  return { v: SAMPLES_SCHEMA_VERSION, type: 'generation', task, index, seed: index, text, finishReason: 'stop', usage: { promptTokens: 1, completionTokens: 1 }, grade: { correct: true, normalized: text }, at: '' } as GenerationRecord;
}

function verification(task: string, index: number, verifier: string): VerificationRecord {
  return { v: SAMPLES_SCHEMA_VERSION, type: 'verification', task, index, verifier, score: 1, parse: 'ok', prompt: '', raw: '', at: '' };
}

describe('estimate', () => {
  let dir: string;
  let templates: TemplateSet;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gaplens-'));
    // Rendered with an empty response: "2+2?  J:" (8 bytes), "2+2?||V" (7), "2+2? A= B=" (10); "Q: 2+2?\nA:" (10).
    writeFileSync(join(dir, 'generate.txt'), 'Q: {{question}}\nA:\n');
    writeFileSync(join(dir, 'verify-mc.txt'), '{{question}} {{response}} J:\n');
    writeFileSync(join(dir, 'verify-cot-binary.txt'), '{{question}}|{{response}}|V\n');
    writeFileSync(join(dir, 'verify-tournament.txt'), '{{question}} A={{response_a}} B={{response_b}}\n');
    templates = loadTemplates(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('bounds a new run: every prompt rendered, answers not generated yet at their cap', () => {
    const estimate = estimateRun({ config: CONFIG, tasks: TASKS, templates, existing: null, verifiers: CONFIG.verifiers });
    assert.deepEqual(stages({ config: CONFIG, tasks: TASKS, templates, existing: null, verifiers: CONFIG.verifiers }), {
      // n requests of (bytes + 4) each: t1 2 × (10 + 4), t2 2 × (13 + 4); completions 2 × 2 × 10.
      generation: { calls: 2, maxRequests: 4, maxPromptTokens: 28 + 34, maxCompletionTokens: 40 },
      // Per sample, with P = template bytes + the answer cap 10 (t1 18, t2 21): P + 8 + 4 for " Correct",
      // P + 10 + 4 for " Incorrect", P + 4 for the top tokens: 3P + 30, one completion token each;
      // then the probe, twice the largest P + 10 + 4.
      mc: { calls: 4, maxRequests: 4 * 3 + 2, maxPromptTokens: 2 * (3 * 18 + 30) + 2 * (3 * 21 + 30) + 2 * (21 + 10 + 4), maxCompletionTokens: 4 * 3 + 2 },
      // One request per sample of P + 4: t1 7 + 10 + 4, t2 10 + 10 + 4; completions at the verifier cap 5.
      'cot-binary': { calls: 4, maxRequests: 4, maxPromptTokens: 2 * 21 + 2 * 24, maxCompletionTokens: 20 },
      // n − 1 = 1 match per task of template bytes + two answers at their cap + 4.
      tournament: { calls: 2, maxRequests: 2, maxPromptTokens: (10 + 20 + 4) + (13 + 20 + 4), maxCompletionTokens: 10 },
    });
    assert.deepEqual([estimate.tasks, estimate.totalTasks, estimate.n, estimate.model], [2, 2, 2, MODEL]);

    const cost = costBound(estimate, parsePricing(PRICING, 'p.json'));
    const prompt = 62 + 424 + 90 + 71;
    const completion = 40 + 14 + 20 + 10;
    assert.deepEqual(cost.byModel.map((m) => [m.model, m.maxPromptTokens, m.maxCompletionTokens]), [[MODEL, prompt, completion]]);
    assert.equal(cost.total, (prompt * 2 + completion * 10) / 1e6);
    assert.equal(cost.byModel[0]?.batchCost, ((prompt * 2 + completion * 10) / 1e6) * 0.5);
    assert.deepEqual(estimateLines(estimate, cost, 'p.json').slice(-2), [
      '  cost ≤ 0.00214 EUR at the prices of p.json; at the batch prices of the file (--executor batch): ≤ 0.00107 EUR',
      '  tokens: a prompt counts as its UTF-8 bytes + 4 per request (no tokenizer makes more tokens than bytes), a completion as its cap',
    ]);
  });

  it('bounds a resume by what is missing, rendering the verification prompts of answers that exist', () => {
    const existing = ExecutionRecords.fromRecords(TASKS, CONFIG.n, CONFIG.verifiers, {
      generations: new Map([[sampleKey('t1', 0), generation('t1', 0, '4')], [sampleKey('t1', 1), generation('t1', 1, ' four ')]]),
      verifications: new Map([
        [sampleKey('t1', 0), new Map([['mc', verification('t1', 0, 'mc')], ['cot-binary', verification('t1', 0, 'cot-binary')]])],
        [sampleKey('t1', 1), new Map([['mc', verification('t1', 1, 'mc')]])],
      ]),
    });
    assert.deepEqual(stages({ config: CONFIG, tasks: TASKS, templates, existing, verifiers: CONFIG.verifiers }), {
      generation: { calls: 1, maxRequests: 2, maxPromptTokens: 34, maxCompletionTokens: 20 },
      // t1's mc is done; t2's as before, with the probe.
      mc: { calls: 2, maxRequests: 2 * 3 + 2, maxPromptTokens: 2 * (3 * 21 + 30) + 2 * (21 + 10 + 4), maxCompletionTokens: 2 * 3 + 2 },
      // t1 misses one: both samples go again, "2+2?|4|V" (8) and "2+2?|four|V" (11, trimmed), each + 4.
      'cot-binary': { calls: 4, maxRequests: 4, maxPromptTokens: 12 + 15 + 2 * 24, maxCompletionTokens: 20 },
      // t1's match: its longest answer "four" twice.
      tournament: { calls: 2, maxRequests: 2, maxPromptTokens: (10 + 2 * 4 + 4) + (13 + 20 + 4), maxCompletionTokens: 10 },
    });
  });

  it("passes over a finished task by the execution's flags (hasEveryRecord) and bounds the same as a look at every sample and stage", () => {
    const both = (t: string, i: number, stages: string[]): [string, Map<string, VerificationRecord>] => [sampleKey(t, i), new Map(stages.map((v) => [v, verification(t, i, v)]))];
    const generated = new Map(['t1', 't2'].flatMap((t) => [0, 1].map((i) => [sampleKey(t, i), generation(t, i, `${t} ${i}`)] as const)));
    const states = {
      't1 finished, t2 generated only': [both('t1', 0, CONFIG.verifiers), both('t1', 1, CONFIG.verifiers)],
      't1 short of its tournament, t2 of mc': [both('t1', 0, ['mc', 'cot-binary']), both('t1', 1, ['mc', 'cot-binary']), both('t2', 0, ['cot-binary', 'tournament']), both('t2', 1, CONFIG.verifiers)],
      'both finished': ['t1', 't2'].flatMap((t) => [both(t, 0, CONFIG.verifiers), both(t, 1, CONFIG.verifiers)]),
    };
    for (const [name, verified] of Object.entries(states)) {
      const existing = ExecutionRecords.fromRecords(TASKS, CONFIG.n, CONFIG.verifiers, { generations: generated, verifications: new Map(verified) });
      const lookingAtEach = { hasGeneration: existing.hasGeneration.bind(existing), generation: existing.generation.bind(existing), hasVerification: existing.hasVerification.bind(existing) };
      assert.deepEqual(estimateRun({ config: CONFIG, tasks: TASKS, templates, existing, verifiers: CONFIG.verifiers }), estimateRun({ config: CONFIG, tasks: TASKS, templates, existing: lookingAtEach, verifiers: CONFIG.verifiers }), name);
    }
    const finished = ExecutionRecords.fromRecords(TASKS, CONFIG.n, CONFIG.verifiers, { generations: generated, verifications: new Map(states['t1 finished, t2 generated only']) });
    assert.equal(estimateRun({ config: CONFIG, tasks: TASKS, templates, existing: finished, verifiers: CONFIG.verifiers }).tasks, 1);
  });

  it('on chat, mc asks the top tokens only, and every request has the chat allowance', () => {
    const config: RunConfig = { ...CONFIG, api: 'chat', n: 1, verifiers: ['mc', 'tournament'] };
    assert.deepEqual(stages({ config, tasks: TASKS.slice(0, 1), templates, existing: null, verifiers: config.verifiers }), {
      generation: { calls: 1, maxRequests: 1, maxPromptTokens: 10 + 32, maxCompletionTokens: 10 },
      mc: { calls: 1, maxRequests: 1, maxPromptTokens: 18 + 32, maxCompletionTokens: 1 },
      // One sample plays no match.
    });
  });

  it('says when nothing is left, and when a model has no price', () => {
    const all = (i: number) => new Map(CONFIG.verifiers.map((v) => [v, verification('t1', i, v)] as const));
    const existing = ExecutionRecords.fromRecords(TASKS.slice(0, 1), CONFIG.n, CONFIG.verifiers, {
      generations: new Map([0, 1].map((i) => [sampleKey('t1', i), generation('t1', i, 'x')])),
      verifications: new Map([0, 1].map((i) => [sampleKey('t1', i), all(i)])),
    });
    const done = estimateRun({ config: CONFIG, tasks: TASKS.slice(0, 1), templates, existing, verifiers: CONFIG.verifiers });
    assert.deepEqual(done.stages, []);
    assert.deepEqual(estimateLines(done, costBound(done, parsePricing(PRICING, 'p.json')), 'p.json'), ['estimate: nothing left to do, no model call']);

    const other = { ...CONFIG, model: 'openai:other@http://h/v1' };
    const estimate = estimateRun({ config: other, tasks: TASKS, templates, existing: null, verifiers: ['mc'] });
    const cost = costBound(estimate, parsePricing(PRICING, 'p.json'));
    assert.equal(cost.total, null);
    assert.equal(cost.byModel[0]?.cost, null);
    assert.ok(estimateLines(estimate, cost, 'p.json').includes('  cost: unknown — p.json has no price for openai:other@http://h/v1 (docs/cost.md)'));
  });

  it('shows amounts to three significant digits below 1, two decimals from 1, bounds rounded up', () => {
    assert.equal(formatAmount(0.002134, 'up'), '0.00214');
    assert.equal(formatAmount(0.002134), '0.00213');
    assert.equal(formatAmount(0.0312, 'up'), '0.0312', 'no rounding up of what is exact');
    assert.equal(formatAmount(1234.561, 'up'), '1234.57');
    assert.equal(formatAmount(1), '1.00');
    assert.equal(formatAmount(0), '0');
  });
});
