// KvCacheManager rules not covered row-by-row in prefix-caching.test.ts: lookahead (row 28,
// test_allocate_with_lookahead), the hit cap (B.3), max_model_len cap and tracked requests (B.4),
// stats (B.3/B.6), same-step dedup (B.4), the allocation-free decode path, and conservation.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_BLOCK_IDS, KvCacheManager } from '../../src/kv/kv-cache-manager.js';
import { FakeRequest, makeRequest, range, repeat } from './helpers.js';

describe('row 28: test_allocate_with_lookahead (B=4, NB=10, MML=100)', () => {
  it.each([
    { numNew: 3, lookahead: 2, blocks: 2 }, // ceil(5/4)
    { numNew: 3, lookahead: 4, blocks: 2 }, // ceil(7/4)
  ])('$numNew new + $lookahead lookahead tokens take $blocks blocks', ({ numNew, lookahead, blocks }) => {
    const m = new KvCacheManager({ numGpuBlocks: 10, blockSize: 4, maxModelLen: 100, enablePrefixCaching: true });
    const req = makeRequest(0, [], 4);
    expect(m.allocateSlots(req, numNew, 0, [], lookahead)).toHaveLength(blocks);
    expect(m.numCachedBlocks(0)).toBe(0); // nothing past numTokens is ever cached
  });
});

