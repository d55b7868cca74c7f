// One row per custom_id a batch run has seen, in columns (typed arrays): where its result is and
// how many batches held it. A run of a million requests keeps a million of them, so the keys are
// compact: a custom_id that is a cache key (64 hex digits, cache.md) is kept as its 32 bytes in a
// one-byte string; any other (`KEY-2`, an imported file's own ids) as it is, in a map of its own so
// that the two kinds can never meet.
export interface RequestColumns {
  /** The result file's number, -1 while there is no result. */
  file: Int32Array;
  offset: Float64Array;
  length: Uint32Array;
  /** 1 for a success (docs/batch.md, "Matching results"). */
  success: Uint8Array;
  submissions: Uint16Array;
}

/** The file column of a custom_id without a result. */
export const NO_RESULT = -1;

const HEX_ID = /^[0-9a-f]{64}$/;
const FIRST_ROWS = 1024;

export class RequestTable {
  private readonly packed = new Map<string, number>();
  private readonly plain = new Map<string, number>();
  private rows = 0;
  columns: RequestColumns = columnsOf(FIRST_ROWS);

  /** The row of a custom_id, if it has one. */
  find(customId: string): number | undefined {
    return HEX_ID.test(customId) ? this.packed.get(pack(customId)) : this.plain.get(customId);
  }

  /** The row of a custom_id, made if it has none. */
  rowOf(customId: string): number {
    const hex = HEX_ID.test(customId);
    const key = hex ? pack(customId) : customId;
    const keys = hex ? this.packed : this.plain;
    const found = keys.get(key);
    if (found !== undefined) return found;
    if (this.rows === this.columns.file.length) this.grow();
    keys.set(key, this.rows);
    return this.rows++;
  }

  setResult(row: number, file: number, offset: number, length: number, success: boolean): void {
    this.columns.file[row] = file;
    this.columns.offset[row] = offset;
    this.columns.length[row] = length;
    this.columns.success[row] = success ? 1 : 0;
  }

  private grow(): void {
    const old = this.columns;
    const next = columnsOf(old.file.length * 2);
    next.file.set(old.file);
    next.offset.set(old.offset);
    next.length.set(old.length);
    next.success.set(old.success);
    next.submissions.set(old.submissions);
    this.columns = next;
  }
}

function columnsOf(rows: number): RequestColumns {
  return { file: new Int32Array(rows).fill(NO_RESULT), offset: new Float64Array(rows), length: new Uint32Array(rows), success: new Uint8Array(rows), submissions: new Uint16Array(rows) };
}

/** A cache key's 32 bytes as a one-byte string of 32 characters (the 64 hex digits take twice that). */
function pack(hexId: string): string {
  return Buffer.from(hexId, 'hex').toString('latin1');
}
