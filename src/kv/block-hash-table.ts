// The prefix cache's hash -> block map as an open-addressing table over typed arrays. A JS Map
// keyed by 53-bit hashes (heap numbers, not small ints) cost about 0.5 us per insert or delete,
// a fifth of a whole simulation's time; this table does the same work with no allocation.
//
// Linear probing with backward-shift deletion. Duplicate hashes (vLLM allows several physical
// blocks with one hash) are separate entries; probing visits them in insertion order, and
// backward-shift deletion preserves that order, so `first` returns the earliest inserted one still
// present, as vLLM's dict-of-blocks does.

const EMPTY = -1;

export class BlockHashTable {
  private keys: Float64Array;
  private values: Int32Array;
  private mask: number;
  private count = 0;
  private distinct = 0;

  /** Sized for `maxEntries` (the number of blocks) at a load factor of at most 1/2. */
  constructor(maxEntries: number) {
    let capacity = 16;
    while (capacity < maxEntries * 2) capacity *= 2;
    this.keys = new Float64Array(capacity).fill(EMPTY);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  /** Number of (hash, block) entries. */
  get size(): number {
    return this.count;
  }

  /** Number of distinct hashes. */
  get distinctHashes(): number {
    return this.distinct;
  }

  private home(hash: number): number {
    // ToUint32 keeps the low 32 bits, which block-hash.ts fills from its well-mixed second lane.
    return (hash >>> 0) & this.mask;
  }

  /** The earliest-inserted block registered under `hash`, or -1. */
  first(hash: number): number {
    const keys = this.keys;
    for (let i = this.home(hash); ; i = (i + 1) & this.mask) {
      const key = keys[i]!;
      if (key === EMPTY) return -1;
      if (key === hash) return this.values[i]!;
    }
  }

  insert(hash: number, block: number): void {
    if ((this.count + 1) * 2 > this.keys.length) this.grow();
    const keys = this.keys;
    // One probe does both jobs: every entry of `hash` lies between its home and the first empty
    // slot, which is where the new entry goes, so the walk also tells whether the hash is new.
    let known = false;
    let i = this.home(hash);
    for (let key = keys[i]!; key !== EMPTY; key = keys[i]!) {
      if (key === hash) known = true;
      i = (i + 1) & this.mask;
    }
    if (!known) this.distinct++;
    keys[i] = hash;
    this.values[i] = block;
    this.count++;
  }

  /** Removes the entry (hash, block); false if there is none. */
  remove(hash: number, block: number): boolean {
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    // Other entries of `hash` (duplicates) are in the same cluster, before or after this one; both
    // walks below see them, so no second probe is needed to maintain `distinct`.
    let duplicate = false;
    let i = this.home(hash);
    for (; ; i = (i + 1) & mask) {
      const key = keys[i]!;
      if (key === EMPTY) return false;
      if (key === hash) {
        if (values[i] === block) break;
        duplicate = true;
      }
    }
    // Backward shift: move later entries of the cluster into the hole when their home allows.
    let hole = i;
    for (let j = (i + 1) & mask; keys[j] !== EMPTY; j = (j + 1) & mask) {
      const key = keys[j]!;
      if (key === hash) duplicate = true;
      const home = this.home(key);
      const fits = hole <= j ? home <= hole || home > j : home <= hole && home > j;
      if (fits) {
        keys[hole] = key;
        values[hole] = values[j]!;
        hole = j;
      }
    }
    keys[hole] = EMPTY;
    this.count--;
    if (!duplicate) this.distinct--;
    return true;
  }

  clear(): void {
    this.keys.fill(EMPTY);
    this.count = 0;
    this.distinct = 0;
  }

  /** Every (hash, block) entry; order unspecified. */
  forEach(visit: (hash: number, block: number) => void): void {
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] !== EMPTY) visit(this.keys[i]!, this.values[i]!);
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    this.keys = new Float64Array(oldKeys.length * 2).fill(EMPTY);
    this.values = new Int32Array(oldKeys.length * 2);
    this.mask = this.keys.length - 1;
    this.count = 0;
    this.distinct = 0;
    // Re-inserting in slot order would scramble duplicate order; re-insert clusters in probe order
    // starting from an empty slot, so each key's duplicates keep their relative order.
    let start = 0;
    while (oldKeys[start] !== EMPTY) start++;
    for (let k = 1; k <= oldKeys.length; k++) {
      const i = (start + k) % oldKeys.length;
      if (oldKeys[i] !== EMPTY) this.insert(oldKeys[i]!, oldValues[i]!);
    }
  }
}
