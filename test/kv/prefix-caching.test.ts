// Spec D rows 18-21: vLLM's tests/v1/core/test_prefix_caching.py (prefill, plp, decode, evict)
// re-expressed against KvCacheManager. Expected values come from the spec rows (and the B.4/B.5
// rules they rely on). Rows 22-27 are in prefix-caching-reuse.test.ts.
import { describe, expect, it } from 'vitest';
import { hashBlock, NONE_HASH } from '../../src/kv/block-hash.js';
import { chainHashes, COMMON, makeManager, makeRequest, range, repeat } from './helpers.js';

const B = 16;

describe('row 18: test_prefill', () => {
  it('shares the common prefix, frees in LRU order and evicts in that order', () => {
    const m = makeManager(11, B);

    const tokens0 = [...COMMON, ...repeat(3, 7)];
    const req0 = makeRequest(0, tokens0, B);
    expect(req0.blockHashes).toHaveLength(3);
    expect(m.getComputedBlocks(req0)).toEqual({ blocks: [], numHitTokens: 0 });
    expect(m.allocateSlots(req0, 55, 0, [])).toEqual([1, 2, 3, 4]);
    // Full blocks 1-3 carry the chained hashes; the partial block 4 has none.
    const expected = chainHashes(tokens0, B);
    let parent = NONE_HASH;
    for (const id of [1, 2, 3]) {
      parent = hashBlock(parent, tokens0, (id - 1) * B, id * B);
      expect(m.blockHash(id)).toBe(parent);
      expect(m.blockHash(id)).toBe(expected[id - 1]);
      expect(m.blockRefCount(id)).toBe(1);
    }
    expect(m.blockHash(4)).toBeNull();
    expect(m.blockRefCount(4)).toBe(1);

    // Hit while the original blocks are still in use.
    const req1 = makeRequest(1, [...COMMON, ...repeat(3, 5)], B);
    expect(req1.blockHashes).toHaveLength(3);
    const hit1 = m.getComputedBlocks(req1);
    expect(hit1).toEqual({ blocks: [1, 2, 3], numHitTokens: 48 });
    expect(m.allocateSlots(req1, 53 - 48, hit1.numHitTokens, hit1.blocks)).toEqual([5]);
    for (const id of [1, 2, 3]) expect(m.blockRefCount(id)).toBe(2);
    expect(m.numFreeBlocks).toBe(5);

    // Free req0 then req1, each tail first: req0 returns only 4, req1 returns 5, 3, 2, 1.
    m.free(req0);
    m.free(req1);
    expect(m.numFreeBlocks).toBe(10);
    expect(m.freeQueueIds()).toEqual([6, 7, 8, 9, 10, 4, 5, 3, 2, 1]);

    // Hit while the original blocks are free: they leave the middle of the queue.
    const req2 = makeRequest(2, [...COMMON, ...repeat(3, 6)], B);
    const hit2 = m.getComputedBlocks(req2);
    expect(hit2).toEqual({ blocks: [1, 2, 3], numHitTokens: 48 });
    expect(m.allocateSlots(req2, 6, hit2.numHitTokens, hit2.blocks)).toEqual([6]);
    expect(m.numFreeBlocks).toBe(6);
    expect(m.freeQueueIds()).toEqual([7, 8, 9, 10, 4, 5]);
    for (const id of m.freeQueueIds()) expect(m.blockRefCount(id)).toBe(0);
    m.checkInvariants();

    m.free(req2);
    // A miss takes every block, in LRU order, evicting the cached ones.
    const req3 = makeRequest(3, repeat(99, 160), B);
    expect(m.getComputedBlocks(req3)).toEqual({ blocks: [], numHitTokens: 0 });
    expect(m.allocateSlots(req3, 160, 0, [])).toEqual([7, 8, 9, 10, 4, 5, 6, 3, 2, 1]);
    expect(m.numFreeBlocks).toBe(0);
    expect(m.freeQueueIds()).toEqual([]);
    m.checkInvariants();
  });
});

