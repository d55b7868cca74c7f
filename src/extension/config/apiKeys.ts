// API keys in VS Code's SecretStorage (the OS keychain), one per server origin — never in
// settings, logs or run files.
import type * as vscode from 'vscode';
import { apiKeySecretId } from './settings';

export class ApiKeys {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(baseUrl: string): Promise<string | undefined> {
    return (await this.secrets.get(apiKeySecretId(baseUrl))) || undefined;
  }

  async set(baseUrl: string, key: string): Promise<void> {
    await this.secrets.store(apiKeySecretId(baseUrl), key);
  }

  async delete(baseUrl: string): Promise<void> {
    await this.secrets.delete(apiKeySecretId(baseUrl));
  }
}
