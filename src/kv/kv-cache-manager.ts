// The KV cache manager: vLLM's KVCacheManager with one full-attention group (kv_cache_manager.py,
// single_type_kv_cache_manager.py, the unitary / no-prefix-cache coordinators), spec B.3-B.6.
// It owns the block pool and each request's block table, and answers the scheduler's two
// questions: "how much of this request is already cached?" and "can it get slots for n tokens?".

import { emptyList } from '../engine/empty-list.js';
import { BlockPool } from './block-pool.js';
import {
  emptyPrefixCacheStats,
  emptyPrefixCacheStatsUpdate,
  recordPrefixCacheLookup,
  type PrefixCacheStats,
  type PrefixCacheStatsUpdate,
} from './caching-metrics.js';
import type { KvRequestView } from './kv-request.js';

export interface KvCacheManagerOptions {
  /** Blocks in the pool, including the null block 0 (so numGpuBlocks - 1 are usable). */
  readonly numGpuBlocks: number;
  /** Tokens per block. */
  readonly blockSize: number;
  /** Slots are never allocated past this many tokens. */
  readonly maxModelLen: number;
  readonly enablePrefixCaching: boolean;
}

/** A prefix-cache lookup result: the hit blocks (in order) and the tokens they cover. */
export interface ComputedBlocks {
  readonly blocks: readonly number[];
  readonly numHitTokens: number;
}

/**
 * Shared, frozen "no blocks" result. Returned for allocations that need no new block (every
 * decode step that stays inside its last block), so the hot path allocates nothing.
 */
export const EMPTY_BLOCK_IDS: readonly number[] = emptyList<number>();

const NO_HITS: ComputedBlocks = Object.freeze({ blocks: EMPTY_BLOCK_IDS, numHitTokens: 0 });

/**
 * vLLM's req_to_blocks[rid] plus num_cached_block[rid] for one request. The table is `held`
 * blocks: `blocks`, the ids of its named blocks, followed by held - blocks.length anonymous blocks
 * of the request's private content, which have no ids (block-pool.ts, "anonymous blocks"): the
 * blocks from firstPrivateBlock on, unless they were prefix-cache hits.
 */
interface RequestTable {
  readonly blocks: number[];
  /**
   * Blocks held, named and anonymous. Kept as a number, so that a steady request's block boundary
   * (allocateSteadySlot) reads this object alone, not the array of ids too: a cache miss less.
   */
  held: number;
  /** Leading blocks of `blocks` registered in the prefix cache, as vLLM counts them. */
  numCached: number;
  /**
   * Leading blocks actually in the block pool's prefix cache: numCached, less the request's private
   * blocks not registered yet (see registerFullBlocks). At most numCached.
   */
  numRegistered: number;
  /** The request's KvRequestView.firstPrivateBlock (for allocateSteadySlot, which has no view). */
  readonly firstPrivateBlock: number;
}

/**
 * Block tables by request index. Requests get dense indices in arrival order, so an array beats a
 * Map: allocateSlots looks a table up for every running request in every step. The array is a
 * sliding window [base, base + slots.length) whose entries before `head` are all freed: the
 * window moves up (the arrays are copied from `head` on) once that freed front is half of it, so
 * memory follows the spread of live indices, not the run length. Holes are filled with undefined
 * so the array stays in V8's fast (non-dictionary) mode.
 *
 * Why not shift each freed table out: V8 shifts a short array (up to 100 elements) by moving every
 * element down, and in an array that has lived long enough to be in the old generation, each
 * moved reference to a younger table is recorded for the garbage collector, a call per element:
 * with the running list's shifts, ~6 M calls and 6 % of the 50k anchor run's instructions
 * (issue 9). A copy is a new, young array, whose writes record nothing.
 */
class RequestTables {
  private slots: (RequestTable | undefined)[] = [];
  /**
   * Beside each table, its request's "quiet until" token count (KvCacheManager.quietUntil), or -1
   * without a table. It is kept out of the table objects so that allocateSlots' decode fast path
   * reads this small dense array of running neighbours, not one heap object per request, which is
   * a cache miss per request per step (issue 9).
   */
  private quiet: number[] = [];
  private base = 0;
  /** Entries [0, head) of the window are freed (undefined). */
  private head = 0;

  get(index: number): RequestTable | undefined {
    return this.slots[index - this.base];
  }

