// The user's prices of model calls (docs/cost.md): `$GAPLENS_PRICING`, else
// `$XDG_CONFIG_HOME/gaplens/pricing.json`, else `~/.config/gaplens/pricing.json`. Gap Lens ships no
// prices: they change, differ by provider and by contract, and a stale number shown as a cost is
// worse than none. A model without a price has an unknown cost, never a guessed one.
import { canonicalModelSpec, parseModelSpec } from '../llm/modelSpec';
import { readUserFile, userConfigFile } from '../config/userConfig';
import { atLine, UserError } from '../util/errors';
import { parseLocatedJson, type JsonPath } from '../util/jsonLines';
import { isPlainObject } from '../util/plainObject';
import { shownValue } from '../util/shownValue';

/** One entry of the file: the prices of the models its pattern matches, per million tokens. */
export interface ModelPrice {
  /** The pattern as written: `*` stands for any run of characters. */
  model: string;
  inputPerMTok: number;
  outputPerMTok: number;
  /** Prompt tokens the server reports as served from its prompt cache; default: the input price. */
  cachedInputPerMTok?: number;
  /** The share taken off through the provider's batch API (0.5: half price): what `--executor batch` pays (atBatchPrices), also shown in estimates. */
  batchDiscount?: number;
  /** The line of the entry in the file. */
  line: number;
}

export interface Pricing {
  file: string;
  /** False when the file does not exist: nothing is priced. */
  exists: boolean;
  /** What every price is in (e.g. "USD"); null when the file does not exist. */
  currency: string | null;
  /** In file order: the first entry whose pattern matches a model prices it. */
  prices: ModelPrice[];
}

/** Prompt and completion tokens of some calls, as servers report them. */
export interface TokenCounts {
  promptTokens: number;
  /** Of the prompt tokens, those served from the server's prompt cache (0 when it says nothing). */
  cachedPromptTokens?: number;
  completionTokens: number;
}

const EXAMPLE = '{"currency": "USD", "models": [{"model": "gpt-4o-mini", "inputPerMTok": 0.15, "outputPerMTok": 0.6}]}';
const ROOT_KEYS = ['currency', 'models', 'note'];
const ENTRY_KEYS = ['model', 'inputPerMTok', 'outputPerMTok', 'cachedInputPerMTok', 'batchDiscount', 'note'];

export function pricingPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.GAPLENS_PRICING ?? userConfigFile('pricing.json', env);
}

/** The user's pricing file; a missing one prices nothing, a malformed one is a UserError naming every problem with its line. */
export function readPricing(env: NodeJS.ProcessEnv = process.env): Pricing {
  const file = pricingPath(env);
  const text = readUserFile(file);
  return text === null ? { file, exists: false, currency: null, prices: [] } : parsePricing(text, file);
}

