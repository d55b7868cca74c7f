// One-entry caches keyed by identity: derived data (datasets, filter results, table lines) is rebuilt
// only when one of its inputs changed.

export function memoize<A extends readonly unknown[], R>(compute: (...args: A) => R): (...args: A) => R {
  let lastArgs: A | null = null;
  let last: R | undefined;
  return (...args: A): R => {
    if (lastArgs !== null && args.length === lastArgs.length && args.every((a, i) => Object.is(a, (lastArgs as A)[i]))) return last as R;
    last = compute(...args);
    lastArgs = args;
    return last;
  };
}
