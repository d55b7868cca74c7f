import assert from 'node:assert/strict';
import { askNewProfile, type NewProfileContext, type ProfileCheck } from '../../../src/extension/commands/newProfile';
import { baseUrlProblem, profileSetting, readSettings, type ModelProfile } from '../../../src/extension/config/settings';
import { GoBack, isSeparator, type PickEntry, type Prompter, type StepPosition } from '../../../src/extension/ui/prompter';

const BACK = '<back>';

/** Answers in order, whatever the kind of question; records each question as "k/n text". */
function scripted(answers: (string | undefined)[], paths: (string | undefined)[] = []): Prompter & { asked: string[]; inputValues: string[] } {
  const asked: string[] = [];
  const inputValues: string[] = [];
  const next = (text: string, step: StepPosition | undefined): string | undefined => {
    asked.push(`${step ? `${step.step}/${step.totalSteps}` : '-'} ${text}`);
    const answer = answers.shift();
    if (answer === BACK) throw new GoBack();
    return answer;
  };
  const find = <T>(entries: PickEntry<T>[], label: string): T => {
    const hit = entries.find((e) => !isSeparator(e) && e.label.includes(label));
    if (!hit || isSeparator(hit)) throw new Error(`no entry "${label}"`);
    return hit.value;
  };
  return {
    asked,
    inputValues,
    async pickOne(entries, opts) {
      const label = next(opts.placeholder, opts.step);
      return label === undefined ? undefined : find(entries, label);
    },
    async pickMany() {
      throw new Error('not asked');
    },
    async input(opts) {
      inputValues.push(opts.value ?? '');
      const text = next(opts.prompt, opts.step);
      if (text !== undefined) assert.equal(opts.validate(text), undefined, `"${text}" should be valid for ${opts.prompt}`);
      return text;
    },
    async openPath() {
      asked.push('- open dialog');
      return paths.shift();
    },
    async savePath() {
      return undefined;
    },
  };
}

function context(checks: ProfileCheck[], extra: Partial<NewProfileContext> = {}): NewProfileContext & { checked: ModelProfile[]; keys: (string | undefined)[]; logs: number } {
  const ctx = {
    checked: [] as ModelProfile[],
    keys: [] as (string | undefined)[],
    logs: 0,
    names: ['taken'],
    async check(profile: ModelProfile, key: string | undefined) {
      ctx.checked.push(profile);
      ctx.keys.push(key);
      return checks.shift() ?? { ok: true, summary: 'fine' };
    },
    showLog: () => void ctx.logs++,
    hasKey: async () => false,
    targets: [
      { target: 'user' as const, description: 'every workspace' },
      { target: 'workspace' as const, description: 'this workspace' },
    ],
    ...extra,
  };
  return ctx;
}

