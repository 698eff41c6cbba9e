// Spec section D, rows 1-10: vLLM's tests/v1/core/test_scheduler.py re-expressed for simtrace.
import { describe, expect, it } from 'vitest';
import { checkStop } from '../../src/scheduler/stop.js';
import { constantTokens, createRequests, createScheduler, drain, makeRequest, scheduledOf, TEST_EOS } from './helpers.js';

describe('D1 add, finish and count requests', () => {
  it('tracks waiting length and unfinished count through adds and aborts', () => {
    const { scheduler } = createScheduler();
    const requests = createRequests(10);
    requests.forEach((r, i) => {
      scheduler.addRequest(r, 0);
      expect(scheduler.waiting.length).toBe(i + 1);
    });
    requests.forEach((r, i) => {
      scheduler.finishRequests([r], 'FINISHED_ABORTED', 0);
      expect(scheduler.requests.has(r.index)).toBe(false);
      expect(scheduler.waiting.length).toBe(9 - i);
      expect(scheduler.requests.size).toBe(9 - i);
    });
  });

  it('ignores unknown and already finished requests', () => {
    const { scheduler } = createScheduler();
    const [a, b] = createRequests(2);
    scheduler.addRequest(a!, 0);
    scheduler.finishRequests([a!], 'FINISHED_ABORTED', 0);
    scheduler.finishRequests([a!, b!], 'FINISHED_ABORTED', 0);
    expect(scheduler.finishedReqIds).toEqual(['0']);
  });
});

describe('D2 schedule', () => {
  it.each([
    { caching: false, skip: false },
    { caching: true, skip: true },
  ])('admits all 10 requests in one step (prefix caching $caching)', ({ caching, skip }) => {
    const { scheduler } = createScheduler({ enablePrefixCaching: caching });
    const requests = createRequests(10, { skipReadingPrefixCache: skip });
    for (const r of requests) scheduler.addRequest(r, 0);
    const output = scheduler.schedule(0);
    expect(output.numNewRequests).toBe(10);
    expect(output.numResumedRequests).toBe(0);
    expect(output.scheduledTokens).toEqual(new Array(10).fill(10));
    expect(output.numFinishedSincePrevious).toBe(0);
    expect(scheduler.waiting.length).toBe(0);
    expect(scheduler.running.map((r) => r.requestId)).toEqual(requests.map((r) => r.requestId));
    expect(requests.every((r) => r.numCachedTokens === 0)).toBe(true);
  });
});

describe('D3 concurrent partial requests with long_prefill_token_threshold', () => {
  it.each([false, true])('chunks [400, 400, 224] twice, then [1, 1, 352] (caching %s)', (caching) => {
    const { scheduler } = createScheduler({ maxNumBatchedTokens: 1024, longPrefillTokenThreshold: 400, enablePrefixCaching: caching });
    for (const r of createRequests(3, { numTokens: 800 })) scheduler.addRequest(r, 0);
    const step1 = scheduler.schedule(0);
    expect(scheduledOf(step1)).toEqual({ 0: 400, 1: 400, 2: 224 });
    scheduler.updateFromOutput(step1, constantTokens(), 0);
    const step2 = scheduler.schedule(0);
    expect(scheduledOf(step2)).toEqual({ 0: 400, 1: 400, 2: 224 });
    expect(step2.producesToken).toEqual([true, true, false]);
    scheduler.updateFromOutput(step2, constantTokens(), 0);
    const step3 = scheduler.schedule(0);
    expect(scheduler.running.length).toBe(3);
    expect(scheduledOf(step3)).toEqual({ 0: 1, 1: 1, 2: 352 });
  });
});

describe('D4 schedule order', () => {
  it.each([
    { chunked: true, admitted: ['0', '1'], tokens: [800, 224] },
    { chunked: false, admitted: ['0'], tokens: [800] },
  ])('chunked prefill $chunked admits $admitted', ({ chunked, admitted, tokens }) => {
    const { scheduler } = createScheduler({ maxNumBatchedTokens: 1024, maxNumSeqs: 3, enableChunkedPrefill: chunked });
    const long = createRequests(2, { numTokens: 800 });
    const short = createRequests(2, { numTokens: 10, ids: ['2', '3'] });
    for (const r of [...long, ...short]) scheduler.addRequest(r, 0);
    const output = scheduler.schedule(0);
    expect(output.scheduledRequests.map((r) => r.requestId)).toEqual(admitted);
    expect(output.scheduledTokens).toEqual(tokens);
  });
});

describe('D5 concurrent batches', () => {
  it('skips a running request whose output is pending (n = 0) and keeps going', () => {
    const { scheduler } = createScheduler({ maxNumBatchedTokens: 1024, maxNumSeqs: 2 });
    const [r0, r1] = createRequests(2, { numTokens: 512 });
    scheduler.addRequest(r0!, 0);
    const step1 = scheduler.schedule(0);
    expect(scheduledOf(step1)).toEqual({ 0: 512 });
    scheduler.addRequest(r1!, 0);
    const step2 = scheduler.schedule(0);
    expect(scheduledOf(step2)).toEqual({ 1: 512 });
    scheduler.updateFromOutput(step1, constantTokens(), 0);
    const step3 = scheduler.schedule(0);
    expect(scheduledOf(step3)).toEqual({ 0: 1 });
  });
});

