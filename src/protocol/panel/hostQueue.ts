// The host's side of the ready handshake: messages wait until the webview says 'ready'. No 'vscode':
// the host passes webview.postMessage in.
import type { HostMessage } from './messages';

export interface MessageQueue {
  /** Posts now when open, else holds the message. */
  send(message: HostMessage): void;
  /**
   * The webview said 'ready': opens the queue. With a snapshot, the held messages are dropped (the
   * snapshot must contain the whole current state) and the snapshot is posted; without, they are flushed.
   */
  ready(snapshot?: readonly HostMessage[]): void;
  /** Holds messages again, e.g. while the webview reloads. */
  close(): void;
  readonly isOpen: boolean;
  /** Messages held now. */
  readonly held: number;
}

/** Queue-until-ready wrapper around `post` (e.g. `(m) => void panel.webview.postMessage(m)`). */
export function createMessageQueue(post: (message: HostMessage) => void): MessageQueue {
  let open = false;
  let held: HostMessage[] = [];
  return {
    send(message) {
      if (open) post(message);
      else held.push(message);
    },
    ready(snapshot) {
      const out = snapshot ? [...snapshot] : held;
      held = [];
      open = true;
      for (const message of out) post(message);
    },
    close() {
      open = false;
    },
    get isOpen() {
      return open;
    },
    get held() {
      return held.length;
    },
  };
}
