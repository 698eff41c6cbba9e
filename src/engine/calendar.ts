// The event calendar: a binary min-heap of events ordered by (time, priority, sequence number).
// Equal-time events run in the order of their named priority, and equal (time, priority) events in
// the order they were scheduled, so a run never depends on heap internals. Knows nothing of LLMs.

export interface CalendarEntry<T> {
  readonly timeNs: number;
  readonly priority: number;
  readonly seq: number;
  readonly payload: T;
}

function before<T>(a: CalendarEntry<T>, b: CalendarEntry<T>): boolean {
  if (a.timeNs !== b.timeNs) return a.timeNs < b.timeNs;
  if (a.priority !== b.priority) return a.priority < b.priority;
  return a.seq < b.seq;
}

export class EventCalendar<T> {
  private readonly heap: CalendarEntry<T>[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  schedule(timeNs: number, priority: number, payload: T): void {
    if (!Number.isSafeInteger(timeNs) || timeNs < 0) {
      throw new Error(`internal: event time must be a non-negative integer of ns, got ${timeNs}`);
    }
    const heap = this.heap;
    const entry: CalendarEntry<T> = { timeNs, priority, seq: this.nextSeq++, payload };
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (!before(entry, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
  }

  /**
   * Whether an event scheduled now at (timeNs, priority) would be the next to run: nothing pending
   * comes before it. A caller may then run it at once instead of scheduling it, with the same
   * outcome (EngineCore does, for the events that follow every step).
   */
  nextWouldBe(timeNs: number, priority: number): boolean {
    const top = this.heap[0];
    return top === undefined || top.timeNs > timeNs || (top.timeNs === timeNs && top.priority > priority);
  }

  peek(): CalendarEntry<T> | undefined {
    return this.heap[0];
  }

  pop(): CalendarEntry<T> | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop()!;
    const n = heap.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const child = r < n && before(heap[r]!, heap[l]!) ? r : l;
        if (!before(heap[child]!, last)) break;
        heap[i] = heap[child]!;
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }
}
