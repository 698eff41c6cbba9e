// Async scheduling at the scheduler level (vLLM's AsyncScheduler, tests/v1/core/
// test_async_scheduler.py): batch N+1 is scheduled before batch N's output is processed. The
// driver below is the engine's step_with_batch_queue without time. Expected values are derived by
// hand from vLLM's rules: a request that samples a token in a batch gets a placeholder for it,
// its running-pass demand is num_tokens + placeholders - num_computed, and it is skipped once the
// output in flight is sure to reach max_tokens (computed + 2 - placeholders >= prompt + max_tokens).
import { describe, expect, it } from 'vitest';
import type { SimRequest } from '../../src/scheduler/request.js';
import type { Scheduler, TokenSource } from '../../src/scheduler/scheduler.js';
import type { SchedulerConfig, SchedulerOutput } from '../../src/scheduler/scheduler-output.js';
import { ALWAYS, constantTokens, createRequests, createScheduler, makeRequest, scheduledOf, TEST_EOS } from './helpers.js';

const ASYNC: Partial<SchedulerConfig> = { asyncScheduling: true };

/**
 * vLLM's engine loop with a batch queue of `depth` (1 = sync, 2 = async): schedule while there
 * are requests; without waiting while the batch ran tokens and the queue has room; otherwise
 * process the oldest batch. Returns every scheduled batch in step order.
 */
function pipeline(scheduler: Scheduler, tokens: TokenSource, depth: number, afterUpdate?: () => void): SchedulerOutput[] {
  const inFlight: SchedulerOutput[] = [];
  const batches: SchedulerOutput[] = [];
  while (scheduler.hasRequests() || inFlight.length > 0) {
    if (scheduler.hasRequests()) {
      const output = scheduler.schedule(batches.length);
      batches.push(output);
      inFlight.push(output);
      scheduler.checkInvariants();
      if (output.totalScheduledTokens > 0 && inFlight.length < depth) continue;
    }
    scheduler.updateFromOutput(inFlight.shift()!, tokens, batches.length);
    scheduler.checkInvariants();
    afterUpdate?.();
    if (batches.length > 10_000) throw new Error('did not finish');
  }
  return batches;
}

const totalScheduled = (batches: readonly SchedulerOutput[]) => batches.reduce((sum, b) => sum + b.totalScheduledTokens, 0);
const tokensOf = (batches: readonly SchedulerOutput[], id: string) => batches.reduce((sum, b) => sum + (scheduledOf(b)[id] ?? 0), 0);

/** A request with a 10-token prompt of `id`'s first character code. */
const tenTokens = (id: string, maxTokens: number) => makeRequest(new Int32Array(10).fill(id.charCodeAt(0)), id, { maxTokens });

/** EOS as the request's k-th output token, token 1000 before it. */
const eosAt = (k: number): TokenSource => (request: SimRequest) => (request.numOutputTokens === k - 1 ? TEST_EOS : 1000);

