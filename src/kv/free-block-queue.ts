// The free-block queue: vLLM's FreeKVCacheBlockQueue (kv_cache_utils.py), spec B.1/B.6b.
//
// It is the LRU eviction order of the KV pool: allocation pops from the head, freeing appends to
// the tail, and a prefix-cache hit on a free block unlinks it from the middle. All three must be
// O(1), so it is a doubly linked list. Instead of block objects with prev/next fields we keep two
// Int32Arrays indexed by block id, with two sentinel slots (head = capacity, tail = capacity + 1),
// so no operation allocates. A block that is not in the queue has prev = next = NOT_LINKED, which
// makes `contains` O(1) and lets us reject double appends/removes that would corrupt the list.

const NOT_LINKED = -1;

export class FreeBlockQueue {
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
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
    this.prev = new Int32Array(capacity + 2).fill(NOT_LINKED);
    this.next = new Int32Array(capacity + 2).fill(NOT_LINKED);
    this.head = capacity;
    this.tail = capacity + 1;
    this.next[this.head] = this.tail;
    this.prev[this.tail] = this.head;
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
    return this.prev[id] !== NOT_LINKED;
  }

  /** Remove and return the head (least recently freed) block. */
  popleft(): number {
    const id = this.next[this.head]!;
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
    if (this.prev[id] === NOT_LINKED) throw new Error(`internal: FreeBlockQueue.remove(${id}): not in the queue`);
    this.unlink(id);
  }

  /** Add `id` at the tail (most recently freed, evicted last). */
  append(id: number): void {
    this.checkId(id);
    if (this.prev[id] !== NOT_LINKED) throw new Error(`internal: FreeBlockQueue.append(${id}): already in the queue`);
    const last = this.prev[this.tail]!;
    this.next[last] = id;
    this.prev[id] = last;
    this.next[id] = this.tail;
    this.prev[this.tail] = id;
    this.count++;
  }

  /** Add the blocks at the tail in the given order. */
  appendN(ids: readonly number[]): void {
    for (let i = 0; i < ids.length; i++) this.append(ids[i]!);
  }

  /** The queue contents, head first. For tests and debugging (allocates). */
  toArray(): number[] {
    const out: number[] = [];
    for (let id = this.next[this.head]!; id !== this.tail; id = this.next[id]!) {
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
    for (let id = this.next[this.head]!; id !== this.tail; id = this.next[id]!) {
      if (id < 0 || id >= this.capacity) throw new Error(`internal: free queue links to invalid id ${id}`);
      if (this.prev[id] !== before) throw new Error(`internal: free queue prev/next disagree at block ${id}`);
      before = id;
      if (++n > this.count) throw new Error('internal: free queue is longer than its count (cycle?)');
    }
    if (this.prev[this.tail] !== before) throw new Error('internal: free queue tail link is stale');
    if (n !== this.count) throw new Error(`internal: free queue holds ${n} blocks but counts ${this.count}`);
  }

  private unlink(id: number): void {
    const p = this.prev[id]!;
    const nx = this.next[id]!;
    this.next[p] = nx;
    this.prev[nx] = p;
    this.prev[id] = NOT_LINKED;
    this.next[id] = NOT_LINKED;
    this.count--;
  }

  private checkId(id: number): void {
    // Also rejects the sentinel slots, which are valid array indices but not block ids.
    if (!Number.isInteger(id) || id < 0 || id >= this.capacity) {
      throw new Error(`internal: FreeBlockQueue: block id ${id} out of range [0, ${this.capacity})`);
    }
  }
}
