// Typed reading of command-line option values; every bad value is a usage error (exit 2) that
// names the flag and says what it takes.
import { UserError } from '../core/util/errors';

export type RawValues = Record<string, string | boolean | string[] | undefined>;

export function stringOpt(values: RawValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function requiredString(values: RawValues, name: string, what: string): string {
  const v = stringOpt(values, name);
  if (v === undefined || v === '') throw new UserError(`--${name} is required: ${what}`, 2);
  return v;
}

export function numberOpt(values: RawValues, name: string, fallback: number, check: { min?: number; max?: number; integer?: boolean } = {}): number {
  const raw = stringOpt(values, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  const ok =
    raw.trim() !== '' &&
    Number.isFinite(n) &&
    (!check.integer || Number.isInteger(n)) &&
    (check.min === undefined || n >= check.min) &&
    (check.max === undefined || n <= check.max);
  if (!ok) {
    const kind = check.integer ? 'an integer' : 'a number';
    const bounds = [check.min !== undefined ? `≥ ${check.min}` : '', check.max !== undefined ? `≤ ${check.max}` : ''].filter(Boolean).join(' and ');
    throw new UserError(`--${name} '${raw}' is not valid: expected ${kind}${bounds ? ` ${bounds}` : ''}`, 2);
  }
  return n;
}

export function flag(values: RawValues, name: string): boolean {
  return values[name] === true;
}