describe('row 19: test_prefill_plp (prompt logprobs = skipReadingPrefixCache)', () => {
  it('a plp request writes the cache but never reads it; duplicates are allowed', () => {
    const m = makeManager(11, B);
    const req0 = makeRequest(0, [...COMMON, ...repeat(3, 7)], B, { skipReadingPrefixCache: true });
    expect(m.getComputedBlocks(req0)).toEqual({ blocks: [], numHitTokens: 0 });
    expect(m.allocateSlots(req0, 55)).toEqual([1, 2, 3, 4]);
    const req0Hashes = [1, 2, 3, 4].map((id) => m.blockHash(id));
    expect(req0Hashes).toEqual([...req0.blockHashes, null]);

    const req1 = makeRequest(1, [...COMMON, ...repeat(3, 5)], B);
    const hit1 = m.getComputedBlocks(req1);
    expect(hit1).toEqual({ blocks: [1, 2, 3], numHitTokens: 48 });
    expect(m.allocateSlots(req1, 5, hit1.numHitTokens, hit1.blocks)).toEqual([5]);
    for (const id of [1, 2, 3]) expect(m.blockRefCount(id)).toBe(2);
    expect(m.numFreeBlocks).toBe(5);
    m.free(req0);
    m.free(req1);
    expect(m.numFreeBlocks).toBe(10);
    expect(m.freeQueueIds()).toEqual([6, 7, 8, 9, 10, 4, 5, 3, 2, 1]);

    const req2 = makeRequest(2, [...COMMON, ...repeat(3, 6)], B, { skipReadingPrefixCache: true });
    expect(m.getComputedBlocks(req2)).toEqual({ blocks: [], numHitTokens: 0 });
    const blocks2 = m.allocateSlots(req2, 54);
    expect(blocks2).toEqual([6, 7, 8, 9]); // new physical blocks from the queue head
    expect(blocks2!.map((id) => m.blockHash(id))).toEqual(req0Hashes);
    for (const id of blocks2!) expect(m.blockRefCount(id)).toBe(1);
    // Stats: plp lookups are not recorded (only req1's).
    expect(m.prefixCacheStats.requests).toBe(1);

    // The duplicated hashes still resolve to the first-inserted blocks.
    const req3 = makeRequest(3, [...COMMON, 7], B);
    expect(m.getComputedBlocks(req3).blocks).toEqual([1, 2, 3]);
    m.checkInvariants();
  });
});

describe('row 20: test_decode', () => {
  it('decode tokens fill the last block before a new one is taken; full blocks get hashed', () => {
    const m = makeManager(11, B);
    const req0 = makeRequest(0, [...COMMON, ...repeat(3, 7)], B);
    expect(m.getComputedBlocks(req0).numHitTokens).toBe(0);
    expect(m.allocateSlots(req0, 55)).toEqual([1, 2, 3, 4]);

    req0.numComputedTokens = 55;
    req0.appendN(8, 4);
    expect(m.allocateSlots(req0, 4)).toEqual([]);
    expect(m.blockIds(0)).toEqual([1, 2, 3, 4]);
    expect(m.blockHash(4)).toBeNull();

    req0.numComputedTokens = 59;
    req0.appendN(7, 9 + 10); // 9 fill block 4, 10 go into the new block
    expect(m.allocateSlots(req0, 19)).toHaveLength(1);
    const ids = m.blockIds(0);
    expect(ids).toHaveLength(5);
    expect(m.blockHash(ids[3]!)).toBe(req0.blockHashes[3]);
    expect(m.blockHash(ids[4]!)).toBeNull();
    expect(m.numCachedBlocks(0)).toBe(4);
    m.checkInvariants();
  });
});

describe('row 21: test_evict', () => {
  it('LRU eviction order after freeing two requests, then a partial hit', () => {
    const m = makeManager(11, B);
    const req0 = makeRequest(0, range(0, 87), B);
    expect(m.getComputedBlocks(req0).numHitTokens).toBe(0);
    expect(m.allocateSlots(req0, 87)).toHaveLength(6); // 5 full + 1 partial
    const req1 = makeRequest(1, range(87, 87 + 48), B);
    expect(m.getComputedBlocks(req1).numHitTokens).toBe(0);
    expect(m.allocateSlots(req1, 48)).toHaveLength(3);
    expect(m.numFreeBlocks).toBe(1);

    m.free(req0);
    expect(m.freeQueueIds()).toEqual([10, 6, 5, 4, 3, 2, 1]);
    m.free(req1);
    expect(m.numFreeBlocks).toBe(10);
    expect(m.freeQueueIds()).toEqual([10, 6, 5, 4, 3, 2, 1, 9, 8, 7]);

    const req2 = makeRequest(2, range(0, 35), B);
    const hit = m.getComputedBlocks(req2);
    expect(hit).toEqual({ blocks: [1, 2], numHitTokens: 32 });
    expect(m.allocateSlots(req2, 3, hit.numHitTokens, hit.blocks)).toEqual([10]);
    expect(m.numFreeBlocks).toBe(7);
    m.checkInvariants();
  });
});
