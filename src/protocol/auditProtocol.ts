// The panel protocol's audit messages (docs/statistics.md, "Audit", "In the panel"): the host sends the
// run's audit with what its labels say, computed as `gaplens report` computes it; the webview asks for a
// new draw and saves audit labels through 'annotate'. Types and validators only, shared by the host and
// the webview (no 'vscode', no DOM); panel/messages.ts registers them.
import { z } from 'zod';
import { auditFileSchema } from '../core/runs/recordSchemas';
import { ANNOTATION_CAUSES, AUDIT_STRATA, HUMAN_VERDICTS } from '../core/runs/records';
import type { AuditReport } from '../core/stats/audit';

const nonEmpty = z.string().min(1);
const count = z.number().int().nonnegative();
const value = z.number().nullable();
const why = z.string().nullable();
const interval = z.tuple([z.number(), z.number()]).nullable();
const seed = z.number().int().min(0).max(0xffffffff);

const tableSchema = z.object({ bothCorrect: z.number(), raterCorrectHumanIncorrect: z.number(), raterIncorrectHumanCorrect: z.number(), bothIncorrect: z.number() });

const agreementSchema = z.object({
  kappa: value,
  kappaUnavailable: why,
  agreement: value,
  chance: value,
  prevalence: value,
  raterPositive: value,
  ci: z.object({ kappa: interval, agreement: interval, prevalence: interval }),
  labels: tableSchema,
});

const correctedSchema = z.object({ checker: z.number(), checkerCi: interval, correction: value, correctionCi: interval, value, ci: interval });

const auditResultSchema = z.object({
  samples: count,
  drawn: count,
  labelled: count,
  ignoredLabels: count,
  strata: z.array(z.object({ stratum: z.enum(AUDIT_STRATA), samples: count, drawn: count, labelled: count, humanCorrect: count })),
  estimatesUnavailable: why,
  intervalsUnavailable: why,
  agreement: z.object({ verifier: agreementSchema, checker: agreementSchema }),
  corrected: z.object({ accuracy: correctedSchema, filteredAccuracy: correctedSchema, gap: correctedSchema }),
  ci: z.object({ level: z.number(), resamples: count, seed: z.number() }),
});

const auditReportSchema = z.object({
  plan: z.object({ id: nonEmpty, seed, size: z.number().int().positive(), selector: nonEmpty, filter: nonEmpty, at: z.string() }),
  labels: count,
  unavailable: why,
  result: auditResultSchema.nullable(),
}) satisfies z.ZodType<AuditReport>;

/** host → webview 'audit': sent with every snapshot and whenever the audit, its labels or the run's samples change. */
export const auditParamsSchema = z.object({
  /** The run's audit.json and its evaluation; null when the run has none (or it cannot be read: see cannotDraw). */
  audit: z.object({ file: auditFileSchema, report: auditReportSchema }).nullable(),
  /** Why this panel can neither show nor draw an audit (Check Selection, an unreadable audit.json); null when it can. */
  cannotDraw: why,
});

/** webview → host 'drawAudit': draw a new audit with the panel's current filter (the host confirms replacing one). */
export const drawAuditParamsSchema = z.object({
  size: z.number().int().positive(),
  /** null: a random seed, recorded in audit.json. */
  seed: seed.nullable(),
  selector: nonEmpty,
  filter: nonEmpty,
});

export const drawAuditResultSchema = z.object({ id: nonEmpty });

/**
 * webview → host 'annotate': a cause, a verdict on the answer, or both; `audit` makes it a label of that
 * audit (it then needs a verdict; the host adds the stratum the sample was drawn from).
 */
export const annotateParamsSchema = z
  .object({
    task: nonEmpty,
    index: count,
    cause: z.enum(ANNOTATION_CAUSES).optional(),
    human: z.enum(HUMAN_VERDICTS).optional(),
    audit: z.object({ id: nonEmpty }).optional(),
    note: z.string(),
  })
  .refine((p) => p.cause !== undefined || p.human !== undefined, { message: 'must be set when "human" is not', path: ['cause'] })
  .refine((p) => p.audit === undefined || p.human !== undefined, { message: 'must be set on an audit label', path: ['human'] });

export type AuditParams = z.output<typeof auditParamsSchema>;
