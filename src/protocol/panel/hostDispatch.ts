// The host's dispatch of webview messages: validated, routed to one handler per method, requests
// answered with their result or a structured error. No 'vscode': the host passes in how to reply and log.
import type { Reply, ReplyErrorCode, RequestMethod, RequestParams, RequestResults, WebviewNotificationMethod, WebviewNotificationParams } from './messages';
import { parseWebviewMessage } from './validate';

/** Requests a host may leave unhandled: they are answered 'unknown-method'. */
type OptionalRequest = 'sampleDetail' | 'drawAudit' | 'runAction';

/** What the host does with each webview message. Requests resolve to their result or throw (→ error reply). */
export type WebviewHandlers = {
  [M in WebviewNotificationMethod]: (params: WebviewNotificationParams[M]) => void;
} & {
  [M in Exclude<RequestMethod, OptionalRequest>]: (params: RequestParams[M]) => Promise<RequestResults[M]>;
} & {
  [M in OptionalRequest]?: (params: RequestParams[M]) => Promise<RequestResults[M]>;
};

/**
 * Validates one raw message from the webview and routes it to `handlers`; requests are answered through
 * `reply` (errors as structured replies with the thrown error's message). Invalid messages are logged and
 * dropped; never throws.
 */
export async function handleWebviewMessage(
  raw: unknown,
  handlers: WebviewHandlers,
  reply: (message: Reply) => void,
  log: (message: string) => void,
): Promise<void> {
  const parsed = parseWebviewMessage(raw);
  if (!parsed.ok) {
    log(`panel: dropped an invalid message from the webview: ${parsed.error}`);
    if (parsed.replyTo !== undefined) {
      const code: ReplyErrorCode = parsed.error.startsWith('unknown request') ? 'unknown-method' : 'invalid-request';
      reply({ kind: 'reply', id: parsed.replyTo, ok: false, error: { code, message: parsed.error } });
    }
    return;
  }
  const message = parsed.value;
  if (message.kind === 'notify') {
    try {
      (handlers[message.method] as (params: unknown) => void)(message.params);
    } catch (err) {
      log(`panel: handling "${message.method}" failed: ${errorText(err)}`);
    }
    return;
  }
  const handler = handlers[message.method] as ((params: unknown) => Promise<unknown>) | undefined;
  if (!handler) {
    reply({ kind: 'reply', id: message.id, ok: false, error: { code: 'unknown-method', message: `this host does not handle "${message.method}"` } });
    return;
  }
  try {
    const result = await handler(message.params);
    reply({ kind: 'reply', id: message.id, ok: true, result });
  } catch (err) {
    log(`panel: request "${message.method}" failed: ${errorText(err)}`);
    reply({ kind: 'reply', id: message.id, ok: false, error: { code: 'failed', message: err instanceof Error ? err.message : String(err) } });
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? (err.name === 'UserError' ? err.message : (err.stack ?? err.message)) : String(err);
}