describe('async scheduling: spec D row 29 (test_async_scheduler.py)', () => {
  it.each([1, 2, 3, 5])('test_stop_by_max_tokens (max_tokens %i): prompt + max_tokens - 1 tokens each, none wasted', (maxTokens) => {
    // Mirrors the upstream driver: req1 is added after the first schedule().
    const { scheduler } = createScheduler(ASYNC);
    const [req0, req1] = createRequests(2, { maxTokens });
    const inFlight: SchedulerOutput[] = [];
    scheduler.addRequest(req0!, 0);
    inFlight.push(scheduler.schedule(0));
    scheduler.addRequest(req1!, 0);
    inFlight.push(scheduler.schedule(0));
    let total = 0;
    while (inFlight.length > 0) {
      const output = inFlight.shift()!;
      total += output.totalScheduledTokens;
      scheduler.updateFromOutput(output, constantTokens(), 0);
      const next = scheduler.schedule(0);
      if (next.scheduledRequests.length > 0) inFlight.push(next);
    }
    expect(scheduler.hasUnfinishedRequests()).toBe(false);
    expect([req0!.numOutputTokens, req1!.numOutputTokens]).toEqual([maxTokens, maxTokens]);
    // 10-token prompts. Without the skip rule each request would get one more (wasted) decode.
    expect(total).toBe(2 * (10 + maxTokens - 1));
  });

  it('test_prefix_caching_for_prefill_dedup: the second identical prompt hits the first one\'s blocks in the same step', () => {
    const { scheduler } = createScheduler({ ...ASYNC, maxNumBatchedTokens: 1000, enablePrefixCaching: true });
    const requests = createRequests(5, { numTokens: 100, maxTokens: 3, samePrompt: true });
    const [req0, req1] = requests;
    scheduler.addRequest(req0!, 0);
    scheduler.addRequest(req1!, 0);
    const first = scheduler.schedule(0);
    // Blocks are registered when allocated, so req1 hits floor(99/16) = 6 blocks: 96 tokens.
    expect(scheduledOf(first)).toEqual({ [req0!.requestId]: 100, [req1!.requestId]: 100 % 16 });
    expect([req0!.numCachedTokens, req1!.numCachedTokens]).toEqual([0, 96]);
    const inFlight = [first, scheduler.schedule(0)];
    const later: number[] = [];
    let next = 2;
    while (inFlight.length > 0) {
      const added = requests[next++];
      if (added !== undefined) scheduler.addRequest(added, 0);
      scheduler.updateFromOutput(inFlight.shift()!, constantTokens(), 0);
      const output = scheduler.schedule(0);
      if (output.scheduledRequests.length === 0) continue;
      inFlight.push(output);
      if (added !== undefined) later.push(scheduledOf(output)[added.requestId]!);
    }
    expect(later).toEqual([4, 4, 4]);
    expect(scheduler.hasUnfinishedRequests()).toBe(false);
  });

  it('test_prefix_caching_for_multi_turn: a next turn (prompt + 200 outputs = 300 tokens) hits 288 tokens', () => {
    const { scheduler } = createScheduler({ ...ASYNC, maxNumBatchedTokens: 1000, enablePrefixCaching: true });
    const firstTurn = createRequests(5, { numTokens: 100, maxTokens: 200 });
    for (const request of firstTurn) scheduler.addRequest(request, 0);
    pipeline(scheduler, (request) => 7000 + request.numOutputTokens, 2);
    expect(firstTurn.map((r) => r.numOutputTokens)).toEqual([200, 200, 200, 200, 200]);
    const nextTurn = firstTurn.map((r, i) => makeRequest(r.allTokenIds(), `next${i}`, { maxTokens: 200 }));
    for (const request of nextTurn) scheduler.addRequest(request, 0);
    const output = scheduler.schedule(0);
    // KV exists for 299 positions (the last output is never fed back): 18 full blocks.
    for (const request of nextTurn) {
      expect(scheduledOf(output)[request.requestId]).toBe(300 % 16);
      expect(request.numCachedTokens).toBe(288);
    }
  });

  it('caches the block that the last in-flight token completes when that output arrives (cache_blocks)', () => {
    // Prompt 17, max_tokens 16: KV for 32 positions, so the next turn (33 tokens) can hit 2 blocks.
    // The last allocation (step 16) could cache only known tokens, 31 of them: 1 block. Only
    // update_from_output's cache_blocks(num_computed - placeholders) = cache_blocks(32) adds the
    // second block.
    const { scheduler } = createScheduler({ ...ASYNC, enablePrefixCaching: true });
    const [first] = createRequests(1, { numTokens: 17, maxTokens: 16 });
    scheduler.addRequest(first!, 0);
    pipeline(scheduler, constantTokens(), 2);
    const next = makeRequest(first!.allTokenIds(), 'next', { maxTokens: 4 });
    scheduler.addRequest(next, 0);
    expect(scheduledOf(scheduler.schedule(0))).toEqual({ next: 1 });
    expect(next.numCachedTokens).toBe(32);
  });
});

