// One owner for what the extension must release — registrations, panels, trees, watchers, event
// emitters and listeners — as VS Code's own DisposableStore (src/vs/base/common/lifecycle.ts): an
// object owns a store, adds what it creates, and disposing the store releases all of it, so nothing
// depends on remembering each piece. Pure: a vscode.Disposable is any object with dispose().

export interface Disposable {
  dispose(): unknown;
}

export class DisposableStore implements Disposable {
  private readonly items = new Set<Disposable>();
  private disposed = false;

  /**
   * Owns `item` until the store is cleared or disposed. Added to a disposed store, `item` is disposed at
   * once: its owner is gone, so keeping it would leak it.
   */
  add<T extends Disposable>(item: T): T {
    if (this.disposed) void item.dispose();
    else this.items.add(item);
    return item;
  }

  /** Forgets `item` without disposing it: it was disposed elsewhere (e.g. the user closed the panel). */
  release(item: Disposable): void {
    this.items.delete(item);
  }

  /** Disposes everything held, in the order it was added; the store stays usable. */
  clear(): void {
    const items = [...this.items];
    this.items.clear();
    const errors: unknown[] = [];
    for (const item of items) {
      // One failing dispose must not keep the rest alive.
      try {
        void item.dispose();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} disposables failed to dispose`);
  }

  /** Disposes everything held, and everything added later. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.clear();
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** How many items it holds. */
  get size(): number {
    return this.items.size;
  }
}
