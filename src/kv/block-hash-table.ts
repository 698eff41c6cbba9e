// The prefix cache's hash -> block map as an open-addressing table over typed arrays. A JS Map
// keyed by 53-bit hashes (heap numbers, not small ints) cost about 0.5 us per insert or delete,
// a fifth of a whole simulation's time; this table does the same work with no allocation.
//
// Linear probing with backward-shift deletion. Duplicate hashes (vLLM allows several physical
// blocks with one hash) are separate entries; probing visits them in insertion order, and
// backward-shift deletion preserves that order, so `first` returns the earliest inserted one still
// present, as vLLM's dict-of-blocks does.
//
// Layout (issue 9): every block is registered under at most one hash, so the full hash can live
// beside the block instead of in the slot, and a slot is two int32s: the hash's low 32 bits (its
// "tag", which also gives the home slot) and the block id. That halves the table to 8 bytes a slot:
// at a load of at most 1/4 the table for a 26k-block pool is 1 MiB instead of 2, so more of it stays
// in the CPU's caches, and every access to it lands somewhere random. A tag match is confirmed
// against the full hash, so two hashes that share their low 32 bits stay distinct. The full hashes
// sit in the block pool's own per-block records (BlockHashStore), which the pool reads anyway when
// it evicts a block: confirming the entry then costs no cache miss of its own, where a separate
// hash-by-block array cost one per eviction. At that load almost every probe ends at its first
// slot, so the probe loops' branches are predictable. (Tombstones instead of backward shifts, to
// remove without probing, measured slower: longer probes and periodic rebuilds cost more than the
// probes they saved.) The table is sized once for every block, so it never grows.

/** Block id of an empty slot; block ids are non-negative. */
const EMPTY = -1;
/** Slots per entry at full occupancy, at least (a power of two). */
const SLOTS_PER_ENTRY = 4;

/**
 * Where the full hash of each block lives: `values[block * stride + offset]`. A registered block's
 * hash must be there while it is in the table (the table writes it on insert); the owner may
 * overwrite it only after removing the block.
 */
export interface BlockHashStore {
  readonly values: Float64Array;
  readonly stride: number;
  readonly offset: number;
}

/** The low 32 bits of a hash (an integer in [0, 2^53)), as an int32: its tag. */
function tagOf(hash: number): number {
  return hash | 0;
}

export class BlockHashTable {
  /** Slot i is (slots[2i], slots[2i+1]) = (tag, block id or EMPTY). */
  private slots: Int32Array;
  private mask: number;
  /** The full hash each registered block is registered under (see BlockHashStore). */
  private readonly hashes: Float64Array;
  private readonly stride: number;
  private readonly offset: number;
  private count = 0;
  private distinct = 0;

  /**
   * A table for blocks `0..maxEntries-1`, sized for all of them at a load factor of at most
   * 1/SLOTS_PER_ENTRY. Full hashes go to `store` when given (the block pool's records), else to
   * an array of the table's own.
   */
  constructor(
    readonly maxEntries: number,
    store?: BlockHashStore,
  ) {
    let capacity = 16;
    while (capacity < maxEntries * SLOTS_PER_ENTRY) capacity *= 2;
    this.slots = BlockHashTable.emptySlots(capacity);
    this.mask = capacity - 1;
    this.hashes = store?.values ?? new Float64Array(maxEntries);
    this.stride = store?.stride ?? 1;
    this.offset = store?.offset ?? 0;
    if (this.hashes.length < (maxEntries - 1) * this.stride + this.offset + 1) {
      throw new Error(`internal: BlockHashTable store holds ${this.hashes.length} values, too few for ${maxEntries} blocks`);
    }
  }

  /** Number of (hash, block) entries. */
  get size(): number {
    return this.count;
  }

  /** Number of distinct hashes. */
  get distinctHashes(): number {
    return this.distinct;
  }

  /**
   * The tag in `hash`'s home slot. Reading it brings the slot into the CPU cache; callers about to
   * insert or remove many hashes read all their slots first, so that the cache misses overlap.
   */
  warmSlot(hash: number): number {
    return this.slots[2 * (tagOf(hash) & this.mask)]!;
  }

  /** The earliest-inserted block registered under `hash`, or -1. */
  first(hash: number): number {
    const slots = this.slots;
    const tag = tagOf(hash);
    for (let i = tag & this.mask; ; i = (i + 1) & this.mask) {
      const block = slots[2 * i + 1]!;
      if (block === EMPTY) return -1;
      if (slots[2 * i] === tag && this.hashOf(block) === hash) return block;
    }
  }

  insert(hash: number, block: number): void {
    if (!(block >= 0 && block < this.maxEntries)) throw new Error(`internal: BlockHashTable: block ${block} out of range`);
    const slots = this.slots;
    const tag = tagOf(hash);
    // One probe does both jobs: every entry of `hash` lies between its home and the first empty
    // slot, which is where the new entry goes, so the walk also tells whether the hash is new.
    let known = false;
    let i = tag & this.mask;
    for (let other = slots[2 * i + 1]!; other !== EMPTY; other = slots[2 * i + 1]!) {
      if (slots[2 * i] === tag && this.hashOf(other) === hash) known = true;
      i = (i + 1) & this.mask;
    }
    if (!known) this.distinct++;
    slots[2 * i] = tag;
    slots[2 * i + 1] = block;
    this.hashes[block * this.stride + this.offset] = hash;
    this.count++;
  }

  /** Removes the entry (hash, block); false if there is none. */
  remove(hash: number, block: number): boolean {
    if (!(block >= 0 && block < this.maxEntries) || this.hashOf(block) !== hash) return false;
    const slots = this.slots;
    const mask = this.mask;
    const tag = tagOf(hash);
    // Other entries of `hash` (duplicates) are in the same cluster, before or after this one; both
    // walks below see them, so no second probe is needed to maintain `distinct`. A block is
    // registered at most once, so its entry is the one holding its id.
    let duplicate = false;
    let i = tag & mask;
    for (; ; i = (i + 1) & mask) {
      const other = slots[2 * i + 1]!;
      if (other === EMPTY) return false;
      if (other === block) break;
      if (slots[2 * i] === tag && this.hashOf(other) === hash) duplicate = true;
    }
    // Backward shift: move later entries of the cluster into the hole when their home allows.
    let hole = i;
    for (let j = (i + 1) & mask; slots[2 * j + 1] !== EMPTY; j = (j + 1) & mask) {
      const otherTag = slots[2 * j]!;
      const other = slots[2 * j + 1]!;
      if (otherTag === tag && this.hashOf(other) === hash) duplicate = true;
      const home = otherTag & mask;
      const fits = hole <= j ? home <= hole || home > j : home <= hole && home > j;
      if (fits) {
        slots[2 * hole] = otherTag;
        slots[2 * hole + 1] = other;
        hole = j;
      }
    }
    slots[2 * hole + 1] = EMPTY;
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
    for (let i = 1; i < slots.length; i += 2) {
      const block = slots[i]!;
      if (block !== EMPTY) visit(this.hashOf(block), block);
    }
  }

  /** Empty slots: every block id EMPTY (a tag is only read beside a block id). */
  private static emptySlots(capacity: number): Int32Array {
    return new Int32Array(2 * capacity).fill(EMPTY);
  }

  private hashOf(block: number): number {
    return this.hashes[block * this.stride + this.offset]!;
  }
}
