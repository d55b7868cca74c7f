// The one test for "a JSON object" that every reader of untrusted input uses (task files, run
// files, endpoint answers, panel messages): an object that is neither null nor an array.

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
