// A map from small non-negative integer keys (request indexes) to objects, for the tables of live
// requests that see one insert and one delete per request (Frontend.live, Scheduler.requests, the
// trace recorder's open spans).
//
// Why not a Map: V8's Map rehashes into a new table every few dozen inserts when entries come and
// go, and the table it leaves behind keeps a pointer to its successor (for live iterators) and its
// old entries. Once such a table has been promoted to the old generation, the young-generation
// collector treats it as a root even after it died: it keeps the next table alive, which is
// promoted in turn, and with it every request the tables held. In `simtrace run` of the 50k anchor
// (not in every process: it takes one such table promoted to start) that carried every request
// through two scavenges into the old space, ~1.8 MB per scavenge, until a full collection
// (issue 9). This table is one pair of arrays for the whole run: a delete clears its slot, so
// nothing dead points at a request.
//
// Open addressing with linear probing and backward-shift deletion (no tombstones, so lookups stay
// short after millions of deletes); the capacity doubles when the table is half full. A key's home
// slot is a Fibonacci hash of it, not key & mask: live request indexes are one consecutive window,
// which key & mask lays out as one run of occupied slots, and a delete's backward shift scans to
// the end of its run, so each delete cost as many steps as there were live requests (34 us each
// with 10,000 waiting). Scattered, runs stay a few slots long.

const EMPTY = -1;
/** 2^32 / golden ratio: multiplying by it scatters consecutive keys over the high bits. */
const FIBONACCI = 0x9e3779b1;

export class IndexMap<T> {
  private slotKeys: Int32Array;
  private slotValues: (T | undefined)[];
  private mask: number;
  /** 32 - log2(capacity): a home slot is the top log2(capacity) bits of the key's hash. */
  private shift: number;
  private count = 0;

  constructor(initialCapacity = 64) {
    let capacity = 8;
    while (capacity < initialCapacity) capacity *= 2;
    this.slotKeys = new Int32Array(capacity).fill(EMPTY);
    this.slotValues = new Array<T | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
  }

  /** The key's home slot. */
  private home(key: number): number {
    return Math.imul(key, FIBONACCI) >>> this.shift;
  }

  get size(): number {
    return this.count;
  }

  get(key: number): T | undefined {
    const keys = this.slotKeys;
    const mask = this.mask;
    for (let slot = this.home(key); ; slot = (slot + 1) & mask) {
      const found = keys[slot]!;
      if (found === key) return this.slotValues[slot];
      if (found === EMPTY) return undefined;
    }
  }

  has(key: number): boolean {
    return this.get(key) !== undefined;
  }

  /** Sets the value of `key` (a non-negative 32-bit integer); `value` must not be undefined. */
  set(key: number, value: T): void {
    if (!(key >= 0 && key <= 0x7fffffff && Number.isInteger(key))) throw new Error(`internal: IndexMap key ${key} is not a non-negative 32-bit integer`);
    if (value === undefined) throw new Error('internal: IndexMap values must not be undefined');
    if (2 * (this.count + 1) > this.slotKeys.length) this.grow();
    const keys = this.slotKeys;
    const mask = this.mask;
    let slot = this.home(key);
    for (; keys[slot] !== EMPTY; slot = (slot + 1) & mask) {
      if (keys[slot] === key) {
        this.slotValues[slot] = value;
        return;
      }
    }
    keys[slot] = key;
    this.slotValues[slot] = value;
    this.count++;
  }

  /** Removes `key`; returns whether it was there. */
  delete(key: number): boolean {
    const keys = this.slotKeys;
    const values = this.slotValues;
    const mask = this.mask;
    let slot = this.home(key);
    for (; keys[slot] !== key; slot = (slot + 1) & mask) {
      if (keys[slot] === EMPTY) return false;
    }
    // Backward shift: move later entries of the probe run into the hole when their home slot does
    // not lie (cyclically) after the hole, up to them, so every key stays reachable from its home:
    // when the entry is at least as far from its home as from the hole. One comparison of two
    // distances taken modulo the capacity, where a test of the three slots' order would branch on
    // whether the run wraps around the table's end: that case is rare, so the optimized code of
    // the callers (a request's finish) was undone when it first came, and compiled again (issue 9).
    let hole = slot;
    for (let next = (hole + 1) & mask; keys[next] !== EMPTY; next = (next + 1) & mask) {
      const fromHome = (next - this.home(keys[next]!)) & mask;
      const fromHole = (next - hole) & mask;
      if (fromHome >= fromHole) {
        keys[hole] = keys[next]!;
        values[hole] = values[next];
        hole = next;
      }
    }
    keys[hole] = EMPTY;
    values[hole] = undefined;
    this.count--;
    return true;
  }

  /** The values, in no particular order (slot order, not insertion order). */
  *values(): IterableIterator<T> {
    for (let slot = 0; slot < this.slotKeys.length; slot++) {
      if (this.slotKeys[slot] !== EMPTY) yield this.slotValues[slot]!;
    }
  }

  private grow(): void {
    const oldKeys = this.slotKeys;
    const oldValues = this.slotValues;
    const capacity = 2 * oldKeys.length;
    this.slotKeys = new Int32Array(capacity).fill(EMPTY);
    this.slotValues = new Array<T | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
    this.count = 0;
    for (let slot = 0; slot < oldKeys.length; slot++) {
      const key = oldKeys[slot]!;
      if (key !== EMPTY) this.set(key, oldValues[slot]!);
    }
  }
}
