// The prompts of a run's verifications. A version-2 record stores, instead of the prompt it sent,
// a reference: the run's template (by hash), the samples whose texts filled it, and a hash of the
// prompt (docs/run-format.md, "Verification prompts"). The writer builds the reference and checks
// that it renders the very prompt sent; a reader renders it on demand and checks it against the
// hash, so a changed run folder is an error and never a silently different prompt.
import path from 'node:path';
import { loadTemplateFile, renderTemplate } from '../prompts/load';
import type { Template } from '../prompts/templates';
import { UserError } from '../util/errors';
import { joinMatches, matchHeader } from '../verify/tournament';
import { sha256 } from '../util/hash';
import { PROMPT_HASH_DIGITS, TEMPLATE_HASH_DIGITS, type MatchPrompt, type PromptReference, type PromptValues, type RunManifest, type VerificationRecord } from './records';
import type { RunData } from './runStore';
import { sampleKey } from './sampleKey';

/** What a reference names besides its template and hash: one prompt's values, or the tournament's matches. */
export type PromptFill = { values: PromptValues } | { matches: MatchPrompt[] };

/** The texts of a task that fill its prompts. */
interface FillTexts {
  question: string;
  /** The generation text of the task's sample `index`; undefined when the run has none. */
  generation: (index: number) => string | undefined;
}

type RenderableTemplate = Pick<Template, 'path' | 'text'>;

function templateHash(templateSha256: string): string {
  return templateSha256.slice(0, TEMPLATE_HASH_DIGITS);
}

/** The hash a reference checks its rendering against: the prompt's UTF-8 bytes. */
export function promptHash(prompt: string): string {
  return sha256(prompt).slice(0, PROMPT_HASH_DIGITS);
}

/**
 * The rendering both sides share: `{{question}}` is the task's question and each listed
 * placeholder the text of the sample it names, both trimmed (as verifiers render them); a
 * tournament's matches each go under their header. Throws a plain Error naming what is missing.
 */
function render(template: RenderableTemplate, fill: PromptFill, texts: FillTexts): string {
  const one = (values: PromptValues): string => {
    const vars: Record<string, string> = { question: texts.question.trim() };
    for (const [name, index] of Object.entries(values)) {
      const text = texts.generation(index);
      if (text === undefined) throw new Error(`sample ${index}, which {{${name}}} names, has no generation`);
      vars[name] = text.trim();
    }
    return renderTemplate(template, vars);
  };
  if ('values' in fill) return one(fill.values);
  return joinMatches(fill.matches.map((m) => ({ header: matchHeader(m.round, m.values['response_a'] ?? -1, m.values['response_b'] ?? -1), text: one(m.values) })));
}

/**
 * The reference a version-2 record stores for the prompt `sent`. Refuses (a bug, not bad input)
 * when the template and fill do not render exactly `sent`: the record would later show another
 * prompt than the one the model saw.
 */
export function promptReference(sent: string, template: Template, fill: PromptFill, texts: FillTexts): PromptReference {
  const rendered = render(template, fill, texts);
  if (rendered !== sent) throw new Error(`${template.path}: the verification prompt does not re-render from its template and ${JSON.stringify(fill)}`);
  return { template: templateHash(template.sha256), ...fill, sha256: promptHash(sent) };
}

/** Where a reader finds the texts a run's references name (a RunData's maps, or columns reading text from disk). */
export interface PromptSources {
  /** The question of the task with this id; undefined when the run has no such task. */
  question(task: string): string | undefined;
  /** The generation text of a sample; undefined when it has none. */
  generationText(task: string, index: number): string | undefined;
}

/** Re-renders a run's verification prompts; reads the run's own template copies once, when first needed. */
export class RunPrompts {
  private readonly templates = new Map<string, RenderableTemplate>();

  constructor(
    private readonly dir: string,
    private readonly manifest: Pick<RunManifest, 'templates'>,
    private readonly sources: PromptSources,
  ) {}

  /** The exact prompt the verification sent: a version-1 record's own text, a version-2 record's rendered and checked. */
  text(record: VerificationRecord): string {
    const ref = record.prompt;
    if (typeof ref === 'string') return ref;
    const where = `${path.join(this.dir, 'samples.jsonl')}: the ${record.verifier} verification of task "${record.task}" sample ${record.index}`;
    const template = this.template(ref.template, where);
    const question = this.sources.question(record.task);
    if (question === undefined) throw new UserError(`${where}: task "${record.task}" is not in tasks.jsonl; restore the run folder's files`);
    let prompt: string;
    try {
      prompt = render(template, ref, { question, generation: (index) => this.sources.generationText(record.task, index) });
    } catch (err) {
      throw new UserError(`${where}: its prompt cannot be re-rendered (${err instanceof Error ? err.message : String(err)}); restore the run folder's files`);
    }
    const rendered = promptHash(prompt);
    if (rendered !== ref.sha256) {
      throw new UserError(
        `${where}: the prompt re-rendered from the run's tasks, generations and templates has hash ${rendered}, the record says ${ref.sha256}: ` +
          `a file of the run folder ${this.dir} was changed after the record was written. Restore its samples.jsonl, tasks.jsonl and templates/ from a backup ` +
          `(gaplens reverify into a copy of the run re-creates the verifications)`,
      );
    }
    return prompt;
  }

  /** The run's copy of the template whose sha256 begins with `hash`, checked against run.json. */
  private template(hash: string, where: string): RenderableTemplate {
    const cached = this.templates.get(hash);
    if (cached) return cached;
    const entry = Object.entries(this.manifest.templates).find(([, sha]) => templateHash(sha) === hash);
    if (!entry) throw new UserError(`${where}: its template ${hash} is not among the templates run.json lists; restore the run folder's run.json and samples.jsonl`);
    const [name, sha] = entry;
    const file = loadTemplateFile(path.join(this.dir, 'templates', name));
    if (file.sha256 !== sha) {
      throw new UserError(`${file.path}: this prompt template differs from the one the run was written with (run.json records sha256 ${sha}); restore it to show the run's prompts`);
    }
    this.templates.set(hash, file);
    return file;
  }
}

/** The prompts of a run read whole into memory. */
export function runPrompts(run: Pick<RunData, 'dir' | 'manifest' | 'tasks' | 'generations'>): RunPrompts {
  const questions = new Map(run.tasks.map((t) => [t.id, t.question]));
  return new RunPrompts(run.dir, run.manifest, {
    question: (task) => questions.get(task),
    generationText: (task, index) => run.generations.get(sampleKey(task, index))?.text,
  });
}
