// The written invariants, checked on every shipped scenario: request conservation, KV block
// conservation (checked by the scheduler after every step), token budget and max_num_seqs,
// monotonic time, causality of each request's events, the num_finished lag rule (spec D (v)),
// and determinism. The invariants are checked here with the sync engine loop; the default, async
// scheduling as in vLLM, has its own run of them in async-engine.test.ts, so both loops are covered.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { runSimulation } from '../../src/server/simulation.js';
import { MemoryRecorder } from '../helpers/memory-recorder.js';
import { checkRunInvariants } from '../helpers/run-invariants.js';

const SCENARIOS = readdirSync('scenarios').filter((f) => f.endsWith('.yaml'));
// Every step sampled and every journey traced, so that every step and request can be checked.
const FULL_TRACING = [
  'observability.enable_journey_tracing=true',
  'observability.journey_tracing_sample_rate=1',
  'observability.step_tracing_enabled=true',
  'observability.step_tracing_sample_rate=1',
];

const SYNC = 'engine.async_scheduling=false';

async function simulate(file: string, checkInvariants = true, overrides: readonly string[] = []) {
  const { config } = loadScenario(`scenarios/${file}`, [...FULL_TRACING, ...overrides]);
  const recorder = new MemoryRecorder();
  const result = await runSimulation(config, { trace: recorder, checkInvariants });
  return { config, recorder, result };
}

describe.each(SCENARIOS)('invariants of %s', (file) => {
  it('holds every written invariant with engine.async_scheduling=false', async () => {
    const { config, recorder, result } = await simulate(file, true, [SYNC]);
    expect(config.engine.asyncScheduling ?? false).toBe(false);
    expect(result.summary.num_requests).toBeGreaterThan(0);
    expect(recorder.closed?.lastStep).toBe(recorder.steps.length);
    checkRunInvariants(config, recorder, result);
  });

  it('gives the same records and summary on a second run (default, async)', async () => {
    const first = await simulate(file, false);
    const second = await simulate(file, false);
    expect(JSON.stringify(second.result.summary)).toBe(JSON.stringify(first.result.summary));
    expect(second.recorder.steps).toEqual(first.recorder.steps);
    expect([...second.recorder.requests.values()]).toEqual([...first.recorder.requests.values()]);
  });
});
