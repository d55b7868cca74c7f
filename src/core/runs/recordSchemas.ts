// Runtime validation of every file in a run folder. Each schema is checked at compile time to
// describe exactly its contract type (records.ts, task.ts; see SchemasMatchContracts), so a
// contract change that the schemas do not follow fails the type-check instead of silently
// rejecting good records or accepting bad ones.
import { z } from 'zod';
import { GRADER_NAMES, type Task } from '../tasks/task';
import { isPlainObject } from '../util/plainObject';
import { CAPABILITY_NAMES, type EndpointCapabilities } from './endpointCapabilities';
import {
  ANNOTATION_CAUSES,
  AUDIT_SCHEMA_VERSION,
  AUDIT_STRATA,
  CALL_FAILURE_KINDS,
  HUMAN_VERDICTS,
  IMPORT_FORMATS,
  PROMPT_HASH_DIGITS,
  SAMPLES_SCHEMA_VERSIONS,
  TEMPLATE_HASH_DIGITS,
  type AnnotationRecord, type AuditFile, type FailureRecord, type GenerationRecord, type RunConfig,
  type PromptReference,
  type RunManifest,
  type VerificationRecord,
} from './records';
import { VERIFICATION_FAILURE_KINDS } from '../verify/verifier';

const text = z.string();
const nonEmpty = z.string().min(1, 'must be a non-empty string');
const count = z.number().int('must be a whole number').nonnegative('must be >= 0');
const positive = z.number().int('must be a whole number').positive('must be >= 1');
const timestamp = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time such as 2026-11-24T08:15:03.000Z' });
/** What `timestamp` accepts (zod's own pattern, so the record fast path cannot drift from it). */
export const TIMESTAMP_PATTERN: RegExp = patternOf(timestamp);
const probability = z.number().min(0, 'must be in [0, 1]').max(1, 'must be in [0, 1]');

export const taskSchema = z.object({
  id: nonEmpty,
  question: text,
  answer: z.union([text, z.array(text)]),
  grader: z.enum(GRADER_NAMES),
  meta: z.record(z.string(), z.unknown()).optional(),
});

const runConfigSchema = z.object({
  tasks: nonEmpty,
  limit: positive.optional(),
  model: nonEmpty,
  api: z.enum(['chat', 'completions']),
  n: positive,
  verifiers: z.array(nonEmpty),
  filter: text,
  temperature: z.number().nonnegative('must be >= 0'),
  topP: z.number().gt(0, 'must be in (0, 1]').max(1, 'must be in (0, 1]'),
  maxTokens: positive,
  verifierTemperature: z.number().nonnegative('must be >= 0'),
  verifierMaxTokens: positive,
  seed: z.number().int('must be a whole number'),
  concurrency: positive,
  tournamentBothOrders: z.boolean().optional(),
  templates: text.optional(),
  verifierModels: z.record(z.string(), nonEmpty).optional(),
  verifications: z.record(z.string(), z.number().int('must be a whole number').min(2, 'must be at least 2 (absent: 1)')).optional(),
});

export const endpointCapabilitiesSchema = z.object({
  endpoint: nonEmpty,
  probedAt: timestamp,
  tokenLimitParameter: z.enum(['max_tokens', 'max_completion_tokens']),
  temperature: z.boolean(),
  topP: z.boolean(),
  n: z.boolean(),
  topLogprobs: positive.nullable(),
  promptLogprobs: z.enum(['echo', 'prompt_logprobs']).nullable(),
  reasoningEffort: z.boolean(),
  said: z.partialRecord(z.enum(CAPABILITY_NAMES), text),
});

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 hex digest');
const importProvenanceSchema = z.object({
  format: z.enum(IMPORT_FORMATS),
  files: z.array(z.object({ path: nonEmpty, sha256: sha256Hex })).min(1, 'must name at least one file'),
  sourceModel: text.nullable(),
  sampling: z.object({
    // null: the source does not say (docs/import.md).
    temperature: z.number().nonnegative('must be >= 0').nullable(),
    topP: z.number().gt(0, 'must be in (0, 1]').max(1, 'must be in (0, 1]').nullable(),
    maxTokens: positive.nullable(),
    seed: z.number().int('must be a whole number').nullable(),
  }),
  usageKnown: z.boolean(),
  generationCalls: z.literal(0),
});

export const runLineageSchema = z.object({
  parent: z.object({ id: nonEmpty, path: nonEmpty, model: nonEmpty, tasksSha256: sha256Hex }),
  export: z.object({ path: nonEmpty, sha256: sha256Hex, records: count, selector: nonEmpty, filter: nonEmpty, checkerCorrected: z.boolean() }),
});

