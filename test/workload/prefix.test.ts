import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../src/engine/random.js';
import { prefixGroupKey } from '../../src/workload/content-keys.js';
import { generateRequests, generatorSchema } from '../../src/workload/generator.js';
import type { RequestSpec } from '../../src/workload/request-spec.js';
import { syntheticToken } from '../../src/workload/tokens.js';
import { TokenContent } from '../../src/tokens/token-content.js';
import { promptBlockHashes } from '../helpers/prompt-hashes.js';

const BLOCK_SIZE = 16;
const GROUPS = 4;
const PREFIX_TOKENS = 40; // 2.5 blocks: two full shared blocks, then a block mixing prefix and own tokens
const N = 1000;

/** The chained hashes of a prompt's full blocks, as the simulator's prefix cache sees them. */
function blockHashes(prompt: TokenContent): readonly number[] {
  return promptBlockHashes(prompt, BLOCK_SIZE);
}

function requests(): RequestSpec[] {
  const config = generatorSchema.parse({
    rate: 50,
    count: N,
    prompt_tokens: { dist: 'uniform', min: 1, max: 64 },
    max_tokens: 8,
    prefix: { groups: GROUPS, tokens: PREFIX_TOKENS, fraction: 0.7 },
  });
  return [...generateRequests(config, new RandomStreams(2026))];
}

/** The group whose prefix a prompt starts with, or -1. */
function groupOf(request: RequestSpec, prefixes: readonly Int32Array[]): number {
  if (request.prompt.length < PREFIX_TOKENS) return -1;
  const head = request.prompt.toArray().subarray(0, PREFIX_TOKENS);
  return prefixes.findIndex((p) => p.every((t, i) => t === head[i]));
}

describe('shared prefixes', () => {
  const all = requests();
  const prefixes = Array.from({ length: GROUPS }, (_, g) => TokenContent.run(prefixGroupKey(g), 0, PREFIX_TOKENS).toArray());
  const groups = all.map((r) => groupOf(r, prefixes));

  it('about `fraction` of the requests carry a prefix, spread over every group', () => {
    const withPrefix = groups.filter((g) => g >= 0).length;
    // Binomial se = sqrt(0.7 * 0.3 / 1000) = 0.0145: 5 se = 0.072.
    expect(Math.abs(withPrefix / N - 0.7)).toBeLessThan(0.072);
    for (let g = 0; g < GROUPS; g++) {
      // Each group: mean 175, se sqrt(1000 * 0.175 * 0.825) = 12; 5 se = 60.
      expect(Math.abs(groups.filter((x) => x === g).length - 175)).toBeLessThan(60);
    }
  });

  it('puts the prefix before the request own prompt_tokens', () => {
    all.forEach((r, i) => {
      const own = r.prompt.length - (groups[i]! >= 0 ? PREFIX_TOKENS : 0);
      expect(own).toBeGreaterThanOrEqual(1);
      expect(own).toBeLessThanOrEqual(64);
    });
  });

  it('lays the own part out as the request content at its absolute positions', () => {
    all.forEach((r, i) => {
      const start = groups[i]! >= 0 ? PREFIX_TOKENS : 0;
      for (let p = start; p < r.prompt.length; p++) expect(r.prompt.tokenAt(p)).toBe(syntheticToken(r.contentKey, p));
    });
  });

  it('same-group requests share their first `tokens` tokens and diverge right after', () => {
    const byGroup = new Map<number, RequestSpec[]>();
    all.forEach((r, i) => {
      const g = groups[i]!;
      if (g >= 0) byGroup.set(g, [...(byGroup.get(g) ?? []), r]);
    });
    expect(byGroup.size).toBe(GROUPS);
    for (const members of byGroup.values()) {
      const first = members[0]!;
      for (const r of members.slice(1)) {
        expect(r.prompt.toArray().subarray(0, PREFIX_TOKENS)).toEqual(first.prompt.toArray().subarray(0, PREFIX_TOKENS));
        if (r.prompt.length > PREFIX_TOKENS && first.prompt.length > PREFIX_TOKENS) {
          expect(r.prompt.tokenAt(PREFIX_TOKENS)).not.toBe(first.prompt.tokenAt(PREFIX_TOKENS));
        }
      }
    }
  });

  it('block hashes are equal exactly for the full blocks of one group prefix, across 1,000 requests', () => {
    // A block's identity: (group, block index) inside a shared prefix, else (request, block index).
    const identityOf = new Map<number, string>();
    const hashOf = new Map<string, number>();
    let sharedHits = 0;
    all.forEach((r, i) => {
      const g = groups[i]!;
      blockHashes(r.prompt).forEach((hash, b) => {
        const shared = g >= 0 && (b + 1) * BLOCK_SIZE <= PREFIX_TOKENS;
        const identity = shared ? `group ${g} block ${b}` : `request ${i} block ${b}`;
        const known = identityOf.get(hash);
        if (known !== undefined) {
          expect(known).toBe(identity); // equal hashes only for the same shared block
          sharedHits++;
        } else {
          identityOf.set(hash, identity);
        }
        const expected = hashOf.get(identity);
        if (expected !== undefined) expect(hash).toBe(expected); // the same shared block, the same hash
        else hashOf.set(identity, hash);
      });
    });
    // About 700 prefixed requests, each re-using 2 blocks (minus 2 per group for its first use).
    expect(sharedHits).toBeGreaterThan(1000);
    expect(identityOf.size).toBeGreaterThan(1000);
  });

  it('without a prefix no two requests share a block', () => {
    const config = generatorSchema.parse({ rate: 50, count: N, prompt_tokens: 48, max_tokens: 8 });
    const hashes = [...generateRequests(config, new RandomStreams(2026))].flatMap((r) => blockHashes(r.prompt));
    expect(hashes).toHaveLength(3 * N);
    expect(new Set(hashes).size).toBe(3 * N);
  });
});
