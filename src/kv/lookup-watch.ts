// What the block pool tells the KV cache manager about its last prefix-cache lookup, so that a
// request waiting at the head of the queue is not looked up from scratch in every step (issue 9).
//
// A lookup's result is a chain of blocks, the first block registered under each of the request's
// leading block hashes, up to the first miss (the "next hash"). Only two things change it: a block
// of the chain is evicted (from there on the chain must be looked up again: another block may hold
// the same hash, or none), or the next hash gets registered (the chain may grow). Later
// registrations of a hash already in the chain come after its first block, so they change nothing.
// The pool reports evictions, registrations and reference-count changes here; the manager then
// looks up only the part of the chain that may have changed.

export class LookupWatch {
  /** Each watched block holds the current epoch here, so a new watch needs no clearing. */
  private readonly epochOf: Int32Array;
  /** A watched block's position in the chain. */
  private readonly indexOf: Int32Array;
  private epoch = 1;
  private nextHash = -1;
  private chainLength = 0;
  /** Leading chain blocks that are still valid. */
  private prefix = 0;
  /** True until something is watched, so that nothing counts as intact before. */
  private nextSeen = true;
  /** Watched blocks with ref count 0: the free capacity that admitting the request would take. */
  private refZero = 0;

  /** `refCount` reads a block's current reference count (the pool's). */
  constructor(
    numBlocks: number,
    private readonly refCount: (id: number) => number,
  ) {
    this.epochOf = new Int32Array(numBlocks);
    this.indexOf = new Int32Array(numBlocks);
  }

  /**
   * Watch `blocks` (a lookup's chain) and `nextHash` (the hash of its first miss, or undefined when
   * the chain reached its cap).
   */
  watch(blocks: readonly number[], nextHash: number | undefined): void {
    const epoch = ++this.epoch;
    let refZero = 0;
    for (let i = 0; i < blocks.length; i++) {
      const id = blocks[i]!;
      this.epochOf[id] = epoch;
      this.indexOf[id] = i;
      if (this.refCount(id) === 0) refZero++;
    }
    this.nextHash = nextHash ?? -1;
    this.chainLength = blocks.length;
    this.prefix = blocks.length;
    this.nextSeen = false;
    this.refZero = refZero;
  }

  /** Watch nothing: every lookup is then invalid. */
  clear(): void {
    this.epoch++;
    this.nextHash = -1;
    this.chainLength = 0;
    this.prefix = 0;
    this.nextSeen = true;
  }

  /** How many leading blocks of the watched chain are still valid. */
  get validPrefix(): number {
    return this.prefix;
  }

  /** Whether the whole watched result still holds: no chain block evicted, next hash unregistered. */
  get intact(): boolean {
    return this.prefix === this.chainLength && !this.nextSeen;
  }

  /** Watched blocks with ref count 0; meaningful while `intact`. */
  get refZeroBlocks(): number {
    return this.refZero;
  }

  /** The pool evicts `id` (drops its hash). */
  onEvict(id: number): void {
    // Most evictions happen while no chain is watched (a request is usually admitted in the step
    // it is looked up); answering from a field spares a random read of epochOf per evicted block.
    if (this.chainLength === 0) return;
    if (this.epochOf[id] !== this.epoch) return;
    const at = this.indexOf[id]!;
    if (at < this.prefix) this.prefix = at;
  }

  /** The pool registers `hash`. */
  onRegister(hash: number): void {
    if (hash === this.nextHash) this.nextSeen = true;
  }

  /** `id`'s ref count left 0 (`leavesZero`) or dropped back to 0. */
  onRefZeroChange(id: number, leavesZero: boolean): void {
    if (this.chainLength === 0) return;
    if (this.epochOf[id] !== this.epoch) return;
    this.refZero += leavesZero ? -1 : 1;
  }
}
