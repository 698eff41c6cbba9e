// The KV block pool: vLLM's BlockPool (block_pool.py), spec B.1, B.4 (get_new_blocks,
// cache_full_blocks), B.5 (touch, free_blocks), B.6 (usage, reset_prefix_cache).
//
// Blocks are plain ids, and the pool does no per-block allocation. Each block's state is a 16-byte
// record in one ArrayBuffer, viewed as int32s and as float64s:
//
//   ints[4*id]      its free-queue position (owned by FreeBlockQueue)
//   ints[4*id + 1]  its ref count
//   floats[2*id + 1] its prefix-cache hash, or NO_HASH
//
// Allocation, freeing and eviction touch blocks in LRU order, i.e. at random in a pool far larger
// than the CPU caches, and each needs all three fields: one record per block means one cache miss
// per block instead of one per field (issue 9). Prefix-cache hashes are non-negative 53-bit
// integers (block-hash.ts), so a negative sentinel marks "no hash".

//
// Anonymous blocks. A block of a request's private content (KvRequestView.firstPrivateBlock) is
// never looked up by another request and, unless the request is preempted, never enters the
// prefix cache: nothing ever needs its id, only how many there are and where they sit in the
// free queue's LRU order. So the pool hands such blocks out and takes them back as counts
// (allocateInto's `anonymous`, freeAnonymous), and the free queue keeps them as runs
// (free-block-queue.ts). Which named blocks are evicted, and when, is exactly as with ids: the
// queue holds the same sequence of named and anonymous blocks as vLLM's list. The ids the
// anonymous blocks would have are kept aside as spare ids, as many as there are anonymous blocks:
// a named block popped for an anonymous place gives its id to the spares, an anonymous block
// popped for a named place takes one. In the 50k anchor run (issue 9) every prompt and output is
// private: 3.8 M blocks allocated and freed were 7.6 M block-record updates, now a count each.

import { BlockHashTable } from './block-hash-table.js';
import { ANONYMOUS, FreeBlockQueue, NOT_QUEUED } from './free-block-queue.js';
import { LookupWatch } from './lookup-watch.js';

/** Marks a block without a hash (vLLM's block_hash = None). Real hashes are >= 0. */
const NO_HASH = -1;
/** int32s per block record (see the top of the file). */
const RECORD_INTS = 4;
const REF = 1;
/** float64 index of a block's hash within its record. */
const HASH = 1;

/** Id of the permanent null block (vLLM pops block 0 at construction and never frees it). */
export const NULL_BLOCK_ID = 0;

export class BlockPool {
  readonly freeQueue: FreeBlockQueue;
  /** The block records (see the top of the file) as int32s... */
  private readonly ints: Int32Array;
  /** ... and as float64s. */
  private readonly floats: Float64Array;
  /**
   * hash -> the block(s) registered under it. vLLM does not deduplicate (block tables are
   * append-only, so a block computed twice keeps its id), hence several blocks may share a hash:
   * lookup returns the first inserted, and evicting one duplicate keeps the others findable.
   */
  private readonly cached: BlockHashTable;
  /** Where the cache-warming passes put what they read, so that the reads are not optimized away. */
  private warmed = 0;
  /** The KV cache manager's last prefix-cache lookup, kept up to date (lookup-watch.ts). */
  readonly lookupWatch: LookupWatch;
  /** Ids in neither the free queue nor a request table, one per anonymous block (a stack). */
  private readonly spare: Int32Array;
  private spareCount = 0;

  constructor(
    readonly numGpuBlocks: number,
    readonly enableCaching: boolean,
  ) {
    if (!Number.isInteger(numGpuBlocks) || numGpuBlocks < 1) {
      throw new Error(`internal: numGpuBlocks must be a positive integer, got ${numGpuBlocks}`);
    }
    const records = new ArrayBuffer(numGpuBlocks * RECORD_INTS * 4);
    this.ints = new Int32Array(records);
    this.floats = new Float64Array(records);
    // Every record starts as {NOT_QUEUED, ref 0, NO_HASH} (the free queue starts with every block
    // as its fresh run, which has no positions): one record written, then copied over the rest in
    // doubling spans, a few dozen builtin calls. A loop over tens of thousands of blocks would run
    // in the interpreter (nothing is optimized yet when the pool is built) and take ~10 ms of every
    // run's start (issue 9).
    this.ints[0] = NOT_QUEUED;
    this.setHash(0, NO_HASH);
    const recordInts = numGpuBlocks * RECORD_INTS;
    for (let done = RECORD_INTS; done < recordInts; done *= 2) this.ints.copyWithin(done, 0, Math.min(done, recordInts - done));
    this.freeQueue = new FreeBlockQueue(numGpuBlocks, undefined, { ints: this.ints, stride: RECORD_INTS });
    // The table confirms its entries against the hashes in the records (block-hash-table.ts).
    this.cached = new BlockHashTable(numGpuBlocks, { values: this.floats, stride: RECORD_INTS / 2, offset: HASH });
    this.lookupWatch = new LookupWatch(numGpuBlocks, (id) => this.refOf(id));
    this.spare = new Int32Array(numGpuBlocks);
    // vLLM takes the head (block 0) as the null block; usable blocks are 1..N-1, so the first
    // allocation gets id 1. Its ref count is not maintained and it never returns to the queue.
    this.freeQueue.popleft();
  }

