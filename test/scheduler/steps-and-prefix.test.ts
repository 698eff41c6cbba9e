// Spec D rows 29 (prefix-cache dedup and multi-turn, run in sync mode) and 30 (the fork's step
// counter, empty-step summaries, snapshots and journey basics).
import { describe, expect, it } from 'vitest';
import { ALWAYS, constantTokens, createRequests, createScheduler, makeRequest } from './helpers.js';

describe('D29 prefix caching across requests', () => {
  it('same-step dedup: the second identical prompt hits the blocks the first just registered', () => {
    const { scheduler } = createScheduler({ maxNumBatchedTokens: 1000, enablePrefixCaching: true });
    const [r0, r1] = createRequests(2, { numTokens: 100, samePrompt: true });
    scheduler.addRequest(r0!, 0);
    scheduler.addRequest(r1!, 0);
    scheduler.schedule(0);
    expect(r0!.numCachedTokens).toBe(0);
    expect(r1!.numCachedTokens).toBeGreaterThanOrEqual(96);
    expect(r1!.numCachedTokens).toBe(96);
  });

  it('multi-turn: the next turn (prompt + 200 outputs) hits floor(300/16)*16 = 288 tokens', () => {
    const { scheduler } = createScheduler({ maxNumBatchedTokens: 1000, enablePrefixCaching: true });
    const first = makeRequest(new Int32Array(100).map((_, i) => i + 7), 'turn1', { maxTokens: 200 });
    scheduler.addRequest(first, 0);
    let token = 5000;
    while (scheduler.hasUnfinishedRequests()) scheduler.updateFromOutput(scheduler.schedule(0), () => token++, 0);
    expect(first.numOutputTokens).toBe(200);
    const second = makeRequest(first.allTokenIds(), 'turn2', { maxTokens: 10 });
    scheduler.addRequest(second, 0);
    scheduler.schedule(0);
    expect(second.numCachedTokens).toBe(288);
  });

  it('lifetime scheduled tokens = prompt + max_tokens - 1 without preemption or hits', () => {
    const { scheduler } = createScheduler({ maxNumBatchedTokens: 1000 });
    const requests = createRequests(3, { numTokens: 100, maxTokens: 20 });
    for (const r of requests) scheduler.addRequest(r, 0);
    const total = new Map<string, number>();
    while (scheduler.hasRequests()) {
      const output = scheduler.schedule(0);
      output.scheduledRequests.forEach((r, k) => total.set(r.requestId, (total.get(r.requestId) ?? 0) + output.scheduledTokens[k]!));
      scheduler.updateFromOutput(output, constantTokens(), 0);
    }
    expect([...total.values()]).toEqual([119, 119, 119]);
  });
});

describe('D30 the fork: step counter, step tracing and journey basics', () => {
  it('counts empty steps and steps with requests; reset_prefix_cache leaves the counter alone', () => {
    const { scheduler } = createScheduler({ enablePrefixCaching: true });
    expect([scheduler.schedule(0).step, scheduler.schedule(0).step]).toEqual([1, 2]);
    for (const r of createRequests(2)) scheduler.addRequest(r, 0);
    expect([scheduler.schedule(0).step, scheduler.schedule(0).step]).toEqual([3, 4]);
    scheduler.resetPrefixCache(true, 0);
    expect([5, 6, 7].map(() => scheduler.schedule(0).step)).toEqual([5, 6, 7]);
  });

  it('an empty step still gives a summary with step 1 and all counts 0', () => {
    const { scheduler } = createScheduler({}, { sampler: ALWAYS });
    const output = scheduler.schedule(0);
    expect(output.sampledSummary).toBe(true);
    const { step, kvBlocksTotal, kvBlocksFree, kvUsageRatio, ...counts } = output.batch;
    expect(step).toBe(1);
    expect(Object.values(counts).every((v) => v === 0)).toBe(true);
    expect([kvBlocksTotal, kvBlocksFree, kvUsageRatio]).toEqual([9999, 9999, 0]);
  });

  it('4 requests with rich sampling give 4 snapshots for step 1', () => {
    const { scheduler } = createScheduler({}, { sampler: ALWAYS });
    for (const r of createRequests(4)) scheduler.addRequest(r, 0);
    const output = scheduler.schedule(0);
    expect(output.snapshots?.length).toBe(4);
    expect(output.snapshots!.every((s) => s.step === 1)).toBe(true);
  });

  it('draws the second sample only when the first passed', () => {
    const draws: string[] = [];
    const sampler = {
      sampleSummary: (step: number) => (draws.push(`summary:${step}`), step % 2 === 0),
      sampleRich: (step: number) => (draws.push(`rich:${step}`), true),
    };
    const { scheduler } = createScheduler({}, { sampler });
    const outputs = [1, 2, 3, 4].map(() => scheduler.schedule(0));
    expect(draws).toEqual(['summary:1', 'summary:2', 'rich:2', 'summary:3', 'summary:4', 'rich:4']);
    expect(outputs.map((o) => o.sampledSummary)).toEqual([false, true, false, true]);
  });

  it('QUEUED carries step 0 and phase WAITING; the first SCHEDULED is FIRST at step 1', () => {
    const { scheduler, journey } = createScheduler();
    const [r] = createRequests(1);
    scheduler.addRequest(r!, 0);
    scheduler.schedule(0);
    expect(journey[0]!.record).toMatchObject({ type: 'QUEUED', step: 0, phase: 'WAITING', numPreemptions: 0 });
    expect(journey[1]!.record).toMatchObject({ type: 'SCHEDULED', step: 1, scheduleKind: 'FIRST' });
  });

  it('hi-water mark survives preemption and counts chunks (T=512, threshold 256, 1000-token prompt)', () => {
    const { scheduler, journey } = createScheduler({ maxNumBatchedTokens: 512, longPrefillTokenThreshold: 256, maxModelLen: 2048 });
    const [r] = createRequests(1, { numTokens: 1000 });
    scheduler.addRequest(r!, 0);
    for (let i = 0; i < 3; i++) scheduler.updateFromOutput(scheduler.schedule(0), constantTokens(), 0);
    scheduler.resetPrefixCache(true, 0);
    const preempted = journey.find((e) => e.record.type === 'PREEMPTED')!.record;
    expect(preempted.prefillDoneTokens).toBeGreaterThanOrEqual(0.95 * 768);
    expect(preempted).toMatchObject({ prefillTotalTokens: 1000, phase: 'PREFILL', numPreemptions: 1 });
  });
});
