// Prefix-cache hit statistics: the counters the KV manager records per lookup (vLLM's
// PrefixCacheStats, spec B.3/B.6) and the frontend's sliding-window hit rate over them (vLLM's
// CachingMetrics in vllm/v1/metrics/stats.py, pinned by test_kv_cache_utils.py::test_metrics).

/** Token-level prefix-cache counters. Preempted requests are kept apart (spec B.3). */
export interface PrefixCacheStats {
  /** Lookups by requests never preempted. */
  requests: number;
  /** Their num_tokens summed. */
  queries: number;
  /** Their hit tokens summed. */
  hits: number;
  preemptedRequests: number;
  preemptedQueries: number;
  preemptedHits: number;
}

/** One interval's stats as handed to the frontend; `reset` says reset_prefix_cache ran. */
export interface PrefixCacheStatsUpdate extends PrefixCacheStats {
  reset: boolean;
}

export function emptyPrefixCacheStats(): PrefixCacheStats {
  return { requests: 0, queries: 0, hits: 0, preemptedRequests: 0, preemptedQueries: 0, preemptedHits: 0 };
}

export function emptyPrefixCacheStatsUpdate(): PrefixCacheStatsUpdate {
  return { ...emptyPrefixCacheStats(), reset: false };
}

/** Add one lookup (vLLM's PrefixCacheStats.record). */
export function recordPrefixCacheLookup(
  stats: PrefixCacheStats,
  numTokens: number,
  numHits: number,
  preempted: boolean,
): void {
  if (preempted) {
    stats.preemptedRequests++;
    stats.preemptedQueries += numTokens;
    stats.preemptedHits += numHits;
  } else {
    stats.requests++;
    stats.queries += numTokens;
    stats.hits += numHits;
  }
}

/** What CachingMetrics.observe reads: vLLM's BaseCacheStats (only the non-preempted counters). */
export interface CacheStatsSample {
  readonly requests: number;
  readonly queries: number;
  readonly hits: number;
  readonly reset?: boolean;
}

/**
 * Hit rate over the most recent ~maxRecentRequests requests. Each observed batch stays whole: the
 * oldest batches are dropped while the window holds more requests than the limit, but the latest
 * batch is always kept, even if it alone exceeds the limit. Empty batches are ignored so they do
 * not push useful samples out.
 */
export class CachingMetrics {
  private aggRequests = 0;
  private aggQueries = 0;
  private aggHits = 0;
  // A FIFO of batches as parallel arrays from `head`; compacted now and then so that a long run
  // neither grows memory nor pays Array.shift's O(n) per observation.
  private qRequests: number[] = [];
  private qQueries: number[] = [];
  private qHits: number[] = [];
  private head = 0;

  constructor(readonly maxRecentRequests = 1000) {}

  observe(stats: CacheStatsSample): void {
    // reset_prefix_cache ran before this update: start the window afresh, then add this batch.
    if (stats.reset === true) this.reset();
    if (stats.requests === 0) return;
    this.qRequests.push(stats.requests);
    this.qQueries.push(stats.queries);
    this.qHits.push(stats.hits);
    this.aggRequests += stats.requests;
    this.aggQueries += stats.queries;
    this.aggHits += stats.hits;
    while (this.qRequests.length - this.head > 1 && this.aggRequests > this.maxRecentRequests) {
      this.aggRequests -= this.qRequests[this.head]!;
      this.aggQueries -= this.qQueries[this.head]!;
      this.aggHits -= this.qHits[this.head]!;
      this.head++;
    }
    if (this.head >= 1024 && this.head * 2 >= this.qRequests.length) this.compact();
  }

  reset(): void {
    this.aggRequests = 0;
    this.aggQueries = 0;
    this.aggHits = 0;
    this.qRequests = [];
    this.qQueries = [];
    this.qHits = [];
    this.head = 0;
  }

  get aggregatedRequests(): number {
    return this.aggRequests;
  }

  get aggregatedQueryTotal(): number {
    return this.aggQueries;
  }

  get aggregatedQueryHit(): number {
    return this.aggHits;
  }

  /** Number of batches in the window. */
  get numBatches(): number {
    return this.qRequests.length - this.head;
  }

  /** Σhits / Σqueries over the window; 0 when nothing was queried. */
  get hitRate(): number {
    return this.aggQueries === 0 ? 0 : this.aggHits / this.aggQueries;
  }

  private compact(): void {
    this.qRequests = this.qRequests.slice(this.head);
    this.qQueries = this.qQueries.slice(this.head);
    this.qHits = this.qHits.slice(this.head);
    this.head = 0;
  }
}