export const runManifestSchema = z.object({
  schema: z.literal(1),
  id: nonEmpty,
  createdAt: timestamp,
  config: runConfigSchema,
  versions: z.record(z.string(), z.string()),
  templates: z.record(z.string(), z.string()),
  tasksSha256: sha256Hex,
  completedAt: timestamp.optional(),
  import: importProvenanceSchema.optional(),
  capabilities: z.record(z.string(), endpointCapabilitiesSchema).optional(),
  lineage: runLineageSchema.optional(),
  templateVersions: z.array(z.object({ name: nonEmpty, createdAt: timestamp, source: nonEmpty, verifiers: z.array(nonEmpty) })).optional(),
});

// Every record type reads in both versions; only the verification's prompt differs between them.
const samplesVersion = z.union(SAMPLES_SCHEMA_VERSIONS.map((v) => z.literal(v)));

export const generationRecordSchema = z.object({
  v: samplesVersion,
  type: z.literal('generation'),
  task: nonEmpty,
  index: count,
  seed: count.optional(),
  text,
  finishReason: text,
  usage: z.object({ promptTokens: count, completionTokens: count, reasoningTokens: count.optional() }).optional(),
  grade: z.object({
    correct: z.boolean(),
    extracted: text.nullable(),
    normalized: text.nullable(),
    reason: text,
  }),
  at: timestamp,
});

/** What a hash prefix of `digits` hex digits in a prompt reference looks like (also the record fast path's test). */
export const hexPrefixPattern = (digits: number): RegExp => new RegExp(`^[0-9a-f]{${digits}}$`);
const hexPrefix = (digits: number) => z.string().regex(hexPrefixPattern(digits), `must be ${digits} lower-case hex digits`);
const promptValuesSchema = z.record(nonEmpty, count);
const promptReferenceSchema = z
  .object({
    template: hexPrefix(TEMPLATE_HASH_DIGITS),
    values: promptValuesSchema.optional(),
    matches: z.array(z.object({ round: positive, values: promptValuesSchema }).strict()).optional(),
    sha256: hexPrefix(PROMPT_HASH_DIGITS),
  })
  .strict()
  .refine((r) => (r.values === undefined) !== (r.matches === undefined), { message: 'must have either "values" (one prompt) or "matches" (a tournament\'s), not both' })
  .transform(({ template, values, matches, sha256 }): PromptReference => (values !== undefined ? { template, values, sha256 } : { template, matches: matches ?? [], sha256 }));

export const verificationRecordSchema = z
  .object({
    v: samplesVersion,
    type: z.literal('verification'),
    task: nonEmpty,
    index: count,
    verifier: nonEmpty,
    score: probability.nullable(),
    parse: z.enum(['ok', 'failed']),
    parseError: text.optional(),
    failure: z.enum(VERIFICATION_FAILURE_KINDS).optional(),
    prompt: z.union([text, promptReferenceSchema]),
    raw: text,
    detail: z.record(z.string(), z.unknown()).optional(),
    draw: count.optional(),
    at: timestamp,
  })
  // The statistics read a null score as "failed to parse"; the two fields must agree.
  .refine((r) => (r.score === null) === (r.parse === 'failed'), {
    message: 'must be null exactly when parse is "failed"',
    path: ['score'],
  })
  .refine((r) => r.failure === undefined || r.parse === 'failed', {
    message: 'may only be set when parse is "failed"',
    path: ['failure'],
  })
  // Version 1 stored the rendered prompt, version 2 stores its reference.
  .refine((r) => (r.v === 1) === (typeof r.prompt === 'string'), {
    message: 'must be the prompt text in a version-1 record and a reference ({"template", "values" or "matches", "sha256"}) in a version-2 record',
    path: ['prompt'],
  });

export const failureRecordSchema = z.object({
  v: samplesVersion,
  type: z.literal('failure'),
  task: nonEmpty,
  index: count,
  stage: nonEmpty,
  draw: count.optional(),
  kind: z.enum(CALL_FAILURE_KINDS),
  message: text,
  at: timestamp,
});

const auditSampleSchema = z.object({ task: nonEmpty, index: count, stratum: z.enum(AUDIT_STRATA) });

export const auditFileSchema = z.object({
  v: z.literal(AUDIT_SCHEMA_VERSION),
  id: nonEmpty,
  seed: z.number().int('must be a whole number').min(0, 'must be in [0, 2^32)').max(0xffffffff, 'must be in [0, 2^32)'),
  size: positive,
  selector: nonEmpty,
  filter: nonEmpty,
  at: timestamp,
  strata: z.array(count).length(AUDIT_STRATA.length, `must list the ${AUDIT_STRATA.length} strata's sizes`),
  samples: z.array(auditSampleSchema),
});

