// Spec D rows 22-27: vLLM's tests/v1/core/test_prefix_caching.py (eviction of hit blocks, hash
// reset on reuse, caching disabled, capacity with evictable hits, salting, reset) re-expressed
// against KvCacheManager. Expected values come from the spec rows and the B.3-B.6 rules.
import { describe, expect, it } from 'vitest';
import { hashBlock, NONE_HASH } from '../../src/kv/block-hash.js';
import { COMMON, makeManager, makeRequest, range, repeat } from './helpers.js';

const B = 16;

describe('row 22: test_computed_blocks_not_evicted', () => {
  it('the new block evicts another cached block, never the hit block', () => {
    const m = makeManager(3, B);
    const req0 = makeRequest(0, range(0, 16), B);
    expect(m.allocateSlots(req0, 16)).toEqual([1]);
    const req1 = makeRequest(1, range(16, 32), B);
    expect(m.allocateSlots(req1, 16)).toEqual([2]);
    m.free(req0);
    m.free(req1);

    const req2 = makeRequest(2, range(0, 32), B);
    const hit = m.getComputedBlocks(req2);
    expect(hit).toEqual({ blocks: [1], numHitTokens: 16 });
    expect(m.allocateSlots(req2, 16, hit.numHitTokens, hit.blocks)).toEqual([2]);
    // Block 2 lost req1's hash and now holds req2's second block.
    expect(m.blockHash(2)).toBe(req2.blockHashes[1]);
    expect(m.getComputedBlocks(makeRequest(3, range(16, 33), B)).numHitTokens).toBe(0);
    m.checkInvariants();
  });
});

describe('row 23: test_hash_block_correct_reuse', () => {
  it('a reused cached block has its hash reset', () => {
    const m = makeManager(2, B);
    const req = makeRequest(0, range(0, 16), B);
    expect(m.getComputedBlocks(req).numHitTokens).toBe(0);
    expect(m.allocateSlots(req, 16)).toEqual([1]);
    expect(m.blockHash(1)).toBe(req.blockHashes[0]);
    m.free(req);
    expect(m.blockHash(1)).toBe(req.blockHashes[0]); // lazy eviction

    const req1 = makeRequest(1, range(0, 15), B);
    expect(m.getComputedBlocks(req1).numHitTokens).toBe(0);
    expect(m.allocateSlots(req1, 15)).toEqual([1]);
    expect(m.blockHash(1)).toBeNull();
    expect(m.numCachedHashes).toBe(0);
  });
});

describe('row 24: test_basic_prefix_caching_disabled', () => {
  it('no hits, no hashes, no stats; allocation fails when the pool is empty', () => {
    const m = makeManager(5, 4, false);
    const req1 = makeRequest(1, range(0, 10), 4);
    expect(m.getComputedBlocks(req1)).toEqual({ blocks: [], numHitTokens: 0 });
    expect(m.allocateSlots(req1, 10)).toEqual([1, 2, 3]);
    m.free(req1);

    const req2 = makeRequest(2, range(0, 16), 4); // shares req1's prefix
    expect(m.getComputedBlocks(req2)).toEqual({ blocks: [], numHitTokens: 0 });
    expect(m.allocateSlots(req2, 16)).toEqual([4, 3, 2, 1]);
    for (let id = 0; id < 5; id++) expect(m.blockHash(id)).toBeNull();

    const req3 = makeRequest(3, range(0, 4), 4);
    expect(m.getComputedBlocks(req3).numHitTokens).toBe(0);
    expect(m.allocateSlots(req3, 4)).toBeNull();
    expect(m.numAllocatedBlocks(3)).toBe(0);
    expect(m.prefixCacheStats.requests).toBe(0);
    m.checkInvariants();
  });
});