describe('Add Model Profile (the questions)', () => {
  it('makes a llama profile of a .gguf file: the dialog, a name from the file, the check, where to save; a closed dialog goes back', async () => {
    const prompter = scripted(['.gguf file', '.gguf file', 'tiny-model', 'Continue', 'Workspace'], [undefined, '/models/tiny-model.gguf']);
    const ctx = context([{ ok: true, summary: 'a GGUF model file (1.2 MB)' }]);
    const added = await askNewProfile(prompter, ctx);
    assert.deepEqual(added, { profile: { name: 'tiny-model', backend: 'llama', modelPath: '/models/tiny-model.gguf', api: 'completions', maxConcurrency: 2 }, target: 'workspace' });
    // Before the kind is known the count is the longest way (an endpoint's).
    assert.deepEqual(prompter.asked, [
      '1/8 What does the profile run?',
      '- open dialog',
      '1/5 What does the profile run?',
      '- open dialog',
      '3/5 Name of the profile (shown in the pickers)',
      '4/5 Check passed: a GGUF model file (1.2 MB)',
      '5/5 Save the profile where?',
    ]);
    assert.deepEqual(prompter.inputValues, ['tiny-model']);
  });

  it('makes an endpoint profile: URL, model, API, key, name; a failed check offers Retry and Show Log, and Back keeps what was typed', async () => {
    const prompter = scripted([
      'OpenAI-compatible', 'http://127.0.0.1:8000/v1/', 'qwen', BACK, 'qwen-7b', 'chat', 'sk-test', 'my server',
      'Show Log', 'Retry', 'Continue anyway',
    ]);
    const ctx = context([{ ok: false, summary: 'connection refused' }, { ok: false, summary: 'still refused' }], { targets: [{ target: 'user', description: 'only' }] });
    const added = await askNewProfile(prompter, ctx);
    assert.deepEqual(added, {
      profile: { name: 'my server', backend: 'openai', provider: 'openai', baseUrls: ['http://127.0.0.1:8000/v1'], model: 'qwen-7b', api: 'chat', maxConcurrency: 8 },
      apiKey: 'sk-test',
      target: 'user',
    });
    // Back from the API question shows the model typed before; the check ran twice (Retry), with the key typed in.
    assert.deepEqual(prompter.inputValues, ['', '', 'qwen', '', 'qwen-7b']);
    assert.deepEqual(ctx.keys, ['sk-test', 'sk-test']);
    assert.equal(ctx.logs, 1);
    assert.ok(prompter.asked.includes('7/7 Check failed: connection refused'), prompter.asked.join('\n'));
    assert.ok(prompter.asked.includes('7/7 Check failed: still refused'));
  });

  it('makes an Azure deployment profile, chat first', async () => {
    const prompter = scripted(['Azure', 'https://res.openai.azure.com', 'gpt-4o-mini', 'chat', '', 'azure 4o', 'Continue', 'User']);
    const added = await askNewProfile(prompter, context([]));
    assert.equal(added?.profile.backend === 'openai' && added.profile.provider, 'azure');
    assert.equal(added?.apiKey, undefined, 'no key typed: none stored');
  });

  it('refuses a name already taken and a base URL a profile cannot use', async () => {
    let validate: ((t: string) => string | undefined) | undefined;
    const prompter: Prompter = {
      ...scripted([]),
      async pickOne() {
        return 'gguf' as never;
      },
      async openPath() {
        return '/m/taken.gguf';
      },
      async input(opts) {
        validate = opts.validate;
        return undefined;
      },
    };
    assert.equal(await askNewProfile(prompter, context([])), undefined);
    assert.match(validate?.('taken') ?? '', /exists already/);
    assert.equal(validate?.('new'), undefined);
    assert.match(baseUrlProblem('ftp://x') ?? '', /http/);
    assert.match(baseUrlProblem('http://user:pw@host/v1') ?? '', /user name or password/);
    assert.equal(baseUrlProblem('https://api.openai.com/v1'), undefined);
  });

  it('writes a profile to settings.json as readSettings reads it back, defaults left out', () => {
    const profiles = readSettings(
      (k) =>
        ({
          modelProfiles: [
            { name: 'a', backend: 'llama', modelPath: '/m/a.gguf' },
            { name: 'b', backend: 'llama' },
            { name: 'c', backend: 'openai', provider: 'azure', apiVersion: '2024-10-21', baseUrl: 'https://r.openai.azure.com', model: 'd', api: 'chat', executor: 'batch', maxConcurrency: 3 },
            { name: 'e', backend: 'openai', baseUrls: ['http://h1/v1', 'http://h2/v1'], model: 'm', pretrainingFlops: 1e23 },
          ],
        })[k],
      undefined,
    ).profiles;
    const written = profiles.map(profileSetting);
    assert.deepEqual(written[0], { name: 'a', backend: 'llama', modelPath: '/m/a.gguf' });
    assert.deepEqual(written[1], { name: 'b', backend: 'llama' });
    assert.deepEqual(readSettings((k) => (k === 'modelProfiles' ? written : undefined), undefined).profiles, profiles);
  });
});
