// The prefix cache's hash -> block map as an open-addressing table over a typed array. A JS Map
// keyed by 53-bit hashes (heap numbers, not small ints) cost about 0.5 us per insert or delete,
// a fifth of a whole simulation's time; this table does the same work with no allocation.
//
// Linear probing with backward-shift deletion. Duplicate hashes (vLLM allows several physical
// blocks with one hash) are separate entries; probing visits them in insertion order, and
// backward-shift deletion preserves that order, so `first` returns the earliest inserted one still
// present, as vLLM's dict-of-blocks does.
//
// Layout (issue 9): a slot is two adjacent float64s, the hash and its block id, so a probe reads
// one cache line, not one in a key array and another in a value array; the table is far larger
// than the CPU caches and every access lands somewhere random. The table has at least 4 slots per
// entry: at that load almost every probe ends at its first slot, so the probe loops' branches are
// predictable (at load 1/2, mispredicted branches cost more than the memory accesses).

/** Key of an empty slot; block hashes are non-negative. */
const EMPTY = -1;
/** Slots per entry at full occupancy, at least (a power of two). */
const SLOTS_PER_ENTRY = 4;

export class BlockHashTable {
  /** Slot i is (slots[2i], slots[2i+1]) = (hash or EMPTY, block id). */
  private slots: Float64Array;
  private mask: number;
  private count = 0;
  private distinct = 0;

  /** Sized for `maxEntries` (the number of blocks) at a load factor of at most 1/SLOTS_PER_ENTRY. */
  constructor(maxEntries: number) {
    let capacity = 16;
    while (capacity < maxEntries * SLOTS_PER_ENTRY) capacity *= 2;
    this.slots = BlockHashTable.emptySlots(capacity);
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
    // ToUint32 keeps the low 32 bits (one truncating conversion), which block-hash.ts fills from its
    // well-mixed second lane.
    return (hash >>> 0) & this.mask;
  }

  /**
   * The key in `hash`'s home slot. Reading it brings the slot into the CPU cache; callers about to
   * insert or remove many hashes read all their slots first, so that the cache misses overlap.
   */
  warmSlot(hash: number): number {
    return this.slots[2 * this.home(hash)]!;
  }

  /** The earliest-inserted block registered under `hash`, or -1. */
  first(hash: number): number {
    const slots = this.slots;
    for (let i = this.home(hash); ; i = (i + 1) & this.mask) {
      const key = slots[2 * i]!;
      if (key === EMPTY) return -1;
      if (key === hash) return slots[2 * i + 1]!;
    }
  }

  insert(hash: number, block: number): void {
    if ((this.count + 1) * SLOTS_PER_ENTRY > this.mask + 1) this.grow();
    const slots = this.slots;
    // One probe does both jobs: every entry of `hash` lies between its home and the first empty
    // slot, which is where the new entry goes, so the walk also tells whether the hash is new.
    let known = false;
    let i = this.home(hash);
    for (let key = slots[2 * i]!; key !== EMPTY; key = slots[2 * i]!) {
      if (key === hash) known = true;
      i = (i + 1) & this.mask;
    }
    if (!known) this.distinct++;
    slots[2 * i] = hash;
    slots[2 * i + 1] = block;
    this.count++;
  }

  /** Removes the entry (hash, block); false if there is none. */
  remove(hash: number, block: number): boolean {
    const slots = this.slots;
    const mask = this.mask;
    // Other entries of `hash` (duplicates) are in the same cluster, before or after this one; both
    // walks below see them, so no second probe is needed to maintain `distinct`.
    let duplicate = false;
    let i = this.home(hash);
    for (; ; i = (i + 1) & mask) {
      const key = slots[2 * i]!;
      if (key === EMPTY) return false;
      if (key === hash) {
        if (slots[2 * i + 1] === block) break;
        duplicate = true;
      }
    }
    // Backward shift: move later entries of the cluster into the hole when their home allows.
    let hole = i;
    for (let j = (i + 1) & mask; slots[2 * j] !== EMPTY; j = (j + 1) & mask) {
      const key = slots[2 * j]!;
      if (key === hash) duplicate = true;
      const home = this.home(key);
      const fits = hole <= j ? home <= hole || home > j : home <= hole && home > j;
      if (fits) {
        slots[2 * hole] = key;
        slots[2 * hole + 1] = slots[2 * j + 1]!;
        hole = j;
      }
    }
    slots[2 * hole] = EMPTY;
    this.count--;
    if (!duplicate) this.distinct--;
    return true;
  }

  clear(): void {
    this.slots.fill(EMPTY);
    this.count = 0;
    this.distinct = 0;
  }

  /** Every (hash, block) entry; order unspecified. */
  forEach(visit: (hash: number, block: number) => void): void {
    const slots = this.slots;
    for (let i = 0; i < slots.length; i += 2) if (slots[i] !== EMPTY) visit(slots[i]!, slots[i + 1]!);
  }

  private static emptySlots(capacity: number): Float64Array {
    return new Float64Array(2 * capacity).fill(EMPTY);
  }

  private grow(): void {
    const old = this.slots;
    const oldCapacity = old.length / 2;
    this.slots = BlockHashTable.emptySlots(oldCapacity * 2);
    this.mask = oldCapacity * 2 - 1;
    this.count = 0;
    this.distinct = 0;
    // Re-inserting in slot order would scramble duplicate order; re-insert clusters in probe order
    // starting from an empty slot, so each key's duplicates keep their relative order.
    let start = 0;
    while (old[2 * start] !== EMPTY) start++;
    for (let k = 1; k <= oldCapacity; k++) {
      const i = (start + k) % oldCapacity;
      if (old[2 * i] !== EMPTY) this.insert(old[2 * i]!, old[2 * i + 1]!);
    }
  }
}
