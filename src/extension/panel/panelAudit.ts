// The gap panel's audit, held by the host: the run's audit.json, its evaluation over the panel's rows
// with the same code and options as `gaplens report` (kept while only the labels change), a new draw
// with the panel's filter, and the audit tag of a label the webview saves. No 'vscode': the panel
// passes in how to ask the user before an audit is replaced.
import { randomInt } from 'node:crypto';
import { formatFilter, formatSelector, parseFilter, parseSelector } from '../../core/filter/parse';
import { readAuditFile, writeAuditFile } from '../../core/runs/auditFile';
import type { AnnotationRecord, AuditFile, AuditTag } from '../../core/runs/records';
import { auditId, auditOf, drawNewAudit, setUpAudit, type AuditData, type AuditSetup } from '../../core/stats/audit';
import { DEFAULT_BOOTSTRAP } from '../../core/stats/bootstrap';
import { buildPool } from '../../core/stats/pool';
import { UserError } from '../../core/util/errors';
import type { AuditParams } from '../../protocol/auditProtocol';
import type { RequestParams } from '../../protocol/panelProtocol';
import type { RunModel } from './runModel';

const MAX_SEED = 0xffffffff;

export class PanelAudit {
  private file: AuditFile | null = null;
  /** Why audit.json cannot be read (it is then shown instead of the audit). */
  private fileProblem: string | null = null;
  /** The evaluation's label-free part for the rows as they are; null once they change. */
  private setup: { data: AuditData; setup: AuditSetup } | null = null;

  constructor(private readonly dir: string) {}

  /** (Re)reads audit.json; a bad file becomes the reason shown, not an exception. */
  async load(model: RunModel): Promise<void> {
    this.setup = null;
    try {
      this.file = await readAuditFile(this.dir, taskIdsOf(model));
      this.fileProblem = null;
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      this.file = null;
      this.fileProblem = err.message;
    }
  }

  /** The run's samples or grades changed: the next evaluation draws the audit again from its plan. */
  rowsChanged(): void {
    this.setup = null;
  }

  get current(): AuditFile | null {
    return this.file;
  }

  /** The 'audit' notification: the audit with what its labels say now, or why there is none. */
  params(model: RunModel, annotations: readonly AnnotationRecord[]): AuditParams {
    const cannotDraw = this.fileProblem ?? cannotAudit(model);
    if (this.file === null || cannotDraw !== null) return { audit: null, cannotDraw };
    this.setup ??= ((data) => ({ data, setup: setUpAudit(data, this.file as AuditFile, DEFAULT_BOOTSTRAP) }))(auditData(model));
    return { audit: { file: this.file, report: auditOf(this.setup.data, this.file, annotations, DEFAULT_BOOTSTRAP, this.setup.setup) }, cannotDraw: null };
  }

  /**
   * Draws a new audit with the panel's filter and writes audit.json. Replacing the run's audit (or an
   * unreadable audit.json) needs `confirm` to say yes; otherwise nothing is written.
   */
  async draw(model: RunModel, p: RequestParams['drawAudit'], confirm: (replacing: string) => Promise<boolean>, now = new Date()): Promise<AuditFile> {
    const why = cannotAudit(model);
    if (why !== null) throw new UserError(why);
    await this.load(model);
    const plan = {
      id: auditId(now),
      seed: p.seed ?? randomInt(MAX_SEED + 1),
      size: p.size,
      selector: formatSelector(parseSelector(p.selector)),
      filter: formatFilter(parseFilter(p.filter)),
    };
    const audit = drawNewAudit(auditData(model), plan, now);
    const replacing = this.file !== null ? `audit ${this.file.id}` : this.fileProblem !== null ? 'the unreadable audit.json' : null;
    if (replacing !== null && !(await confirm(replacing))) throw new UserError(`kept ${replacing}: no new audit drawn`);
    await writeAuditFile(this.dir, audit, { replace: replacing !== null, taskIds: taskIdsOf(model) });
    this.file = audit;
    this.fileProblem = null;
    this.setup = null;
    return audit;
  }

  /** The tag of a label of audit `id` on a sample: the stratum it was drawn from. */
  tag(task: string, index: number, id: string): AuditTag {
    if (this.file?.id !== id) throw new UserError(`audit ${id} is not the run's audit any more: the panel shows the current one`);
    const drawn = this.file.samples.find((s) => s.task === task && s.index === index);
    if (!drawn) throw new UserError(`sample ${index} of task "${task}" was not drawn in audit ${id}`);
    return { id, stratum: drawn.stratum };
  }
}

/** Why this panel cannot audit its run, or null. */
function cannotAudit(model: RunModel): string | null {
  if (model.mode === 'check') return 'an audit needs a gold answer for every task, and Check Selection has none';
  if (model.summary.verifiers.length === 0) return 'the run has no verifier to audit';
  return null;
}

function taskIdsOf(model: RunModel): Set<string> {
  return new Set(model.taskInfos().map((t) => t.id));
}

/** The panel's rows as an audit sees them: every generated sample with the checker's grade as recorded. */
function auditData(model: RunModel): AuditData {
  const samples = [...model.gapInputs()].map((input) => ({ ...input, correct: input.correct === true }));
  return { ...buildPool(samples), verifiers: model.summary.verifiers };
}
