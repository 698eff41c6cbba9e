// The written invariants, checked on every shipped scenario: request conservation, KV block
// conservation (checked by the scheduler after every step), token budget and max_num_seqs,
// monotonic time, causality of each request's events, the num_finished lag rule (spec D (v)),
// and determinism.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { runSimulation } from '../../src/server/simulation.js';
import { MemoryRecorder } from '../helpers/memory-recorder.js';

const SCENARIOS = readdirSync('scenarios').filter((f) => f.endsWith('.yaml'));
// Every step sampled and every journey traced, so that every step and request can be checked.
const FULL_TRACING = [
  'observability.enable_journey_tracing=true',
  'observability.journey_tracing_sample_rate=1',
  'observability.step_tracing_enabled=true',
  'observability.step_tracing_sample_rate=1',
];

async function simulate(file: string, checkInvariants = true) {
  const { config } = loadScenario(`scenarios/${file}`, FULL_TRACING);
  const recorder = new MemoryRecorder();
  const result = await runSimulation(config, { trace: recorder, checkInvariants });
  return { config, recorder, result };
}

describe.each(SCENARIOS)('invariants of %s', (file) => {
  it('holds every written invariant', async () => {
    const { config, recorder, result } = await simulate(file);
    const s = result.summary;
    expect(s.num_requests).toBeGreaterThan(0);
    expect(s.completed + s.aborted + s.rejected).toBe(s.num_requests);
    expect(recorder.requests.size).toBe(s.num_requests - s.rejected);

    // The recorder hears of everything in virtual-time order.
    for (let i = 1; i < recorder.times.length; i++) expect(recorder.times[i]!).toBeGreaterThanOrEqual(recorder.times[i - 1]!);

    // Steps: consecutive ids, time never goes back, budget and max_num_seqs respected.
    const summaries = recorder.steps.map((r) => r.summary!);
    expect(summaries.map((b) => b.step)).toEqual(summaries.map((_, i) => i + 1));
    expect(recorder.closed?.lastStep).toBe(summaries.length);
    for (let i = 0; i < summaries.length; i++) {
      const b = summaries[i]!;
      expect(b.scheduledTokens).toBeLessThanOrEqual(config.engine.maxNumBatchedTokens);
      expect(b.scheduledTokens).toBe(b.prefillTokens + b.decodeTokens);
      expect(b.runningDepth).toBeLessThanOrEqual(config.engine.maxNumSeqs);
      expect(b.kvBlocksFree).toBeLessThanOrEqual(b.kvBlocksTotal);
      expect(b.tsEndNs).toBeGreaterThanOrEqual(b.tsStartNs);
      if (i > 0) expect(b.tsStartNs).toBeGreaterThan(summaries[i - 1]!.tsStartNs);
    }

    // Spec D (v): num_finished at step s = FINISHED events carrying step s-1.
    const finishedAtStep = new Map<number, number>();
    for (const log of recorder.requests.values()) {
      for (const e of log.journey) if (e.type === 'FINISHED') finishedAtStep.set(e.step, (finishedAtStep.get(e.step) ?? 0) + 1);
    }
    for (const b of summaries) expect(b.numFinished).toBe(finishedAtStep.get(b.step - 1) ?? 0);

    // Each request: causality and the journey grammar of spec C.4.
    for (const log of recorder.requests.values()) {
      const types = log.journey.map((e) => e.type).join(' ');
      expect(types).toMatch(/^QUEUED SCHEDULED( PREEMPTED SCHEDULED)*( FIRST_TOKEN( PREEMPTED SCHEDULED)*)? FINISHED$|^QUEUED( SCHEDULED.*)? FINISHED$/);
      const times = log.journey.map((e) => e.timeNs);
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      const arrived = log.api.find((e) => e.name === 'api.ARRIVED')!.timeNs;
      expect(arrived).toBe(log.spanStartNs);
      expect(log.coreStartNs).toBeGreaterThanOrEqual(arrived);
      expect(times[0]).toBe(log.coreStartNs);
      const finished = log.journey[log.journey.length - 1]!;
      expect(log.coreEndNs).toBe(finished.timeNs);
      expect(log.spanEndNs).toBeGreaterThanOrEqual(finished.timeNs);
      const steps = log.journey.map((e) => e.step);
      expect([...steps].sort((a, b) => a - b)).toEqual(steps);
      if (finished.finishStatus !== 'aborted') {
        expect(log.completionTokens).toBe(finished.decodeDoneTokens);
        expect(finished.prefillDoneTokens).toBe(finished.prefillTotalTokens);
      }
    }
  });

  it('gives the same records and summary on a second run', async () => {
    const first = await simulate(file, false);
    const second = await simulate(file, false);
    expect(JSON.stringify(second.result.summary)).toBe(JSON.stringify(first.result.summary));
    expect(second.recorder.steps).toEqual(first.recorder.steps);
    expect([...second.recorder.requests.values()]).toEqual([...first.recorder.requests.values()]);
  });
});
