// Where a verifier-quality layout's typed arrays live (verifierQuality.ts, resampledAurc.ts): plain
// memory, or memory a helper thread shares (sharedResamples.ts). A layout is made in the memory it is
// resampled in, so a report that shares its resamples never copies a layout: at a million samples
// each is tens of megabytes, and a copy held every layout twice until the originals were collected.

/** Makes the buffer of one typed array of `bytes` bytes. */
export type LayoutMemory = (bytes: number) => ArrayBufferLike;

export const plainMemory: LayoutMemory = (bytes) => new ArrayBuffer(bytes);

interface TypedArrayType<T> {
  readonly BYTES_PER_ELEMENT: number;
  new (buffer: ArrayBufferLike): T;
}

/** A zeroed typed array of `length` elements in `memory`. */
export function arrayIn<T>(memory: LayoutMemory, Type: TypedArrayType<T>, length: number): T {
  return new Type(memory(Type.BYTES_PER_ELEMENT * length));
}
