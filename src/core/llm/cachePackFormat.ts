// The bytes of the response cache's pack files (docs/cache.md, "Packs"): what one writer appends,
// and how a reader finds the complete records in what it reads back. Pure functions over Buffers;
// the files themselves are opened and written elsewhere (cachePackWriter.ts, cachePackReader.ts).
//
// A pack is a header and records, each framed with its length and a CRC-32, so that a record cut
// short by kill -9 (a torn tail) or damaged on disk is recognised and skipped, never misread. Its
// index (.idx) is an accelerator holding one fixed-size entry per record, so that opening a cache
// reads 44 bytes per entry instead of every answer; the pack alone is the truth (a missing or
// damaged index is rebuilt by scanning the pack).
import zlib from 'node:zlib';

export const PACK_MAGIC = Buffer.from('GAPLENS PACK v1\n', 'latin1');
export const INDEX_MAGIC = Buffer.from('GAPLENS INDX v1\n', 'latin1');
/** Both files start with their 16-byte magic line. */
export const HEADER_BYTES = 16;
/** A record: payload length (u32 LE), CRC-32 of key + payload (u32 LE), the 32-byte key, the payload. */
export const RECORD_HEADER_BYTES = 40;
/** An index entry: the key, the record's offset and total length (u32 LE each), CRC-32 of those 40 bytes (u32 LE). */
export const INDEX_ENTRY_BYTES = 44;
export const KEY_BYTES = 32;
/** Where a record's key starts, from the record's start. */
export const RECORD_KEY_AT = 8;
/**
 * Offsets are 32-bit: a writer starts a new pack before PACK_MAX_BYTES, and one record is at most
 * MAX_PAYLOAD_BYTES (more than a JavaScript string holds), so every offset fits.
 */
export const MAX_PAYLOAD_BYTES = 2 ** 30;

// Names: <id>.pack and <id>.idx, <id> = creation time (ms, base 36)-pid-12 hex digits; a merge
// writes <id>.pack.tmp and renames it into place.
const ID = '[0-9a-z]+-\\d+-[0-9a-f]{12}';
export const PACK_NAME = new RegExp(`^${ID}\\.pack$`);
export const INDEX_NAME = new RegExp(`^${ID}\\.idx$`);
export const PACK_TEMP_NAME = new RegExp(`^${ID}\\.pack\\.tmp$`);

export function newPackId(now: number, random: string): string {
  return `${now.toString(36)}-${process.pid}-${random}`;
}

export function indexNameOf(packName: string): string {
  return packName.replace(/\.pack$/, '.idx');
}

/** Writes the record of `key` (32 bytes) and `payload` (the answer as UTF-8 JSON) into `target` at `at`; returns its length. */
export function putRecord(target: Buffer, at: number, key: Buffer, payload: Buffer): number {
  const length = RECORD_HEADER_BYTES + payload.length;
  target.writeUInt32LE(payload.length, at);
  key.copy(target, at + RECORD_KEY_AT, 0, KEY_BYTES);
  payload.copy(target, at + RECORD_HEADER_BYTES);
  target.writeUInt32LE(crc32(target, at + RECORD_KEY_AT, at + length), at + 4);
  return length;
}

/** Writes the index entry of a record (its key is `source[keyAt..keyAt+32]`) into `target` at `at`. */
export function putIndexEntry(target: Buffer, at: number, source: Buffer, keyAt: number, offset: number, length: number): void {
  source.copy(target, at, keyAt, keyAt + KEY_BYTES);
  target.writeUInt32LE(offset, at + 32);
  target.writeUInt32LE(length, at + 36);
  target.writeUInt32LE(crc32(target, at, at + 40), at + 40);
}

/** The payload of a whole record read back, or why it is not one: its frame or checksum does not hold, or it is another key's. */
export function decodeRecord(record: Buffer, key: Buffer): { payload: Buffer } | { problem: 'damaged' | 'other-key' } {
  if (record.length < RECORD_HEADER_BYTES || record.readUInt32LE(0) !== record.length - RECORD_HEADER_BYTES || record.readUInt32LE(4) !== crc32(record, RECORD_KEY_AT, record.length)) {
    return { problem: 'damaged' };
  }
  if (!key.equals(record.subarray(RECORD_KEY_AT, RECORD_HEADER_BYTES))) return { problem: 'other-key' };
  return { payload: record.subarray(RECORD_HEADER_BYTES) };
}

