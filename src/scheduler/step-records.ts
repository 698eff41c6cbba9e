// Pure helpers of schedule()'s output: the per-request step snapshots (spec C.5) and the batch
// shape the forward-time models read. Kept out of scheduler.ts, which holds the decisions.
import type { KvCacheManager } from '../kv/kv-cache-manager.js';
import type { RequestSnapshotRecord } from '../trace/records.js';
import type { SimRequest } from './request.js';
import type { BatchShape } from './scheduler-output.js';

/** step.REQUEST_SNAPSHOT for every running request, in list order, before the advance. */
export function requestSnapshots(
  step: number,
  running: readonly SimRequest[],
  scheduledRequests: readonly SimRequest[],
  scheduledTokens: readonly number[],
  kv: KvCacheManager,
): RequestSnapshotRecord[] {
  return running.map((request) => {
    const at = scheduledRequests.indexOf(request);
    const cached = request.numCachedTokens;
    return {
      step,
      engineRequestId: request.requestId,
      phase: request.numOutputTokens === 0 ? 'PREFILL' : 'DECODE',
      numPromptTokens: request.numPromptTokens,
      numComputedTokens: request.numComputedTokens,
      numOutputTokens: request.numOutputTokens,
      numPreemptions: request.numPreemptions,
      scheduledTokensThisStep: at >= 0 ? scheduledTokens[at]! : 0,
      kvBlocksAllocated: kv.numAllocatedBlocks(request.index),
      kvBlocksCached: kv.numCachedBlocks(request.index),
      ...(cached >= 0 && cached < request.numPromptTokens ? { effectivePromptLen: request.numPromptTokens - cached } : {}),
    };
  });
}

export type MutableBatchShape = { -readonly [K in keyof BatchShape]: BatchShape[K] };

export function emptyBatchShape(): MutableBatchShape {
  return { numRequests: 0, prefillTokens: 0, decodeRequests: 0, decodeContextTokens: 0, prefillAttentionTokens: 0 };
}

/**
 * Adds one scheduled request: `n` tokens after `computedBefore`, out of `target` positions it must
 * compute (its known tokens plus any outputs in flight). One token that completes a context is a
 * decode; anything else is prefill work over its attention span.
 */
export function addToShape(shape: MutableBatchShape, computedBefore: number, n: number, target: number): void {
  shape.numRequests++;
  if (n === 1 && computedBefore + 1 === target && computedBefore > 0) {
    shape.decodeRequests++;
    shape.decodeContextTokens += computedBefore;
  } else {
    shape.prefillTokens += n;
    shape.prefillAttentionTokens += computedBefore * n + (n * (n + 1)) / 2;
  }
}

/** Adds `count` decodes (one token after a computed context each) whose contexts sum to `contextSum`. */
export function addDecodesToShape(shape: MutableBatchShape, count: number, contextSum: number): void {
  shape.numRequests += count;
  shape.decodeRequests += count;
  shape.decodeContextTokens += contextSum;
}