  /** Free blocks, including cached blocks with ref 0 (eviction candidates). */
  get numFreeBlocks(): number {
    return this.freeQueue.length;
  }

  /** Number of distinct hashes in the prefix cache. */
  get numCachedHashes(): number {
    return this.cached.distinctHashes;
  }

  refCount(id: number): number {
    return this.refOf(id);
  }

  /** The block's hash, or null if it has none. */
  blockHash(id: number): number | null {
    const h = this.hashOf(id);
    return h === NO_HASH ? null : h;
  }

  /** The first-registered block with this hash, or undefined on a miss. */
  getCachedBlock(hash: number): number | undefined {
    const block = this.cached.first(hash);
    return block < 0 ? undefined : block;
  }

  /**
   * Pop `k` blocks from the free-queue head, evicting their hashes (lazy eviction: a freed block
   * keeps its hash until it is reused), and give each ref count 1.
   */
  getNewBlocks(k: number): number[] {
    const ids: number[] = [];
    this.allocateInto(k, 0, ids);
    return ids;
  }

  /**
   * Pop `named + anonymous` blocks from the free-queue head, evicting their hashes: the first
   * `named` get ids, appended to `out` with ref count 1; the others are anonymous (see the top of
   * the file) and are only counted by the caller.
   *
   * It works in passes so that cache misses overlap (issue 9). Each popped block's record and
   * each evicted hash's table slot is a random access into memory far larger than the CPU caches;
   * done one block at a time, every miss waits for the previous one. So a first pass reads the
   * records of the blocks about to be popped (warmHead), a second one, after popping, every
   * evicted hash's home slot (warmSlot): tight loops of independent loads, whose misses the CPU
   * overlaps. The evictions then find everything in cache.
   */
  allocateInto(named: number, anonymous: number, out: number[]): void {
    const queue = this.freeQueue;
    if (named + anonymous > queue.length) {
      throw new Error(`internal: allocating ${named} + ${anonymous} blocks with only ${queue.length} free`);
    }
    if (named > 0) this.allocateNamedInto(named, out);
    let left = anonymous;
    while (left > 0) {
      const taken = queue.takeAnonymous(left);
      if (taken > 0) {
        left -= taken;
        continue;
      }
      const fresh = Math.min(queue.freshLength, left);
      if (fresh > 0) {
        // Never used, so no hash to evict: their ids go to the spares in queue order, as if popped.
        const first = queue.takeFresh(fresh);
        for (let i = 0; i < fresh; i++) this.spare[this.spareCount++] = first + i;
        left -= fresh;
        continue;
      }
      // A named block at the head: evicted, its id goes to the spares.
      const id = queue.popleft();
      const hash = this.floats[2 * id + HASH]!;
      if (hash !== NO_HASH) this.evictCachedBlock(id, hash);
      this.spare[this.spareCount++] = id;
      left--;
    }
  }

  private allocateNamedInto(k: number, out: number[]): void {
    const queue = this.freeQueue;
    const start = out.length;
    if (k > 1) this.warmed = queue.warmHead(k);
    for (let i = 0; i < k; i++) {
      const id = queue.popleft();
      out.push(id === ANONYMOUS ? this.takeSpare() : id);
    }
    const floats = this.floats;
    if (k > 1) {
      let warm = 0;
      for (let i = start; i < out.length; i++) {
        const hash = floats[2 * out[i]! + HASH]!;
        if (hash !== NO_HASH) warm += this.cached.warmSlot(hash);
      }
      this.warmed = warm;
    }
    for (let i = start; i < out.length; i++) {
      const id = out[i]!;
      const hash = floats[2 * id + HASH]!;
      if (hash !== NO_HASH) this.evictCachedBlock(id, hash);
      this.ints[RECORD_INTS * id + REF] = 1;
    }
  }

