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
// through two scavenges into the old space, ~1.8 MB per scavenge, until a full collection (issue 9). This table is one pair of arrays for the whole run: a delete clears its
// slot, so nothing dead points at a request.
//
// Open addressing with linear probing on key & mask (request indexes are dense and consecutive,
// so they rarely collide) and backward-shift deletion (no tombstones, so lookups stay short after
// millions of deletes). The capacity doubles when the table is half full.

const EMPTY = -1;

export class IndexMap<T> {
  private slotKeys: Int32Array;
  private slotValues: (T | undefined)[];
  private mask: number;
  private count = 0;

  constructor(initialCapacity = 64) {
    let capacity = 8;
    while (capacity < initialCapacity) capacity *= 2;
    this.slotKeys = new Int32Array(capacity).fill(EMPTY);
    this.slotValues = new Array<T | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count;
  }

  get(key: number): T | undefined {
    const keys = this.slotKeys;
    const mask = this.mask;
    for (let slot = key & mask; ; slot = (slot + 1) & mask) {
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
    let slot = key & mask;
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
    let slot = key & mask;
    for (; keys[slot] !== key; slot = (slot + 1) & mask) {
      if (keys[slot] === EMPTY) return false;
    }
    // Backward shift: move later entries of the probe run into the hole when their home slot does
    // not lie (cyclically) between the hole and them, so every key stays reachable from its home.
    let hole = slot;
    for (let next = (hole + 1) & mask; keys[next] !== EMPTY; next = (next + 1) & mask) {
      const home = keys[next]! & mask;
      const reachable = hole <= next ? home <= hole || home > next : home <= hole && home > next;
      if (reachable) {
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
    this.count = 0;
    for (let slot = 0; slot < oldKeys.length; slot++) {
      const key = oldKeys[slot]!;
      if (key !== EMPTY) this.set(key, oldValues[slot]!);
    }
  }
}
