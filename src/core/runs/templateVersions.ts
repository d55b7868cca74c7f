// Named versions of a run's verifier templates (docs/run-format.md, "Template versions"). A version
// re-runs some of the run's verifiers with edited templates over the same generations; its records
// carry the verifier's name with the version after '#' (`cot-score#v2`, `mc@judge#v2`), so every
// reader (report, export, the panel) treats a version as one more verifier. Pure.
import type { RunManifest } from './records';
import { UserError } from '../util/errors';
import { baseVerifierOf } from '../verify/index';

/** Joins a verifier and a template version in a record's verifier name. */
export const VERSION_SEPARATOR = '#';
/** The run's own templates: the version every verifier the run started with (or a plain re-verify added) has. */
export const ORIGINAL_VERSION = 'v1';
/** Another word for ORIGINAL_VERSION wherever a version is asked for. */
const ORIGINAL_ALIAS = 'original';
/** The folder under the run's `templates/` that holds one folder per version. */
export const VERSIONS_FOLDER = 'versions';

const NAME = /^[a-z0-9][a-z0-9._-]{0,31}$/;

/** Checks a version name given by a user: lower-case letters, digits, '.', '_', '-', at most 32, not the original's. */
export function checkVersionName(name: string, option = '--name'): string {
  if (!NAME.test(name)) throw new UserError(`${option} "${name}": a version name is 1–32 of a-z 0-9 . _ - starting with a letter or digit, e.g. v2 or strict-rubric`, 2);
  if (name === ORIGINAL_VERSION || name === ORIGINAL_ALIAS) throw new UserError(`${option} "${name}" names the run's own templates; choose another name`, 2);
  return name;
}

/** A verifier's record name in a version: `cot-score` in v2 → `cot-score#v2`; in v1 the name itself. */
export function versionedVerifierName(verifier: string, version: string): string {
  return version === ORIGINAL_VERSION || version === ORIGINAL_ALIAS ? verifier : `${verifier}${VERSION_SEPARATOR}${version}`;
}

/** The verifier and the template version a record name stands for: `mc@judge#v2` → mc@judge, v2; `mc` → mc, v1. */
export function splitVersion(name: string): { verifier: string; version: string } {
  const at = name.indexOf(VERSION_SEPARATOR);
  return at < 0 ? { verifier: name, version: ORIGINAL_VERSION } : { verifier: name.slice(0, at), version: name.slice(at + 1) };
}

/** Where a version's template copies are, relative to the run's `templates/` folder (run.json `templates` keys use it). */
export function versionFolder(version: string): string {
  return `${VERSIONS_FOLDER}/${version}`;
}

/** The versions of a verifier the run has, original first: `["v1", "v2", …]`. */
export function versionsOf(manifest: Pick<RunManifest, 'templateVersions'>, verifier: string): string[] {
  const later = (manifest.templateVersions ?? []).filter((v) => v.verifiers.includes(versionedVerifierName(verifier, v.name))).map((v) => v.name);
  return [ORIGINAL_VERSION, ...later];
}

/** The name a new version gets when none is given: v2, v3, … after the run's existing versions. */
export function nextVersionName(manifest: Pick<RunManifest, 'templateVersions'>): string {
  const taken = new Set((manifest.templateVersions ?? []).map((v) => v.name));
  let k = taken.size + 2;
  while (taken.has(`v${k}`)) k++;
  return `v${k}`;
}

/**
 * The record name of `verifier` in `version` ("v1"/"original" or a version's name), checked
 * against the run: UserError naming the versions it has when there is no such version of it.
 */
export function resolveVersion(manifest: Pick<RunManifest, 'templateVersions' | 'config'>, verifier: string, version: string, option: string): string {
  if (!manifest.config.verifiers.includes(verifier)) {
    const originals = manifest.config.verifiers.filter((name) => !name.includes(VERSION_SEPARATOR));
    throw new UserError(`--verifier "${verifier}" is not a verifier of this run; it has ${originals.join(', ') || 'none'}`, 2);
  }
  const name = versionedVerifierName(verifier, version);
  if (!manifest.config.verifiers.includes(name)) {
    throw new UserError(`${option} "${version}": ${verifier} has no template version of that name; it has ${versionsOf(manifest, verifier).join(', ')} (v1 is the run's own templates)`, 2);
  }
  return name;
}

/**
 * The run's copies of the verify templates `verifier` (as the run started it) renders in `version`,
 * as paths under the run's `templates/` folder (run.json `templates` keys): a version's own copies,
 * v1's the run's. Where a user edits a verifier's prompt from (VS Code's Edit Verifier Template).
 */
export function verifierTemplateFiles(manifest: Pick<RunManifest, 'templates'>, verifier: string, version: string): string[] {
  const base = baseVerifierOf(verifier);
  const folder = version === ORIGINAL_VERSION || version === ORIGINAL_ALIAS ? '' : `${versionFolder(version)}/`;
  const role = `verify-${base}`;
  return Object.keys(manifest.templates).filter((name) => {
    if (!name.startsWith(folder)) return false;
    const file = name.slice(folder.length);
    return !file.includes('/') && (file === `${role}.txt` || (file.startsWith(`${role}.`) && file.endsWith('.txt')));
  });
}