describe('row 25: test_prefill_not_enough_free_blocks_with_computed_blocks', () => {
  it('fails when evictable hits use up free capacity, touching nothing', () => {
    const m = makeManager(11, B);
    const req0 = makeRequest(0, COMMON, B);
    expect(m.getComputedBlocks(req0).numHitTokens).toBe(0);
    expect(m.allocateSlots(req0, 48)).toEqual([1, 2, 3]);

    const req1 = makeRequest(1, [...COMMON, ...COMMON], B);
    const hit1 = m.getComputedBlocks(req1);
    expect(hit1).toEqual({ blocks: [1, 2, 3], numHitTokens: 48 });
    expect(m.allocateSlots(req1, 48, hit1.numHitTokens, hit1.blocks)).toEqual([4, 5, 6]);
    const part1 = [...m.blockIds(1)];
    m.free(req1);
    expect(part1.slice(0, 3).map((id) => m.blockRefCount(id))).toEqual([1, 1, 1]);
    expect(part1.slice(3).map((id) => m.blockRefCount(id))).toEqual([0, 0, 0]);

    const req2 = makeRequest(2, repeat(7, 32), B);
    expect(m.getComputedBlocks(req2).numHitTokens).toBe(0);
    expect(m.allocateSlots(req2, 32)).toHaveLength(2);
    expect(m.numFreeBlocks).toBe(5);

    const req3 = makeRequest(3, [...COMMON, ...COMMON, ...COMMON], B);
    const hit3 = m.getComputedBlocks(req3);
    expect(hit3).toEqual({ blocks: part1, numHitTokens: 96 });
    const queueBefore = m.freeQueueIds();
    expect(m.allocateSlots(req3, 48, hit3.numHitTokens, hit3.blocks)).toBeNull();
    expect(part1.slice(0, 3).map((id) => m.blockRefCount(id))).toEqual([1, 1, 1]);
    expect(part1.slice(3).map((id) => m.blockRefCount(id))).toEqual([0, 0, 0]);
    expect(m.numFreeBlocks).toBe(5);
    expect(m.freeQueueIds()).toEqual(queueBefore);
    expect(m.numAllocatedBlocks(3)).toBe(0);
    m.checkInvariants();
  });
});

describe('row 26: test_cache_key_salting', () => {
  it('the salt enters block 0 only and separates the caches', () => {
    const SALT1 = 1;
    const SALT2 = 2;
    const m = makeManager(11, B);
    const tokens = [...COMMON, ...repeat(3, 11)];
    const req0 = makeRequest(0, tokens, B, { salt: SALT1 });
    expect(m.getComputedBlocks(req0).numHitTokens).toBe(0);
    const h = req0.blockHashes;
    expect(h).toHaveLength(3);
    expect(h[0]).toBe(hashBlock(NONE_HASH, tokens, 0, 16, SALT1));
    expect(h[1]).toBe(hashBlock(h[0]!, tokens, 16, 32, 0));
    expect(h[2]).toBe(hashBlock(h[1]!, tokens, 32, 48, 0));
    expect(h[0]).not.toBe(hashBlock(NONE_HASH, tokens, 0, 16, 0));

    expect(m.allocateSlots(req0, 59)).toEqual([1, 2, 3, 4]);
    req0.numComputedTokens = 59;
    req0.appendN(8, 5);
    expect(m.allocateSlots(req0, 5)).toEqual([]);
    expect(h).toHaveLength(4);
    expect(h[3]).toBe(hashBlock(h[2]!, [...tokens, ...repeat(8, 5)], 48, 64, 0));
    expect(m.blockHash(4)).toBe(h[3]);

    const other = [...COMMON, ...repeat(4, 11)];
    const req1 = makeRequest(1, other, B, { salt: SALT1 });
    expect(m.getComputedBlocks(req1)).toEqual({ blocks: [1, 2, 3], numHitTokens: 48 });

    const req2 = makeRequest(2, other, B, { salt: SALT2 });
    expect(m.getComputedBlocks(req2)).toEqual({ blocks: [], numHitTokens: 0 });
    expect(req2.blockHashes).toEqual([
      hashBlock(NONE_HASH, other, 0, 16, SALT2),
      hashBlock(req2.blockHashes[0]!, other, 16, 32, 0),
      hashBlock(req2.blockHashes[1]!, other, 32, 48, 0),
    ]);
    // Unsalted requests do not hit salted blocks either.
    expect(m.getComputedBlocks(makeRequest(3, other, B)).numHitTokens).toBe(0);
  });
});

describe('row 27: test_reset_prefix_cache', () => {
  it('fails while blocks are held, then clears the map and every hash', () => {
    const m = makeManager(11, B);
    const req0 = makeRequest(0, [...COMMON, ...repeat(3, 7)], B);
    expect(m.allocateSlots(req0, 55)).toEqual([1, 2, 3, 4]);
    const req1 = makeRequest(1, [...COMMON, ...repeat(4, 7)], B);
    const hit = m.getComputedBlocks(req1);
    expect(req1.blockHashes).toHaveLength(3);
    expect(hit.blocks).toHaveLength(3);
    expect(m.allocateSlots(req1, 7, hit.numHitTokens, hit.blocks)).toEqual([5]);

    expect(m.resetPrefixCache()).toBe(false);
    expect(m.numCachedHashes).toBeGreaterThan(0);
    expect(m.makePrefixCacheStats().reset).toBe(false);

    m.free(req0);
    m.free(req1);
    expect(m.resetPrefixCache()).toBe(true);
    expect(m.numCachedHashes).toBe(0);
    for (let id = 0; id < 11; id++) expect(m.blockHash(id)).toBeNull();
    expect(m.makePrefixCacheStats().reset).toBe(true);
    expect(m.getComputedBlocks(makeRequest(2, [...COMMON, 5], B)).numHitTokens).toBe(0);
    m.checkInvariants();
  });
});
