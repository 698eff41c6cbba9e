// A first-in first-out queue over one array that it never gives back: the frontend's steady
// stretches waiting for their last step's delivery (frontend.ts). Items are taken from the head
// while a test holds; when the queue is empty, which is most deliveries, both ends go back to 0
// and the slots are reused. Emptying the array instead gave up its storage, to be allocated again
// at the next push, and a splice now and then was a branch so rarely taken that, when it first
// was, it undid the optimized code of the frontend's busiest method (issue 9).

export class PendingQueue<T> {
  private readonly items: (T | undefined)[] = [];
  private head = 0;
  private end = 0;

  /**
   * `compactAfter`: when this many taken slots sit before items still pending (the queue is never
   * empty for that long), the pending ones move to the front.
   */
  constructor(private readonly compactAfter = 4096) {}

  get length(): number {
    return this.end - this.head;
  }

  push(item: T): void {
    if (this.end === this.items.length) this.items.push(item);
    else this.items[this.end] = item;
    this.end++;
  }

  /** The head item, or undefined when the queue is empty. */
  peek(): T | undefined {
    return this.head < this.end ? this.items[this.head] : undefined;
  }

  /** Remove and return the head item (the queue must not be empty). */
  shift(): T {
    if (this.head === this.end) throw new Error('internal: PendingQueue.shift on an empty queue');
    const item = this.items[this.head]!;
    this.items[this.head++] = undefined; // let go of it
    if (this.head === this.end) {
      this.head = 0;
      this.end = 0;
    } else if (this.head >= this.compactAfter) {
      const pending = this.end - this.head;
      this.items.copyWithin(0, this.head, this.end);
      this.items.fill(undefined, pending, this.end);
      this.head = 0;
      this.end = pending;
    }
    return item;
  }

  /** The pending items, head first. */
  at(k: number): T {
    if (k < 0 || k >= this.end - this.head) throw new Error(`internal: PendingQueue has no item ${k}`);
    return this.items[this.head + k]!;
  }
}
