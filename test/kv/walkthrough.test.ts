// Spec C.8 at the KV level: two 80-token requests A and B on B=16, 11 blocks (10 usable),
// max_model_len 100, driven through the allocations the scheduler makes in each step.
// Caching OFF: the free-block column of the golden BATCH_SUMMARY table. Caching ON: the
// hand-derived walkthrough (lazy eviction, resume hit on block 6, evictable-hit capacity).
import { describe, expect, it } from 'vitest';
import { KvCacheManager } from '../../src/kv/kv-cache-manager.js';
import { makeRequest, range } from './helpers.js';

function setup(enablePrefixCaching: boolean) {
  const m = new KvCacheManager({ numGpuBlocks: 11, blockSize: 16, maxModelLen: 100, enablePrefixCaching });
  const a = makeRequest(0, range(0, 80), 16);
  const b = makeRequest(1, range(1000, 1080), 16);
  return { m, a, b };
}

describe('C.8 golden trace, caching OFF', () => {
  it('allocations and free blocks per step match the BATCH_SUMMARY free/usage columns', () => {
    const { m, a, b } = setup(false);
    const summary = () => [m.numFreeBlocks, Number(m.usage().toFixed(6))];

    // Step 1: A takes 80 tokens (5 blocks), B the remaining budget of 20 tokens (2 blocks).
    expect(m.allocateSlots(a, 80)).toEqual([1, 2, 3, 4, 5]);
    expect(m.allocateSlots(b, 20)).toEqual([6, 7]);
    expect(summary()).toEqual([3, 0.7]);
    a.numComputedTokens = 80;
    a.append(1); // FIRST_TOKEN A
    b.numComputedTokens = 20;

    // Step 2: A grows to 6 blocks; B needs 3 more with 2 free -> preempted (running.pop() is B).
    expect(m.allocateSlots(a, 1)).toEqual([8]);
    expect(m.allocateSlots(b, 60)).toBeNull();
    m.free(b);
    b.preempt();
    expect(summary()).toEqual([4, 0.6]);
    a.numComputedTokens = 81;
    a.append(2);

    // Step 3: A fits in its 6 blocks; B needs 5 blocks with 4 free -> blocked.
    expect(m.allocateSlots(a, 1)).toEqual([]);
    expect(m.getComputedBlocks(b)).toEqual({ blocks: [], numHitTokens: 0 });
    expect(m.allocateSlots(b, 80)).toBeNull();
    expect(summary()).toEqual([4, 0.6]);
    a.numComputedTokens = 82;
    a.append(3);
    m.free(a); // A finished (length)

    // Step 4: B resumes from scratch with 5 blocks.
    expect(m.allocateSlots(b, 80)).toEqual([9, 10, 7, 6, 8]);
    expect(summary()).toEqual([5, 0.5]);
    b.numComputedTokens = 80;
    b.append(1);

    // Steps 5 and 6: decode; the 81st token takes a 6th block.
    expect(m.allocateSlots(b, 1)).toHaveLength(1);
    expect(summary()).toEqual([4, 0.6]);
    b.numComputedTokens = 81;
    b.append(2);
    expect(m.allocateSlots(b, 1)).toEqual([]);
    expect(summary()).toEqual([4, 0.6]);
    m.free(b); // B finished

    // Step 7: the flush step sees an empty pool.
    expect(summary()).toEqual([10, 0]);
    expect(m.prefixCacheStats.requests + m.prefixCacheStats.preemptedRequests).toBe(0);
    m.checkInvariants();
  });
});

describe('C.8 walkthrough, caching ON', () => {
  it('steps 1-4: lazy eviction keeps block 6 for B, whose resume is blocked once, then hits it', () => {
    const { m, a, b } = setup(true);

    // Step 1: every full block is hashed at allocation.
    expect(m.getComputedBlocks(a).numHitTokens).toBe(0);
    expect(m.allocateSlots(a, 80)).toEqual([1, 2, 3, 4, 5]);
    expect(m.getComputedBlocks(b).numHitTokens).toBe(0);
    expect(m.allocateSlots(b, 20)).toEqual([6, 7]);
    expect(m.numCachedBlocks(0)).toBe(5);
    expect(m.numCachedBlocks(1)).toBe(1);
    expect(m.blockHash(6)).toBe(b.blockHashes[0]);
    expect(m.blockHash(7)).toBeNull();
    expect(m.usage()).toBeCloseTo(0.7, 12);
    expect(m.prefixCacheStats).toMatchObject({ requests: 2, queries: 160, hits: 0, preemptedRequests: 0 });
    a.numComputedTokens = 80;
    a.append(1);
    b.numComputedTokens = 20;

    // Step 2: A's 6th block is the head of [8, 9, 10]; B is preempted, tail block first.
    expect(m.allocateSlots(a, 1)).toEqual([8]);
    expect(m.allocateSlots(b, 60)).toBeNull();
    m.free(b);
    b.preempt();
    expect(m.freeQueueIds()).toEqual([9, 10, 7, 6]);
    expect(m.blockHash(6)).toBe(b.blockHashes[0]);
    a.numComputedTokens = 81;
    a.append(2);

    // Step 3: B hits block 6 but needs 4 new + 1 evictable hit = 5 > 4 free: no side effects.
    expect(m.allocateSlots(a, 1)).toEqual([]);
    const hit3 = m.getComputedBlocks(b);
    expect(hit3).toEqual({ blocks: [6], numHitTokens: 16 });
    expect(m.allocateSlots(b, 80 - 16, hit3.numHitTokens, hit3.blocks)).toBeNull();
    expect(m.freeQueueIds()).toEqual([9, 10, 7, 6]);
    expect(m.blockRefCount(6)).toBe(0);
    expect(m.prefixCacheStats).toMatchObject({ preemptedRequests: 1, preemptedQueries: 80, preemptedHits: 16 });
    a.numComputedTokens = 82;
    a.append(3);
    m.free(a); // A finished

    // Step 4: freeing A appended [8, 5, 4, 3, 2, 1]; B touches 6 and pops [9, 10, 7, 8].
    expect(m.freeQueueIds()).toEqual([9, 10, 7, 6, 8, 5, 4, 3, 2, 1]);
    const hit4 = m.getComputedBlocks(b);
    expect(hit4).toEqual({ blocks: [6], numHitTokens: 16 });
    expect(m.prefixCacheStats).toMatchObject({ preemptedRequests: 2, preemptedQueries: 160, preemptedHits: 32 });
    expect(m.allocateSlots(b, 64, hit4.numHitTokens, hit4.blocks)).toEqual([9, 10, 7, 8]);
    expect(m.blockIds(1)).toEqual([6, 9, 10, 7, 8]);
    expect(m.numAllocatedBlocks(1)).toBe(5);
    expect(m.numCachedBlocks(1)).toBe(5);
    expect(m.numFreeBlocks).toBe(5);
    expect(m.usage()).toBeCloseTo(0.5, 12);
    // A's prefix blocks survive at the tail, still hashed.
    expect(m.freeQueueIds()).toEqual([5, 4, 3, 2, 1]);
    expect(m.blockHash(1)).toBe(a.blockHashes[0]);
    m.checkInvariants();
  });
});