  /** The request's quiet-until count, or -1 if it has no table. */
  quietUntil(index: number): number {
    const at = index - this.base;
    if (at < 0) return -1;
    return this.quiet[at] ?? -1;
  }

  /** Set the quiet-until count of a request that has a table. */
  setQuietUntil(index: number, value: number): void {
    this.quiet[index - this.base] = value;
  }

  set(index: number, table: RequestTable): void {
    if (this.slots.length === 0) this.base = index;
    if (index < this.base) {
      // An index below the window (admitted out of index order): widen the window downwards.
      const widened = new Array<RequestTable | undefined>(this.base - index).fill(undefined);
      this.slots = widened.concat(this.slots);
      this.quiet = new Array<number>(this.base - index).fill(-1).concat(this.quiet);
      this.base = index;
      this.head = 0;
    }
    if (index - this.base < this.head) this.head = index - this.base;
    while (this.slots.length < index - this.base) {
      this.slots.push(undefined);
      this.quiet.push(-1);
    }
    this.slots[index - this.base] = table;
    this.quiet[index - this.base] = -1;
  }

  delete(index: number): void {
    const at = index - this.base;
    if (at < 0 || at >= this.slots.length) return;
    this.slots[at] = undefined;
    this.quiet[at] = -1;
    const slots = this.slots;
    let head = this.head;
    while (head < slots.length && slots[head] === undefined) head++;
    this.head = head;
    // Everything freed, or the freed front is half the window: move the window up past it.
    if (head === slots.length || (head >= 32 && 2 * head >= slots.length)) {
      this.slots = slots.slice(head);
      this.quiet = this.quiet.slice(head);
      this.base += head;
      this.head = 0;
    }
  }

  /** Every (index, table), by index. */
  *entries(): Generator<[number, RequestTable]> {
    for (let at = 0; at < this.slots.length; at++) {
      const table = this.slots[at];
      if (table !== undefined) yield [this.base + at, table];
    }
  }
}

export class KvCacheManager {
  readonly blockSize: number;
  readonly maxModelLen: number;
  readonly enablePrefixCaching: boolean;
  private readonly pool: BlockPool;
  // Presence means "already admitted" (B.4's tracked case).
  private readonly tables = new RequestTables();
  private readonly statsTotal: PrefixCacheStats = emptyPrefixCacheStats();
  /** The last prefix-cache lookup, for a request that may ask again next step (see lookUp). */
  private lastLookup: { readonly request: KvRequestView; readonly maxBlocks: number; readonly result: ComputedBlocks } | undefined;
  private statsInterval: PrefixCacheStatsUpdate = emptyPrefixCacheStatsUpdate();

  constructor(options: KvCacheManagerOptions) {
    const { numGpuBlocks, blockSize, maxModelLen, enablePrefixCaching } = options;
    if (!Number.isInteger(blockSize) || blockSize < 1) {
      throw new Error(`internal: blockSize must be a positive integer, got ${blockSize}`);
    }
    if (!Number.isInteger(maxModelLen) || maxModelLen < 1) {
      throw new Error(`internal: maxModelLen must be a positive integer, got ${maxModelLen}`);
    }
    this.blockSize = blockSize;
    this.maxModelLen = maxModelLen;
    this.enablePrefixCaching = enablePrefixCaching;
    this.pool = new BlockPool(numGpuBlocks, enablePrefixCaching);
  }

  /**
   * Longest chain of cached full blocks of `req`, capped at floor((numTokens-1)/B) blocks so the
   * last token is always recomputed (its logits are needed). Records stats on every call, so a
   * head-of-line request that stays blocked is counted again each step (spec E.5).
   */
  getComputedBlocks(req: KvRequestView): ComputedBlocks {
    if (!this.enablePrefixCaching || req.skipReadingPrefixCache) return NO_HITS;
    const maxBlocks = Math.min(Math.floor((req.numTokens - 1) / this.blockSize), req.blockHashes.length);
    const result = this.lookUp(req, maxBlocks);
    const preempted = req.numPreemptions > 0;
    recordPrefixCacheLookup(this.statsTotal, req.numTokens, result.numHitTokens, preempted);
    recordPrefixCacheLookup(this.statsInterval, req.numTokens, result.numHitTokens, preempted);
    return result;
  }

