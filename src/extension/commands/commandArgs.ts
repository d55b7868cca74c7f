// Arguments commands receive from where they are invoked: nothing (palette), a Uri (explorer,
// editor title), a tree item (the Gap Lens views), or a CodeLens' JSON arguments (the language
// server). Read by shape, since the tree items and Uris come from another bundle. Pure.
import { fileURLToPath } from 'node:url';
import { parseModelSpec } from '../../core/llm/modelSpec';
import type { FillCommand } from '../../core/pipeline/crossMatrix';
import { UserError } from '../../core/util/errors';
import { BASE_VERIFIERS, type BaseVerifierName } from '../../core/verify/verifier';

/** A task source or run folder named by the argument, as a path (or `builtin:…`). */
export function pathArg(arg: unknown): string | undefined {
  if (typeof arg === 'string') {
    if (arg.startsWith('file:')) return fileURLToPath(arg);
    return arg === '' ? undefined : arg;
  }
  if (typeof arg !== 'object' || arg === null) return undefined;
  const o = arg as Record<string, unknown>;
  for (const key of ['runDir', 'taskSource'] as const) if (typeof o[key] === 'string') return o[key];
  if (o.scheme === 'file' && typeof o.fsPath === 'string') return o.fsPath;
  return undefined;
}

/** 1-based line numbers (CodeLens "run this task"), or undefined if the argument is not a list of them. */
export function linesArg(arg: unknown): number[] | undefined {
  if (!Array.isArray(arg) || arg.length === 0) return undefined;
  return arg.every((l) => Number.isSafeInteger(l) && (l as number) >= 1) ? [...new Set(arg as number[])].sort((a, b) => a - b) : undefined;
}

/** Every run folder named by the arguments of a tree command (the clicked item, then the selection). */
export function runDirsArg(args: readonly unknown[]): string[] {
  const dirs = args.flatMap((a) => (Array.isArray(a) ? a.map(pathArg) : [pathArg(a)]));
  return [...new Set(dirs.filter((d): d is string => d !== undefined))];
}

/** What a Compare page's missing matrix cell asks Re-verify Run… to add (fillCommandUri): one verifier, by a model spec or the run's own (null). */
export type ReverifyFill = Pick<FillCommand, 'verifier' | 'model'>;

/**
 * The fill a command link passes after the run folder, validated (a link's arguments are page text);
 * undefined when there is none (the palette, the runs view: the questions are asked).
 */
export function reverifyFillArg(arg: unknown): ReverifyFill | undefined {
  if (arg === undefined) return undefined;
  const o = typeof arg === 'object' && arg !== null ? (arg as Record<string, unknown>) : {};
  const { verifier, model } = o;
  if (typeof verifier !== 'string' || !(BASE_VERIFIERS as readonly string[]).includes(verifier) || !(model === null || typeof model === 'string')) {
    throw new UserError(`Re-verify Run: the fill must name a verifier (${BASE_VERIFIERS.join(', ')}) and a model spec or null, got ${JSON.stringify(arg)}`);
  }
  if (model !== null) parseModelSpec(model);
  return { verifier: verifier as BaseVerifierName, model };
}
