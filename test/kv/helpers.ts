// Test helpers for the KV layer: a fake request with real chained block hashes, so tests read
// like vLLM's tests/v1/core/test_prefix_caching.py (make_request, append_output_token_ids).

import { hashBlock, NONE_HASH } from '../../src/kv/block-hash.js';
import { KvCacheManager } from '../../src/kv/kv-cache-manager.js';
import type { KvRequestView } from '../../src/kv/kv-request.js';

export interface FakeRequestOptions {
  /** Stand-in for vLLM's cache_salt: a non-zero extra key hashed into block 0 only. */
  readonly salt?: number;
  /** vLLM's prompt_logprobs request: never reads the prefix cache. */
  readonly skipReadingPrefixCache?: boolean;
  /** Blocks from this index on are this request's alone (KvRequestView.firstPrivateBlock). */
  readonly firstPrivateBlock?: number;
}

/** A KvRequestView over an explicit token array; appending tokens extends the hash chain. */
export class FakeRequest implements KvRequestView {
  numComputedTokens = 0;
  numPreemptions = 0;
  readonly skipReadingPrefixCache: boolean;
  readonly firstPrivateBlock: number;
  readonly tokens: number[];
  readonly blockHashes: number[] = [];
  private readonly salt: number;

  constructor(
    readonly index: number,
    tokens: readonly number[],
    readonly blockSize: number,
    options: FakeRequestOptions = {},
  ) {
    this.tokens = [...tokens];
    this.salt = options.salt ?? 0;
    this.skipReadingPrefixCache = options.skipReadingPrefixCache ?? false;
    this.firstPrivateBlock = options.firstPrivateBlock ?? Infinity;
    this.extendHashes();
  }

  get numTokens(): number {
    return this.tokens.length;
  }

  /** vLLM's append_output_token_ids: add tokens and hash every block they complete. */
  append(...tokens: number[]): this {
    this.tokens.push(...tokens);
    this.extendHashes();
    return this;
  }

  /** Append `count` copies of `token`. */
  appendN(token: number, count: number): this {
    return this.append(...Array.from({ length: count }, () => token));
  }

  /** What the scheduler does on preemption (spec A.5): recompute from scratch. */
  preempt(): void {
    this.numComputedTokens = 0;
    this.numPreemptions++;
  }

  private extendHashes(): void {
    const B = this.blockSize;
    while ((this.blockHashes.length + 1) * B <= this.tokens.length) {
      const j = this.blockHashes.length;
      const parent = j === 0 ? NONE_HASH : this.blockHashes[j - 1]!;
      this.blockHashes.push(hashBlock(parent, this.tokens, j * B, (j + 1) * B, j === 0 ? this.salt : 0));
    }
  }
}

export function makeRequest(
  index: number,
  tokens: readonly number[],
  blockSize: number,
  options?: FakeRequestOptions,
): FakeRequest {
  return new FakeRequest(index, tokens, blockSize, options);
}

/** Python's list(range(start, end)). */
export function range(start: number, end: number): number[] {
  return Array.from({ length: Math.max(end - start, 0) }, (_, i) => start + i);
}

/** [v for v in values for _ in range(times)], e.g. the 3-block common prefix of vLLM's tests. */
export function repeatEach(values: readonly number[], times: number): number[] {
  return values.flatMap((v) => Array.from({ length: times }, () => v));
}

/** [token] * count. */
export function repeat(token: number, count: number): number[] {
  return Array.from({ length: count }, () => token);
}

/**
 * The chained hashes of the full blocks of `tokens`, computed independently of FakeRequest
 * (the way vLLM's tests recompute hash_block_tokens) to pin what the request maintains.
 */
export function chainHashes(tokens: readonly number[], blockSize: number, salt = 0): number[] {
  const out: number[] = [];
  let parent = NONE_HASH;
  for (let j = 0; (j + 1) * blockSize <= tokens.length; j++) {
    parent = hashBlock(parent, tokens, j * blockSize, (j + 1) * blockSize, j === 0 ? salt : 0);
    out.push(parent);
  }
  return out;
}

/** The three-full-block common prefix of vLLM's tests: tokens 0, 1, 2, each repeated 16 times. */
export const COMMON: readonly number[] = repeatEach([0, 1, 2], 16);

/** vLLM's make_kv_cache_manager with one full-attention group and max_model_len 8192. */
export function makeManager(numGpuBlocks: number, blockSize: number, enablePrefixCaching = true): KvCacheManager {
  return new KvCacheManager({ numGpuBlocks, blockSize, maxModelLen: 8192, enablePrefixCaching });
}