  /**
   * The hit chain of `req`'s first `maxBlocks` block hashes. vLLM looks it up again in every step
   * in which the request waits at the head of the queue, and under KV pressure that is most steps:
   * with long prompts and shared prefixes (hundreds of hits) the lookups were about a quarter of
   * the Mooncake replay's time (issue 9). So the last result is kept, the pool keeps track of what changed it
   * (lookup-watch.ts), and only the part of the chain that may differ is looked up again.
   */
  private lookUp(req: KvRequestView, maxBlocks: number): ComputedBlocks {
    const last = this.lastLookup;
    const watch = this.pool.lookupWatch;
    let start = 0;
    if (last !== undefined && last.request === req && last.maxBlocks === maxBlocks) {
      if (watch.intact) return last.result;
      start = watch.validPrefix;
    }
    const hits: number[] = start === 0 ? [] : last!.result.blocks.slice(0, start);
    for (let i = start; i < maxBlocks; i++) {
      const id = this.pool.getCachedBlock(req.blockHashes[i]!);
      if (id === undefined) break;
      hits.push(id);
    }
    const result = hits.length === 0 ? NO_HITS : { blocks: hits, numHitTokens: hits.length * this.blockSize };
    const numHits = hits.length;
    watch.watch(hits, numHits < maxBlocks ? req.blockHashes[numHits] : undefined);
    this.lastLookup = { request: req, maxBlocks, result };
    return result;
  }

  /**
   * Make room for `numNewTokens` more tokens (plus `numLookaheadTokens` speculative slots) after
   * `req.numComputedTokens + numHitTokens`. On a request's first admission, `hitBlocks` (from
   * getComputedBlocks) are touched and become the head of its table. Returns the newly popped
   * block ids (anonymous blocks have none: block-pool.ts), or null, with no side effects at all,
   * if the free queue is too short. Evictable
   * hit blocks (ref 0) sit in the free queue, so taking them uses free capacity too.
   */
  allocateSlots(
    req: KvRequestView,
    numNewTokens: number,
    numHitTokens = 0,
    hitBlocks: readonly number[] = EMPTY_BLOCK_IDS,
    numLookaheadTokens = 0,
  ): readonly number[] | null {
    const numBlocksBefore = this.numAllocatedBlocks(req.index);
    const namedBefore = this.blockIds(req.index).length;
    if (!this.tryAllocateSlots(req, numNewTokens, numHitTokens, hitBlocks, numLookaheadTokens)) return null;
    const blocks = this.blockIds(req.index);
    // A first admission's table starts with its hit blocks, which are not new.
    const firstNew = numBlocksBefore === 0 ? hitBlocks.length : namedBefore;
    return blocks.length > firstNew ? blocks.slice(firstNew) : EMPTY_BLOCK_IDS;
  }

