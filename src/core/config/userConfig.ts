// The user's own Gap Lens configuration for the CLI: `$GAPLENS_CONFIG`, else
// `$XDG_CONFIG_HOME/gaplens/config.json`, else `~/.config/gaplens/config.json`. It lives in the
// user's home, never in a project or a run folder, so nothing received from someone else can set it.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { errorCode } from '../runs/files';
import { UserError } from '../util/errors';
import { isPlainObject } from '../util/plainObject';

export interface UserConfig {
  /**
   * Endpoint origins (e.g. "https://api.openai.com") the user's API key may be sent to without
   * naming them on the command line: for `run --resume` and `reverify` of runs made elsewhere.
   */
  trustedOrigins: string[];
}

export function userConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.GAPLENS_CONFIG ?? userConfigFile('config.json', env);
}

/** A file of the user's Gap Lens folder: `$XDG_CONFIG_HOME/gaplens/NAME`, else `~/.config/gaplens/NAME`. */
export function userConfigFile(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'gaplens', name);
}

/** Reads the user config; a missing file is the empty config, a malformed one a UserError naming it. */
export function readUserConfig(env: NodeJS.ProcessEnv = process.env): UserConfig {
  const file = userConfigPath(env);
  const text = readUserFile(file);
  if (text === null) return { trustedOrigins: [] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${file}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!isPlainObject(value)) throw new UserError(`${file}: expected a JSON object like {"trustedOrigins": ["https://api.openai.com"]}`);
  const origins = value.trustedOrigins ?? [];
  if (!Array.isArray(origins) || !origins.every((o): o is string => typeof o === 'string')) {
    throw new UserError(`${file}: "trustedOrigins" must be a list of origins such as "https://api.openai.com"`);
  }
  return { trustedOrigins: origins.map((o) => originOf(o, file)) };
}

/** The text of one of the user's own files; null when it does not exist, a UserError naming it when it cannot be read. */
export function readUserFile(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return null;
    throw new UserError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function originOf(text: string, file: string): string {
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
  } catch {
    // said below
  }
  throw new UserError(`${file}: "${text}" in "trustedOrigins" is not an http(s) origin such as "https://api.openai.com"`);
}
