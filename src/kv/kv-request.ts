// What the KV cache manager needs to know about a request. The scheduler's request type
// implements this; the KV layer never mutates it, so it can stay independent of the scheduler.

export interface KvRequestView {
  /** Dense unique request key (per-request tables are keyed by it). */
  readonly index: number;
  /** Tokens whose KV is already computed (reset to 0 on preemption). */
  readonly numComputedTokens: number;
  /** Prompt plus output tokens. */
  readonly numTokens: number;
  /**
   * Hash of each FULL block of prompt+outputs, chained from NONE_HASH (spec B.2); the request
   * extends it whenever appended tokens complete a block. Private blocks (firstPrivateBlock on)
   * are hashed only once the request has been preempted: before that nothing needs their hashes,
   * since no lookup can hit them and none of them is registered.
   */
  readonly blockHashes: readonly number[];
  /**
   * The first of the request's full blocks that no other request can ever look up (its content, or
   * a parent's, is the request's alone: SimRequestInit.outputKeyIsPrivate); Infinity when none is known.
   * The KV cache manager registers such blocks in the prefix cache only when the request itself may
   * look them up again: when it is preempted (KvCacheManager.freePreempted).
   */
  readonly firstPrivateBlock: number;
  /** Times the request was preempted; > 0 routes its prefix-cache stats to the preempted counters. */
  readonly numPreemptions: number;
  /** True for prompt-logprobs (or all-pooling) requests: no prefix-cache reads, no stats. */
  readonly skipReadingPrefixCache: boolean;
}
