// How VS Code carries a message from the extension host into a webview, for the panel benchmark to
// do the same work: since 1.57 (the `engines` this extension targets), webview.postMessage writes the
// message as JSON with every typed array replaced by a reference to its buffer, and sends the buffers
// beside the text (src/vs/workbench/api/common/extHostWebviewMessaging.ts, serializeWebviewMessage);
// the workbench parses the text, puts typed arrays of the same kind back over the buffers
// (deserializeWebviewMessage) and posts the message into the webview's frame, a structured clone.

/** The typed arrays the panel protocol uses, by the name the reference carries. */
const KINDS = { Int8Array, Uint8Array, Int32Array, Float64Array } as const;

export interface SerializedMessages {
  text: string;
  /** Each referenced buffer's bytes, by reference index. */
  buffers: Uint8Array[];
}

/** The host's half: JSON with references, and the buffers (VS Code's replacer, for the kinds the protocol has). */
export function serializeMessages(messages: unknown[]): SerializedMessages {
  const buffers: ArrayBufferLike[] = [];
  const text = JSON.stringify(messages, (_key, value: unknown) => {
    if (!ArrayBuffer.isView(value)) return value;
    const kind = Object.entries(KINDS).find(([, make]) => value instanceof make)?.[0];
    if (kind === undefined) throw new Error(`the panel protocol has no ${value.constructor.name}`);
    let index = buffers.indexOf(value.buffer);
    if (index < 0) index = buffers.push(value.buffer) - 1;
    return { $$vscode_array_buffer_reference$$: true, index, view: { type: kind, byteLength: value.byteLength, byteOffset: value.byteOffset } };
  });
  return { text, buffers: buffers.map((buffer) => new Uint8Array(buffer)) };
}

/** Bytes the messages take on their way: the JSON text (as UTF-8) and the buffers. */
export function serializedBytes(serialized: SerializedMessages): number {
  return Buffer.byteLength(serialized.text) + serialized.buffers.reduce((sum, b) => sum + b.byteLength, 0);
}

/**
 * The workbench's half, as plain JavaScript for the page (a function of the text and the buffers):
 * the messages back, each typed array a view of its buffer again.
 */
export const DESERIALIZE_IN_PAGE = `(text, buffers) => {
  const kinds = { ${Object.keys(KINDS).join(', ')} };
  return JSON.parse(text, (_key, value) => {
    if (!value || value.$$vscode_array_buffer_reference$$ !== true) return value;
    const buffer = buffers[value.index];
    const kind = kinds[value.view.type];
    return new kind(buffer.buffer, buffer.byteOffset + value.view.byteOffset, value.view.byteLength / kind.BYTES_PER_ELEMENT);
  });
}`;
