// The stored samples' own fields as typed columns, one slot per sample (the slots of ScoreSlots): at
// 10^6 samples an object per row cost the first paint seconds of allocation and the page hundreds of
// MB, while columns are a few bytes a row. Task ids and answers are interned: a row holds numbers.

import { Numbering } from '../../src/core/util/numbering';

const INITIAL_CAPACITY = 1024;

/** A row's verdict in `verdict` when the task has no gold answer: the protocol's own code, so a table's verdicts copy as they come. */
export { VERDICT_NONE } from '../../src/protocol/panelProtocol';

export class RowTable {
  private capacity = INITIAL_CAPACITY;
  private used = 0;
  /** Task number of each slot (into taskIds). */
  task = new Int32Array(INITIAL_CAPACITY);
  /** Sample index of each slot. */
  index = new Int32Array(INITIAL_CAPACITY);
  /** 1 correct, 0 wrong, VERDICT_NONE without a gold answer. */
  verdict = new Int8Array(INITIAL_CAPACITY);
  /** Answer number (into answers) of the extracted and the normalized answer, −1 for none. */
  extracted = new Int32Array(INITIAL_CAPACITY);
  normalized = new Int32Array(INITIAL_CAPACITY);
  /** Task ids by task number, in order of first appearance (a task is numbered with its first sample). */
  private readonly tasks = new Numbering();
  private readonly answerTexts = new Numbering();
  /** Task number -> its slots in ascending sample index. */
  private readonly slotsByTask: number[][] = [];

  /** Slots in use. */
  get size(): number {
    return this.used;
  }

  /** Task ids by task number. */
  get taskIds(): readonly string[] {
    return this.tasks.texts;
  }

  /** Answer texts by answer number. */
  get answers(): readonly string[] {
    return this.answerTexts.texts;
  }

  /** The number of a task id, numbering it when new. */
  taskNumber(id: string): number {
    const t = this.tasks.of(id);
    if (t === this.slotsByTask.length) this.slotsByTask.push([]);
    return t;
  }

  /** The number of an answer text, numbering it when new; −1 for null. */
  answerNumber(text: string | null): number {
    return text === null ? -1 : this.answerTexts.of(text);
  }

  answer(at: number): string | null {
    return at < 0 ? null : (this.answerTexts.texts[at] as string);
  }

  /** Makes room for `count` more slots at once (a snapshot's batch), instead of growing by doubling as they come. */
  reserve(count: number): void {
    if (this.used + count <= this.capacity) return;
    while (this.used + count > this.capacity) this.capacity *= 2;
    const grow = <A extends Int32Array | Int8Array>(column: A, make: (n: number) => A): A => {
      const grown = make(this.capacity);
      grown.set(column);
      return grown;
    };
    this.task = grow(this.task, (n) => new Int32Array(n));
    this.index = grow(this.index, (n) => new Int32Array(n));
    this.verdict = grow(this.verdict, (n) => new Int8Array(n));
    this.extracted = grow(this.extracted, (n) => new Int32Array(n));
    this.normalized = grow(this.normalized, (n) => new Int32Array(n));
  }

  /**
   * The slot of sample `index` of task number `task`: its own when the table has it (`replaced`),
   * else a new one placed in the task's index order. O(1) for a sample arriving in index order (a
   * snapshot), else O(log n) plus the insertion. The caller sets the row's fields.
   */
  place(task: number, index: number): { slot: number; replaced: boolean } {
    const slots = this.slotsByTask[task] as number[];
    const last = slots[slots.length - 1];
    if (last === undefined || (this.index[last] as number) < index) return { slot: this.append(slots, slots.length, task, index), replaced: false };
    const at = this.lowerBound(slots, index);
    const found = slots[at];
    if (found !== undefined && this.index[found] === index) return { slot: found, replaced: true };
    return { slot: this.append(slots, at, task, index), replaced: false };
  }

  /** The slot of a sample, or −1. */
  find(taskId: string, index: number): number {
    const t = this.tasks.find(taskId);
    if (t === undefined) return -1;
    const slots = this.slotsByTask[t] as number[];
    const found = slots[this.lowerBound(slots, index)];
    return found !== undefined && this.index[found] === index ? found : -1;
  }

  /** A task's slots in ascending sample index (none for a task without samples). */
  slotsOf(taskId: string): readonly number[] {
    const t = this.tasks.find(taskId);
    return t === undefined ? [] : (this.slotsByTask[t] as number[]);
  }

  private append(slots: number[], at: number, task: number, index: number): number {
    this.reserve(1);
    const slot = this.used++;
    this.task[slot] = task;
    this.index[slot] = index;
    if (at === slots.length) slots.push(slot);
    else slots.splice(at, 0, slot);
    return slot;
  }

  /** First position in `slots` whose sample index is ≥ `index`. */
  private lowerBound(slots: readonly number[], index: number): number {
    let lo = 0;
    let hi = slots.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.index[slots[mid] as number] as number) < index) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
