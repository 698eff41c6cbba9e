// The written invariants of a run, checked from what the simulation reported (a MemoryRecorder
// with every journey traced and every step sampled) and its summary. KV block conservation is
// checked by the scheduler itself after every step (RunOptions.checkInvariants). The mode
// (config.engine.asyncScheduling) selects the num_finished lag rule and the journey step order.
import { expect } from 'vitest';
import type { SimulationConfig } from '../../src/server/scenario-config.js';
import type { RunResult } from '../../src/server/simulation.js';
import type { JourneyRecord } from '../../src/trace/records.js';
import type { MemoryRecorder } from './memory-recorder.js';

const JOURNEY_GRAMMAR =
  /^QUEUED SCHEDULED( PREEMPTED SCHEDULED)*( FIRST_TOKEN( PREEMPTED SCHEDULED)*)? FINISHED$|^QUEUED( SCHEDULED.*)? FINISHED$/;

export function checkRunInvariants(config: SimulationConfig, recorder: MemoryRecorder, result: RunResult): void {
  const s = result.summary;
  const asyncScheduling = config.engine.asyncScheduling === true;
  // Request conservation.
  if (!s.partial) expect(s.completed + s.aborted + s.rejected).toBe(s.num_requests);
  expect(recorder.requests.size).toBe(s.num_requests - s.rejected);

  // The recorder hears of everything in virtual-time order.
  for (let i = 1; i < recorder.times.length; i++) expect(recorder.times[i]!).toBeGreaterThanOrEqual(recorder.times[i - 1]!);

  // Steps: consecutive ids, time moves forward, budget and max_num_seqs respected.
  const summaries = recorder.steps.map((r) => r.summary!);
  expect(summaries.map((b) => b.step)).toEqual(summaries.map((_, i) => i + 1));
  for (let i = 0; i < summaries.length; i++) {
    const b = summaries[i]!;
    expect(b.scheduledTokens).toBeLessThanOrEqual(config.engine.maxNumBatchedTokens);
    expect(b.scheduledTokens).toBe(b.prefillTokens + b.decodeTokens);
    expect(b.runningDepth).toBeLessThanOrEqual(config.engine.maxNumSeqs);
    expect(b.kvBlocksFree).toBeLessThanOrEqual(b.kvBlocksTotal);
    expect(b.tsEndNs).toBeGreaterThanOrEqual(b.tsStartNs);
    if (i > 0) expect(b.tsStartNs).toBeGreaterThan(summaries[i - 1]!.tsStartNs);
    // Spec D (ii): no step both admits and preempts (sync mode, no connector).
  }

  // Spec D (v), sync: num_finished at step s = FINISHED events carrying step s-1 (natural finishes
  // of step s-1's output, aborts processed before step s). Async: a natural finish carries the
  // step of the batch whose output ended it, and step s-1 was scheduled before that output was
  // processed, so it is reported two steps later; an abort carries the counter when it was
  // processed, one step before the next schedule(), so it lags by one as in sync.
  const finishedAtStep = new Map<number, number>();
  const abortedAtStep = new Map<number, number>();
  const scheduledAtStep = new Set<number>();
  const preemptedAtStep = new Set<number>();
  for (const log of recorder.requests.values()) {
    for (const e of log.journey) {
      if (e.type === 'FINISHED') {
        const byStep = asyncScheduling && e.finishStatus === 'aborted' ? abortedAtStep : finishedAtStep;
        byStep.set(e.step, (byStep.get(e.step) ?? 0) + 1);
      }
      if (e.type === 'SCHEDULED') scheduledAtStep.add(e.step);
      if (e.type === 'PREEMPTED') preemptedAtStep.add(e.step);
    }
  }
  for (const b of summaries) {
    if (asyncScheduling) {
      expect(b.numFinished).toBe((finishedAtStep.get(b.step - 2) ?? 0) + (abortedAtStep.get(b.step - 1) ?? 0));
    } else {
      expect(b.numFinished).toBe(finishedAtStep.get(b.step - 1) ?? 0);
    }
  }
  for (const step of preemptedAtStep) expect(scheduledAtStep.has(step)).toBe(false);

  // Each request: the journey grammar of spec C.4 and causality.
  for (const log of recorder.requests.values()) {
    if (log.coreStartNs === undefined) continue; // a partial run may stop before the engine saw it
    const types = log.journey.map((e) => e.type).join(' ');
    if (!s.partial) expect(types).toMatch(JOURNEY_GRAMMAR);
    const times = log.journey.map((e) => e.timeNs);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    checkJourneySteps(log.journey, asyncScheduling);
    const arrived = log.api.find((e) => e.name === 'api.ARRIVED')!.timeNs;
    expect(arrived).toBe(log.spanStartNs);
    expect(log.coreStartNs).toBeGreaterThanOrEqual(arrived);
    expect(times[0]).toBe(log.coreStartNs);
    const last = log.journey[log.journey.length - 1]!;
    if (last.type !== 'FINISHED') continue;
    expect(log.coreEndNs).toBe(last.timeNs);
    if (last.finishStatus !== 'aborted') {
      expect(log.spanEndNs).toBeGreaterThanOrEqual(last.timeNs);
      expect(log.completionTokens).toBe(last.decodeDoneTokens);
      expect(last.prefillDoneTokens).toBe(last.prefillTotalTokens);
      expect(last.decodeDoneTokens).toBeLessThanOrEqual(last.decodeMaxTokens);
    }
  }
}

/**
 * Journey steps never go back, with one async exception: a request preempted at step s while its
 * output of step s-1 was in flight gets that output afterwards, so FIRST_TOKEN and a natural
 * FINISHED may carry s-1 right after PREEMPTED (the batch did run for it).
 */
function checkJourneySteps(journey: readonly JourneyRecord[], asyncScheduling: boolean): void {
  let latest = 0;
  let preemptedAt = -1;
  for (const e of journey) {
    if (e.step >= latest) {
      latest = e.step;
    } else {
      const lateOutput = e.type === 'FIRST_TOKEN' || (e.type === 'FINISHED' && e.finishStatus !== 'aborted');
      expect(asyncScheduling && lateOutput && preemptedAt === latest && e.step === latest - 1, `journey steps ${journey.map((j) => `${j.type}@${j.step}`).join(' ')}`).toBe(true);
    }
    if (e.type === 'PREEMPTED') preemptedAt = e.step;
  }
}
