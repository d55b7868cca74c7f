import assert from 'node:assert/strict';
import type { BaseVerifierName } from '../../../src/core/verify/verifier';
import {
  askProfile,
  askRunPlan,
  askVerifiers,
  choicesOf,
  executorEntries,
  filterEntries,
  limitEntries,
  profileEntries,
  runConfigOf,
  taskSourceEntries,
  profileStepEntries,
  validateFilter,
  validateMaxTokens,
  validateSampleCount,
  validateTaskCount,
  validateVerifications,
  verifierEntries,
  verifierModelEntries,
  type RunPlanContext,
} from '../../../src/extension/commands/runPlan';
import { readRunChoices } from '../../../src/extension/config/runChoices';
import { readSettings, restrictedNote, type ModelProfile } from '../../../src/extension/config/settings';
import { runSteps, type Step } from '../../../src/extension/ui/multiStep';
import { GoBack, isSeparator, type PickEntry, type Prompter, type StepPosition } from '../../../src/extension/ui/prompter';

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

/** Answering BACK presses the question's Back button. */
const BACK = '<back>';

/**
 * A Prompter answering from a script; records what it was asked, and where each question stood
 * in the multi-step input ("2/5", "-" outside one), with what it was shown with (a value, the
 * entries checked or first).
 */
