/** A value from a user's file or settings as a message quotes it: JSON, cut after `max` characters. */
export function shownValue(value: unknown, max = 60): string {
  const text = value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
