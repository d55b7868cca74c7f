// Loads the prompt templates: the defaults shipped in `templates/` at the package root, under a
// user folder whose files win over them. Every file's name and placeholders are checked on load.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { GRADER_NAMES, type GraderName } from '../tasks/task';
import { packageAsset } from '../util/assets';
import { atLine, UserError } from '../util/errors';
import { sha256 } from '../util/hash';
import { findPlaceholders, PLACEHOLDER, ROLE_PLACEHOLDERS } from './placeholders';
import { TEMPLATE_ROLES, type Template, type TemplateRole, type TemplateSet } from './templates';

const EXTENSION = '.txt';

/** One checked template file, its text as it will be sent. */
interface TemplateFile {
  path: string;
  text: string;
}

/** A folder's template files by file name. */
type Layer = { dir: string; files: Map<string, TemplateFile> };

/**
 * The templates for every role and kind. For each (role, kind) the first file found wins, in this
 * order: user `<role>.<kind>.txt`, user `<role>.txt`, default `<role>.<kind>.txt`, default `<role>.txt`.
 * So a user file replaces the defaults it covers and everything else stays as shipped. Several
 * override folders are layers in the order given, the first on top (a template version's edits
 * over the run's own copies: runSession.ts).
 */
export function loadTemplates(overrideDir?: string | readonly string[]): TemplateSet {
  const overrides = overrideDir === undefined ? [] : typeof overrideDir === 'string' ? [overrideDir] : overrideDir;
  const layers = [...overrides.map(readLayer), readLayer(packageAsset('templates'))];
  const resolved = new Map<string, Template>();
  for (const role of TEMPLATE_ROLES) {
    for (const kind of GRADER_NAMES) {
      const file = resolve(layers, role, kind);
      resolved.set(key(role, kind), { role, kind, path: file.path, text: file.text, sha256: sha256(file.text) });
    }
  }
  return {
    get(role: TemplateRole, kind: GraderName): Template {
      const template = resolved.get(key(role, kind));
      // Unreachable through the typed API: every role × kind was resolved above.
      if (!template) throw new Error(`no template for role '${role}' and kind '${kind}'`);
      return template;
    },
  };
}

/**
 * The text with each placeholder replaced by its value. Values go in verbatim and are never
 * scanned again, so a model output that contains `{{question}}` stays exactly as written.
 */
export function renderTemplate(t: Pick<Template, 'path' | 'text'>, vars: Record<string, string>): string {
  return t.text.replace(PLACEHOLDER, (_match, inner: string) => {
    const name = inner.trim();
    const value = Object.hasOwn(vars, name) ? vars[name] : undefined;
    if (value === undefined) throw new Error(`${t.path}: no value given for placeholder {{${name}}}`);
    return value;
  });
}

/**
 * What run.json records about the templates a run uses: file name → sha256 of the text, for
 * every role × kind given, keys sorted. File names are unique among the used templates because a
 * user `<role>.txt` hides every default file of that role.
 */
export function templateFingerprints(set: TemplateSet, roles: readonly TemplateRole[], kinds: readonly GraderName[]): Record<string, string> {
  const entries = roles.flatMap((role) => kinds.map((kind) => set.get(role, kind))).map((t) => [basename(t.path), t.sha256] as const);
  return Object.fromEntries([...new Map(entries)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** One template file read and checked as loadTemplates reads it (a run's own copy, say), with the sha256 of its text. */
export function loadTemplateFile(path: string): Pick<Template, 'path' | 'text' | 'sha256'> {
  const { text } = readTemplateFile(path, basename(path));
  return { path, text, sha256: sha256(text) };
}

function key(role: TemplateRole, kind: GraderName): string {
  return `${role}.${kind}`;
}

function resolve(layers: Layer[], role: TemplateRole, kind: GraderName): TemplateFile {
  for (const layer of layers) {
    const file = layer.files.get(`${role}.${kind}${EXTENSION}`) ?? layer.files.get(`${role}${EXTENSION}`);
    if (file) return file;
  }
  const dirs = layers.map((l) => l.dir).join(' or ');
  throw new UserError(`no '${role}' template for ${kind} tasks in ${dirs}: add ${role}.${kind}${EXTENSION} or ${role}${EXTENSION}`);
}

function readLayer(dir: string): Layer {
  const files = new Map<string, TemplateFile>();
  // Sorted so that the first error reported does not depend on the file system's order.
  for (const name of listFolder(dir).filter((n) => n.endsWith(EXTENSION)).sort()) {
    files.set(name, readTemplateFile(join(dir, name), name));
  }
  return { dir, files };
}

function listFolder(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such folder' : code === 'ENOTDIR' ? 'not a folder' : (err as Error).message;
    throw new UserError(`${dir}: cannot read the template folder (${why}); give a folder of <role>${EXTENSION} / <role>.<kind>${EXTENSION} files`);
  }
}

function readTemplateFile(path: string, name: string): TemplateFile {
  const role = roleOfFileName(path, name);
  const text = normalize(decodeUtf8(path));
  checkPlaceholders(path, role, text);
  return { path, text };
}

/** The role a file serves, from its name `<role>.txt` or `<role>.<kind>.txt`. */
function roleOfFileName(path: string, name: string): TemplateRole {
  const stem = name.slice(0, -EXTENSION.length);
  const role = TEMPLATE_ROLES.find((r) => stem === r || stem.startsWith(`${r}.`));
  const kind = role === undefined || stem === role ? null : GRADER_NAMES.find((k) => k === stem.slice(role.length + 1));
  if (role === undefined || kind === undefined) {
    throw new UserError(
      `${path}: not a template file name. Name templates <role>${EXTENSION} or <role>.<kind>${EXTENSION}, ` +
        `with role one of ${TEMPLATE_ROLES.join(', ')} and kind one of ${GRADER_NAMES.join(', ')}`,
    );
  }
  return role;
}

function decodeUtf8(path: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(path));
  } catch (err) {
    if (err instanceof TypeError) throw new UserError(`${path}: not valid UTF-8 text; save the template as UTF-8`);
    throw new UserError(`${path}: cannot read the template (${(err as Error).message})`);
  }
}

/**
 * The prompt is exactly the file's text, except: a byte-order mark is dropped, CRLF line ends
 * become LF (so a Windows checkout sends the same prompt), and the one final newline editors add
 * is removed, so the prompt ends where the text does (e.g. right after `Answer:`).
 */
function normalize(raw: string): string {
  return raw.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n').replace(/\n$/, '');
}

function checkPlaceholders(path: string, role: TemplateRole, text: string): void {
  const allowed = ROLE_PLACEHOLDERS[role];
  const allowedList = allowed.map((n) => `{{${n}}}`).join(', ');
  const uses = findPlaceholders(text);
  for (const use of uses) {
    if (!allowed.includes(use.name)) {
      throw new UserError(
        atLine(path, use.line, `unknown placeholder {{${use.name}}}: a ${role} template may use ${allowedList} ` +
          `(for literal double braces, e.g. in LaTeX, write '{ {' and '} }')`),
      );
    }
  }
  const missing = allowed.filter((n) => !uses.some((u) => u.name === n));
  if (missing.length > 0) {
    throw new UserError(`${path}: a ${role} template must contain ${missing.map((n) => `{{${n}}}`).join(' and ')} (its placeholders are ${allowedList})`);
  }
}