  /** A prefix-cache hit takes a reference: a free (ref 0) block leaves the free queue. */
  touch(ids: readonly number[]): void {
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id === NULL_BLOCK_ID) continue;
      if (this.refOf(id) === 0) {
        this.freeQueue.remove(id);
        this.lookupWatch.onRefZeroChange(id, true);
      }
      this.setRef(id, this.refOf(id) + 1);
    }
  }

  /** Drop one reference; at 0 the block goes to the queue tail (keeping its hash). */
  freeBlock(id: number): void {
    if (id === NULL_BLOCK_ID) return;
    const ref = this.refOf(id);
    if (ref <= 0) throw new Error(`internal: block ${id} freed with ref count ${ref}`);
    this.setRef(id, ref - 1);
    if (ref === 1) {
      this.freeQueue.append(id);
      this.lookupWatch.onRefZeroChange(id, false);
    }
  }

  /** Free `k` anonymous blocks: they go to the queue tail as one run. */
  freeAnonymous(k: number): void {
    this.freeQueue.appendAnonymous(k);
  }

  /**
   * Give `k` anonymous blocks of a request ids, appended to `out` with ref count 1 (before they are
   * registered in the prefix cache: KvCacheManager.freePreempted).
   */
  nameAnonymous(k: number, out: number[]): void {
    for (let i = 0; i < k; i++) {
      const id = this.takeSpare();
      this.setRef(id, 1);
      out.push(id);
    }
  }

  /** Anonymous blocks, free or held: as many as spare ids. */
  get numAnonymousBlocks(): number {
    return this.spareCount;
  }

  /** The spare ids (see the top of the file), a copy; for invariant checks. */
  spareIds(): number[] {
    return Array.from(this.spare.subarray(0, this.spareCount));
  }

  private takeSpare(): number {
    if (this.spareCount === 0) throw new Error('internal: an anonymous block without a spare id');
    return this.spare[--this.spareCount]!;
  }

  /**
   * Free a request's block table tail first, so that its deepest blocks are evicted first (spec
   * B.5). A first pass reads every block's ref count so that the records' cache misses overlap
   * (see allocateInto).
   */
  freeTableReversed(blocks: readonly number[]): void {
    if (blocks.length > 1) {
      let warm = 0;
      for (let i = 0; i < blocks.length; i++) warm += this.ints[RECORD_INTS * blocks[i]! + REF]!;
      this.warmed = warm;
    }
    for (let i = blocks.length - 1; i >= 0; i--) this.freeBlock(blocks[i]!);
  }

  /** Free blocks in eviction order: the first one reaching ref 0 is evicted first. */
  freeBlocks(ids: readonly number[]): void {
    for (let i = 0; i < ids.length; i++) this.freeBlock(ids[i]!);
  }

  /**
   * Register `blocks[numCachedBlocks..numFullBlocks-1]` under `blockHashes` of the same index
   * (the request's chained full-block hashes). Called at allocation, so blocks being computed
   * this step are already hittable by later requests in the same step (spec B.4).
   */
  cacheFullBlocks(
    blocks: readonly number[],
    blockHashes: readonly number[],
    numCachedBlocks: number,
    numFullBlocks: number,
  ): void {
    if (numFullBlocks > blocks.length || numFullBlocks > blockHashes.length) {
      throw new Error(
        `internal: cacheFullBlocks(${numCachedBlocks}..${numFullBlocks}) with ${blocks.length} blocks ` +
          `and ${blockHashes.length} hashes`,
      );
    }
    if (numFullBlocks - numCachedBlocks > 1) {
      // Read every new hash's home slot first, so that the inserts' cache misses overlap (see
      // allocateInto).
      let warm = 0;
      for (let i = numCachedBlocks; i < numFullBlocks; i++) warm += this.cached.warmSlot(blockHashes[i]!);
      this.warmed = warm;
    }
    for (let i = numCachedBlocks; i < numFullBlocks; i++) {
      const id = blocks[i]!;
      if (id === NULL_BLOCK_ID) continue;
      if (this.hashOf(id) !== NO_HASH) throw new Error(`internal: block ${id} is already cached`);
      const hash = blockHashes[i]!;
      this.lookupWatch.onRegister(hash);
      this.setHash(id, hash);
      this.cached.insert(hash, id);
    }
  }

  /** Fraction of usable blocks in use; evictable cached blocks count as free. */
  usage(): number {
    const total = this.numGpuBlocks - 1;
    return total === 0 ? 0 : 1 - this.freeQueue.length / total;
  }

  /** Clear the prefix cache; succeeds only if every usable block is free (only the null block is used). */
  resetPrefixCache(): boolean {
    if (this.numGpuBlocks - this.freeQueue.length !== 1) return false;
    this.lookupWatch.clear();
    this.cached.clear();
    for (let id = 0; id < this.numGpuBlocks; id++) this.setHash(id, NO_HASH);
    return true;
  }

  /** Visit every (hash, block) registration; for invariant checks. */
  forEachCached(visit: (hash: number, id: number) => void): void {
    this.cached.forEach(visit);
  }

  private hashOf(id: number): number {
    return this.floats[2 * id + HASH]!;
  }

  private setHash(id: number, hash: number): void {
    this.floats[2 * id + HASH] = hash;
  }

  private refOf(id: number): number {
    return this.ints[RECORD_INTS * id + REF]!;
  }

  private setRef(id: number, ref: number): void {
    this.ints[RECORD_INTS * id + REF] = ref;
  }

  private evictCachedBlock(id: number, hash: number): void {
    this.lookupWatch.onEvict(id);
    // The table reads the record's hash to find the entry: remove it before clearing the hash.
    if (!this.cached.remove(hash, id)) throw new Error(`internal: block ${id} has hash ${hash} but is not in the cache map`);
    this.setHash(id, NO_HASH);
  }
}