  /**
   * `allocateSlots` without building the list of new block ids: true if the slots were allocated,
   * false (and nothing changed) if the free queue is too short. The scheduler only asks whether
   * it succeeded, so its calls allocate no array (issue 9).
   */
  tryAllocateSlots(
    req: KvRequestView,
    numNewTokens: number,
    numHitTokens = 0,
    hitBlocks: readonly number[] = EMPTY_BLOCK_IDS,
    numLookaheadTokens = 0,
  ): boolean {
    // Fast path for the common decode step (15 of every 16 with B = 16): an admitted request whose
    // new tokens fit in the blocks it holds and complete no block. The full path below would find
    // nothing to allocate and nothing to register; this answers with one comparison. (A request
    // without a table has quiet-until -1, and token counts are >= 0.)
    if (
      hitBlocks.length === 0 &&
      req.numComputedTokens + numHitTokens + numNewTokens + numLookaheadTokens <= this.tables.quietUntil(req.index)
    ) {
      return true;
    }

    const B = this.blockSize;
    const numComputed = Math.min(req.numComputedTokens + numHitTokens, this.maxModelLen);
    const numSlots = Math.min(numComputed + numNewTokens + numLookaheadTokens, this.maxModelLen);
    const required = Math.ceil(numSlots / B);
    let table = this.tables.get(req.index);

    let toAllocate: number;
    if (table !== undefined) {
      // A running request never gets new prefix hits (vLLM asserts this).
      if (hitBlocks.length > 0) {
        throw new Error(`internal: allocateSlots: request ${req.index} is already admitted but got hit blocks`);
      }
      toAllocate = Math.max(required - table.held, 0);
    } else {
      if (hitBlocks.length > 0 && !this.enablePrefixCaching) {
        throw new Error('internal: allocateSlots: hit blocks with prefix caching disabled');
      }
      toAllocate = Math.max(required - hitBlocks.length, 0);
      toAllocate += this.freeBlocksAmong(hitBlocks);
    }
    if (toAllocate > this.pool.numFreeBlocks) return false;

    if (table === undefined) {
      if (this.lastLookup?.request === req) this.forgetLookup();
      // Touch first so the popped blocks below can never be the hit blocks themselves.
      this.pool.touch(hitBlocks);
      table = {
        // (Not a slice of the frozen empty array when there are no hits: V8 copies frozen arrays
        // on a slow path, about 7 times slower; this runs at every admission.)
        blocks: hitBlocks.length === 0 ? [] : hitBlocks.slice(),
        held: hitBlocks.length,
        numCached: hitBlocks.length,
        numRegistered: hitBlocks.length,
        firstPrivateBlock: req.firstPrivateBlock,
      };
      this.tables.set(req.index, table);
    }

    if (required > table.held) this.allocateBlocks(table, required - table.held);

    // Register blocks that become full with this step's tokens now, not after the forward pass,
    // so later requests in the same schedule() call can hit them. Capped at numTokens so slots
    // for lookahead (unverified) tokens are never cached.
    if (this.enablePrefixCaching) {
      this.registerFullBlocks(req, table, Math.min(numComputed + numNewTokens, req.numTokens));
    }
    this.tables.setQuietUntil(req.index, this.quietBound(table));
    return true;
  }

  /**
   * allocateSlots for one more token of an admitted request known only by its index (a steady
   * decode at a block boundary: scheduler/steady-decodes.ts), after `computed` tokens of which
   * `knownTokens` are known (the others are outputs in flight), when that needs no block hash:
   * every block it would register is private, so it is only counted (registerFullBlocks).
   * Returns how far its steady stretch may now run (steadyBound); -1, with nothing changed, if a
   * block would need registering or the free queue is too short (the caller then takes
   * allocateSlots' full path).
   */
  allocateSteadySlot(index: number, computed: number, knownTokens: number): number {
    const table = this.tables.get(index);
    if (table === undefined) throw new Error(`internal: allocateSteadySlot: request ${index} has no blocks`);
    const B = this.blockSize;
    // As allocateSlots with numNewTokens = 1, no hits, no lookahead.
    const numComputed = Math.min(computed, this.maxModelLen);
    const required = Math.ceil(Math.min(numComputed + 1, this.maxModelLen) / B);
    const toAllocate = Math.max(required - table.held, 0);
    if (toAllocate > this.pool.numFreeBlocks) return -1;
    const numFull = this.enablePrefixCaching ? Math.floor(Math.min(numComputed + 1, knownTokens) / B) : 0;
    if (numFull > table.numCached && Math.min(numFull, table.firstPrivateBlock) > table.numRegistered) return -1;
    if (toAllocate > 0) this.allocateBlocks(table, toAllocate);
    if (numFull > table.numCached) table.numCached = numFull;
    this.tables.setQuietUntil(index, this.quietBound(table));
    return this.steadyBound(table);
  }

  /**
   * A steady stretch of the request ended (SteadyDecodes.materialize): its allocations and, under
   * async scheduling, its outputs since the stretch began would have counted the blocks full
   * within its first `cachedTokens` tokens as cached, which the stretch let lag (steadyBound).
   * Counts them now (registering none: they are private), so numCached is vLLM's again for every
   * reader (a preemption's registrations, a REQUEST_SNAPSHOT, the full path's quiet test).
   */
  settleSteady(req: KvRequestView, cachedTokens: number): void {
    if (!this.enablePrefixCaching) return;
    const table = this.tables.get(req.index);
    if (table === undefined) return;
    this.registerFullBlocks(req, table, cachedTokens);
    this.tables.setQuietUntil(req.index, this.quietBound(table));
  }

