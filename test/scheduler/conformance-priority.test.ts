// Spec section D, rows 11-16: vLLM's priority-scheduling tests re-expressed for simtrace.
import { describe, expect, it } from 'vitest';
import { constantTokens, createRequests, createScheduler, makeRequest, scheduledOf } from './helpers.js';

function admissionOrder(priorities: number[], arrivals: number[], maxNumSeqs = 16): { scheduled: string[]; waiting: string[] } {
  const { scheduler } = createScheduler({ policy: 'priority', maxNumSeqs, maxNumBatchedTokens: 1000 });
  for (const r of createRequests(priorities.length, { priorities, arrivalTimes: arrivals })) scheduler.addRequest(r, 0);
  const output = scheduler.schedule(0);
  return {
    scheduled: output.scheduledRequests.map((r) => r.requestId),
    waiting: scheduler.waiting.toArray().map((r) => r.requestId),
  };
}

describe('D11 priority ordering', () => {
  it.each([
    { name: 'basic ordering', prio: [2, 0, 1], arrival: [0, 1, 2], order: ['1', '2', '0'] },
    { name: 'arrival tie-breaker', prio: [1, 1, 1], arrival: [3, 1, 2], order: ['1', '2', '0'] },
    { name: 'mixed priority and arrival', prio: [2, 1, 1, 0], arrival: [1, 3, 2, 4], order: ['3', '2', '1', '0'] },
    { name: 'fcfs fallback', prio: [1, 1, 1, 1], arrival: [4, 1, 3, 2], order: ['1', '3', '2', '0'] },
  ])('$name', ({ prio, arrival, order }) => {
    expect(admissionOrder(prio, arrival).scheduled).toEqual(order);
  });
});

describe('D12 priority with limited slots', () => {
  it('schedules the two most urgent; the rest wait in priority order', () => {
    const result = admissionOrder([3, 1, 2, 0], [0, 1, 2, 3], 2);
    expect(result.scheduled).toEqual(['3', '1']);
    expect(result.waiting).toEqual(['2', '0']);
  });
});

describe('D13 one slot', () => {
  it.each([
    { prio: [3, 2, 0], arrival: [0, 1, 2], first: '2', waiting: ['1', '0'] },
    { prio: [1, 1, 1], arrival: [3, 1, 2], first: '1', waiting: ['2', '0'] },
    { prio: [3, 1, 2, 0], arrival: [0, 1, 2, 3], first: '3', waiting: ['1', '2', '0'] },
  ])('schedules only the most urgent ($first)', ({ prio, arrival, first, waiting }) => {
    const result = admissionOrder(prio, arrival, 1);
    expect(result.scheduled).toEqual([first]);
    expect(result.waiting).toEqual(waiting);
  });
});

describe('D14 heap property', () => {
  it('serves priorities in sorted order when each finishes after one step', () => {
    const priorities = [5, 1, 8, 3, 2, 7, 4, 6];
    const { scheduler } = createScheduler({ policy: 'priority', maxNumSeqs: 1 });
    for (const r of createRequests(8, { priorities, maxTokens: 1 })) scheduler.addRequest(r, 0);
    const served: number[] = [];
    while (scheduler.hasUnfinishedRequests()) {
      const output = scheduler.schedule(0);
      for (const r of output.scheduledRequests) served.push(r.priority);
      scheduler.updateFromOutput(output, constantTokens(), 0);
    }
    expect(served).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe('D15 no preemption when space is available', () => {
  it('admits the urgent request beside the running ones', () => {
    const { scheduler } = createScheduler({ policy: 'priority', maxNumSeqs: 3, maxNumBatchedTokens: 200 });
    const low = createRequests(2, { numTokens: 30, priorities: [5, 5] });
    for (const r of low) scheduler.addRequest(r, 0);
    scheduler.updateFromOutput(scheduler.schedule(0), constantTokens(), 0);
    const [high] = createRequests(1, { numTokens: 30, priorities: [0], ids: ['high'] });
    scheduler.addRequest(high!, 0);
    const output = scheduler.schedule(0);
    expect(output.preemptedRequests).toEqual([]);
    expect(output.scheduledRequests).toContain(high);
    expect(scheduler.running.length).toBe(3);
    expect(scheduler.waiting.length).toBe(0);
  });
});

describe('D16 priority preemption and resumption when out of KV', () => {
  it('preempts the already scheduled low-priority request and returns its budget', () => {
    const { scheduler } = createScheduler({
      policy: 'priority',
      maxNumSeqs: 2,
      maxNumBatchedTokens: 200,
      numGpuBlocks: 5,
      enablePrefixCaching: true,
    });
    const low = makeRequest(new Int32Array(30).fill(1), 'low', { priority: 1, arrivalTimeNs: 0, maxTokens: 10 });
    const high = makeRequest(new Int32Array(32).fill(2), 'high', { priority: 0, arrivalTimeNs: 1, maxTokens: 2 });
    scheduler.addRequest(low, 0);
    scheduler.updateFromOutput(scheduler.schedule(0), constantTokens(100), 0);
    scheduler.addRequest(high, 0);
    const step2 = scheduler.schedule(0);
    expect(scheduledOf(step2)).toEqual({ low: 1, high: 32 });
    expect(scheduler.kv.numFreeBlocks).toBe(0);
    scheduler.updateFromOutput(step2, constantTokens(100), 0);
    const step3 = scheduler.schedule(0);
    expect(scheduledOf(step3)).toEqual({ high: 1 });
    expect(step3.totalScheduledTokens).toBe(1);
    expect(step3.preemptedRequests).toEqual([low]);
    expect(low.status).toBe('PREEMPTED');
    expect(scheduler.waiting.length).toBe(1);
    expect(scheduler.running).toEqual([high]);
    scheduler.updateFromOutput(step3, constantTokens(100), 0);
    expect(high.status).toBe('FINISHED_LENGTH_CAPPED');
    const step4 = scheduler.schedule(0);
    expect(step4.numResumedRequests).toBe(1);
    expect(step4.scheduledRequests).toEqual([low]);
    expect(low.numTokens).toBe(32);
  });
});
