// Spec C.8: the hand-derived trace of two 80-token requests on a 10-block pool, step by step,
// with prefix caching off and on. Expected values are the spec's table, copied by hand.
import { describe, expect, it } from 'vitest';
import type { JourneyRecord } from '../../src/trace/records.js';
import type { SchedulerOutput } from '../../src/scheduler/scheduler-output.js';
import { ALWAYS, constantTokens, createScheduler, makeRequest } from './helpers.js';

function runC8(caching: boolean) {
  const { scheduler, journey } = createScheduler(
    { blockSize: 16, numGpuBlocks: 11, maxNumBatchedTokens: 100, maxModelLen: 100, maxNumSeqs: 16, enablePrefixCaching: caching },
    { sampler: ALWAYS },
  );
  const a = makeRequest(new Int32Array(80).fill(1), 'A', { maxTokens: 3 });
  const b = makeRequest(new Int32Array(80).fill(2), 'B', { maxTokens: 3 });
  scheduler.addRequest(a, 0);
  scheduler.addRequest(b, 0);
  const outputs: SchedulerOutput[] = [];
  const queues: number[][] = [];
  while (scheduler.hasRequests()) {
    const output = scheduler.schedule(outputs.length + 1);
    outputs.push(output);
    scheduler.updateFromOutput(output, constantTokens(), outputs.length + 1);
    scheduler.checkInvariants();
  }
  return { outputs, journey, a, b, queues, scheduler };
}

/** (run, wait, pre_r, dec_r, sched, pre_t, dec_t, fin, preempt, free, usage), as the spec's table. */
function summaryRow(o: SchedulerOutput): number[] {
  const s = o.batch;
  return [s.runningDepth, s.waitingDepth, s.numPrefillReqs, s.numDecodeReqs, s.scheduledTokens, s.prefillTokens, s.decodeTokens, s.numFinished, s.numPreempted, s.kvBlocksFree, s.kvUsageRatio];
}

function brief(r: JourneyRecord) {
  return [r.type, r.step, r.phase, r.prefillDoneTokens, r.prefillTotalTokens, r.decodeDoneTokens, r.decodeMaxTokens, r.numPreemptions, r.scheduleKind ?? r.finishStatus ?? ''];
}

describe('C.8 golden trace, prefix caching off', () => {
  const { outputs, journey } = runC8(false);

  it('takes 7 steps with the BATCH_SUMMARY values of the table', () => {
    expect(outputs.map(summaryRow)).toEqual([
      [2, 0, 2, 0, 100, 100, 0, 0, 0, 3, 0.7],
      [1, 1, 0, 1, 1, 0, 1, 0, 1, 4, 0.6],
      [1, 1, 0, 1, 1, 0, 1, 0, 0, 4, 0.6],
      [1, 0, 1, 0, 80, 80, 0, 1, 0, 5, 0.5],
      [1, 0, 0, 1, 1, 0, 1, 0, 0, 4, 0.6],
      [1, 0, 0, 1, 1, 0, 1, 0, 0, 4, 0.6],
      [0, 0, 0, 0, 0, 0, 0, 1, 0, 10, 0.0],
    ]);
    expect(outputs.every((o) => o.batch.kvBlocksTotal === 10)).toBe(true);
  });

  it('emits the journey events of the table, in order', () => {
    expect(journey.map((e) => [e.id, ...brief(e.record)])).toEqual([
      ['A', 'QUEUED', 0, 'WAITING', 0, 80, 0, 3, 0, ''],
      ['B', 'QUEUED', 0, 'WAITING', 0, 80, 0, 3, 0, ''],
      ['A', 'SCHEDULED', 1, 'PREFILL', 0, 80, 0, 3, 0, 'FIRST'],
      ['B', 'SCHEDULED', 1, 'PREFILL', 0, 80, 0, 3, 0, 'FIRST'],
      ['A', 'FIRST_TOKEN', 1, 'DECODE', 80, 80, 1, 3, 0, ''],
      ['B', 'PREEMPTED', 2, 'PREFILL', 20, 80, 0, 3, 1, ''],
      ['A', 'FINISHED', 3, 'DECODE', 80, 80, 3, 3, 0, 'length'],
      ['B', 'SCHEDULED', 4, 'PREFILL', 20, 80, 0, 3, 1, 'RESUME'],
      ['B', 'FIRST_TOKEN', 4, 'DECODE', 80, 80, 1, 3, 1, ''],
      ['B', 'FINISHED', 6, 'DECODE', 80, 80, 3, 3, 1, 'length'],
    ]);
  });

  it('snapshots steps 1, 2 and 4 as the spec lists them', () => {
    const pick = (step: number) =>
      outputs[step - 1]!.snapshots!.map((s) => [s.engineRequestId, s.numComputedTokens, s.numOutputTokens, s.numPreemptions, s.scheduledTokensThisStep, s.kvBlocksAllocated, s.kvBlocksCached, s.effectivePromptLen]);
    expect(pick(1)).toEqual([
      ['A', 0, 0, 0, 80, 5, 0, 80],
      ['B', 0, 0, 0, 20, 2, 0, 80],
    ]);
    expect(pick(2)).toEqual([['A', 80, 1, 0, 1, 6, 0, 80]]);
    expect(pick(4)).toEqual([['B', 0, 0, 1, 80, 5, 0, 80]]);
  });
});

describe('C.8 golden trace, prefix caching on', () => {
  const { outputs, journey } = runC8(true);

  it('registers blocks at allocation: A caches 5, B caches 1 in step 1', () => {
    expect(outputs[0]!.snapshots!.map((s) => s.kvBlocksCached)).toEqual([5, 1]);
  });

  it('resumes B in step 4 with a 16-token hit on its surviving block', () => {
    const step4 = outputs[3]!;
    expect(step4.batch.prefillTokens).toBe(64);
    expect(step4.batch.kvBlocksFree).toBe(5);
    expect(step4.batch.kvUsageRatio).toBe(0.5);
    const [snapshot] = step4.snapshots!;
    expect(snapshot).toMatchObject({ engineRequestId: 'B', numComputedTokens: 16, scheduledTokensThisStep: 64, kvBlocksAllocated: 5, kvBlocksCached: 5, effectivePromptLen: 80 });
    const resume = journey.find((e) => e.id === 'B' && e.record.scheduleKind === 'RESUME')!;
    expect(resume.record.step).toBe(4);
    expect(resume.record.prefillDoneTokens).toBe(20);
  });

  it('blocks B in step 3 (5 blocks needed, 4 free) after recording its lookup', () => {
    expect(outputs[2]!.scheduledRequests.map((r) => r.requestId)).toEqual(['A']);
    expect(outputs[2]!.batch.waitingDepth).toBe(1);
  });
});