  /**
   * vLLM's cache_blocks(request, num_computed_tokens): register in the prefix cache the request's
   * blocks that are full within its first `numTokens` tokens. Async scheduling calls it when an
   * output arrives, for blocks its in-flight tokens completed after allocation. No-op without
   * prefix caching or for a request holding no blocks.
   */
  cacheBlocks(req: KvRequestView, numTokens: number): void {
    if (!this.enablePrefixCaching) return;
    // Async scheduling calls this for every output token; most complete no block. Within the
    // quiet-until count no block can be full beyond the registered ones (it is below
    // (numCached + 1) * B), so there is nothing to do, and the table object is not even read.
    if (numTokens <= this.tables.quietUntil(req.index)) return;
    const table = this.tables.get(req.index);
    if (table === undefined) return;
    this.registerFullBlocks(req, table, numTokens);
    this.tables.setQuietUntil(req.index, this.quietBound(table));
  }

  /**
   * Append `k` new blocks to the table: named ones at places before the request's first private
   * block, anonymous ones from there on (block-pool.ts).
   */
  private allocateBlocks(table: RequestTable, k: number): void {
    const named = Math.max(0, Math.min(k, table.firstPrivateBlock - table.held));
    this.pool.allocateInto(named, k - named, table.blocks);
    table.held += k;
  }

  /** The request of the last lookup was admitted: nobody will ask for that result again. */
  private forgetLookup(): void {
    this.lastLookup = undefined;
    this.pool.lookupWatch.clear();
  }

  /**
   * How many of `hitBlocks` have ref count 0 (taking them uses free capacity). For the last
   * lookup's result while it still holds, the pool has kept count; otherwise count them.
   */
  private freeBlocksAmong(hitBlocks: readonly number[]): number {
    if (hitBlocks === this.lastLookup?.result.blocks && this.pool.lookupWatch.intact) {
      return this.pool.lookupWatch.refZeroBlocks;
    }
    let free = 0;
    for (let i = 0; i < hitBlocks.length; i++) if (this.pool.refCount(hitBlocks[i]!) === 0) free++;
    return free;
  }

  /** Release the request's blocks tail first, so its deepest blocks are evicted first (spec B.5). */
  free(req: KvRequestView): void {
    this.freeIndex(req.index);
  }

  /**
   * `free` for a preempted request, which will look its blocks up again when it is resumed: its
   * private blocks not registered yet go into the prefix cache first, so the cache then holds
   * exactly what vLLM's does (see registerFullBlocks).
   */
  freePreempted(req: KvRequestView): void {
    const table = this.tables.get(req.index);
    if (table !== undefined) {
      // Registered blocks need ids: its anonymous blocks among them get theirs now.
      const toName = Math.min(table.numCached, table.held) - table.blocks.length;
      if (toName > 0) this.pool.nameAnonymous(toName, table.blocks);
      this.registerUpTo(req, table, table.numCached);
    }
    this.freeIndex(req.index);
  }

  /** `free` by request index. Unknown indices are ignored, as vLLM ignores unknown ids. */
  freeIndex(reqIndex: number): void {
    const table = this.tables.get(reqIndex);
    if (table === undefined) return;
    this.tables.delete(reqIndex);
    // The anonymous blocks are the table's tail: freed first.
    this.pool.freeAnonymous(table.held - table.blocks.length);
    this.pool.freeTableReversed(table.blocks);
  }

  /**
   * The largest token count (computed + new) at which allocateSlots leaves the request's blocks
   * alone: no new block, no newly full block (see quietBound). -1 for a request without blocks.
   */
  quietUntil(req: KvRequestView): number {
    return this.tables.quietUntil(req.index);
  }

  /** Blocks the request holds, named and anonymous (kv.blocks_allocated_gpu). */
  numAllocatedBlocks(reqIndex: number): number {
    const table = this.tables.get(reqIndex);
    return table === undefined ? 0 : table.held;
  }

  /** Leading blocks of the request registered in the prefix cache (kv.blocks_cached_gpu). */
  numCachedBlocks(reqIndex: number): number {
    return this.tables.get(reqIndex)?.numCached ?? 0;
  }

  /**
   * The ids of the request's named blocks: its block table but for the anonymous blocks at its end
   * (block-pool.ts). Empty when it has none. Read-only view for tests.
   */
  blockIds(reqIndex: number): readonly number[] {
    return this.tables.get(reqIndex)?.blocks ?? EMPTY_BLOCK_IDS;
  }

  get numFreeBlocks(): number {
    return this.pool.numFreeBlocks;
  }

