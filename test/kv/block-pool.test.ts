// BlockPool: spec B.1, B.2 (duplicates), B.4 (get_new_blocks eviction, cache_full_blocks), B.5,
// B.6; re-expresses test_prefix_caching.py::test_cache_blocks and ::test_maybe_evict_cached_block.
import { describe, expect, it } from 'vitest';
import { BlockPool, NULL_BLOCK_ID } from '../../src/kv/block-pool.js';

describe('BlockPool', () => {
  it('takes block 0 as the null block; usable blocks 1..N-1 start free in id order', () => {
    const pool = new BlockPool(5, true);
    expect(NULL_BLOCK_ID).toBe(0);
    expect(pool.numFreeBlocks).toBe(4);
    expect(pool.freeQueue.toArray()).toEqual([1, 2, 3, 4]);
    expect(pool.getNewBlocks(1)).toEqual([1]);
  });

  it('getNewBlocks pops from the head with ref 1; freeBlocks appends at ref 0 in the given order', () => {
    const pool = new BlockPool(6, true);
    expect(pool.getNewBlocks(3)).toEqual([1, 2, 3]);
    for (const id of [1, 2, 3]) expect(pool.refCount(id)).toBe(1);
    expect(pool.numFreeBlocks).toBe(2);
    pool.touch([2]);
    expect(pool.refCount(2)).toBe(2);
    pool.freeBlocks([3, 2, 1]);
    // 2 is still referenced once, so only 3 and 1 return, in that order.
    expect(pool.freeQueue.toArray()).toEqual([4, 5, 3, 1]);
    expect(pool.refCount(2)).toBe(1);
    expect(pool.refCount(3)).toBe(0);
  });

  it('hands out anonymous blocks: a named one popped for them evicts its hash and lends its id to a named place later', () => {
    const pool = new BlockPool(6, true);
    const first = pool.getNewBlocks(2); // ids 1, 2
    pool.cacheFullBlocks(first, [101, 202], 0, 2);
    pool.freeBlocks([2, 1]); // queue: 3 4 5 2 1
    const table: number[] = [];
    pool.allocateInto(1, 4, table); // id 3 named; 4, 5, 2 (evicting 202) and 1 (evicting 101) anonymous
    expect(table).toEqual([3]);
    expect(pool.numFreeBlocks).toBe(0);
    expect(pool.numAnonymousBlocks).toBe(4);
    expect(pool.numCachedHashes).toBe(0);
    expect(pool.getCachedBlock(101)).toBeUndefined();
    pool.freeAnonymous(4);
    pool.freeTableReversed(table); // queue: 4 anonymous, then 3
    expect(pool.freeQueue.toArray()).toEqual([-1, -1, -1, -1, 3]);
    const named: number[] = [];
    pool.allocateInto(2, 0, named); // anonymous blocks popped for named places take spare ids
    expect(named).toHaveLength(2);
    expect(new Set([...named, ...pool.spareIds(), 3])).toEqual(new Set([1, 2, 3, 4, 5]));
    for (const id of named) expect(pool.refCount(id)).toBe(1);
    expect(pool.numAnonymousBlocks).toBe(2);
    expect(() => pool.allocateInto(2, 2, [])).toThrow(/only 3 free/);
  });

  it('touch takes a ref-0 block out of the middle of the queue', () => {
    const pool = new BlockPool(6, true);
    pool.touch([3]);
    expect(pool.refCount(3)).toBe(1);
    expect(pool.freeQueue.toArray()).toEqual([1, 2, 4, 5]);
    expect(pool.numFreeBlocks).toBe(4);
  });

  it('freeing a block at ref 0 is an internal error', () => {
    const pool = new BlockPool(3, true);
    pool.getNewBlocks(1);
    pool.freeBlock(1);
    expect(() => pool.freeBlock(1)).toThrow(/internal/);
  });

  it('cacheFullBlocks registers only the new full blocks (test_cache_blocks)', () => {
    const pool = new BlockPool(5, true);
    const blocks = pool.getNewBlocks(3);
    const hashes = [101, 202, 303];
    pool.cacheFullBlocks(blocks, hashes, 0, 2);
    expect(pool.numCachedHashes).toBe(2);
    expect([pool.blockHash(1), pool.blockHash(2), pool.blockHash(3)]).toEqual([101, 202, null]);
    pool.cacheFullBlocks(blocks, hashes, 2, 3);
    expect(pool.numCachedHashes).toBe(3);
    expect(pool.blockHash(3)).toBe(303);
    expect(pool.getCachedBlock(202)).toBe(2);
    expect(pool.getCachedBlock(404)).toBeUndefined();
    // Registering an already-hashed block again would corrupt the map.
    expect(() => pool.cacheFullBlocks(blocks, hashes, 0, 1)).toThrow(/internal/);
  });

  it('keeps duplicate hashes; lookup returns the first inserted; evicting one keeps the key (test_maybe_evict_cached_block)', () => {
    const pool = new BlockPool(5, true);
    const [a, b, c, d] = pool.getNewBlocks(4) as [number, number, number, number];
    pool.cacheFullBlocks([a, b, c, d], [10, 20, 30, 10], 0, 4);
    expect(pool.numCachedHashes).toBe(3);
    expect(pool.getCachedBlock(10)).toBe(a);

    // Free in the order b, a, c, d: that is the eviction order.
    pool.freeBlocks([b, a, c, d]);
    const cases: { evicted: number; hash: number; lookup10: number | undefined; size: number }[] = [
      { evicted: b, hash: 20, lookup10: a, size: 2 },
      // a's eviction leaves the key 10 alive for its duplicate d.
      { evicted: a, hash: 10, lookup10: d, size: 2 },
      { evicted: c, hash: 30, lookup10: d, size: 1 },
      { evicted: d, hash: 10, lookup10: undefined, size: 0 },
    ];
    for (const { evicted, hash, lookup10, size } of cases) {
      expect(pool.blockHash(evicted)).toBe(hash); // lazy: still hashed while free
      expect(pool.getNewBlocks(1)).toEqual([evicted]);
      expect(pool.blockHash(evicted)).toBeNull();
      expect(pool.getCachedBlock(10)).toBe(lookup10);
      expect(pool.numCachedHashes).toBe(size);
    }
  });

  it('a re-registered duplicate goes to the back of the insertion order', () => {
    const pool = new BlockPool(4, true);
    pool.getNewBlocks(3);
    pool.cacheFullBlocks([1, 2], [7, 7], 0, 2);
    pool.freeBlocks([1]);
    expect(pool.getNewBlocks(1)).toEqual([1]); // evicts block 1's registration
    pool.cacheFullBlocks([1], [7], 0, 1);
    expect(pool.getCachedBlock(7)).toBe(2);
  });

  it.each([
    { numGpuBlocks: 11, allocate: 0, usage: 0 },
    { numGpuBlocks: 11, allocate: 3, usage: 0.3 },
    { numGpuBlocks: 11, allocate: 10, usage: 1 },
    { numGpuBlocks: 5, allocate: 1, usage: 0.25 },
    { numGpuBlocks: 1, allocate: 0, usage: 0 }, // no usable blocks: denominator 0
  ])('usage with $numGpuBlocks blocks and $allocate allocated is $usage', ({ numGpuBlocks, allocate, usage }) => {
    const pool = new BlockPool(numGpuBlocks, true);
    pool.getNewBlocks(allocate);
    expect(pool.usage()).toBeCloseTo(usage, 12);
  });

  it('evictable cached blocks count as free for usage', () => {
    const pool = new BlockPool(5, true);
    pool.getNewBlocks(2);
    pool.cacheFullBlocks([1, 2], [1, 2], 0, 2);
    expect(pool.usage()).toBeCloseTo(0.5, 12);
    pool.freeBlocks([2, 1]);
    expect(pool.usage()).toBe(0);
    expect(pool.numCachedHashes).toBe(2);
  });

  it('resetPrefixCache succeeds only when every usable block is free, and clears all hashes', () => {
    const pool = new BlockPool(4, true);
    pool.getNewBlocks(2);
    pool.cacheFullBlocks([1, 2], [5, 6], 0, 2);
    pool.freeBlocks([2]);
    expect(pool.resetPrefixCache()).toBe(false);
    expect(pool.numCachedHashes).toBe(2);
    pool.freeBlocks([1]);
    expect(pool.resetPrefixCache()).toBe(true);
    expect(pool.numCachedHashes).toBe(0);
    for (let id = 0; id < 4; id++) expect(pool.blockHash(id)).toBeNull();
  });
});