describe('D6 preemption during execution', () => {
  it('preempts the running tail and still appends its late token', () => {
    const { scheduler } = createScheduler({ maxNumBatchedTokens: 100, numGpuBlocks: 11 });
    const [r0, r1] = createRequests(2, { numTokens: 80 });
    scheduler.addRequest(r0!, 0);
    const step1 = scheduler.schedule(0);
    expect(scheduler.kv.numAllocatedBlocks(r0!.index)).toBe(5);
    scheduler.addRequest(r1!, 0);
    const step2 = scheduler.schedule(0);
    expect(scheduledOf(step2)).toEqual({ 1: 80 });
    expect(scheduler.kv.numAllocatedBlocks(r1!.index)).toBe(5);
    expect(scheduler.kv.numFreeBlocks).toBe(0);
    scheduler.updateFromOutput(step1, constantTokens(0), 0);
    scheduler.schedule(0);
    expect(scheduler.running).toEqual([r0]);
    expect(r1!.status).toBe('PREEMPTED');
    scheduler.updateFromOutput(step2, constantTokens(42), 0);
    expect([...r1!.outputTokenIds()]).toEqual([42]);
  });
});

describe('D7 stop via update_from_output', () => {
  function runOneStep(options: Parameters<typeof createRequests>[1], sampled: number[]) {
    const { scheduler } = createScheduler();
    const [request] = createRequests(1, options);
    scheduler.addRequest(request!, 0);
    const output = scheduler.schedule(0);
    scheduler.updateFromOutput(output, () => sampled, 0);
    return { scheduler, request: request! };
  }

  it('EOS finishes stopped and leaves running', () => {
    const { scheduler, request } = runOneStep({}, [TEST_EOS, 10]);
    expect(request.status).toBe('FINISHED_STOPPED');
    expect([...request.outputTokenIds()]).toEqual([TEST_EOS]);
    expect(scheduler.running).toEqual([]);
    expect(scheduler.finishedReqIds).toEqual(['0']);
  });

  it('a stop token finishes stopped with stop_reason and truncates', () => {
    const { request } = runOneStep({ stopTokenIds: [42, 43] }, [10, 42, 12]);
    expect(request.status).toBe('FINISHED_STOPPED');
    expect(request.stopReason).toBe(42);
    expect([...request.outputTokenIds()]).toEqual([10, 42]);
  });

  it('max_tokens caps the length', () => {
    const { request } = runOneStep({ maxTokens: 2 }, [10, 11, 12]);
    expect(request.status).toBe('FINISHED_LENGTH_CAPPED');
    expect([...request.outputTokenIds()]).toEqual([10, 11]);
  });

  it('ignore_eos keeps running', () => {
    const { scheduler, request } = runOneStep({ ignoreEos: true }, [TEST_EOS, 10, 11]);
    expect(request.status).toBe('RUNNING');
    expect([...request.outputTokenIds()]).toEqual([TEST_EOS, 10, 11]);
    expect(scheduler.running).toEqual([request]);
  });
});

describe('D8 check_stop with min_tokens', () => {
  function withOutputs(options: Parameters<typeof makeRequest>[2], outputs: number[]) {
    const request = makeRequest(new Int32Array(10), 'r', options);
    for (const t of outputs) request.appendOutputToken(t);
    return request;
  }

  it.each([
    { stop: TEST_EOS, stopTokens: [] as number[] },
    { stop: 42, stopTokens: [42] },
  ])('suppresses stopping below min_tokens (stop token $stop)', ({ stop, stopTokens }) => {
    const short = withOutputs({ minTokens: 5, stopTokenIds: stopTokens }, [10, 11, stop]);
    expect(checkStop(short, 8192)).toBeUndefined();
    const long = withOutputs({ minTokens: 5, stopTokenIds: stopTokens }, [10, 11, 12, 13, 14, 15, 16, 17, stop]);
    expect(checkStop(long, 8192)).toBe('FINISHED_STOPPED');
    if (stop === 42) expect(long.stopReason).toBe(42);
  });

  it('min_tokens 0 stops on EOS', () => {
    expect(checkStop(withOutputs({ minTokens: 0 }, [TEST_EOS]), 8192)).toBe('FINISHED_STOPPED');
  });

  it('min_tokens suppresses the length rule too', () => {
    expect(checkStop(withOutputs({ minTokens: 5, maxTokens: 2 }, [10, 11, 12]), 8192)).toBeUndefined();
  });
});

describe('D9 reset_prefix_cache', () => {
  it('fails while blocks are in use; with reset_running_requests it preempts all in order', () => {
    const { scheduler } = createScheduler({ enablePrefixCaching: true });
    const requests = createRequests(10);
    for (const r of requests) scheduler.addRequest(r, 0);
    scheduler.schedule(0);
    expect(scheduler.resetPrefixCache(false, 0)).toBe(false);
    expect(scheduler.resetPrefixCache(true, 0)).toBe(true);
    expect(scheduler.running).toEqual([]);
    expect(scheduler.waiting.toArray().map((r) => r.requestId)).toEqual(requests.map((r) => r.requestId));
    expect(scheduler.stepCounter).toBe(1);
  });
});

describe('D10 memory leak', () => {
  it('leaves no request, table or referenced block behind', () => {
    const { scheduler } = createScheduler({ enablePrefixCaching: true });
    for (const r of createRequests(5, { maxTokens: 10 })) scheduler.addRequest(r, 0);
    drain(scheduler);
    expect(scheduler.requests.size).toBe(0);
    expect(scheduler.waiting.length).toBe(0);
    expect(scheduler.running.length).toBe(0);
    expect(scheduler.finishedReqIds.length).toBe(0);
    expect(scheduler.kv.numFreeBlocks).toBe(9999);
    for (let id = 1; id < 10000; id++) expect(scheduler.kv.blockRefCount(id)).toBe(0);
  });
});