describe('allocateSlots', () => {
  it('never allocates slots past maxModelLen, lookahead included', () => {
    const m = new KvCacheManager({ numGpuBlocks: 10, blockSize: 16, maxModelLen: 20, enablePrefixCaching: true });
    const req = makeRequest(0, range(0, 20), 16);
    expect(m.allocateSlots(req, 20, 0, [], 10)).toEqual([1, 2]); // min(30, 20) = 20 slots
  });

  it('a running decode that stays in its last block returns the shared frozen empty array', () => {
    const m = new KvCacheManager({ numGpuBlocks: 10, blockSize: 16, maxModelLen: 100, enablePrefixCaching: true });
    const req = makeRequest(0, range(0, 20), 16);
    expect(m.allocateSlots(req, 20)).toEqual([1, 2]);
    req.numComputedTokens = 20;
    req.append(7);
    const result = m.allocateSlots(req, 1);
    expect(result).toBe(EMPTY_BLOCK_IDS);
    expect(Object.isFrozen(result)).toBe(true);
    expect(result).toHaveLength(0);
  });

  it('decode steps inside a block take the fast path; the step completing a block registers it, the next allocates', () => {
    const m = new KvCacheManager({ numGpuBlocks: 10, blockSize: 4, maxModelLen: 100, enablePrefixCaching: true });
    const req = makeRequest(0, range(0, 5), 4);
    expect(m.allocateSlots(req, 5)).toEqual([1, 2]);
    req.numComputedTokens = 5;
    const decode = (token: number): readonly number[] | null => {
      req.append(token);
      const result = m.allocateSlots(req, 1);
      req.numComputedTokens++;
      m.checkInvariants();
      return result;
    };
    expect(decode(6)).toBe(EMPTY_BLOCK_IDS);
    expect(decode(7)).toBe(EMPTY_BLOCK_IDS);
    expect(m.numCachedBlocks(0)).toBe(1);
    expect(decode(8)).toBe(EMPTY_BLOCK_IDS); // 8 tokens: block 2 is full and registered now
    expect(m.numCachedBlocks(0)).toBe(2);
    expect(m.blockHash(2)).toBe(req.blockHashes[1]);
    expect(decode(9)).toEqual([3]);
    expect(m.blockIds(0)).toEqual([1, 2, 3]);
    // Lookahead slots count against the held blocks too: 9 computed + 1 new + 2 lookahead = 12 fits,
    // 9 + 1 + 3 = 13 does not.
    req.append(10);
    expect(m.allocateSlots(req, 1, 0, [], 2)).toBe(EMPTY_BLOCK_IDS);
    expect(m.allocateSlots(req, 1, 0, [], 3)).toEqual([4]);
    m.checkInvariants();
  });

  it('cacheBlocks (async outputs) registers a block exactly when its last token becomes known', () => {
    const m = new KvCacheManager({ numGpuBlocks: 10, blockSize: 4, maxModelLen: 100, enablePrefixCaching: true });
    const req = makeRequest(0, range(0, 6), 4);
    // Slots for 6 known tokens plus 2 in flight (async): blocks 1 and 2; only block 1 is full of known tokens.
    expect(m.allocateSlots(req, 8)).toEqual([1, 2]);
    req.numComputedTokens = 8;
    expect(m.numCachedBlocks(0)).toBe(1);
    req.append(6);
    m.cacheBlocks(req, 7); // 7 known tokens: block 2 is not full yet
    expect(m.numCachedBlocks(0)).toBe(1);
    expect(m.blockHash(2)).toBeNull();
    req.append(7);
    m.cacheBlocks(req, 8); // its last token arrived: registered now
    expect(m.numCachedBlocks(0)).toBe(2);
    expect(m.blockHash(2)).toBe(req.blockHashes[1]);
    m.checkInvariants();
  });

  it('counts an evictable hit against free capacity, but not a hit block in use', () => {
    const m = new KvCacheManager({ numGpuBlocks: 4, blockSize: 4, maxModelLen: 100, enablePrefixCaching: true });
    const a = makeRequest(0, range(0, 8), 4);
    expect(m.allocateSlots(a, 8)).toEqual([1, 2]);
    // b shares a's first block while a still holds it: ref 2, not evictable.
    const b = makeRequest(1, [...range(0, 4), 50, 51, 52, 53], 4);
    const hitB = m.getComputedBlocks(b);
    expect(hitB.blocks).toEqual([1]);
    expect(m.allocateSlots(b, 4, 4, hitB.blocks)).toEqual([3]); // 1 new block, 1 free: fits
    expect(m.numFreeBlocks).toBe(0);
    m.free(a); // block 2 (ref 0) returns; block 1 stays with b
    m.free(b); // 3 then 1 return
    expect(m.freeQueueIds()).toEqual([2, 3, 1]);
    // c hits [1, 2] (both evictable) and needs 1 more: 1 + 2 evictable = 3 <= 3 free.
    const c = makeRequest(2, range(0, 9), 4);
    const hitC = m.getComputedBlocks(c);
    expect(hitC).toEqual({ blocks: [1, 2], numHitTokens: 8 });
    expect(m.allocateSlots(c, 1, 8, hitC.blocks)).toEqual([3]);
    m.checkInvariants();
  });

  it('rejects hit blocks for a request that is already admitted', () => {
    const m = new KvCacheManager({ numGpuBlocks: 4, blockSize: 4, maxModelLen: 100, enablePrefixCaching: true });
    const a = makeRequest(0, range(0, 8), 4);
    m.allocateSlots(a, 8);
    expect(() => m.allocateSlots(a, 1, 4, [1])).toThrow(/internal/);
  });

  it('registers blocks at allocation, so a later request in the same step hits them (same-step dedup)', () => {
    const m = new KvCacheManager({ numGpuBlocks: 20, blockSize: 16, maxModelLen: 1000, enablePrefixCaching: true });
    const prompt = range(0, 100);
    const r0 = makeRequest(0, prompt, 16);
    const r1 = makeRequest(1, prompt, 16);
    expect(m.getComputedBlocks(r0).numHitTokens).toBe(0);
    expect(m.allocateSlots(r0, 100)).toHaveLength(7);
    const hit = m.getComputedBlocks(r1);
    expect(hit.numHitTokens).toBe(96);
    expect(hit.blocks).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a chunked prefill registers only the blocks its chunk completes', () => {
    const m = new KvCacheManager({ numGpuBlocks: 20, blockSize: 16, maxModelLen: 1000, enablePrefixCaching: true });
    const r = makeRequest(0, range(0, 80), 16);
    expect(m.allocateSlots(r, 20)).toEqual([1, 2]);
    expect(m.numCachedBlocks(0)).toBe(1);
    r.numComputedTokens = 20;
    expect(m.allocateSlots(r, 40)).toEqual([3, 4]);
    expect(m.numCachedBlocks(0)).toBe(3);
    expect(m.blockHash(4)).toBeNull();
  });

  it('free of an unknown request is a no-op', () => {
    const m = new KvCacheManager({ numGpuBlocks: 4, blockSize: 4, maxModelLen: 100, enablePrefixCaching: true });
    m.free(makeRequest(9, [1], 4));
    expect(m.numFreeBlocks).toBe(3);
    expect(m.blockIds(9)).toEqual([]);
    expect(m.numCachedBlocks(9)).toBe(0);
  });
});