describe('async scheduling: pipeline effects', () => {
  it('wastes one decode on a request that stops on EOS (prompt + output tokens), but not in sync mode', () => {
    for (const [depth, expected] of [[1, 10 + 4 - 1], [2, 10 + 4]] as const) {
      const { scheduler } = createScheduler(depth === 2 ? ASYNC : {});
      const [request] = createRequests(1, { maxTokens: 16 });
      scheduler.addRequest(request!, 0);
      const batches = pipeline(scheduler, eosAt(4), depth);
      expect(request!.status).toBe('FINISHED_STOPPED');
      // The token sampled by the wasted step is dropped: the request was freed before it came back.
      expect(request!.numOutputTokens).toBe(4);
      expect(totalScheduled(batches)).toBe(expected);
    }
  });

  it('reports natural finishes in batch.num_finished two steps later, aborts one step later', () => {
    // A: max_tokens 3 (steps 1-3; skipped at 4), B: max_tokens 5 (steps 1-5; skipped at 6).
    // update(S3) runs after schedule(S4): A's FINISHED carries step 3 and S5 reports it.
    const { scheduler, journey } = createScheduler(ASYNC);
    scheduler.addRequest(tenTokens('A', 3), 0);
    scheduler.addRequest(tenTokens('B', 5), 0);
    const batches = pipeline(scheduler, constantTokens(), 2);
    const finished = journey.filter((e) => e.record.type === 'FINISHED').map((e) => [e.id, e.record.step]);
    expect(finished).toEqual([['A', 3], ['B', 5]]);
    expect(batches.map((o) => o.batch.numFinished)).toEqual([0, 0, 0, 0, 1, 0, 1]);
    expect(batches.map((o) => o.totalScheduledTokens)).toEqual([20, 2, 2, 1, 1, 0, 0]);

    // Sync, same requests: each finish is reported by the very next step.
    const sync = createScheduler();
    sync.scheduler.addRequest(tenTokens('A', 3), 0);
    sync.scheduler.addRequest(tenTokens('B', 5), 0);
    expect(pipeline(sync.scheduler, constantTokens(), 1).map((o) => o.batch.numFinished)).toEqual([0, 0, 0, 1, 0, 1]);

    // An abort carries the current counter and the next schedule() reports it.
    const aborted = createScheduler(ASYNC);
    const c = tenTokens('C', 10);
    aborted.scheduler.addRequest(c, 0);
    const s1 = aborted.scheduler.schedule(0);
    aborted.scheduler.schedule(0);
    aborted.scheduler.finishRequests([c], 'FINISHED_ABORTED', 0);
    expect(aborted.journey.at(-1)!.record).toMatchObject({ type: 'FINISHED', step: 2, finishStatus: 'aborted' });
    expect(aborted.scheduler.schedule(0).batch.numFinished).toBe(1);
    // Its in-flight output finds it gone and is dropped.
    expect(aborted.scheduler.updateFromOutput(s1, constantTokens(), 0).length).toBe(0);
  });

  it('snapshots count the placeholder: num_computed_tokens runs one decode token ahead of sync', () => {
    // One request, prompt 10, max_tokens 4. Per step: [num_computed_tokens, num_output_tokens].
    const snapshots = (depth: number) => {
      const { scheduler } = createScheduler(depth === 2 ? ASYNC : {}, { sampler: ALWAYS });
      scheduler.addRequest(createRequests(1, { maxTokens: 4 })[0]!, 0);
      return pipeline(scheduler, constantTokens(), depth).map((o) => o.snapshots!.map((r) => [r.numComputedTokens, r.numOutputTokens, r.scheduledTokensThisStep]));
    };
    expect(snapshots(1)).toEqual([[[0, 0, 10]], [[10, 1, 1]], [[11, 2, 1]], [[12, 3, 1]], []]);
    // Step 2 decodes from a placeholder before the first token is known; step 5 skips the request
    // (its in-flight output is the 4th); step 6 is the flush step.
    expect(snapshots(2)).toEqual([[[0, 0, 10]], [[10, 0, 1]], [[11, 1, 1]], [[12, 2, 1]], [[13, 3, 0]], []]);
  });

  it('classifies the first decode, scheduled before its first token is known, as prefill in the summary but decode in the batch shape', () => {
    const { scheduler } = createScheduler(ASYNC);
    scheduler.addRequest(createRequests(1, { maxTokens: 4 })[0]!, 0);
    scheduler.schedule(0);
    const second = scheduler.schedule(0);
    // vLLM's summary goes by num_output_tokens == 0.
    expect(second.batch).toMatchObject({ numPrefillReqs: 1, prefillTokens: 1, numDecodeReqs: 0, decodeTokens: 0 });
    // The forward pass is one decode over 10 tokens of context, and it samples a token.
    expect(second.shape).toMatchObject({ decodeRequests: 1, decodeContextTokens: 10, prefillTokens: 0 });
    expect(second.producesToken).toEqual([true]);
  });
});

