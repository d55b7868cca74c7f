// A FIFO queue as a doubly linked list, so that enqueueing at either end, taking the head and
// dropping a node from the middle (a cancelled waiter) are all O(1): limiters queue tens of
// thousands of model calls. Each node knows its queue, so it can be dropped after it was moved.

export interface QueueNode<T> {
  readonly value: T;
  prev: QueueNode<T> | undefined;
  next: QueueNode<T> | undefined;
  /** The queue the node is in; undefined once it left. */
  queue: LinkedQueue<T> | undefined;
}

export class LinkedQueue<T> {
  private head: QueueNode<T> | undefined;
  private tail: QueueNode<T> | undefined;
  private count = 0;

  get size(): number {
    return this.count;
  }

  pushBack(value: T): QueueNode<T> {
    const node: QueueNode<T> = { value, prev: this.tail, next: undefined, queue: this };
    if (this.tail) this.tail.next = node;
    else this.head = node;
    this.tail = node;
    this.count++;
    return node;
  }

  pushFront(value: T): QueueNode<T> {
    const node: QueueNode<T> = { value, prev: undefined, next: this.head, queue: this };
    if (this.head) this.head.prev = node;
    else this.tail = node;
    this.head = node;
    this.count++;
    return node;
  }

  /** Removes and returns the head's value. */
  shift(): T | undefined {
    const node = this.head;
    if (!node) return undefined;
    this.remove(node);
    return node.value;
  }

  /** Drops a node of this queue; a node that is not in it is left alone. */
  remove(node: QueueNode<T>): void {
    if (node.queue !== this) return;
    if (node.prev) node.prev.next = node.next;
    else this.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.tail = node.prev;
    node.prev = undefined;
    node.next = undefined;
    node.queue = undefined;
    this.count--;
  }

  /** Moves every node of `other` in front of this queue's nodes, keeping their order. */
  takeFront(other: LinkedQueue<T>): void {
    if (other === this || !other.head || !other.tail) return;
    for (let node: QueueNode<T> | undefined = other.head; node; node = node.next) node.queue = this;
    other.tail.next = this.head;
    if (this.head) this.head.prev = other.tail;
    else this.tail = other.tail;
    this.head = other.head;
    this.count += other.count;
    other.head = undefined;
    other.tail = undefined;
    other.count = 0;
  }
}