  get numUsableBlocks(): number {
    return this.pool.numGpuBlocks - 1;
  }

  /** Number of distinct hashes in the prefix cache. */
  get numCachedHashes(): number {
    return this.pool.numCachedHashes;
  }

  /** 1 - free/(numGpuBlocks-1); 0 when there are no usable blocks. */
  usage(): number {
    return this.pool.usage();
  }

  /** Clear the prefix cache; false (and nothing changes) while any request holds blocks. */
  resetPrefixCache(): boolean {
    if (!this.pool.resetPrefixCache()) return false;
    this.statsInterval.reset = true;
    return true;
  }

  /** Cumulative lookup counters since construction. */
  get prefixCacheStats(): Readonly<PrefixCacheStats> {
    return this.statsTotal;
  }

  /** The counters since the previous call, then restart them (vLLM's make_prefix_cache_stats). */
  makePrefixCacheStats(): PrefixCacheStatsUpdate {
    const out = this.statsInterval;
    this.statsInterval = emptyPrefixCacheStatsUpdate();
    return out;
  }

  /** Free-queue contents, head first (allocates; for tests and debugging). */
  freeQueueIds(): number[] {
    return this.pool.freeQueue.toArray();
  }

  blockRefCount(id: number): number | undefined {
    return id >= 0 && id < this.pool.numGpuBlocks ? this.pool.refCount(id) : undefined;
  }

  blockHash(id: number): number | null {
    return id >= 0 && id < this.pool.numGpuBlocks ? this.pool.blockHash(id) : null;
  }

  /**
   * Check KV block conservation; throws Error('internal: ...') on any breach. Every usable block
   * is either in the free queue with ref 0, or out of it with ref equal to the number of request
   * tables holding it, or a spare id (one per anonymous block, free or held); the queue length
   * equals the number of ref-0 usable blocks and anonymous free blocks; the hash map
   * and per-block hashes agree; and each request's decode fast-path bound is up to date. O(blocks + table entries); for tests and debug runs.
   */
  checkInvariants(): void {
    const n = this.pool.numGpuBlocks;
    const queue = this.pool.freeQueue;
    queue.checkInvariants();
    const holders = new Int32Array(n);
    let heldAnonymous = 0;
    for (const [index, table] of this.tables.entries()) {
      const held = table.held;
      const anonymous = held - table.blocks.length;
      if (anonymous < 0) throw new Error(`internal: request ${index} holds ${held} blocks but names ${table.blocks.length}`);
      if (table.numCached > held) {
        throw new Error(`internal: request ${index} has ${table.numCached} cached of ${held} blocks`);
      }
      if (table.numRegistered > Math.min(table.numCached, table.blocks.length)) {
        throw new Error(`internal: request ${index} has ${table.numRegistered} registered of ${table.numCached} cached, ${table.blocks.length} named blocks`);
      }
      if (anonymous > 0 && table.blocks.length < table.firstPrivateBlock) {
        throw new Error(`internal: request ${index} has anonymous blocks from ${table.blocks.length}, before its first private block ${table.firstPrivateBlock}`);
      }
      heldAnonymous += anonymous;
      for (let b = table.numRegistered; b < Math.min(table.numCached, table.blocks.length); b++) {
        if (this.pool.blockHash(table.blocks[b]!) !== null) {
          throw new Error(`internal: request ${index}'s unregistered private block ${table.blocks[b]} has a hash`);
        }
      }
      for (const id of table.blocks) {
        if (id <= 0 || id >= n) throw new Error(`internal: request ${index} holds invalid block ${id}`);
        holders[id]!++;
      }
      const quiet = this.tables.quietUntil(index);
      if (quiet !== this.quietBound(table)) {
        throw new Error(`internal: request ${index} is quiet until ${quiet} tokens, not ${this.quietBound(table)}`);
      }
    }
    if (queue.contains(0)) throw new Error('internal: the null block is in the free queue');
    if (this.pool.numAnonymousBlocks !== queue.anonymousLength + heldAnonymous) {
      throw new Error(
        `internal: ${this.pool.numAnonymousBlocks} spare ids for ${queue.anonymousLength} free and ${heldAnonymous} held anonymous blocks`,
      );
    }
    const spare = new Uint8Array(n);
    for (const id of this.pool.spareIds()) {
      if (id <= 0 || id >= n || spare[id] === 1) throw new Error(`internal: invalid or repeated spare id ${id}`);
      spare[id] = 1;
      if (queue.contains(id) || holders[id] !== 0 || this.pool.refCount(id) !== 0 || this.pool.blockHash(id) !== null) {
        throw new Error(`internal: spare id ${id} is queued, held, referenced or hashed`);
      }
    }
    let refZero = queue.anonymousLength;
    for (let id = 1; id < n; id++) {
      if (spare[id] === 1) continue;
      const ref = this.pool.refCount(id);
      if (queue.contains(id)) {
        if (ref !== 0 || holders[id] !== 0) {
          throw new Error(`internal: free block ${id} has ref ${ref} and ${holders[id]} holders`);
        }
      } else if (ref <= 0 || ref !== holders[id]) {
        throw new Error(`internal: block ${id} is out of the free queue with ref ${ref} but ${holders[id]} holders`);
      }
      if (ref === 0) refZero++;
    }
    if (queue.length !== refZero) {
      throw new Error(`internal: free queue length ${queue.length} != ${refZero} blocks with ref 0`);
    }
    let registrations = 0;
    this.pool.forEachCached((hash, id) => {
      registrations++;
      if (this.pool.blockHash(id) !== hash) throw new Error(`internal: cache maps a hash to block ${id} with another hash`);
    });
    let hashed = 0;
    for (let id = 0; id < n; id++) if (this.pool.blockHash(id) !== null) hashed++;
    if (hashed !== registrations) {
      throw new Error(`internal: ${hashed} hashed blocks but ${registrations} cache registrations`);
    }
  }

