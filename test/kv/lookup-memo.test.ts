// The KV cache manager keeps its last prefix-cache lookup and refreshes only what changed
// (lookup-watch.ts). Under random admissions, frees and evictions, the head-of-line request's
// lookup must always equal a lookup from scratch, and its admission must succeed exactly when the
// free capacity allows it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KvCacheManager } from '../../src/kv/kv-cache-manager.js';
import { FakeRequest, makeRequest } from './helpers.js';

const B = 2;
const NUM_BLOCKS = 24;

/** The hit chain from scratch: for each block hash, a block holding it, until one has none. */
function chainFromScratch(kv: KvCacheManager, req: FakeRequest): number[][] {
  const maxBlocks = Math.min(Math.floor((req.numTokens - 1) / B), req.blockHashes.length);
  const chain: number[][] = [];
  for (let i = 0; i < maxBlocks; i++) {
    const holders: number[] = [];
    for (let id = 1; id < NUM_BLOCKS; id++) if (kv.blockHash(id) === req.blockHashes[i]) holders.push(id);
    if (holders.length === 0) break;
    chain.push(holders);
  }
  return chain;
}

/** Prompts share prefixes: family f's tokens, then a few tokens of their own. */
const prompt = fc.record({ family: fc.integer({ min: 0, max: 2 }), shared: fc.integer({ min: 0, max: 8 }), own: fc.array(fc.integer({ min: 100, max: 104 }), { minLength: 1, maxLength: 6 }) }).map(
  ({ family, shared, own }) => [...Array.from({ length: shared }, (_, i) => family * 10 + i), ...own],
);

const op = fc.oneof(
  fc.record({ kind: fc.constant('admit' as const), tokens: prompt }),
  // Allocation without a lookup (the running pass's, or a request that never reads the cache):
  // evicts cached blocks and registers new ones while the head's lookup is kept.
  { arbitrary: fc.record({ kind: fc.constant('admitBlind' as const), tokens: prompt }), weight: 2 },
  {
    arbitrary: fc.record({ kind: fc.constant('grow' as const), pick: fc.nat(), tokens: fc.array(fc.integer({ min: 0, max: 29 }), { minLength: 1, maxLength: 4 }) }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('free' as const), pick: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('look' as const) }), weight: 4 },
  fc.record({ kind: fc.constant('admitHead' as const), next: prompt }),
);

describe('the kept prefix-cache lookup', () => {
  it('always equals a lookup from scratch, and admission succeeds exactly when capacity allows', () => {
    fc.assert(
      fc.property(prompt, fc.array(op, { maxLength: 120 }), (firstHead, ops) => {
        const kv = new KvCacheManager({ numGpuBlocks: NUM_BLOCKS, blockSize: B, maxModelLen: 1000, enablePrefixCaching: true });
        let nextIndex = 0;
        let head = makeRequest(nextIndex++, firstHead, B);
        const live: FakeRequest[] = [];
        const admit = (req: FakeRequest): boolean => {
          const { blocks, numHitTokens } = kv.getComputedBlocks(req);
          const chain = req.skipReadingPrefixCache ? [] : chainFromScratch(kv, req);
          expect(blocks.length).toBe(chain.length);
          blocks.forEach((id, i) => expect(chain[i]).toContain(id));
          const required = Math.ceil(req.numTokens / B);
          const free = blocks.filter((id) => kv.blockRefCount(id) === 0).length;
          const fits = Math.max(required - blocks.length, 0) + free <= kv.numFreeBlocks;
          const admitted = kv.tryAllocateSlots(req, req.numTokens - numHitTokens, numHitTokens, blocks);
          expect(admitted).toBe(fits);
          if (admitted) {
            req.numComputedTokens = req.numTokens;
            live.push(req);
          }
          return admitted;
        };
        for (const o of ops) {
          if (o.kind === 'admit') admit(makeRequest(nextIndex++, o.tokens, B));
          else if (o.kind === 'admitBlind') admit(makeRequest(nextIndex++, o.tokens, B, { skipReadingPrefixCache: true }));
          else if (o.kind === 'grow' && live.length > 0) {
            const req = live[o.pick % live.length]!;
            req.append(...o.tokens);
            // On failure nothing changed; the tokens wait to be computed with the next growth.
            if (kv.tryAllocateSlots(req, req.numTokens - req.numComputedTokens)) req.numComputedTokens = req.numTokens;
          }
          else if (o.kind === 'free' && live.length > 0) kv.free(live.splice(o.pick % live.length, 1)[0]!);
          else if (o.kind === 'look') {
            const { blocks } = kv.getComputedBlocks(head);
            const chain = chainFromScratch(kv, head);
            expect(blocks.length).toBe(chain.length);
            blocks.forEach((id, i) => expect(chain[i]).toContain(id));
          } else if (o.kind === 'admitHead' && admit(head)) {
            head = makeRequest(nextIndex++, o.next, B);
          }
        }
        kv.checkInvariants();
      }),
      { seed: 11, numRuns: 500 },
    );
  });

  it('looks up again from the first evicted block of the chain', () => {
    // 4 usable blocks of 2 tokens. A computes 8 tokens (blocks 1-4) and is freed: all four stay
    // cached, freed tail first, so the free queue is [4, 3, 2, 1].
    const kv = new KvCacheManager({ numGpuBlocks: 5, blockSize: B, maxModelLen: 1000, enablePrefixCaching: true });
    const tokens = [1, 2, 3, 4, 5, 6, 7, 8];
    const a = makeRequest(0, tokens, B);
    expect(kv.tryAllocateSlots(a, 8)).toBe(true);
    kv.free(a);
    const head = makeRequest(1, [...tokens, 9], B);
    expect(kv.getComputedBlocks(head).blocks).toEqual([1, 2, 3, 4]);
    expect(kv.getComputedBlocks(head).blocks).toEqual([1, 2, 3, 4]); // kept: nothing changed
    // A request that does not read the cache takes one block: 4, the chain's last, is evicted.
    const x = makeRequest(2, [50, 51], B, { skipReadingPrefixCache: true });
    expect(kv.tryAllocateSlots(x, 2)).toBe(true);
    expect(kv.getComputedBlocks(head).blocks).toEqual([1, 2, 3]);
    // With x freed the queue is [3, 2, 1, 4]; computing the same 8 tokens again evicts the whole
    // chain and registers its hashes in blocks 3, 2, 1, 4, in that order.
    kv.free(x);
    const again = makeRequest(3, tokens, B, { skipReadingPrefixCache: true });
    expect(kv.tryAllocateSlots(again, 8)).toBe(true);
    expect(kv.getComputedBlocks(head).blocks).toEqual([3, 2, 1, 4]);
  });

  it('extends the chain when its next hash is registered', () => {
    const kv = new KvCacheManager({ numGpuBlocks: 6, blockSize: B, maxModelLen: 1000, enablePrefixCaching: true });
    const a = makeRequest(0, [1, 2, 3, 4, 5, 6], B);
    expect(kv.tryAllocateSlots(a, 6)).toBe(true); // blocks 1, 2, 3
    a.numComputedTokens = 6;
    const head = makeRequest(1, [1, 2, 3, 4, 5, 6, 7, 8, 9], B);
    expect(kv.getComputedBlocks(head).blocks).toEqual([1, 2, 3]);
    a.append(7, 8);
    expect(kv.tryAllocateSlots(a, 2)).toBe(true); // block 4 gets the head's 4th hash
    expect(kv.getComputedBlocks(head).blocks).toEqual([1, 2, 3, 4]);
  });
});
