// The free-block queue: vLLM's FreeKVCacheBlockQueue (kv_cache_utils.py), spec B.1/B.6b.
//
// It is the LRU eviction order of the KV pool: allocation pops from the head, freeing appends to
// the tail, and a prefix-cache hit on a free block unlinks it from the middle. All three must be
// O(1). vLLM uses a doubly linked list; we use a ring buffer of block ids with lazy removal, which
// has the same semantics and is much kinder to the CPU cache (issue 9):
//
// - The ring holds ids in queue order between `head` and `head + used`. Each queued block records
//   the ring index of its entry (its "position"); a block that is not queued has NOT_QUEUED.
// - `remove(id)` only clears the block's position. Its ring entry becomes stale: an entry is live
//   exactly when its block's position points back at it, and `popleft` skips stale entries.
// - When the ring is full of live and stale entries, `append` compacts it (drops stale entries).
//   The ring has room for twice the blocks, so compaction is amortized O(1) and, without
//   prefix-cache hits on free blocks (no stale entries), never happens at all.
//
// With a linked list, popping n blocks chases n dependent pointers through the (large, randomly
// ordered) link array, one cache miss after another; here the ids come from consecutive ring
// slots, and the only per-block access is the block's own position.
//
// Positions live in an Int32Array at `id * stride`: by default the queue's own array (stride 1);
// the block pool passes its per-block record array instead, so that a block's position shares a
// cache line with its ref count and hash (block-pool.ts).
//
// Anonymous runs: the block pool keeps the blocks of a request's private content (no other request
// can ever look them up, so nothing needs to know which ids they have) as a count, not as ids
// (block-pool.ts, "anonymous blocks"). Freed, they are one ring entry: a negative number -k for a
// run of k blocks, which has no position and is always live. Popping takes blocks from the run at
// the head one at a time (popleft) or many at once (takeAnonymous); adjacent runs merge. Where it
// matters, the order is vLLM's: a named block (one with an id, which may hold a prefix-cache hash)
// sits exactly where vLLM's list has it, among as many anonymous blocks before and after it.
//
// The fresh run: a new queue holds every block, in id order, as vLLM builds it. Those blocks are
// not written into the ring: they are the range [freshNext, freshEnd) before its head, never used,
// so without a hash to evict. A run of a simulation takes the first tens of thousands of blocks
// from there, and when it takes them for anonymous places (takeFresh), a range of ids changes
// hands in one step instead of a pop per block; while it was per block, that was the start of
// every run, whose code is not optimized yet (issue 9). Only a prefix-cache hit on a fresh block,
// which cannot happen in a run (a fresh block has no hash), would take one out of the middle: the
// run is then written into the ring first.

/** A block's position when it is not in the ring. */
export const NOT_QUEUED = -1;

/** What `popleft` returns for a block taken from an anonymous run (it has no id). */
export const ANONYMOUS = -1;

/**
 * Where the queue keeps each block's position: `ints[id * stride]`. For a queue that starts with
 * every block (no `initial`), every position must be NOT_QUEUED to begin with.
 */
export interface QueuePositions {
  readonly ints: Int32Array;
  readonly stride: number;
}

export class FreeBlockQueue {
  private ring: Int32Array;
  private mask: number;
  /** Ring index of the first (possibly stale) entry. */
  private head = 0;
  /** Ring entries from `head` on, live and stale. */
  private used = 0;
  /** Free blocks: the named live entries plus the blocks of the anonymous runs (the queue length). */
  private count = 0;
  /** Blocks in anonymous runs. */
  private anonymous = 0;
  /** The fresh run (see the top of the file): ids [freshNext, freshEnd), ahead of the ring. */
  private freshNext = 0;
  private freshEnd = 0;
  private readonly positions: Int32Array;
  private readonly stride: number;