function scripted(answers: { pick?: string[]; many?: string[][]; input?: string[]; path?: string }): Prompter & { asked: string[]; steps: string[]; shown: string[] } {
  const picks = [...(answers.pick ?? [])];
  const manys = [...(answers.many ?? [])];
  const inputs = [...(answers.input ?? [])];
  const asked: string[] = [];
  const steps: string[] = [];
  const shown: string[] = [];
  const stepOf = (opts: { step?: StepPosition }): void => void steps.push(opts.step ? `${opts.step.step}/${opts.step.totalSteps}` : '-');
  const backIf = (answer: unknown, opts: { step?: StepPosition }): void => {
    if (answer !== BACK) return;
    assert.ok(opts.step && opts.step.step > 1, 'Back pressed on a question without a Back button');
    throw new GoBack();
  };
  const find = <T>(entries: PickEntry<T>[], label: string): T => {
    const hit = entries.find((e) => !isSeparator(e) && e.label.includes(label));
    if (!hit || isSeparator(hit)) throw new Error(`no entry "${label}" in ${labels(entries).join(' | ')}`);
    return hit.value;
  };
  return {
    asked,
    steps,
    shown,
    async pickOne(entries, opts) {
      asked.push(opts.placeholder);
      stepOf(opts);
      shown.push(labels(entries).filter((l) => !l.startsWith('--'))[0] ?? '');
      const label = picks.shift();
      backIf(label, opts);
      return label === undefined ? undefined : find(entries, label);
    },
    async pickMany(entries, opts) {
      asked.push(opts.placeholder);
      stepOf(opts);
      shown.push(entries.flatMap((e) => (!isSeparator(e) && e.picked ? [e.label] : [])).join(','));
      const chosen = manys.shift();
      backIf(chosen?.[0], opts);
      return chosen?.map((l) => find(entries, l));
    },
    async input(opts) {
      asked.push(opts.prompt);
      stepOf(opts);
      shown.push(opts.value ?? '');
      const text = inputs.shift();
      backIf(text, opts);
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
    assert.deepEqual(entries.map((e) => e.description), ['120 model calls', '240 model calls', '600 model calls', 'every task of the set', 'another number of tasks']);
  });

  it('validates N and custom filters', () => {
    assert.equal(validateSampleCount('8'), undefined);
    assert.equal(validateSampleCount(' 100000 '), undefined);
    for (const bad of ['0', '-1', '2.5', '1e3', '100001', '']) assert.notEqual(validateSampleCount(bad), undefined, bad);
    assert.equal(validateFilter('threshold:0.25'), undefined);
    assert.match(validateFilter('quantile:2') ?? '', /q must be between 0 and 1/);
  });

  it('asks source, profile, N, verifiers, verifier model, limit (built-ins only) and filter, and builds the run config', async () => {
    const prompter = scripted({ pick: ['builtin:arithmetic', 'vllm', 'Online', 'Same model', 'First 20', 'Custom…'], input: ['6', '300', 'threshold:0.3'], many: [['mc', 'tournament']] });
    const plan = await askRunPlan(prompter, context());
    assert.deepEqual(prompter.asked, [
      'Which tasks?',
      'Model profile',
      'How are the calls sent?',
      'Samples per task (N)',
      'Max tokens per generation',
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
      maxTokens: 300,
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
    const plan = await askRunPlan(scripted({ pick: ['a.tasks.jsonl', 'vllm', 'Batch', 'Same model', 'quantile:0.8'], input: ['4', '512'], many: [['mc']] }), context());
    assert.equal(plan?.executor, 'batch');
    const cancelled = await askRunPlan(scripted({ pick: ['a.tasks.jsonl', 'vllm'], input: [] }), context());
    assert.equal(cancelled, undefined);
  });

  it('skips the source question when the task source is given, and asks no limit for a file', async () => {
    const prompter = scripted({ pick: ['embedded', 'Same model', 'quantile:0.8'], input: ['4', '512'], many: [['mc']] });
    const plan = await askRunPlan(prompter, context({ presetTasks: '/w/a.tasks.jsonl' }));
    assert.equal(prompter.asked.length, 6);
    assert.equal(plan?.tasks, '/w/a.tasks.jsonl');
    assert.equal(plan?.limit, undefined);
    assert.equal((plan?.profile as ModelProfile).name, 'embedded');
  });

  it('uses a browsed file as the source', async () => {
    const prompter = scripted({ pick: ['Browse…', 'embedded', 'Same model', 'quantile:0.8'], input: ['2', '512'], many: [['mc']], path: '/else/where.jsonl' });
    assert.equal((await askRunPlan(prompter, context()))?.tasks, '/else/where.jsonl');
  });

  it('stops at the first cancelled question', async () => {
    const prompter = scripted({ pick: ['a.tasks.jsonl', 'embedded'], input: [] });
    assert.equal(await askRunPlan(prompter, context()), undefined);
    assert.deepEqual(prompter.asked, ['Which tasks?', 'Model profile', 'Samples per task (N)']);
  });

  it('refuses a run without verifiers', async () => {
    const prompter = scripted({ pick: ['a.tasks.jsonl', 'embedded'], input: ['2', '512'], many: [[]] });
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
    const prompter = scripted({ pick: ['a.tasks.jsonl', 'vllm', 'Online', 'embedded', 'quantile:0.8'], input: ['4', '512', '1'], many: [['mc', 'cot-score']] });
    const plan = await askRunPlan(prompter, context());
    assert.ok(plan);
    assert.equal(plan.verifierModel, 'llama:default');
    const config = runConfigOf(plan, settings);
    assert.equal(config.model, 'openai:qwen@http://127.0.0.1:8000/v1');
    assert.deepEqual(config.verifiers, ['mc@llama-default', 'cot-score@llama-default']);
    assert.deepEqual(config.verifierModels, { 'mc@llama-default': 'llama:default', 'cot-score@llama-default': 'llama:default' });
    // "Same model" keeps the plain names and no verifierModels.
    const self = await askRunPlan(scripted({ pick: ['a.tasks.jsonl', 'vllm', 'Online', 'Same model', 'quantile:0.8'], input: ['4', '512'], many: [['mc']] }), context());
    assert.ok(self);
    assert.deepEqual([runConfigOf(self, settings).verifiers, runConfigOf(self, settings).verifierModels], [['mc'], undefined]);
  });

  it('stops when the verifier model question is cancelled', async () => {
    const prompter = scripted({ pick: ['a.tasks.jsonl', 'vllm', 'Online'], input: ['4', '512'], many: [['mc']] });
    assert.equal(await askRunPlan(prompter, context()), undefined);
    assert.equal(prompter.asked.at(-1), 'Which model verifies the samples?');
  });

  it('offers only verifiers a run does not have yet when re-verifying', async () => {
    let offered: string[] = [];
    const prompter = { ...scripted({}), pickMany: async <T>(entries: PickEntry<T>[]) => ((offered = labels(entries)), [] as T[]) };
    await assert.rejects(askVerifiers(prompter, [], ['mc', 'cot-score'] as BaseVerifierName[]), /no verifier picked/);
    assert.deepEqual(offered, ['cot-binary', 'tournament']);
  });

  it('counts the steps that apply ("Step k of n"): a task file has no limit, an embedded model no executor question', async () => {
    const prompter = scripted({ pick: ['a.tasks.jsonl', 'embedded', 'Same model', 'quantile:0.8'], input: ['4', '512'], many: [['mc']] });
    assert.ok(await askRunPlan(prompter, context()));
    // The default verifiers (mc, cot-score) could draw several, so the verifications question counts until mc alone is picked.
    assert.deepEqual(prompter.steps, ['1/10', '2/9', '3/8', '4/8', '5/8', '6/7', '7/7']);
  });

  it('goes Back a step at a time, showing the answers given, and drops the questions a changed answer makes moot', async () => {
    const prompter = scripted({
      pick: ['a.tasks.jsonl', 'vllm', 'Online', BACK, 'embedded', 'Same model', 'quantile:0.8'],
      input: ['5', BACK, BACK, '7', '100'],
      many: [['mc']],
    });
    const plan = await askRunPlan(prompter, context());
    assert.deepEqual(prompter.asked, [
      'Which tasks?',
      'Model profile',
      'How are the calls sent?',
      'Samples per task (N)',
      'Max tokens per generation',
      'Samples per task (N)',
      'How are the calls sent?',
      'Model profile',
      'Samples per task (N)',
      'Max tokens per generation',
      'Which verifiers judge the samples? (one or more)',
      'Which model verifies the samples?',
      'Filter: which samples the verifier keeps',
    ]);
    // N shows 5 again when the user comes back to it; the profile question shows vllm first.
    assert.deepEqual([prompter.shown[5], prompter.shown[7], prompter.shown[8]], ['5', 'vllm', '5']);
    assert.equal(plan?.profile.name, 'embedded');
    assert.deepEqual([plan?.executor, plan?.n, plan?.maxTokens], ['online', 7, 100]);
    assert.equal(plan && runConfigOf(plan, settings).maxTokens, 100);
  });

  it('offers the last run’s answers first (profile, executor, N, max tokens, verifiers, task limit, filter) and remembers the new ones', async () => {
    const remembered = { profile: 'vllm', executor: 'batch' as const, n: 3, maxTokens: 64, verifiers: ['cot-score' as const], limit: 37, filter: 'topk:1' };
    const prompter = scripted({ pick: ['builtin:arithmetic', 'vllm', 'Batch', 'Same model', 'Custom…', 'topk:1'], input: ['3', '64', '1', '12'], many: [['cot-score']] });
    const plan = await askRunPlan(prompter, context({ remembered }));
    assert.deepEqual(prompter.shown, ['$(file) a.tasks.jsonl', 'vllm', 'OpenAI Batch API', '3', '64', 'cot-score', 'Same model (self-verification)', '1', 'First 37 tasks', '37', 'topk:1']);
    assert.ok(plan);
    assert.equal(plan.limit, 12);
    assert.deepEqual(choicesOf(plan, remembered), { profile: 'vllm', executor: 'batch', n: 3, maxTokens: 64, verifiers: ['cot-score'], verifications: 1, limit: 12, filter: 'topk:1' });
    // A run on a task file keeps the last built-in limit; "All tasks" is remembered as null.
    assert.equal(choicesOf({ ...plan, tasks: '/w/a.tasks.jsonl' }, { limit: 20 }).limit, 20);
    const { limit: _twelve, ...all } = plan;
    assert.equal(choicesOf(all, {}).limit, null);
  });

  it('asks K verifications per sample only when a verifier picked samples its judgement, validated as the CLI validates --verifications, and writes it into the run config', async () => {
    const prompter = scripted({ pick: ['builtin:arithmetic', 'vllm', 'Online', 'embedded', 'First 10', 'quantile:0.8'], input: ['4', '512', '3'], many: [['cot-score', 'cot-binary']] });
    const plan = await askRunPlan(prompter, context({ remembered: { verifications: 5 } }));
    const asked = prompter.asked.findIndex((q) => q.startsWith('Verifications per sample (K)'));
    assert.equal(prompter.asked[asked - 1], 'Which model verifies the samples?');
    assert.match(prompter.asked[asked] ?? '', /judged K times by cot-score and cot-binary/);
    assert.equal(prompter.shown[asked], '5', 'the last run’s K first');
    assert.ok(plan);
    assert.equal(plan.verifications, 3);
    const config = runConfigOf(plan, settings);
    // Cross-verified: the names the records carry.
    assert.deepEqual(config.verifications, { 'cot-score@llama-default': 3, 'cot-binary@llama-default': 3 });
    assert.equal(choicesOf(plan, {}).verifications, 3);
    assert.equal(prompter.asked[asked + 1], 'How many tasks of builtin:arithmetic?');

    const validate = validateVerifications(['cot-score'], 0.7);
    assert.equal(validate('16'), undefined);
    assert.match(validate('17') ?? '', /--verifications must be an integer from 1 to 16, got 17/);
    assert.match(validate('two') ?? '', /a whole number of verifications per sample, from 1 to 16/);
    assert.match(validateVerifications(['mc', 'cot-score'], 0.7)('2') ?? '', /mc scores from logprobs without sampling/);
    assert.equal(validateVerifications(['mc', 'cot-score'], 0.7)('1'), undefined, 'one each: any verifier');
    assert.match(validateVerifications(['cot-binary'], 0)('3') ?? '', /verifier temperature above 0/);
    // A plan that did not come through the question is refused as the CLI refuses it.
    assert.throws(() => runConfigOf({ ...plan, verifiers: ['mc'], verifierModel: undefined as never }, settings), /mc scores from logprobs/);

    // mc alone (or the tournament) cannot draw several: no question, one verification each, nothing in run.json.
    const single = scripted({ pick: ['a.tasks.jsonl', 'embedded', 'Same model', 'quantile:0.8'], input: ['4', '512'], many: [['mc', 'tournament']] });
    const one = await askRunPlan(single, context({ remembered: { verifications: 5 } }));
    assert.ok(one);
    assert.equal(single.asked.some((q) => q.startsWith('Verifications per sample')), false);
    assert.equal(one.verifications, undefined);
    assert.equal(runConfigOf(one, settings).verifications, undefined);
    // The setting's K is offered when no run remembers one.
    const fromSetting = readSettings((k) => ({ verificationsPerSample: 4, verifierTemperature: 0.5 })[k], '/w');
    const withSetting = scripted({ pick: ['a.tasks.jsonl', 'Embedded', 'quantile:0.8'], input: ['4', '512', '4'], many: [['cot-score']] });
    const four = await askRunPlan(withSetting, { ...context(), settings: fromSetting });
    assert.equal(withSetting.shown[withSetting.asked.findIndex((q) => q.startsWith('Verifications per sample'))], '4');
    assert.deepEqual(four && runConfigOf(four, fromSetting).verifications, { 'cot-score': 4 });
  });

  it('takes a custom task count, and validates it', async () => {
    assert.equal(validateTaskCount('7'), undefined);
    for (const bad of ['0', '-3', '1.5', 'ten', '']) assert.notEqual(validateTaskCount(bad), undefined, bad);
    assert.equal(validateMaxTokens('2048'), undefined);
    assert.notEqual(validateMaxTokens('0'), undefined);
    assert.deepEqual(labels(limitEntries(1, 1, null)).slice(0, 2), ['All tasks', 'First 10 tasks']);
    assert.deepEqual(labels(limitEntries(1, 1, 7)), ['First 7 tasks', 'First 10 tasks', 'First 20 tasks', 'First 50 tasks', 'All tasks', 'Custom…']);
  });

  it('adds a model profile from the profile question and runs with it; a cancelled add asks again', async () => {
    const added: ModelProfile = { name: 'tiny', backend: 'llama', modelPath: '/models/tiny.gguf', api: 'completions', maxConcurrency: 2 };
    const results: (ModelProfile | undefined)[] = [undefined, added];
    const prompter = scripted({ pick: ['a.tasks.jsonl', 'Add a model profile', 'Add a model profile', 'embedded', 'quantile:0.8'], input: ['4', '512'], many: [['mc']] });
    const plan = await askRunPlan(prompter, context({ addProfile: async () => results.shift() }));
    assert.equal(plan?.profile, added);
    assert.equal(plan?.verifierModel, 'llama:default', 'the profiles already there can verify the new one');
    assert.deepEqual(prompter.asked.slice(0, 3), ['Which tasks?', 'Model profile', 'Model profile']);
  });

  it('asks the profile question on its own (Check Model…): with no profile yet it offers adding one, and the profile added joins the list', async () => {
    const added: ModelProfile = { name: 'tiny', backend: 'llama', modelPath: '/models/tiny.gguf', api: 'completions', maxConcurrency: 2 };
    const profiles: ModelProfile[] = [];
    const prompter = scripted({ pick: ['Add a model profile'] });
    const chosen = await askProfile(prompter, profiles, { title: 'Check', placeholder: 'Which model profile?', addProfile: async () => added });
    assert.deepEqual([chosen, profiles, prompter.shown, prompter.steps], [added, [added], ['$(add) Add a model profile…'], ['-']]);
    assert.equal(await askProfile(scripted({ pick: ['vllm'] }), [...settings.profiles], { title: 'Check', placeholder: 'Which model profile?' }), settings.profiles[1]);
  });

  it('says above the profiles what Restricted Mode ignores, and leads to Manage Workspace Trust', async () => {
    const note = restrictedNote({ profiles: 2, settings: ['runsFolder'] });
    assert.equal(note, "Restricted Mode ignores 2 workspace model profiles and the workspace's gaplens.runsFolder; trust the workspace to use them");
    assert.equal(restrictedNote({ profiles: 0, settings: [] }), undefined);
    assert.equal(restrictedNote({ profiles: 1, settings: [] }), 'Restricted Mode ignores 1 workspace model profile; trust the workspace to use it');
    assert.equal(restrictedNote({ profiles: 2, settings: [] }), 'Restricted Mode ignores 2 workspace model profiles; trust the workspace to use them');
    assert.deepEqual(labels(profileStepEntries(settings.profiles, undefined, note)), ['$(shield) Manage Workspace Trust…', '--', 'embedded', 'vllm', '--', '$(add) Add a model profile…']);
    assert.deepEqual(labels(profileStepEntries(settings.profiles, 'vllm', undefined, false)), ['vllm', 'embedded'], 'nothing to add with');
    let trust = 0;
    const plan = await askRunPlan(scripted({ pick: ['a.tasks.jsonl', 'Manage Workspace Trust'] }), context({ restrictedNote: note, manageTrust: () => trust++ }));
    assert.deepEqual([plan, trust], [undefined, 1]);
  });
});

describe('remembered run choices', () => {
  it('keeps the valid fields of a stored value and drops the rest', () => {
    assert.deepEqual(readRunChoices({ profile: 'p', executor: 'batch', n: 4, maxTokens: 100, verifiers: ['mc'], verifications: 16, limit: null, filter: 'topk:1' }), {
      profile: 'p', executor: 'batch', n: 4, maxTokens: 100, verifiers: ['mc'], verifications: 16, limit: null, filter: 'topk:1',
    });
    assert.deepEqual(readRunChoices({ profile: 3, executor: 'slow', n: 0, maxTokens: 1.5, verifiers: ['mc', 'oracle'], verifications: 17, limit: -1, filter: 'best' }), {});
    assert.deepEqual(readRunChoices({ verifications: 0 }), {});
    for (const junk of [undefined, null, 'x', [1]]) assert.deepEqual(readRunChoices(junk), {});
  });
});

describe('multi-step input', () => {
  const step = (name: string, applies?: (s: string[]) => boolean): Step<string[]> => ({ ...(applies ? { applies } : {}), ask: async (s) => [...s, name] });

  it('counts only the steps that apply, and a Back on step 1 asks step 1 again', async () => {
    const seen: string[] = [];
    let backs = 1;
    const steps: Step<string[]>[] = [
      { ask: async (s, at) => (seen.push(`a ${at.step}/${at.totalSteps}`), backs-- > 0 ? Promise.reject(new GoBack()) : [...s, 'a']) },
      step('skipped', () => false),
      { ask: async (s, at) => (seen.push(`b ${at.step}/${at.totalSteps}`), [...s, 'b']) },
    ];
    assert.deepEqual(await runSteps(steps, []), ['a', 'b']);
    assert.deepEqual(seen, ['a 1/2', 'a 1/2', 'b 2/2']);
  });

  it('stops when a step is cancelled, and passes other errors on', async () => {
    assert.equal(await runSteps([step('a'), { ask: async () => undefined }, step('c')], []), undefined);
    await assert.rejects(runSteps([{ ask: async () => Promise.reject(new Error('boom')) }], []), /boom/);
  });
});