export function parsePricing(text: string, file: string): Pricing {
  const { value, lineOf } = parseLocatedJson(text, file);
  const problems: { line: number; message: string }[] = [];
  const fail = (path: JsonPath, message: string): void => void problems.push({ line: lineOf(path), message: `${pathText(path)} ${message}` });
  if (!isPlainObject(value)) throw new UserError(atLine(file, 1, `expected a JSON object like ${EXAMPLE}`));
  unknownKeys(value, [], ROOT_KEYS, fail);
  const currency = value.currency;
  if (typeof currency !== 'string' || !/^\S{1,12}$/.test(currency)) fail(['currency'], `must be what the prices are in, such as "USD" (at most 12 characters, no spaces; got ${shownValue(currency)})`);
  if (value.note !== undefined && typeof value.note !== 'string') fail(['note'], `must be a string, e.g. where and when the prices were read (got ${shownValue(value.note)})`);
  const prices: ModelPrice[] = [];
  if (!Array.isArray(value.models)) fail(['models'], `must be a list of entries like ${EXAMPLE.slice(EXAMPLE.indexOf('{"model"'), -2)} (got ${shownValue(value.models)})`);
  else {
    value.models.forEach((raw, i) => {
      const price = readEntry(raw, ['models', i], fail, lineOf(['models', i]));
      if (price === null) return;
      const same = prices.find((p) => p.model === price.model);
      if (same) fail(['models', i, 'model'], `repeats the pattern of the entry on line ${same.line}, which matches first: this entry is never used`);
      else prices.push(price);
    });
  }
  if (problems.length > 0) {
    const listed = problems.sort((a, b) => a.line - b.line).map((p) => atLine(file, p.line, p.message));
    throw new UserError(`the pricing file has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`} (docs/cost.md):\n${listed.join('\n')}`);
  }
  return { file, exists: true, currency: currency as string, prices };
}

function readEntry(raw: unknown, at: JsonPath, fail: (path: JsonPath, message: string) => void, line: number): ModelPrice | null {
  if (!isPlainObject(raw)) {
    fail(at, `must be an object like ${EXAMPLE.slice(EXAMPLE.indexOf('{"model"'), -2)} (got ${shownValue(raw)})`);
    return null;
  }
  let valid = true;
  const bad = (field: string, message: string): void => {
    valid = false;
    fail([...at, field], message);
  };
  unknownKeys(raw, at, ENTRY_KEYS, (path, message) => bad(String(path[path.length - 1]), message));
  const model = raw.model;
  if (typeof model !== 'string' || model.trim() === '') bad('model', `must be a model name or spec, * matching any characters: "gpt-4o-mini", "openai:*@https://api.openai.com/v1", "llama:*" (got ${shownValue(model)})`);
  const price = (field: string, required: boolean): number | undefined => {
    const v = raw[field];
    if (v === undefined && !required) return undefined;
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
    bad(field, `must be a price per million tokens, a number ≥ 0 (got ${shownValue(v)})`);
    return undefined;
  };
  const inputPerMTok = price('inputPerMTok', true);
  const outputPerMTok = price('outputPerMTok', true);
  const cachedInputPerMTok = price('cachedInputPerMTok', false);
  // The upper bound of an estimate prices every prompt token at the input price: a cached token may not cost more.
  if (cachedInputPerMTok !== undefined && inputPerMTok !== undefined && cachedInputPerMTok > inputPerMTok) bad('cachedInputPerMTok', `must not exceed inputPerMTok (${inputPerMTok}): it is the price of cache hits`);
  const discount = raw.batchDiscount;
  if (discount !== undefined && !(typeof discount === 'number' && discount >= 0 && discount < 1)) bad('batchDiscount', `must be the share taken off by the batch API, a number in [0, 1) such as 0.5 (got ${shownValue(discount)})`);
  if (raw.note !== undefined && typeof raw.note !== 'string') bad('note', `must be a string (got ${shownValue(raw.note)})`);
  if (!valid) return null;
  return {
    model: (model as string).trim(),
    inputPerMTok: inputPerMTok as number,
    outputPerMTok: outputPerMTok as number,
    ...(cachedInputPerMTok !== undefined ? { cachedInputPerMTok } : {}),
    ...(discount !== undefined ? { batchDiscount: discount as number } : {}),
    line,
  };
}

function unknownKeys(value: Record<string, unknown>, at: JsonPath, known: readonly string[], fail: (path: JsonPath, message: string) => void): void {
  for (const k of Object.keys(value)) if (!known.includes(k)) fail([...at, k], `is not a field here; the fields are ${known.join(', ')}`);
}

/**
 * The price of a model: the first entry whose pattern matches its whole spec
 * (`openai:gpt-4o@https://api.openai.com/v1`, `llama:/models/x.gguf`) or, for an endpoint model,
 * its name alone (`gpt-4o`). null: no entry prices it.
 */
export function priceOf(pricing: Pricing, model: string): ModelPrice | null {
  const spec = parseModelSpec(model);
  const names = [canonicalModelSpec(model), ...(spec.backend === 'openai' ? [spec.model] : [])];
  return pricing.prices.find((p) => names.some((name) => globMatches(p.model, name))) ?? null;
}

/**
 * The prices of calls made through the provider's batch API (`--executor batch`, docs/batch.md):
 * each price of an entry less its `batchDiscount`; an entry without one keeps its full price.
 */
export function atBatchPrices(pricing: Pricing): Pricing {
  const off = (price: number, discount: number): number => price * (1 - discount);
  return {
    ...pricing,
    prices: pricing.prices.map(({ batchDiscount, ...price }) =>
      batchDiscount === undefined
        ? price
        : {
            ...price,
            inputPerMTok: off(price.inputPerMTok, batchDiscount),
            outputPerMTok: off(price.outputPerMTok, batchDiscount),
            ...(price.cachedInputPerMTok !== undefined ? { cachedInputPerMTok: off(price.cachedInputPerMTok, batchDiscount) } : {}),
          },
    ),
  };
}

/** What `tokens` cost at `price`: cache hits at the cached-input price where there is one. */
export function costOf(price: ModelPrice, tokens: TokenCounts): number {
  const cached = Math.min(tokens.cachedPromptTokens ?? 0, tokens.promptTokens);
  const prompt = (tokens.promptTokens - cached) * price.inputPerMTok + cached * (price.cachedInputPerMTok ?? price.inputPerMTok);
  return (prompt + tokens.completionTokens * price.outputPerMTok) / 1e6;
}

/**
 * The message when a cost limit is asked for and some of `models` have no price (null when every
 * one has): the limit could never be checked. `limitName` is how the caller's user sets the limit.
 */
export function missingPrices(pricing: Pricing, models: readonly string[], limitName: string): string | null {
  const unpriced = [...new Set(models)].filter((m) => priceOf(pricing, m) === null);
  if (unpriced.length === 0) return null;
  return `${limitName} needs the price of every model the run calls, and ${noPriceReason(pricing, unpriced)}; add an entry (docs/cost.md) or leave the limit out`;
}

/** Why `models` have no price, naming the file: for "cost unknown" wherever it is shown. */
export function noPriceReason(pricing: Pricing, models: readonly string[]): string {
  if (!pricing.exists) return `there is no pricing file (${pricing.file})`;
  return `${pricing.file} has no price for ${models.join(', ')}`;
}

/** `*` matches any run of characters; everything else matches itself; the whole name must match. */
function globMatches(pattern: string, name: string): boolean {
  const source = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${source}$`, 's').test(name);
}

function pathText(path: JsonPath): string {
  const text = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
  return `"${text}"`;
}
