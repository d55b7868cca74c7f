import assert from 'node:assert/strict';
import type { BaseVerifierName } from '../../../src/core/verify/verifier';
import {
  askRunPlan,
  askVerifiers,
  executorEntries,
  filterEntries,
  limitEntries,
  profileEntries,
  runConfigOf,
  taskSourceEntries,
  validateFilter,
  validateSampleCount,
  verifierEntries,
  verifierModelEntries,
  type RunPlanContext,
} from '../../../src/extension/commands/runPlan';
import { readSettings, type ModelProfile } from '../../../src/extension/config/settings';
import { isSeparator, type PickEntry, type Prompter } from '../../../src/extension/ui/prompter';

const BUILTINS = [
  { name: 'builtin:sudoku4x4', description: '288 grids' },
  { name: 'builtin:arithmetic', description: '200 expressions' },
];
const FILES = [
  { path: '/w/a.tasks.jsonl', label: '' },
  { path: '/w/sets/b.tasks.jsonl', label: 'sets' },
];

function labels<T>(entries: PickEntry<T>[]): string[] {
  return entries.map((e) => (isSeparator(e) ? `--${e.separator}` : e.label));
}

const settings = readSettings(
  (k) =>
    ({
      modelProfiles: [
        { name: 'embedded', backend: 'llama' },
        { name: 'vllm', backend: 'openai', baseUrl: 'http://127.0.0.1:8000/v1', model: 'qwen', maxConcurrency: 32 },
      ],
      samplesPerTask: 4,
      defaultVerifiers: ['mc', 'cot-score'],
      temperature: 0.5,
      seed: 3,
    })[k],
  '/w',
);

/** A Prompter answering from a script; records what it was asked. */
function scripted(answers: { pick?: string[]; many?: string[][]; input?: string[]; path?: string }): Prompter & { asked: string[] } {
  const picks = [...(answers.pick ?? [])];
  const manys = [...(answers.many ?? [])];
  const inputs = [...(answers.input ?? [])];
  const asked: string[] = [];
  const find = <T>(entries: PickEntry<T>[], label: string): T => {
    const hit = entries.find((e) => !isSeparator(e) && e.label.includes(label));
    if (!hit || isSeparator(hit)) throw new Error(`no entry "${label}" in ${labels(entries).join(' | ')}`);
    return hit.value;
  };
  return {
    asked,
    async pickOne(entries, opts) {
      asked.push(opts.placeholder);
      const label = picks.shift();
      return label === undefined ? undefined : find(entries, label);
    },
    async pickMany(entries, opts) {
      asked.push(opts.placeholder);
      const chosen = manys.shift();
      return chosen?.map((l) => find(entries, l));
    },
    async input(opts) {
      asked.push(opts.prompt);
      const text = inputs.shift();
      if (text !== undefined) assert.equal(opts.validate(text), undefined, `scripted input "${text}" should be valid`);
      return text;
    },
    async openPath() {
      asked.push('browse');
      return answers.path;
    },
    async savePath() {
      return undefined;
    },
  };
}

function context(extra: Partial<RunPlanContext> = {}): RunPlanContext {
  return { settings, builtins: BUILTINS, workspaceFiles: FILES, ...extra };
}

