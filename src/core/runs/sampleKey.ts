/**
 * The key of one sample (task id + sample index) in every per-sample map: RunData's maps, filter
 * weights, annotation lookups. NUL cannot occur in a task id typed by a person, and the index is
 * an integer, so the key is unambiguous.
 */
export function sampleKey(task: string, index: number): string {
  return `${task}\u0000${index}`;
}
