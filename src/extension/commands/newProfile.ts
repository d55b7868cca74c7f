// What "Add a model profile…" asks, as a multi-step input: a .gguf file, or an endpoint (base URL,
// model, API, key); a name; a check of the model (the doctor's, for an endpoint); where to save it.
// Pure: the check and what the user may save to come from the caller.
import { basename } from 'node:path';
import { UserError } from '../../core/util/errors';
import { baseUrlProblem, readSettings, type ApiStyle, type ModelProfile } from '../config/settings';
import type { SettingsTarget } from '../config/workspaceSettings';
import { runSteps, type Step } from '../ui/multiStep';
import { GoBack, type PickEntry, type Prompter } from '../ui/prompter';

export const ADD_PROFILE_TITLE = 'Gap Lens: Add Model Profile';

type Kind = 'gguf' | 'openai' | 'azure';

/** The outcome of checking a new profile's model: `ok` false says why in `summary`. */
export interface ProfileCheck {
  ok: boolean;
  summary: string;
}

export interface NewProfileContext {
  /** Names already taken. */
  names: readonly string[];
  /** Checks the model of a profile (with the key typed in, if any). */
  check(profile: ModelProfile, apiKey: string | undefined): Promise<ProfileCheck>;
  /** Shows the log (where the check wrote what it did). */
  showLog(): void;
  /** Whether a key is stored for this server already. */
  hasKey(baseUrl: string): Promise<boolean>;
  /** Where the profile can be saved: the workspace only when it is trusted and open. */
  targets: readonly { target: SettingsTarget; description: string }[];
}

export interface NewProfile {
  profile: ModelProfile;
  /** A key typed in, to store for the profile's server. */
  apiKey?: string;
  target: SettingsTarget;
}

interface FormState {
  kind?: Kind;
  modelPath?: string;
  baseUrl?: string;
  model?: string;
  api?: ApiStyle;
  apiKey?: string;
  name?: string;
  target?: SettingsTarget;
}

/** The profile the answers describe, validated as the settings would be. */
export function profileOf(s: FormState): ModelProfile {
  const raw =
    s.kind === 'gguf'
      ? { name: s.name, backend: 'llama', modelPath: s.modelPath }
      : { name: s.name, backend: 'openai', ...(s.kind === 'azure' ? { provider: 'azure' } : {}), baseUrl: s.baseUrl, model: s.model, api: s.api };
  const [profile] = readSettings((key) => (key === 'modelProfiles' ? [raw] : undefined), undefined).profiles;
  if (!profile) throw new UserError('internal: the new profile did not read back');
  return profile;
}

function required(what: string): (text: string) => string | undefined {
  return (text) => (text.trim() === '' ? `enter ${what}` : undefined);
}

const CHECK_AGAIN = 'again';
const SHOW_LOG = 'log';