describe('Run Gap Check quick picks', () => {
  it('offers the open task file first, then the other workspace files, the built-in sets and Browse…', () => {
    const entries = taskSourceEntries(BUILTINS, FILES, { path: '/w/sets/b.tasks.jsonl', label: 'sets' });
    assert.deepEqual(labels(entries), [
      '--Open task file',
      '$(file) b.tasks.jsonl',
      '--Workspace',
      '$(file) a.tasks.jsonl',
      '--Built-in sets',
      '$(beaker) builtin:sudoku4x4',
      '$(beaker) builtin:arithmetic',
      '--',
      '$(folder-opened) Browse…',
    ]);
  });

  it('omits the workspace group when there are no other task files', () => {
    assert.deepEqual(labels(taskSourceEntries(BUILTINS, [], undefined)).slice(0, 1), ['--Built-in sets']);
  });

  it('puts the profile used last first', () => {
    assert.deepEqual(labels(profileEntries(settings.profiles, 'vllm')), ['vllm', 'embedded']);
    assert.deepEqual(labels(profileEntries(settings.profiles, undefined)), ['embedded', 'vllm']);
    const [vllm] = profileEntries(settings.profiles, 'vllm');
    assert.equal(vllm && !isSeparator(vllm) && vllm.description, 'qwen at http://127.0.0.1:8000/v1 (completions)');
  });

  it('preselects the default verifiers and puts the default filter first', () => {
    const picked = verifierEntries(['mc', 'cot-score']).flatMap((e) => (!isSeparator(e) && e.picked ? [e.value] : []));
    assert.deepEqual(picked, ['mc', 'cot-score']);
    assert.deepEqual(labels(filterEntries('quantile:0.5')), ['quantile:0.5', 'quantile:0.8', 'threshold:0.5', 'topk:1', 'Custom…']);
    assert.deepEqual(labels(filterEntries('exp:0.1')).slice(0, 2), ['exp:0.1', 'quantile:0.8']);
  });

  it('prices the task limit of a built-in set in model calls', () => {
    const entries = limitEntries(4, 2) as { label: string; description: string }[];
    assert.deepEqual(entries.map((e) => e.description), ['120 model calls', '240 model calls', '600 model calls', 'every task of the set']);
  });

  it('validates N and custom filters', () => {
    assert.equal(validateSampleCount('8'), undefined);
    assert.equal(validateSampleCount(' 100000 '), undefined);
    for (const bad of ['0', '-1', '2.5', '1e3', '100001', '']) assert.notEqual(validateSampleCount(bad), undefined, bad);
    assert.equal(validateFilter('threshold:0.25'), undefined);
    assert.match(validateFilter('quantile:2') ?? '', /q must be between 0 and 1/);
  });

  it('asks source, profile, N, verifiers, verifier model, limit (built-ins only) and filter, and builds the run config', async () => {
    const prompter = scripted({ pick: ['builtin:arithmetic', 'vllm', 'Online', 'Same model', 'First 20', 'Custom…'], input: ['6', 'threshold:0.3'], many: [['mc', 'tournament']] });
    const plan = await askRunPlan(prompter, context());
    assert.deepEqual(prompter.asked, [
      'Which tasks?',
      'Model profile',
      'How are the calls sent?',
      'Samples per task (N)',
      'Which verifiers judge the samples? (one or more)',
      'Which model verifies the samples?',
      'How many tasks of builtin:arithmetic?',
      'Filter: which samples the verifier keeps',
      'Filter',
    ]);
    assert.ok(plan);
    assert.equal(plan.tasks, 'builtin:arithmetic');
    assert.equal(plan.limit, 20);
    assert.equal(plan.n, 6);
    assert.deepEqual(plan.verifiers, ['mc', 'tournament']);
    assert.equal(plan.filter, 'threshold:0.3');
    assert.equal(plan.executor, 'online');
    assert.deepEqual(runConfigOf(plan, settings), {
      tasks: 'builtin:arithmetic',
      limit: 20,
      model: 'openai:qwen@http://127.0.0.1:8000/v1',
      api: 'completions',
      n: 6,
      verifiers: ['mc', 'tournament'],
      filter: 'threshold:0.3',
      temperature: 0.5,
      topP: 0.9,
      maxTokens: 512,
      verifierTemperature: 0.7,
      verifierMaxTokens: 512,
      seed: 3,
      concurrency: 32,
    });
  });

  it('asks how an openai profile sends its calls, the profile’s own choice first; an embedded model is not asked', async () => {
    const vllm = settings.profiles.find((p) => p.name === 'vllm') as ModelProfile;
    assert.deepEqual(labels(executorEntries({ ...vllm, executor: 'batch' } as ModelProfile)), ['OpenAI Batch API', 'Online']);
    assert.deepEqual(labels(executorEntries(vllm)), ['Online', 'OpenAI Batch API']);
    const plan = await askRunPlan(scripted({ pick: ['a.tasks.jsonl', 'vllm', 'Batch', 'Same model', 'quantile:0.8'], input: ['4'], many: [['mc']] }), context());
    assert.equal(plan?.executor, 'batch');
    const cancelled = await askRunPlan(scripted({ pick: ['a.tasks.jsonl', 'vllm'], input: [] }), context());
    assert.equal(cancelled, undefined);
  });

  it('skips the source question when the task source is given, and asks no limit for a file', async () => {
    const prompter = scripted({ pick: ['embedded', 'Same model', 'quantile:0.8'], input: ['4'], many: [['mc']] });
    const plan = await askRunPlan(prompter, context({ presetTasks: '/w/a.tasks.jsonl' }));
    assert.equal(prompter.asked.length, 5);
    assert.equal(plan?.tasks, '/w/a.tasks.jsonl');
    assert.equal(plan?.limit, undefined);
    assert.equal((plan?.profile as ModelProfile).name, 'embedded');
  });

  it('uses a browsed file as the source', async () => {
    const prompter = scripted({ pick: ['Browse…', 'embedded', 'Same model', 'quantile:0.8'], input: ['2'], many: [['mc']], path: '/else/where.jsonl' });
    assert.equal((await askRunPlan(prompter, context()))?.tasks, '/else/where.jsonl');
  });

  it('stops at the first cancelled question', async () => {
    const prompter = scripted({ pick: ['a.tasks.jsonl', 'embedded'], input: [] });
    assert.equal(await askRunPlan(prompter, context()), undefined);
    assert.deepEqual(prompter.asked, ['Which tasks?', 'Model profile', 'Samples per task (N)']);
  });

  it('refuses a run without verifiers', async () => {
    const prompter = scripted({ pick: ['a.tasks.jsonl', 'embedded'], input: ['2'], many: [[]] });
    await assert.rejects(askRunPlan(prompter, context()), /no verifier picked/);
  });

  it('offers "Same model" first, then the other profiles the run can call, leaving out (and naming) those of the other API flavour', () => {
    const profiles = readSettings(
      (k) =>
        ({
          modelProfiles: [
            { name: 'small', backend: 'openai', baseUrl: 'http://127.0.0.1:8000/v1/', model: 'qwen-0.5b' },
            { name: 'big', backend: 'openai', baseUrl: 'http://127.0.0.1:8001/v1', model: 'qwen-72b' },
            { name: 'big chat', backend: 'openai', baseUrl: 'http://127.0.0.1:8001/v1', model: 'qwen-72b-instruct', api: 'chat' },
            { name: 'embedded', backend: 'llama' },
          ],
        })[k],
      '/w',
    ).profiles;
    const entries = verifierModelEntries(profiles, { model: 'openai:qwen-0.5b@http://127.0.0.1:8000/v1', api: 'completions' });
    assert.deepEqual(labels(entries), [
      'Same model (self-verification)',
      '--Another model verifies (cross-verification): gap(f, g) (not offered: big chat, as this run calls every model with the completions API)',
      'big',
      'embedded',
    ]);
    assert.deepEqual(entries.flatMap((e) => (isSeparator(e) ? [] : [e.value])), [null, 'openai:qwen-72b@http://127.0.0.1:8001/v1', 'llama:default']);
    // The generator's own profile is the only one: nothing to ask.
    assert.deepEqual(verifierModelEntries(profiles.slice(0, 1), { model: 'openai:qwen-0.5b@http://127.0.0.1:8000/v1', api: 'completions' }), []);
  });

  it('builds a cross-verifying run config: VERIFIER@MODEL names and verifierModels; the generator profile only generates', async () => {
    const prompter = scripted({ pick: ['a.tasks.jsonl', 'vllm', 'Online', 'embedded', 'quantile:0.8'], input: ['4'], many: [['mc', 'cot-score']] });
    const plan = await askRunPlan(prompter, context());
    assert.ok(plan);
    assert.equal(plan.verifierModel, 'llama:default');
    const config = runConfigOf(plan, settings);
    assert.equal(config.model, 'openai:qwen@http://127.0.0.1:8000/v1');
    assert.deepEqual(config.verifiers, ['mc@llama-default', 'cot-score@llama-default']);
    assert.deepEqual(config.verifierModels, { 'mc@llama-default': 'llama:default', 'cot-score@llama-default': 'llama:default' });
    // "Same model" keeps the plain names and no verifierModels.
    const self = await askRunPlan(scripted({ pick: ['a.tasks.jsonl', 'vllm', 'Online', 'Same model', 'quantile:0.8'], input: ['4'], many: [['mc']] }), context());
    assert.ok(self);
    assert.deepEqual([runConfigOf(self, settings).verifiers, runConfigOf(self, settings).verifierModels], [['mc'], undefined]);
  });

  it('stops when the verifier model question is cancelled', async () => {
    const prompter = scripted({ pick: ['a.tasks.jsonl', 'vllm', 'Online'], input: ['4'], many: [['mc']] });
    assert.equal(await askRunPlan(prompter, context()), undefined);
    assert.equal(prompter.asked.at(-1), 'Which model verifies the samples?');
  });

  it('offers only verifiers a run does not have yet when re-verifying', async () => {
    let offered: string[] = [];
    const prompter = { ...scripted({}), pickMany: async <T>(entries: PickEntry<T>[]) => ((offered = labels(entries)), [] as T[]) };
    await assert.rejects(askVerifiers(prompter, [], ['mc', 'cot-score'] as BaseVerifierName[]), /no verifier picked/);
    assert.deepEqual(offered, ['cot-binary', 'tournament']);
  });
});