describe('getComputedBlocks', () => {
  it.each([
    { tokens: 32, cachedBlocks: 2, hitTokens: 16 }, // block-aligned: the whole last block is recomputed
    { tokens: 33, cachedBlocks: 2, hitTokens: 32 },
    { tokens: 17, cachedBlocks: 2, hitTokens: 16 },
    { tokens: 16, cachedBlocks: 2, hitTokens: 0 },
  ])('caps hits at floor((numTokens-1)/B) blocks: $tokens tokens hit $hitTokens', ({ tokens, cachedBlocks, hitTokens }) => {
    const m = new KvCacheManager({ numGpuBlocks: 10, blockSize: 16, maxModelLen: 100, enablePrefixCaching: true });
    const seed = makeRequest(0, range(0, 16 * cachedBlocks), 16);
    m.allocateSlots(seed, 16 * cachedBlocks);
    expect(m.getComputedBlocks(makeRequest(1, range(0, tokens), 16)).numHitTokens).toBe(hitTokens);
  });

  it('records stats on every lookup, preempted requests apart', () => {
    const m = new KvCacheManager({ numGpuBlocks: 10, blockSize: 16, maxModelLen: 100, enablePrefixCaching: true });
    const a = makeRequest(0, range(0, 40), 16);
    m.getComputedBlocks(a); // 40 queried, 0 hits
    m.allocateSlots(a, 40);
    const b = makeRequest(1, range(0, 40), 16);
    m.getComputedBlocks(b); // 40 queried, 32 hits
    b.preempt();
    m.getComputedBlocks(b);
    m.getComputedBlocks(b); // a blocked head request is counted again
    m.getComputedBlocks(makeRequest(2, range(0, 40), 16, { skipReadingPrefixCache: true }));
    const expected = { requests: 2, queries: 80, hits: 32, preemptedRequests: 2, preemptedQueries: 80, preemptedHits: 64 };
    expect({ ...m.prefixCacheStats }).toEqual(expected);
    expect(m.makePrefixCacheStats()).toEqual({ ...expected, reset: false });
    expect(m.makePrefixCacheStats().requests).toBe(0); // interval restarted
    expect(m.prefixCacheStats.requests).toBe(2); // cumulative kept
  });
});

