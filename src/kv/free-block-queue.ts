// The free-block queue: vLLM's FreeKVCacheBlockQueue (kv_cache_utils.py), spec B.1/B.6b.
//
// It is the LRU eviction order of the KV pool: allocation pops from the head, freeing appends to
// the tail, and a prefix-cache hit on a free block unlinks it from the middle. All three must be
// O(1), so it is a doubly linked list. Instead of block objects with prev/next fields we keep two
// Int32Arrays indexed by block id, with two sentinel slots (head = capacity, tail = capacity + 1),
// so no operation allocates. A block that is not in the queue has prev = next = NOT_LINKED, which
// makes `contains` O(1) and lets us reject double appends/removes that would corrupt the list.
// A block's two links sit side by side in one Int32Array (prev at 2*id, next at 2*id+1): the pool
// is far larger than the CPU caches and ids come in LRU (random) order, so unlinking a block costs
// one cache miss for its own links instead of two.

const NOT_LINKED = -1;

export class FreeBlockQueue {
  private readonly links: Int32Array;
  private readonly head: number;
  private readonly tail: number;
  private count = 0;

  /**
   * A queue over block ids `0..capacity-1`. It initially holds `initial` in the given order;
   * by default every id in id order, as vLLM builds it from the block list.
   */
  constructor(
    readonly capacity: number,
    initial?: Iterable<number>,
  ) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new Error(`internal: FreeBlockQueue capacity must be a non-negative integer, got ${capacity}`);
    }
    this.links = new Int32Array(2 * (capacity + 2)).fill(NOT_LINKED);
    this.head = capacity;
    this.tail = capacity + 1;
    this.setNext(this.head, this.tail);
    this.setPrev(this.tail, this.head);
    if (initial === undefined) {
      for (let id = 0; id < capacity; id++) this.append(id);
    } else {
      for (const id of initial) this.append(id);
    }
  }

  /** Number of blocks in the queue (vLLM's num_free_blocks). */
  get length(): number {
    return this.count;
  }

  /** Whether `id` is currently in the queue. */
  contains(id: number): boolean {
    this.checkId(id);
    return this.prevOf(id) !== NOT_LINKED;
  }

  /** Remove and return the head (least recently freed) block. */
  popleft(): number {
    const id = this.nextOf(this.head);
    if (id === this.tail) throw new Error('internal: FreeBlockQueue.popleft: no free blocks available');
    this.unlink(id);
    return id;
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

  /** Unlink `id` from anywhere in the queue (a prefix-cache hit on a free block). */
  remove(id: number): void {
    this.checkId(id);
    if (this.prevOf(id) === NOT_LINKED) throw new Error(`internal: FreeBlockQueue.remove(${id}): not in the queue`);
    this.unlink(id);
  }

  /** Add `id` at the tail (most recently freed, evicted last). */
  append(id: number): void {
    this.checkId(id);
    if (this.prevOf(id) !== NOT_LINKED) throw new Error(`internal: FreeBlockQueue.append(${id}): already in the queue`);
    const last = this.prevOf(this.tail);
    this.setNext(last, id);
    this.setPrev(id, last);
    this.setNext(id, this.tail);
    this.setPrev(this.tail, id);
    this.count++;
  }

  /** Add the blocks at the tail in the given order. */
  appendN(ids: readonly number[]): void {
    for (let i = 0; i < ids.length; i++) this.append(ids[i]!);
  }

  /** The queue contents, head first. For tests and debugging (allocates). */
  toArray(): number[] {
    const out: number[] = [];
    for (let id = this.nextOf(this.head); id !== this.tail; id = this.nextOf(id)) {
      out.push(id);
      if (out.length > this.count) break; // a cycle: let checkInvariants report it
    }
    return out;
  }

  /**
   * Walk the list both ways and check that the links agree with each other and with `length`.
   * Throws Error('internal: ...') on corruption. O(length); for tests and debug runs.
   */
  checkInvariants(): void {
    let n = 0;
    let before = this.head;
    for (let id = this.nextOf(this.head); id !== this.tail; id = this.nextOf(id)) {
      if (id < 0 || id >= this.capacity) throw new Error(`internal: free queue links to invalid id ${id}`);
      if (this.prevOf(id) !== before) throw new Error(`internal: free queue prev/next disagree at block ${id}`);
      before = id;
      if (++n > this.count) throw new Error('internal: free queue is longer than its count (cycle?)');
    }
    if (this.prevOf(this.tail) !== before) throw new Error('internal: free queue tail link is stale');
    if (n !== this.count) throw new Error(`internal: free queue holds ${n} blocks but counts ${this.count}`);
  }

  private unlink(id: number): void {
    const p = this.prevOf(id);
    const nx = this.nextOf(id);
    this.setNext(p, nx);
    this.setPrev(nx, p);
    this.setPrev(id, NOT_LINKED);
    this.setNext(id, NOT_LINKED);
    this.count--;
  }

  private prevOf(id: number): number {
    return this.links[2 * id]!;
  }

  private nextOf(id: number): number {
    return this.links[2 * id + 1]!;
  }

  private setPrev(id: number, value: number): void {
    this.links[2 * id] = value;
  }

  private setNext(id: number, value: number): void {
    this.links[2 * id + 1] = value;
  }

  private checkId(id: number): void {
    // Also rejects the sentinel slots, which are valid array indices but not block ids.
    if (!Number.isInteger(id) || id < 0 || id >= this.capacity) {
      throw new Error(`internal: FreeBlockQueue: block id ${id} out of range [0, ${this.capacity})`);
    }
  }
}
