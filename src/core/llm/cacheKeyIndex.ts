// Where each cached key's record is, for millions of keys at 27–53 bytes each (20 bytes a slot, the
// table between 3/8 and 3/4 full): an open-addressing hash table over typed arrays (a Map of hex
// strings costs about 150 bytes a key, and a million-sample run stores over a million answers).
//
// Keys are sha256 digests, so their first 8 bytes are uniformly random: they are the table's
// fingerprint. Two keys sharing them (with n keys, about n²/2^65: 1 in 10^7 at two million) only
// make one of them a miss, because every read checks the whole key stored with the record.

export interface Location {
  /** The pack's number in the owner's pack table. */
  pack: number;
  offset: number;
  length: number;
}

const EMPTY = -1;
const MIN_CAPACITY = 1024;
/** Linear probing stays short up to this load (about 8 probes for a miss at 3/4); the table doubles past it. */
const MAX_LOAD = 0.75;

export class KeyIndex {
  private hi = new Uint32Array(MIN_CAPACITY);
  private lo = new Uint32Array(MIN_CAPACITY);
  private packs = new Int32Array(MIN_CAPACITY).fill(EMPTY);
  private offsets = new Uint32Array(MIN_CAPACITY);
  private lengths = new Uint32Array(MIN_CAPACITY);
  private used = 0;

  /** `isLive(pack)`: false once a pack is gone; its entries are dropped when the table grows. */
  constructor(private readonly isLive: (pack: number) => boolean) {}

  /** Where `key` (32 bytes) was last put, if its pack is live. */
  find(key: Buffer): Location | undefined {
    const slot = this.slotOf(key.readUInt32LE(0), key.readUInt32LE(4));
    const pack = this.packs[slot] as number;
    if (pack === EMPTY || !this.isLive(pack)) return undefined;
    return { pack, offset: this.offsets[slot] as number, length: this.lengths[slot] as number };
  }

  /** Records where the key `bytes[keyAt..keyAt+32]` is now (a later put of the same key wins). */
  put(bytes: Buffer, keyAt: number, at: Location): void {
    if (this.used + 1 > MAX_LOAD * this.packs.length) this.rebuild();
    const hi = bytes.readUInt32LE(keyAt);
    const lo = bytes.readUInt32LE(keyAt + 4);
    const slot = this.slotOf(hi, lo);
    if (this.packs[slot] === EMPTY) this.used++;
    this.hi[slot] = hi;
    this.lo[slot] = lo;
    this.packs[slot] = at.pack;
    this.offsets[slot] = at.offset;
    this.lengths[slot] = at.length;
  }

  /** Keys whose pack is live. */
  count(): number {
    let n = 0;
    for (const pack of this.packs) if (pack !== EMPTY && this.isLive(pack)) n++;
    return n;
  }

  /** The slot holding this fingerprint, else the empty slot where it goes (linear probing; the table always has empty slots). */
  private slotOf(hi: number, lo: number): number {
    const mask = this.packs.length - 1;
    let slot = lo & mask;
    while (this.packs[slot] !== EMPTY && (this.hi[slot] !== hi || this.lo[slot] !== lo)) slot = (slot + 1) & mask;
    return slot;
  }

  /** Re-inserts the live entries into a table at most 3/8 full (never smaller than MIN_CAPACITY): entries of removed packs go. */
  private rebuild(): void {
    const old = { hi: this.hi, lo: this.lo, packs: this.packs, offsets: this.offsets, lengths: this.lengths };
    let live = 0;
    for (const pack of old.packs) if (pack !== EMPTY && this.isLive(pack)) live++;
    let capacity = MIN_CAPACITY;
    while (MAX_LOAD * capacity < 2 * (live + 1)) capacity *= 2;
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity);
    this.packs = new Int32Array(capacity).fill(EMPTY);
    this.offsets = new Uint32Array(capacity);
    this.lengths = new Uint32Array(capacity);
    this.used = 0;
    for (let i = 0; i < old.packs.length; i++) {
      const pack = old.packs[i] as number;
      if (pack === EMPTY || !this.isLive(pack)) continue;
      const slot = this.slotOf(old.hi[i] as number, old.lo[i] as number);
      this.hi[slot] = old.hi[i] as number;
      this.lo[slot] = old.lo[i] as number;
      this.packs[slot] = pack;
      this.offsets[slot] = old.offsets[i] as number;
      this.lengths[slot] = old.lengths[i] as number;
      this.used++;
    }
  }
}
