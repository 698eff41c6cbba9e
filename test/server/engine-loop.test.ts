// The engine runs its next iterations itself, without the calendar, while each one's event would be
// the next anyway (EngineCore.runIterations). These tests pin what that must not change: a run
// stopped at a virtual time ends exactly there, and a long stretch with no other event still lets
// the run loop look at `shouldStop`. (That the outputs are those of the calendar's order is what
// every golden and equivalence test checks.)
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.js';
import { runSimulation } from '../../src/server/simulation.js';

const MS = 1_000_000;

/**
 * One request arriving at 0 on a sync engine whose every forward pass takes 10 ms, and schedule()
 * the least time there is (1 ns): step k begins at (k - 1) x (10 ms + 1 ns).
 */
function oneRequest(maxTokens: number): string {
  return `engine: {num_gpu_blocks: 6300, max_model_len: 100000, async_scheduling: false}
model:
  step_time: {type: constant, duration: 10ms}
  scheduler_time: {base: 0ms, per_running_request: 0}
workload:
  requests:
    - {id: A, arrival: 0, prompt_tokens: 10, max_tokens: ${maxTokens}}
`;
}

describe('the engine loop', () => {
  it('stops a run at max_sim_time exactly, though it runs its own steps back to back', async () => {
    const { config } = parseScenario(oneRequest(500), 'horizon.yaml');
    // Steps 1-10 begin by 90 ms + 9 ns; step 10's pass ends at 100 ms + 10 ns, after the horizon,
    // so step 11 never begins: 10 steps, and the run's clock stops at the horizon.
    const result = await runSimulation(config, { maxSimTimeNs: 95 * MS });
    expect(result.summary.partial).toBe(true);
    expect(result.summary.num_steps).toBe(10);
    expect(result.endTimeNs).toBe(95 * MS);
    // Without the horizon the request runs to its end: 500 steps that each give it a token (the
    // prefill's first), and step 501, which reports the finish.
    const full = await runSimulation(config);
    expect(full.summary.completed).toBe(1);
    expect(full.summary.num_steps).toBe(501);
  });

  it('still asks shouldStop in a long stretch of steps with no other event', async () => {
    // 70,000 decode steps and no other event: the run loop asks every 4,096 events, so the engine
    // must hand back to it every few steps (16 at most), not run the stretch through.
    const { config } = parseScenario(oneRequest(70_000), 'stretch.yaml');
    let asked = 0;
    const result = await runSimulation(config, { shouldStop: () => ++asked >= 1 });
    expect(asked).toBe(1);
    expect(result.summary.partial).toBe(true);
    expect(result.summary.num_steps).toBeLessThan(70_000);
  });
});