  /**
   * The largest computed + new + hit + lookahead token count S at which allocateSlots leaves
   * `table` alone. No new block: S <= blocks * B covers the (capped) slots needed. No newly full
   * block: S < (numCached + 1) * B, since the tokens registered are at most S. Both bounds ignore
   * the maxModelLen and numTokens caps, which only lower the real counts.
   */
  private quietBound(table: RequestTable): number {
    const B = this.blockSize;
    const noNewBlock = table.held * B;
    return this.enablePrefixCaching ? Math.min(noNewBlock, (table.numCached + 1) * B - 1) : noNewBlock;
  }

  /**
   * quietBound for a steady stretch (allocateSteadySlot): when the next block to become full is
   * private, it needs no registration, only a count in numCached, which the stretch leaves behind
   * and settleSteady brings up to date when it ends. The stretch then runs on to the next new
   * block: one end per block instead of two, each a read of the request's table (issue 9).
   */
  private steadyBound(table: RequestTable): number {
    return table.numCached >= table.firstPrivateBlock ? table.held * this.blockSize : this.quietBound(table);
  }

  /**
   * vLLM registers a request's newly full blocks in the prefix cache at once, so that any request
   * may hit them. A block only the request itself can look up (KvRequestView.firstPrivateBlock:
   * its content is the request's alone) is only ever looked up by the request after a preemption,
   * since a request looks blocks up only while it holds none. So such blocks are counted as cached
   * (numCached, which the step records report) but put into the pool's cache only when the request
   * is preempted (freePreempted). A request that finishes never puts them there: every lookup sees
   * what it sees in vLLM, and the common case, requests with content of their own, skips two random
   * accesses into the cache's table per block, for registering and for evicting (issue 9).
   */
  private registerFullBlocks(req: KvRequestView, table: RequestTable, numTokens: number): void {
    const numFull = Math.floor(numTokens / this.blockSize);
    if (numFull <= table.numCached) return;
    this.registerUpTo(req, table, Math.min(numFull, req.firstPrivateBlock));
    table.numCached = numFull;
  }

  /** Put the request's blocks before `numBlocks` into the pool's prefix cache, if not there yet. */
  private registerUpTo(req: KvRequestView, table: RequestTable, numBlocks: number): void {
    if (numBlocks <= table.numRegistered) return;
    if (req.blockHashes.length < numBlocks) {
      throw new Error(`internal: request ${req.index} has ${req.blockHashes.length} block hashes but ${numBlocks} blocks to register`);
    }
    this.pool.cacheFullBlocks(table.blocks, req.blockHashes, table.numRegistered, numBlocks);
    table.numRegistered = numBlocks;
  }
}
