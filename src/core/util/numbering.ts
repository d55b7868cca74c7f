// Distinct texts numbered 0, 1, 2 … in order of first appearance: columns then hold a number a row
// instead of a string, and each text is kept once.
export class Numbering {
  /** The texts by number. */
  readonly texts: string[] = [];
  private readonly numbers = new Map<string, number>();

  /** The number of `text`, numbering it when new. */
  of(text: string): number {
    let n = this.numbers.get(text);
    if (n === undefined) {
      n = this.texts.push(text) - 1;
      this.numbers.set(text, n);
    }
    return n;
  }

  /** The number of `text`, or undefined when it has none. */
  find(text: string): number | undefined {
    return this.numbers.get(text);
  }
}