describe('async scheduling: preemption with an output in flight', () => {
  // Block size 4, 3 usable blocks (max_model_len 12). A and B have 4-token prompts, so step 1
  // gives each one block; at step 2 A's fifth position needs the last free block, and B, next
  // in line, finds none and preempts itself while its step-1 token is still in flight.
  const config: Partial<SchedulerConfig> = { ...ASYNC, blockSize: 4, numGpuBlocks: 4, maxModelLen: 12, maxNumBatchedTokens: 64 };

  it('appends the late token to the waiting request, never goes negative, and resumes with it', () => {
    const { scheduler, journey } = createScheduler(config);
    const [a, b] = createRequests(2, { numTokens: 4, maxTokens: 4, blockSize: 4, ids: ['A', 'B'] });
    scheduler.addRequest(a!, 0);
    scheduler.addRequest(b!, 0);
    const placeholders: number[][] = [];
    const batches = pipeline(scheduler, constantTokens(), 2, () => placeholders.push([a!.numOutputPlaceholders, b!.numOutputPlaceholders]));

    expect(batches.map((o) => scheduledOf(o))).toEqual([
      { A: 4, B: 4 },
      { A: 1 }, // B preempted itself: PREEMPTED, no admission in this step
      { A: 1 }, // B (5 tokens now: prompt + the late token) needs 2 blocks, 1 is free
      { A: 1 },
      {}, // A skipped: its in-flight output is its 4th; B still blocked
      { B: 5 }, // A freed its blocks: B resumes and recomputes prompt + 1 output
      { B: 1 },
      { B: 1 },
      {}, // B skipped (max_tokens in flight)
      {}, // flush step: reports B
    ]);
    expect(batches[1]!.preemptedRequests).toEqual([b]);
    // After every update: nothing negative, and B's placeholder was settled by its late token.
    expect(placeholders.flat().every((p) => p >= 0)).toBe(true);
    expect(placeholders[0]).toEqual([1, 0]);
    const bJourney = journey.filter((e) => e.id === 'B').map((e) => e.record);
    expect(bJourney.map((e) => [e.type, e.step])).toEqual([
      ['QUEUED', 0],
      ['SCHEDULED', 1],
      ['PREEMPTED', 2],
      ['FIRST_TOKEN', 1], // the step that sampled it, processed after B's preemption
      ['SCHEDULED', 6],
      ['FINISHED', 8],
    ]);
    expect(bJourney[2]).toMatchObject({ phase: 'PREFILL', prefillDoneTokens: 4, decodeDoneTokens: 0, numPreemptions: 1 });
    expect(bJourney[3]).toMatchObject({ phase: 'DECODE', decodeDoneTokens: 1, numPreemptions: 1 });
    expect(bJourney[4]).toMatchObject({ scheduleKind: 'RESUME', phase: 'DECODE', decodeDoneTokens: 1 });
    expect(bJourney[5]).toMatchObject({ finishStatus: 'length', decodeDoneTokens: 4 });
    expect([a!.numOutputTokens, b!.numOutputTokens]).toEqual([4, 4]);
    // A: 4 + 3 decodes. B: 4, then the resume's 5, then 2 decodes.
    expect([tokensOf(batches, 'A'), tokensOf(batches, 'B')]).toEqual([7, 11]);
    expect(batches.map((o) => o.batch.numFinished)).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it('finishes a preempted request from the waiting queue when its late token ends it', () => {
    // 2 usable blocks, max_model_len 8. B (max_tokens 1) is preempted at step 2 for A's second
    // block; its only token, in flight from step 1, then finishes it "length" while waiting.
    const { scheduler, journey } = createScheduler({ ...config, numGpuBlocks: 3, maxModelLen: 8 });
    const [a] = createRequests(1, { numTokens: 4, maxTokens: 4, blockSize: 4, ids: ['A'] });
    const bShort = makeRequest(new Int32Array(4).fill(1), 'B', { maxTokens: 1, blockSize: 4 });
    scheduler.addRequest(a!, 0);
    scheduler.addRequest(bShort, 0);
    const batches = pipeline(scheduler, constantTokens(), 2);
    expect(batches[1]!.preemptedRequests).toEqual([bShort]);
    expect(journey.filter((e) => e.id === 'B').map((e) => [e.record.type, e.record.step])).toEqual([
      ['QUEUED', 0],
      ['SCHEDULED', 1],
      ['PREEMPTED', 2],
      ['FIRST_TOKEN', 1],
      ['FINISHED', 1],
    ]);
    expect(bShort.status).toBe('FINISHED_LENGTH_CAPPED');
    expect(bShort.numOutputPlaceholders).toBe(0);
    expect(scheduler.waiting.length).toBe(0);
    // Never resumed: its lifetime is the 4-token prompt (prompt + max_tokens - 1).
    expect(tokensOf(batches, 'B')).toBe(4);
    expect(batches[2]!.batch.numFinished).toBe(1);
  });
});