describe('conservation under random workloads', () => {
  type Op = { kind: 'admit' | 'step' | 'free' | 'preempt'; pick: number; len: number; prefix: number };
  const op = fc.record({
    kind: fc.constantFrom('admit', 'step', 'free', 'preempt'),
    pick: fc.nat(50),
    len: fc.integer({ min: 1, max: 70 }),
    prefix: fc.nat(3),
  }) as fc.Arbitrary<Op>;

  it('checkInvariants holds after every operation, and frees restore the pool', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(op, { maxLength: 80 }), (caching, ops) => {
        const B = 8;
        const m = new KvCacheManager({ numGpuBlocks: 24, blockSize: B, maxModelLen: 120, enablePrefixCaching: caching });
        const live: FakeRequest[] = [];
        let next = 0;
        for (const o of ops) {
          const target = live.length > 0 ? live[o.pick % live.length]! : undefined;
          if (o.kind === 'admit') {
            // A few shared prefixes so hits, duplicates and evictions all happen.
            const req = makeRequest(next++, [...repeat(o.prefix, 20), ...range(1000 * next, 1000 * next + o.len)], B);
            const hit = m.getComputedBlocks(req);
            const blocks = m.allocateSlots(req, req.numTokens - hit.numHitTokens, hit.numHitTokens, hit.blocks);
            if (blocks !== null) {
              req.numComputedTokens = req.numTokens;
              live.push(req);
            } else {
              expect(m.numAllocatedBlocks(req.index)).toBe(0);
            }
          } else if (o.kind === 'step' && target !== undefined) {
            // One decode step: the sampled token joins the request, then its slot is allocated.
            target.append(o.len);
            const before = [...m.blockIds(target.index)];
            const numNew = target.numTokens - target.numComputedTokens;
            if (m.allocateSlots(target, numNew) !== null) target.numComputedTokens = target.numTokens;
            else expect(m.blockIds(target.index)).toEqual(before); // failure has no side effects
          } else if (target !== undefined) {
            m.free(target);
            live.splice(live.indexOf(target), 1);
            if (o.kind === 'preempt') target.preempt();
          }
          m.checkInvariants();
          const held = new Set(live.flatMap((r) => [...m.blockIds(r.index)]));
          expect(m.numFreeBlocks + held.size).toBe(m.numUsableBlocks);
        }
        for (const r of live) m.free(r);
        m.checkInvariants();
        expect(m.numFreeBlocks).toBe(m.numUsableBlocks);
        expect(m.usage()).toBe(0);
      }),
      { seed: 20240611, numRuns: 200 },
    );
  });
});

describe('private blocks (KvRequestView.firstPrivateBlock)', () => {
  // B = 4, 10 blocks. A request of 14 tokens has 3 full blocks; blocks from index 1 on are its own.
  const setUp = () => {
    const m = new KvCacheManager({ numGpuBlocks: 10, blockSize: 4, maxModelLen: 100, enablePrefixCaching: true });
    const req = new FakeRequest(0, range(100, 114), 4, { firstPrivateBlock: 1 });
    // Four blocks: block 0 named (id 1), the three private ones anonymous (no ids: block-pool.ts).
    expect(m.allocateSlots(req, 14)).toEqual([1]);
    expect(m.numAllocatedBlocks(0)).toBe(4);
    expect(m.numFreeBlocks).toBe(5);
    req.numComputedTokens = 14;
    return { m, req };
  };

  it('are anonymous: freed as one run at the queue tail, before the named ones (tail first)', () => {
    const { m, req } = setUp();
    m.free(req);
    // 5, 6, ... were never popped; ids 2-4 went to the spares when popped for anonymous places.
    expect(m.freeQueueIds()).toEqual([5, 6, 7, 8, 9, -1, -1, -1, 1]);
    expect(m.numFreeBlocks).toBe(9);
    m.checkInvariants();
  });

  it('count as cached at once, as vLLM counts them, but only the shared ones enter the prefix cache', () => {
    const { m } = setUp();
    expect(m.numCachedBlocks(0)).toBe(3);
    expect(m.numCachedHashes).toBe(1); // block 0 only
    expect([1, 2, 3].map((id) => m.blockHash(id) !== null)).toEqual([true, false, false]);
    m.checkInvariants();
  });

  it('enter the prefix cache when the request is preempted, so that it hits them when resumed', () => {
    const { m, req } = setUp();
    m.freePreempted(req);
    expect(m.numCachedHashes).toBe(3);
    // The two private blocks registered got spare ids (4, then 3) and sit named in the queue, the
    // unfilled last block anonymous before them (freed tail first).
    expect(m.freeQueueIds()).toEqual([5, 6, 7, 8, 9, -1, 3, 4, 1]);
    m.checkInvariants();
    req.numComputedTokens = 0;
    // floor((14 - 1) / 4) = 3 blocks may hit: all three, in table order.
    expect(m.getComputedBlocks(req)).toEqual({ blocks: [1, 4, 3], numHitTokens: 12 });
    // Resumed: the hits head its table, named; the new last block is anonymous again.
    expect(m.allocateSlots(req, 2, 12, [1, 4, 3])).toEqual([]);
    expect(m.blockIds(0)).toEqual([1, 4, 3]);
    expect(m.numAllocatedBlocks(0)).toBe(4);
    m.checkInvariants();
  });

  it('never enter it when the request finishes: nobody else can look them up', () => {
    const { m, req } = setUp();
    m.free(req);
    expect(m.numCachedHashes).toBe(1);
    expect(m.numFreeBlocks).toBe(9);
    // Another request sharing the first block still hits it.
    const other = new FakeRequest(1, [...range(100, 104), ...range(500, 510)], 4);
    expect(m.getComputedBlocks(other)).toEqual({ blocks: [1], numHitTokens: 4 });
    m.checkInvariants();
  });
});

