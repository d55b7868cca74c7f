// Set API Key…: stores (or removes) the key of an OpenAI-compatible server in SecretStorage, keyed
// by the server's origin. The key is never shown, logged or written anywhere else.
import * as vscode from 'vscode';
import type { OpenAIProfile } from '../config/settings';
import type { CommandContext } from './commandContext';

const TITLE = 'Gap Lens: Set API Key';

export async function setApiKey(ctx: CommandContext): Promise<void> {
  const profiles = ctx.workspace.profiles().filter((p): p is OpenAIProfile => p.backend === 'openai');
  const origins = new Map<string, { baseUrl: string; names: string[] }>();
  for (const p of profiles) {
    for (const baseUrl of p.baseUrls) {
      const origin = new URL(baseUrl).origin;
      const entry = origins.get(origin) ?? { baseUrl, names: [] };
      if (!entry.names.includes(p.name)) entry.names.push(p.name);
      origins.set(origin, entry);
    }
  }
  const other = Symbol('other');
  const entries = await Promise.all(
    [...origins].map(async ([origin, { baseUrl, names }]) => ({
      label: origin,
      description: names.join(', '),
      detail: (await ctx.keys.get(baseUrl)) ? 'a key is stored' : 'no key stored',
      value: baseUrl as string | typeof other,
    })),
  );
  const picked = await ctx.prompter.pickOne([...entries, { label: 'Another server…', description: 'enter its base URL', value: other }], {
    title: TITLE,
    placeholder: profiles.length > 0 ? 'Which server? (keys are stored per server, in the OS keychain)' : 'No openai profiles yet: enter the server\'s URL',
  });
  if (picked === undefined) return;
  const baseUrl = picked === other ? await askBaseUrl(ctx) : picked;
  if (baseUrl === undefined) return;
  const origin = new URL(baseUrl).origin;
  const key = await ctx.prompter.input({ title: TITLE, prompt: `API key for ${origin} (leave empty to remove the stored key)`, password: true, validate: () => undefined });
  if (key === undefined) return;
  if (key.trim() === '') {
    await ctx.keys.delete(baseUrl);
    ctx.services.log.info(`removed the API key of ${origin}`);
    void vscode.window.showInformationMessage(`Gap Lens: removed the API key of ${origin}.`);
    return;
  }
  await ctx.keys.set(baseUrl, key.trim());
  ctx.services.log.info(`stored an API key for ${origin}`);
  void vscode.window.showInformationMessage(`Gap Lens: stored the API key for ${origin} in the OS keychain.`);
}

function askBaseUrl(ctx: CommandContext): Promise<string | undefined> {
  return ctx.prompter.input({
    title: TITLE,
    prompt: 'Base URL of the server, e.g. https://api.openai.com/v1',
    validate: (text) => {
      try {
        const url = new URL(text.trim());
        return url.protocol === 'http:' || url.protocol === 'https:' ? undefined : 'an http:// or https:// URL';
      } catch {
        return 'an http:// or https:// URL';
      }
    },
  });
}
