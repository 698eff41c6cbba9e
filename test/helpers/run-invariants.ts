// The written invariants of a run, checked from what the simulation reported (a MemoryRecorder
// with every journey traced and every step sampled) and its summary. KV block conservation is
// checked by the scheduler itself after every step (RunOptions.checkInvariants).
import { expect } from 'vitest';
import type { SimulationConfig } from '../../src/server/scenario-config.js';
import type { RunResult } from '../../src/server/simulation.js';
import type { MemoryRecorder } from './memory-recorder.js';

const JOURNEY_GRAMMAR =
  /^QUEUED SCHEDULED( PREEMPTED SCHEDULED)*( FIRST_TOKEN( PREEMPTED SCHEDULED)*)? FINISHED$|^QUEUED( SCHEDULED.*)? FINISHED$/;

export function checkRunInvariants(config: SimulationConfig, recorder: MemoryRecorder, result: RunResult): void {
  const s = result.summary;
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

  // Spec D (v): num_finished at step s = FINISHED events carrying step s-1.
  const finishedAtStep = new Map<number, number>();
  const scheduledAtStep = new Set<number>();
  const preemptedAtStep = new Set<number>();
  for (const log of recorder.requests.values()) {
    for (const e of log.journey) {
      if (e.type === 'FINISHED') finishedAtStep.set(e.step, (finishedAtStep.get(e.step) ?? 0) + 1);
      if (e.type === 'SCHEDULED') scheduledAtStep.add(e.step);
      if (e.type === 'PREEMPTED') preemptedAtStep.add(e.step);
    }
  }
  for (const b of summaries) expect(b.numFinished).toBe(finishedAtStep.get(b.step - 1) ?? 0);
  for (const step of preemptedAtStep) expect(scheduledAtStep.has(step)).toBe(false);

  // Each request: the journey grammar of spec C.4 and causality.
  for (const log of recorder.requests.values()) {
    if (log.coreStartNs === undefined) continue; // a partial run may stop before the engine saw it
    const types = log.journey.map((e) => e.type).join(' ');
    if (!s.partial) expect(types).toMatch(JOURNEY_GRAMMAR);
    const times = log.journey.map((e) => e.timeNs);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const steps = log.journey.map((e) => e.step);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
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