describe('allocateSteadySlot (a steady decode at a block boundary, by index alone)', () => {
  // B = 4. A request of 14 prompt tokens, computed, decoding one token a step (sync: all known).
  const twins = (firstPrivateBlock: number, numGpuBlocks = 10) =>
    [0, 1].map(() => {
      const m = new KvCacheManager({ numGpuBlocks, blockSize: 4, maxModelLen: 100, enablePrefixCaching: true });
      const req = new FakeRequest(0, range(100, 114), 4, { firstPrivateBlock });
      m.allocateSlots(req, 14);
      req.numComputedTokens = 14;
      return { m, req };
    }) as [{ m: KvCacheManager; req: FakeRequest }, { m: KvCacheManager; req: FakeRequest }];

  /** The full path's decode of step c: the token after c computed ones, all c + 1 known. */
  const decodeFull = (full: { m: KvCacheManager; req: FakeRequest }, c: number) => {
    full.req.append(7000 + c);
    expect(full.m.allocateSlots(full.req, 1)).not.toBeNull();
    full.req.numComputedTokens = c + 1;
  };

  it('does what allocateSlots does for one token, step after step, when every block it fills is private', () => {
    const [full, fast] = twins(1);
    for (let c = 14; c < 30; c++) {
      decodeFull(full, c);
      const until = fast.m.allocateSteadySlot(0, c, c + 1);
      expect(fast.m.quietUntil(full.req)).toBe(full.m.quietUntil(full.req));
      // The stretch may run to the next new block: the blocks it fills are private.
      expect(until).toBe(4 * fast.m.numAllocatedBlocks(0));
      expect(fast.m.blockIds(0)).toEqual(full.m.blockIds(0));
      expect(fast.m.numCachedBlocks(0)).toBe(full.m.numCachedBlocks(0));
      expect(fast.m.freeQueueIds()).toEqual(full.m.freeQueueIds());
      fast.m.checkInvariants();
    }
    expect(fast.m.numCachedBlocks(0)).toBe(7); // 30 tokens: 7 full blocks, counted, none hashed
    expect(fast.m.numCachedHashes).toBe(1);
  });

  it('lets a stretch that allocates only at new blocks lag in cached blocks, and settles them as allocateSlots would', () => {
    const [full, fast] = twins(1);
    for (let c = 14; c < 28; c++) {
      decodeFull(full, c);
      // The steady path: an allocation only where the last one's stretch ended, at a new block.
      if (c === 16 || c === 20 || c === 24) expect(fast.m.allocateSteadySlot(0, c, c + 1)).toBe(4 * fast.m.numAllocatedBlocks(0));
    }
    // 28 tokens: 7 full blocks, the last made full by step 27; the last allocation (25 tokens) counted 6.
    expect(full.m.numCachedBlocks(0)).toBe(7);
    expect(fast.m.numCachedBlocks(0)).toBe(6);
    expect(fast.m.blockIds(0)).toEqual(full.m.blockIds(0));
    expect(fast.m.freeQueueIds()).toEqual(full.m.freeQueueIds());
    fast.m.checkInvariants();
    // The stretch ends: its last step (c = 27) allocated for min(c + 1, known) = 28 tokens.
    fast.m.settleSteady(full.req, 28);
    expect(fast.m.numCachedBlocks(0)).toBe(7);
    expect(fast.m.quietUntil(full.req)).toBe(full.m.quietUntil(full.req));
    expect(fast.m.numCachedHashes).toBe(full.m.numCachedHashes);
    fast.m.checkInvariants();
  });

  it('refuses, changing nothing, when a block to register is shared (it needs its hash) or no block is free', () => {
    const [shared] = twins(Infinity);
    const before = shared.m.freeQueueIds();
    expect(shared.m.allocateSteadySlot(0, 15, 16)).toBe(-1); // token 16 fills block 3, a shared one
    expect(shared.m.numCachedBlocks(0)).toBe(3);
    expect(shared.m.freeQueueIds()).toEqual(before);
    const [starved] = twins(1, 5); // 4 usable blocks, all held
    expect(starved.m.numFreeBlocks).toBe(0);
    expect(starved.m.allocateSteadySlot(0, 16, 17)).toBe(-1); // token 17 needs a fifth block
    expect(starved.m.numAllocatedBlocks(0)).toBe(4);
    starved.m.checkInvariants();
  });
});

