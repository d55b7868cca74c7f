// API keys in VS Code's SecretStorage (the OS keychain), one per server origin — never in
// settings, logs or run files.
import type * as vscode from 'vscode';
import { endpointOrigins } from '../../core/llm/modelSpec';
import { sharedKey } from './keyPolicy';
import { apiKeySecretId } from './settings';

export class ApiKeys {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(baseUrl: string): Promise<string | undefined> {
    return (await this.secrets.get(apiKeySecretId(baseUrl))) || undefined;
  }

  /** The one key all of a model spec's servers get (keyPolicy.sharedKey); none for an embedded model. */
  async forModel(model: string): Promise<string | undefined> {
    const origins = endpointOrigins(model);
    if (origins.length === 0) return undefined;
    return sharedKey(model, await Promise.all(origins.map(async (origin) => ({ origin, key: await this.get(origin) }))));
  }

  async set(baseUrl: string, key: string): Promise<void> {
    await this.secrets.store(apiKeySecretId(baseUrl), key);
  }

  async delete(baseUrl: string): Promise<void> {
    await this.secrets.delete(apiKeySecretId(baseUrl));
  }
}