/** Asks for a new profile; undefined when the user cancels. The check runs before the last questions. */
export async function askNewProfile(prompter: Prompter, ctx: NewProfileContext): Promise<NewProfile | undefined> {
  const title = ADD_PROFILE_TITLE;
  const endpoint = (s: FormState): boolean => s.kind !== 'gguf';
  const steps: Step<FormState>[] = [
    {
      ask: async (s, step) => {
        const kinds: PickEntry<Kind>[] = [
          { label: '$(file) A .gguf file on this computer', description: 'runs in-process with llama.cpp: no server, no network', value: 'gguf' },
          { label: '$(globe) An OpenAI-compatible endpoint', description: 'vLLM, llama.cpp server, Ollama, OpenAI…: a base URL and a model name', value: 'openai' },
          { label: '$(azure) An Azure OpenAI deployment', description: 'a resource endpoint and a deployment name', value: 'azure' },
        ];
        const kind = await prompter.pickOne(kinds, { title, placeholder: 'What does the profile run?', step });
        return kind === undefined ? undefined : { ...s, kind };
      },
    },
    {
      applies: (s) => s.kind === 'gguf',
      ask: async (s) => {
        const modelPath = await prompter.openPath({ title, openLabel: 'Use this model', folders: false, filters: { 'GGUF models': ['gguf'] } });
        // The dialog closed without a file: back to the kind of profile.
        if (modelPath === undefined) throw new GoBack();
        return { ...s, modelPath };
      },
    },
    {
      applies: endpoint,
      ask: async (s, step) => {
        const example = s.kind === 'azure' ? 'https://NAME.openai.azure.com' : 'http://127.0.0.1:8000/v1';
        const text = await prompter.input({ title, prompt: `Base URL of the server, e.g. ${example}`, value: s.baseUrl ?? '', validate: baseUrlProblem, step });
        return text === undefined ? undefined : { ...s, baseUrl: text.trim().replace(/\/+$/, '') };
      },
    },
    {
      applies: endpoint,
      ask: async (s, step) => {
        const what = s.kind === 'azure' ? 'the deployment name' : 'the model name the server serves';
        const text = await prompter.input({ title, prompt: `${what[0]?.toUpperCase()}${what.slice(1)}`, value: s.model ?? '', validate: required(what), step });
        return text === undefined ? undefined : { ...s, model: text.trim() };
      },
    },
    {
      applies: endpoint,
      ask: async (s, step) => {
        const apis: PickEntry<ApiStyle>[] = [
          { label: 'completions', description: 'raw text prompts (/completions): what base models and the mc verifier want', value: 'completions' },
          { label: 'chat', description: 'chat messages (/chat/completions): instruct and reasoning models', value: 'chat' },
        ];
        const api = await prompter.pickOne(s.kind === 'azure' || s.api === 'chat' ? apis.reverse() : apis, { title, placeholder: 'Which API does the profile call?', step });
        return api === undefined ? undefined : { ...s, api };
      },
    },
    {
      applies: endpoint,
      ask: async (s, step) => {
        const stored = await ctx.hasKey(s.baseUrl ?? '');
        const prompt = `API key of ${new URL(s.baseUrl ?? '').origin}, kept in the OS keychain (${stored ? 'leave empty to keep the stored key' : 'leave empty if the server needs none'})`;
        const text = await prompter.input({ title, prompt, password: true, validate: () => undefined, step });
        if (text === undefined) return undefined;
        const next: FormState = { ...s, apiKey: text.trim() };
        // Empty: no key typed (one typed before a Back is dropped).
        if (next.apiKey === '') delete next.apiKey;
        return next;
      },
    },
    {
      ask: async (s, step) => {
        const suggested = s.name ?? (s.kind === 'gguf' ? basename(s.modelPath ?? '').replace(/\.gguf$/i, '') : s.model ?? '');
        const validate = (text: string): string | undefined =>
          required('a name')(text) ?? (ctx.names.includes(text.trim()) ? `a profile named "${text.trim()}" exists already: choose another name` : undefined);
        const text = await prompter.input({ title, prompt: 'Name of the profile (shown in the pickers)', value: suggested, validate, step });
        return text === undefined ? undefined : { ...s, name: text.trim() };
      },
    },
    {
      ask: async (s, step) => {
        const profile = profileOf(s);
        let result = await ctx.check(profile, s.apiKey);
        for (;;) {
          const entries: PickEntry<string>[] = [
            // The summary again as the detail: the placeholder is one line and cuts it off.
            { label: result.ok ? '$(check) Continue' : '$(warning) Continue anyway', description: result.ok ? 'save the profile' : 'save the profile as it is', detail: result.summary, value: 'save' },
            { label: '$(refresh) Retry', description: 'check the model again', value: CHECK_AGAIN },
            { label: '$(output) Show Log', description: 'what the check did', value: SHOW_LOG },
          ];
          const choice = await prompter.pickOne(entries, { title, placeholder: `${result.ok ? 'Check passed' : 'Check failed'}: ${result.summary}`, step });
          if (choice === undefined) return undefined;
          if (choice === 'save') return s;
          if (choice === SHOW_LOG) ctx.showLog();
          else result = await ctx.check(profile, s.apiKey);
        }
      },
    },
    {
      applies: () => ctx.targets.length > 1,
      ask: async (s, step) => {
        const entries = ctx.targets.map((t) => ({ label: t.target === 'user' ? 'User settings' : 'Workspace settings', description: t.description, value: t.target }));
        const target = await prompter.pickOne(entries, { title, placeholder: 'Save the profile where?', step });
        return target === undefined ? undefined : { ...s, target };
      },
    },
  ];
  const s = await runSteps(steps, {});
  if (!s) return undefined;
  const target = s.target ?? ctx.targets[0]?.target ?? 'user';
  return { profile: profileOf(s), ...(s.apiKey !== undefined && endpoint(s) ? { apiKey: s.apiKey } : {}), target };
}
