// Where the CLI sends the user's API key (docs/run-format.md, "Keys"): only to an endpoint the user
// named in this invocation (--model, --verifier-model) or trusts in their own config file. A run folder alone —
// perhaps received from someone else — never decides where the key goes.
import { readUserConfig, userConfigPath } from '../core/config/userConfig';
import { endpointOrigins } from '../core/llm/modelSpec';
import { UserError } from '../core/util/errors';

const KEY_VARIABLES = ['GAPLENS_API_KEY', 'OPENAI_API_KEY'] as const;

/** A model an execution opens, and the flag that names its endpoint on this command (none: only the config can). */
export interface KeyedModel {
  model: string;
  flag?: string;
}

/**
 * The key for `model`, if the environment has one and it may go there: to every endpoint of the
 * model (one key serves all the servers of a model). `named` are the model specs given on this
 * command line; every endpoint a named spec lists counts as named. Throws a usage error (exit 2)
 * when a key is set but an endpoint came only from `source` (a run folder); the message offers
 * `flag` as one way to name it.
 */
export function apiKeyFor({ model, flag }: KeyedModel, named: readonly string[], source: string, env: NodeJS.ProcessEnv = process.env): { apiKey?: string } {
  const variable = KEY_VARIABLES.find((name) => env[name] !== undefined && env[name] !== '');
  const origins = endpointOrigins(model);
  if (variable === undefined || origins.length === 0) return {};
  const key = env[variable] as string;
  const allowed = new Set([...named.flatMap(endpointOrigins), ...readUserConfig(env).trustedOrigins]);
  const origin = origins.find((o) => !allowed.has(o));
  if (origin === undefined) return { apiKey: key };
  throw new UserError(
    `${source} names the endpoint ${origin}, and your API key (${variable}) goes only to an endpoint you name. ` +
      `To send it there, ${flag === undefined ? '' : `pass ${flag} ${model} or `}add "${origin}" to "trustedOrigins" in ${userConfigPath(env)}; ` +
      `if that endpoint needs no key, unset ${variable}.`,
    2,
  );
}

/**
 * The key lookup an execution uses: `models` are checked now (a refused endpoint is a usage error
 * before anything runs); any other model the run opens is checked when it is opened.
 */
export function keyLookup(models: readonly KeyedModel[], named: readonly string[], source: string): (model: string) => string | undefined {
  for (const model of models) apiKeyFor(model, named, source);
  return (model) => apiKeyFor(models.find((m) => m.model === model) ?? { model, flag: '--model' }, named, source).apiKey;
}