  /**
   * A queue over block ids `0..capacity-1`. It initially holds `initial` in the given order;
   * by default every id in id order, as vLLM builds it from the block list.
   */
  constructor(
    readonly capacity: number,
    initial?: Iterable<number>,
    positions?: QueuePositions,
  ) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new Error(`internal: FreeBlockQueue capacity must be a non-negative integer, got ${capacity}`);
    }
    this.positions = positions?.ints ?? new Int32Array(capacity);
    this.stride = positions?.stride ?? 1;
    if (this.positions.length < capacity * this.stride) {
      throw new Error(`internal: FreeBlockQueue positions hold ${this.positions.length} ints, need ${capacity * this.stride}`);
    }
    let size = 16;
    while (size < 2 * capacity) size *= 2;
    this.ring = new Int32Array(size);
    this.mask = size - 1;
    if (initial === undefined) {
      // Every id in order, as the fresh run: nothing is written per block.
      if (positions === undefined) this.positions.fill(NOT_QUEUED);
      else if (capacity > 0 && (this.positions[0] !== NOT_QUEUED || this.positions[(capacity - 1) * this.stride] !== NOT_QUEUED)) {
        throw new Error('internal: FreeBlockQueue positions must start as NOT_QUEUED');
      }
      this.freshEnd = capacity;
      this.count = capacity;
    } else {
      for (let id = 0; id < capacity; id++) this.positions[id * this.stride] = NOT_QUEUED;
      for (const id of initial) this.append(id);
    }
  }

  /** Number of blocks in the queue (vLLM's num_free_blocks). */
  get length(): number {
    return this.count;
  }

  /** Blocks in anonymous runs (they count in `length` too). */
  get anonymousLength(): number {
    return this.anonymous;
  }

  /** Whether `id` is currently in the queue. */
  contains(id: number): boolean {
    this.checkId(id);
    return this.positions[id * this.stride] !== NOT_QUEUED || this.isFresh(id);
  }

  /** Blocks of the fresh run, at the head of the queue (see the top of the file). */
  get freshLength(): number {
    return this.freshEnd - this.freshNext;
  }

  /**
   * Take `n` blocks from the fresh run, which must have them, for anonymous places; returns the
   * first of their ids, which are consecutive.
   */
  takeFresh(n: number): number {
    const first = this.freshNext;
    if (!(n > 0 && first + n <= this.freshEnd)) throw new Error(`internal: FreeBlockQueue.takeFresh(${n}) of ${this.freshLength}`);
    this.freshNext = first + n;
    this.count -= n;
    return first;
  }

  private isFresh(id: number): boolean {
    return id >= this.freshNext && id < this.freshEnd;
  }

  /**
   * Remove and return the head (least recently freed) block: its id, or ANONYMOUS for a block of
   * an anonymous run.
   */
  popleft(): number {
    if (this.count === 0) throw new Error('internal: FreeBlockQueue.popleft: no free blocks available');
    if (this.freshLength > 0) {
      this.count--;
      return this.freshNext++;
    }
    const ring = this.ring;
    const positions = this.positions;
    const stride = this.stride;
    // count > 0, so a live entry lies ahead; stale ones before it are dropped on the way.
    for (;;) {
      const at = this.head;
      const id = ring[at]!;
      if (id < 0) {
        // An anonymous run (always live): one block of it.
        this.count--;
        this.anonymous--;
        if (id === -1) this.dropHead();
        else ring[at] = id + 1;
        return ANONYMOUS;
      }
      this.dropHead();
      if (positions[id * stride] === at) {
        positions[id * stride] = NOT_QUEUED;
        this.count--;
        return id;
      }
    }
  }

  /**
   * If the head of the queue is an anonymous run, take up to `max` blocks from it and return how
   * many; 0 when the head block is a named one, fresh ones included (or the queue is empty). Stale
   * entries before the head are dropped on the way.
   */
  takeAnonymous(max: number): number {
    if (this.freshLength > 0) return 0;
    const ring = this.ring;
    while (this.count > 0 && max > 0) {
      const at = this.head;
      const entry = ring[at]!;
      if (entry >= 0) {
        if (this.positions[entry * this.stride] === at) return 0;
        this.dropHead(); // stale
        continue;
      }
      const taken = Math.min(-entry, max);
      if (taken === -entry) this.dropHead();
      else ring[at] = entry + taken;
      this.count -= taken;
      this.anonymous -= taken;
      return taken;
    }
    return 0;
  }

  private dropHead(): void {
    this.head = (this.head + 1) & this.mask;
    this.used--;
  }

  /**
   * Read the positions of the blocks in the first `n` ring entries (live or stale) and return
   * their sum, which means nothing. It brings those blocks' records into the CPU cache with their
   * misses overlapping, before a caller pops `n` blocks one by one (BlockPool.allocateInto).
   */
  warmHead(n: number): number {
    const ring = this.ring;
    const positions = this.positions;
    const stride = this.stride;
    const end = Math.min(n, this.used);
    let sum = 0;
    for (let k = 0; k < end; k++) {
      const id = ring[(this.head + k) & this.mask]!;
      if (id >= 0) sum += positions[id * stride]!;
    }
    return sum;
  }

  /** Remove and return the first `n` blocks, in queue order. */
  popleftN(n: number): number[] {
    if (n > this.count) {
      throw new Error(`internal: FreeBlockQueue.popleftN(${n}) with only ${this.count} free blocks`);
    }
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = this.popleft();
    return out;
  }

  /** Take `id` out of anywhere in the queue (a prefix-cache hit on a free block). */
  remove(id: number): void {
    this.checkId(id);
    if (this.isFresh(id)) this.writeFreshRun();
    const at = id * this.stride;
    if (this.positions[at] === NOT_QUEUED) throw new Error(`internal: FreeBlockQueue.remove(${id}): not in the queue`);
    this.positions[at] = NOT_QUEUED; // its ring entry is now stale
    this.count--;
  }

  /** Add `id` at the tail (most recently freed, evicted last). */
  append(id: number): void {
    this.checkId(id);
    if (this.positions[id * this.stride] !== NOT_QUEUED || this.isFresh(id)) {
      throw new Error(`internal: FreeBlockQueue.append(${id}): already in the queue`);
    }
    if (this.used === this.ring.length) this.compact();
    const at = (this.head + this.used) & this.mask;
    this.ring[at] = id;
    this.positions[id * this.stride] = at;
    this.used++;
    this.count++;
  }

  /** Add `k` anonymous blocks at the tail (one run, merged with a run already there). */
  appendAnonymous(k: number): void {
    if (!Number.isInteger(k) || k < 0) throw new Error(`internal: FreeBlockQueue.appendAnonymous(${k})`);
    if (k === 0) return;
    if (this.count + k > this.capacity) {
      throw new Error(`internal: FreeBlockQueue.appendAnonymous(${k}) overfills ${this.count} of ${this.capacity}`);
    }
    this.count += k;
    this.anonymous += k;
    if (this.used > 0) {
      const tail = (this.head + this.used - 1) & this.mask;
      if (this.ring[tail]! < 0) {
        this.ring[tail] = this.ring[tail]! - k;
        return;
      }
    }
    if (this.used === this.ring.length) this.compact();
    this.ring[(this.head + this.used) & this.mask] = -k;
    this.used++;
  }

  /** Add the blocks at the tail in the given order. */
  appendN(ids: readonly number[]): void {
    for (let i = 0; i < ids.length; i++) this.append(ids[i]!);
  }

  /** The queue contents, head first, ANONYMOUS for each anonymous block. For tests and debugging (allocates). */
  toArray(): number[] {
    const out: number[] = [];
    for (let id = this.freshNext; id < this.freshEnd; id++) out.push(id);
    for (let k = 0; k < this.used; k++) {
      const at = (this.head + k) & this.mask;
      const id = this.ring[at]!;
      if (id < 0) for (let b = 0; b < -id; b++) out.push(ANONYMOUS);
      else if (this.isLiveEntry(id, at)) out.push(id);
    }
    return out;
  }

  /**
   * Check that the ring's live entries and the blocks' positions agree with each other and with
   * `length`. Throws Error('internal: ...') on corruption. O(capacity); for tests and debug runs.
   */
  checkInvariants(): void {
    if (this.used > this.ring.length || this.count - this.anonymous - this.freshLength > this.used) {
      throw new Error(`internal: free queue uses ${this.used} of ${this.ring.length} ring slots for ${this.count} blocks`);
    }
    let live = 0;
    let anonymous = 0;
    for (let k = 0; k < this.used; k++) {
      const at = (this.head + k) & this.mask;
      const id = this.ring[at]!;
      if (id < 0) anonymous -= id;
      else if (id >= this.capacity) throw new Error(`internal: free queue holds invalid id ${id}`);
      else if (this.isLiveEntry(id, at)) live++;
    }
    if (anonymous !== this.anonymous) throw new Error(`internal: free queue holds ${anonymous} anonymous blocks but counts ${this.anonymous}`);
    const fresh = this.freshLength;
    if (fresh < 0 || this.freshEnd > this.capacity) throw new Error(`internal: free queue's fresh run [${this.freshNext}, ${this.freshEnd})`);
    if (live + anonymous + fresh !== this.count) throw new Error(`internal: free queue holds ${live + anonymous + fresh} blocks but counts ${this.count}`);
    let queued = 0;
    for (let id = 0; id < this.capacity; id++) {
      const at = this.positions[id * this.stride]!;
      if (at === NOT_QUEUED) continue;
      if (this.isFresh(id)) throw new Error(`internal: fresh block ${id} has free-queue position ${at}`);
      queued++;
      const k = (at - this.head) & this.mask;
      if (k >= this.used || this.ring[at] !== id) {
        throw new Error(`internal: block ${id} has free-queue position ${at}, which does not hold it`);
      }
    }
    if (queued !== this.count - this.anonymous - fresh) {
      throw new Error(`internal: ${queued} blocks have free-queue positions but the queue counts ${this.count - this.anonymous - fresh} named ones in its ring`);
    }
  }

  private isLiveEntry(id: number, at: number): boolean {
    return id >= 0 && id < this.capacity && this.positions[id * this.stride] === at;
  }

  /** Write the fresh run into the ring, ahead of its head (compacted first if it has no room). */
  private writeFreshRun(): void {
    const fresh = this.freshLength;
    if (this.used + fresh > this.ring.length) this.compact();
    for (let id = this.freshEnd - 1; id >= this.freshNext; id--) {
      this.head = (this.head - 1) & this.mask;
      this.ring[this.head] = id;
      this.positions[id * this.stride] = this.head;
      this.used++;
    }
    this.freshNext = this.freshEnd = 0;
  }

  /** Rewrite the ring with only its live entries, from index 0, and update their positions. */
  private compact(): void {
    const old = this.ring;
    const ring = new Int32Array(old.length);
    let n = 0;
    for (let k = 0; k < this.used; k++) {
      const at = (this.head + k) & this.mask;
      const id = old[at]!;
      if (id < 0) {
        ring[n++] = id; // an anonymous run: always live, no position
      } else if (this.positions[id * this.stride] === at) {
        ring[n] = id;
        this.positions[id * this.stride] = n;
        n++;
      }
    }
    this.ring = ring;
    this.head = 0;
    this.used = n;
  }

  private checkId(id: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.capacity) {
      throw new Error(`internal: FreeBlockQueue: block id ${id} out of range [0, ${this.capacity})`);
    }
  }
}
