// The panel protocol's validators: every message is checked on arrival against its method's schema
// (parseHostMessage in the webview, parseWebviewMessage in the host), a reply's result against the
// request that asked, and persisted webview state before it is used. No 'vscode', no DOM.
import { z } from 'zod';
import { describeIssues } from '../../core/runs/recordSchemas';
import {
  hostNotificationSchemas,
  panelStateSchema,
  requestResultSchemas,
  requestSchemas,
  webviewNotificationSchemas,
  type HostMessage,
  type HostNotification,
  type HostNotificationParams,
  type PanelState,
  type RequestMethod,
  type RequestParams,
  type RequestResults,
  type Schemas,
  type WebviewMessage,
  type WebviewNotification,
  type WebviewNotificationParams,
  type WebviewRequest,
} from './messages';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const envelopeSchema = z.object({ kind: z.enum(['notify', 'request', 'reply']), method: z.string().optional(), id: z.unknown().optional() });
const requestIdSchema = z.number().int().positive();
const replySchema = z.discriminatedUnion('ok', [
  z.object({ kind: z.literal('reply'), id: requestIdSchema, ok: z.literal(true), result: z.unknown() }),
  z.object({
    kind: z.literal('reply'),
    id: requestIdSchema,
    ok: z.literal(false),
    error: z.object({ code: z.enum(['invalid-request', 'unknown-method', 'failed']), message: z.string() }),
  }),
]);

function hasMethod<S extends Schemas>(schemas: S, method: string | undefined): method is Extract<keyof S, string> {
  return method !== undefined && Object.prototype.hasOwnProperty.call(schemas, method);
}

function parseParams<T>(schema: z.ZodType, params: unknown, what: string): Parsed<T> {
  const parsed = schema.safeParse(params);
  return parsed.success ? { ok: true, value: parsed.data as T } : { ok: false, error: `${what}: ${describeIssues(parsed.error)}` };
}

function describeEnvelope(raw: unknown): Parsed<z.output<typeof envelopeSchema>> {
  const envelope = envelopeSchema.safeParse(raw);
  return envelope.success ? { ok: true, value: envelope.data } : { ok: false, error: `not a panel message: ${describeIssues(envelope.error)}` };
}

/** Validates a message the webview received from the host. */
export function parseHostMessage(raw: unknown): Parsed<HostMessage> {
  const envelope = describeEnvelope(raw);
  if (!envelope.ok) return envelope;
  const { kind, method } = envelope.value;
  if (kind === 'reply') {
    const reply = replySchema.safeParse(raw);
    return reply.success ? { ok: true, value: reply.data } : { ok: false, error: `reply: ${describeIssues(reply.error)}` };
  }
  if (kind !== 'notify') return { ok: false, error: `the host does not send "${kind}" messages` };
  if (!hasMethod(hostNotificationSchemas, method)) return { ok: false, error: `unknown host notification "${String(method)}"` };
  const params = parseParams<HostNotificationParams[typeof method]>(hostNotificationSchemas[method], (raw as { params?: unknown }).params, `"${method}" params`);
  return params.ok ? { ok: true, value: { kind, method, params: params.value } as HostNotification } : params;
}

/**
 * Validates a message the host received from the webview. For a request that fails validation but whose
 * id is readable, `replyTo` carries that id so the caller can answer with an error.
 */
export function parseWebviewMessage(raw: unknown): Parsed<WebviewMessage> & { replyTo?: number } {
  const envelope = describeEnvelope(raw);
  if (!envelope.ok) return envelope;
  const { kind, method, id } = envelope.value;
  if (kind === 'notify') {
    if (!hasMethod(webviewNotificationSchemas, method)) return { ok: false, error: `unknown webview notification "${String(method)}"` };
    const params = parseParams<WebviewNotificationParams[typeof method]>(webviewNotificationSchemas[method], (raw as { params?: unknown }).params, `"${method}" params`);
    return params.ok ? { ok: true, value: { kind, method, params: params.value } as WebviewNotification } : params;
  }
  if (kind !== 'request') return { ok: false, error: `the webview does not send "${kind}" messages` };
  const requestId = requestIdSchema.safeParse(id);
  if (!requestId.success) return { ok: false, error: `request "${String(method)}": id must be a positive integer` };
  const replyTo = requestId.data;
  if (!hasMethod(requestSchemas, method)) return { ok: false, error: `unknown request "${String(method)}"`, replyTo };
  const params = parseParams<RequestParams[typeof method]>(requestSchemas[method], (raw as { params?: unknown }).params, `"${method}" params`);
  return params.ok ? { ok: true, value: { kind, id: replyTo, method, params: params.value } as WebviewRequest } : { ...params, replyTo };
}

/** Validates a successful reply's result against the method that was requested. */
export function parseRequestResult<M extends RequestMethod>(method: M, result: unknown): Parsed<RequestResults[M]> {
  return parseParams<RequestResults[M]>(requestResultSchemas[method], result, `"${method}" result`);
}

/** Reads persisted webview state; null when absent or from an incompatible version (the panel then starts fresh). */
export function parsePanelState(raw: unknown): PanelState | null {
  const parsed = panelStateSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