// Version 1 defines no human verdict or audit tag: a version-1 line carrying them is read without them
// (fields a record does not define are ignored), as an older Gap Lens reads it.
export const annotationRecordSchema = z
  .object({
    v: z.union([z.literal(1), z.literal(2)]),
    task: nonEmpty,
    index: count,
    cause: z.enum(ANNOTATION_CAUSES).optional(),
    human: z.enum(HUMAN_VERDICTS).optional(),
    audit: z.object({ id: nonEmpty, stratum: z.enum(AUDIT_STRATA) }).optional(),
    note: text,
    at: timestamp,
  })
  .refine((r) => r.cause !== undefined || (r.v === 2 && r.human !== undefined), {
    message: 'must be set (a version-2 record may leave it out when it has "human")',
    path: ['cause'],
  })
  .refine((r) => r.v === 1 || r.audit === undefined || r.human !== undefined, { message: 'must be set on an audit label', path: ['human'] })
  .transform((r): AnnotationRecord => {
    if (r.v === 2) return r;
    const { human: _human, audit: _audit, ...v1 } = r;
    return v1;
  });

/** True when A and B are assignable both ways: neither has a required field the other lacks. */
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type SchemasMatchContracts = [
  Assert<Exactly<z.output<typeof taskSchema>, Task>>,
  Assert<Exactly<z.output<typeof runConfigSchema>, RunConfig>>,
  Assert<Exactly<z.output<typeof runManifestSchema>, RunManifest>>,
  Assert<Exactly<z.output<typeof endpointCapabilitiesSchema>, EndpointCapabilities>>,
  Assert<Exactly<z.output<typeof generationRecordSchema>, GenerationRecord>>,
  Assert<Exactly<z.output<typeof verificationRecordSchema>, VerificationRecord>>,
  Assert<Exactly<z.output<typeof failureRecordSchema>, FailureRecord>>,
  Assert<Exactly<z.output<typeof annotationRecordSchema>, AnnotationRecord>>,
  Assert<Exactly<z.output<typeof auditFileSchema>, AuditFile>>,
];

// zod sets a string format's pattern when it builds the schema; a zod without it fails here, at load.
function patternOf(schema: { def: { pattern?: RegExp | undefined } }): RegExp {
  if (!schema.def.pattern) throw new Error('zod gave the date-time schema no pattern');
  return schema.def.pattern;
}

const MAX_ISSUES_SHOWN = 3;

/** What is wrong with a value, e.g. `field "grade.correct": expected boolean, received string; missing field "text"`. */
export function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, MAX_ISSUES_SHOWN).map(describeIssue);
  const more = error.issues.length - shown.length;
  return shown.join('; ') + (more > 0 ? ` (and ${more} more problem${more === 1 ? '' : 's'})` : '');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  // A value of one of several shapes (a verification's prompt: text or reference) that has the type
  // of one shape is described by what is wrong with that shape, not by "Invalid input".
  if (issue.code === 'invalid_union') {
    const attempted = issue.errors.filter((branch) => !branch.every((i) => i.code === 'invalid_type' && i.path.length === 0));
    const [branch] = attempted;
    if (attempted.length === 1 && branch) return branch.map((i) => describeIssue({ ...i, path: [...issue.path, ...i.path] })).join('; ');
  }
  const field = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
  const message = issue.message.replace(/^Invalid (input|option): /, '');
  if (field === '') return message;
  if (issue.code === 'invalid_type' && message.endsWith('received undefined')) return `missing field "${field}"`;
  return message.startsWith('must ') ? `field "${field}" ${message}` : `field "${field}": ${message}`;
}

/**
 * The message for a record whose version field names a version other than the one this build
 * reads, or null. Checked before the schema so an old build opening a newer run says "upgrade"
 * rather than listing every field it does not recognise.
 */
export function unsupportedVersion(value: unknown, field: 'v' | 'schema', supported: number | readonly number[]): string | null {
  if (!isPlainObject(value)) return null;
  const version = value[field];
  const versions = typeof supported === 'number' ? [supported] : supported;
  if (typeof version !== 'number' || versions.includes(version)) return null;
  const newest = Math.max(...versions);
  const advice = version > newest ? ': it was written by a newer Gap Lens, upgrade to read it' : '';
  const reads = versions.length === 1 ? `version ${newest}` : `versions ${versions.join(' and ')}`;
  return `schema version ${version} ("${field}") is not supported; this Gap Lens reads ${reads}${advice}`;
}