/** Told of each record or index entry found: where its key is in the bytes scanned, where the record is in the pack. */
export type Visit = (keyAt: number, offset: number, length: number) => void;

/**
 * Visits the complete, intact records in `bytes` (pack content from file offset `base`), in order,
 * up to the first that is cut short or damaged; returns the file offset after the last one
 * visited. A reader may be looking at a record another process is still writing: stopping there,
 * not skipping past it, is what keeps every later read correct. (Visitors rather than arrays: an
 * index of a million entries is read without a million objects.)
 */
export function scanRecords(bytes: Buffer, base: number, visit: Visit): number {
  let at = 0;
  while (at + RECORD_HEADER_BYTES <= bytes.length) {
    const payloadLength = bytes.readUInt32LE(at);
    const length = RECORD_HEADER_BYTES + payloadLength;
    if (payloadLength > MAX_PAYLOAD_BYTES || at + length > bytes.length) break;
    if (bytes.readUInt32LE(at + 4) !== crc32(bytes, at + RECORD_KEY_AT, at + length)) break;
    visit(at + RECORD_KEY_AT, base + at, length);
    at += length;
  }
  return base + at;
}

/**
 * Visits the index entries in `bytes` (index content from an entry boundary on) up to the first
 * damaged one (`damaged`); `consumed` counts the bytes of whole entries read (a partial last entry
 * is being written, or was cut short by a kill).
 */
export function scanIndexEntries(bytes: Buffer, visit: Visit): { consumed: number; damaged: boolean } {
  let at = 0;
  for (; at + INDEX_ENTRY_BYTES <= bytes.length; at += INDEX_ENTRY_BYTES) {
    if (bytes.readUInt32LE(at + 40) !== crc32(bytes, at, at + 40)) return { consumed: at, damaged: true };
    visit(at, bytes.readUInt32LE(at + 32), bytes.readUInt32LE(at + 36));
  }
  return { consumed: at, damaged: false };
}

export function hasMagic(bytes: Buffer, magic: Buffer): boolean {
  return bytes.length >= HEADER_BYTES && magic.equals(bytes.subarray(0, HEADER_BYTES));
}

// CRC-32 (IEEE 802.3, as zlib and PNG compute it). zlib.crc32 is native and about ten times
// faster, but exists only from Node 20.15, and the engine range starts at 20.0: older Nodes use
// the table below (slicing by 8: 8 bytes a step; about 2 µs for a typical answer of a kilobyte).
const CRC_TABLES = (() => {
  const t = new Int32Array(256 * 8);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) {
      const previous = t[(k - 1) * 256 + n] as number;
      t[k * 256 + n] = (previous >>> 8) ^ (t[previous & 0xff] as number);
    }
  }
  return t;
})();

/** CRC-32 of bytes[start..end) in plain JavaScript (exported to be tested against zlib's). */
export function crc32Table(bytes: Uint8Array, start: number, end: number): number {
  const t = CRC_TABLES;
  let c = -1;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const a = c ^ ((bytes[i] as number) | ((bytes[i + 1] as number) << 8) | ((bytes[i + 2] as number) << 16) | ((bytes[i + 3] as number) << 24));
    c =
      (t[7 * 256 + (a & 0xff)] as number) ^ (t[6 * 256 + ((a >>> 8) & 0xff)] as number) ^ (t[5 * 256 + ((a >>> 16) & 0xff)] as number) ^ (t[4 * 256 + (a >>> 24)] as number) ^
      (t[3 * 256 + (bytes[i + 4] as number)] as number) ^ (t[2 * 256 + (bytes[i + 5] as number)] as number) ^ (t[256 + (bytes[i + 6] as number)] as number) ^ (t[bytes[i + 7] as number] as number);
  }
  for (; i < end; i++) c = (t[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

// Typed as always there; absent before Node 20.15.
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

export function crc32(bytes: Buffer, start: number, end: number): number {
  return nativeCrc32 ? nativeCrc32(bytes.subarray(start, end)) : crc32Table(bytes, start, end);
}