describe('block tables of many requests', () => {
  // The tables live in a window over request indexes that moves up as the oldest requests are
  // freed (RequestTables): tables must stay found through its moves, whatever the order of frees,
  // and a request freed and given blocks again (preempted, then resumed) must keep its new table.
  it('keeps every live table and forgets every freed one, freed in (mostly) admission order', () => {
    const perRequest = fc.record({ lateness: fc.nat(6), resumes: fc.boolean() });
    fc.assert(
      fc.property(fc.array(perRequest, { minLength: 200, maxLength: 200 }), (plan) => {
        const m = new KvCacheManager({ numGpuBlocks: 1000, blockSize: 4, maxModelLen: 100, enablePrefixCaching: false });
        const requests = range(0, 200).map((index) => makeRequest(index, range(0, 1 + (index % 7)), 4));
        const blocks = new Map<number, readonly number[]>();
        const live = new Set<number>();
        const allocate = (index: number): void => {
          const got = m.allocateSlots(requests[index]!, requests[index]!.numTokens);
          if (got === null) throw new Error(`no blocks for request ${index}`);
          blocks.set(index, [...got]);
          live.add(index);
        };
        // Request k is freed `lateness` admissions after its own, so the oldest go first, mostly;
        // one that resumes gets blocks again 3 admissions after that, and is freed at the end.
        const freeAt = plan.map((p, k) => k + p.lateness);
        const resumeAt = plan.map((p, k) => (p.resumes ? freeAt[k]! + 3 : -1));
        for (let k = 0; k < 200 + 10; k++) {
          if (k < 200) allocate(k);
          for (const index of [...live].filter((i) => freeAt[i] === k || k === 200 + 9)) {
            m.free(requests[index]!);
            live.delete(index);
          }
          for (let index = 0; index < 200; index++) if (resumeAt[index] === k) allocate(index);
          if (k % 8 !== 0 && k < 200) continue;
          for (let index = 0; index < Math.min(k + 1, 200); index++) {
            expect(m.blockIds(index)).toEqual(live.has(index) ? blocks.get(index) : []);
          }
        }
        expect(live.size).toBe(0);
        expect(m.numFreeBlocks).toBe(999);
        m.checkInvariants();
      }),
      { seed: 23, numRuns: 20 },
    );
  });
});
