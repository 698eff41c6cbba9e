// The scheduler's steady-decode fast path (src/scheduler/steady-decodes.ts) must change nothing but
// the time a run takes: random scenarios (aborts, priorities, preemption under KV pressure, chunked
// prefill, shared prefixes, sync and async scheduling, 30 % of steps with REQUEST_SNAPSHOTs) give
// the same journeys, step records, summary and call times with it as without it.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { expectSameRun } from '../helpers/same-run.js';
import { kvStarvedScenario, validScenario } from '../helpers/random-scenario.js';

/** The scenario runs the same with the fast path and without: every record, summary and call time. */
const expectSameRunBothWays = (scenario: object) => expectSameRun(scenario, { steadyDecodes: false }, { steadyDecodes: true });

/** Longer outputs than validScenario's, so that steady stretches are long and often interrupted. */
const longDecodes = validScenario.map((scenario) => ({
  ...scenario,
  workload: {
    requests: scenario.workload.requests.map((r) => {
      const promptTokens = 'prompt_tokens' in r ? r.prompt_tokens : r.prompt.length;
      return { ...r, max_tokens: Math.max(r.max_tokens, Math.min(8 * r.max_tokens, scenario.engine.max_model_len - promptTokens)) };
    }),
  },
}));

/** API delays, so that aborts reach the engine late and outputs are still on their way to clients. */
const withDelays = fc
  .tuple(fc.oneof(validScenario, longDecodes), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }))
  .map(([scenario, inputMs, outputMs]) => ({ ...scenario, frontend: { input_delay: `${inputMs}ms`, output_delay: `${outputMs}ms` } }));

describe('steady decodes', () => {
  it('leave every record of a run unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(validScenario, longDecodes, withDelays), expectSameRunBothWays),
      { seed: 20261122, numRuns: 200 },
    );
  });
});

/**
 * KV pressure with REQUEST_SNAPSHOTs in many steps: in a sampled step every request that joins is
 * steady only from the next step on, so priority preemptions meet such requests (the running
 * pass's later counts; kvStarvedScenario alone never reached that path).
 */
const starvedWithSnapshots = fc
  .tuple(kvStarvedScenario, fc.constantFrom(0.3, 0.6))
  .map(([scenario, rich]) => ({ ...scenario, observability: { ...scenario.observability, step_tracing_rich_subsample_rate: rich } }));

describe('steady decodes under KV pressure', () => {
  it('leave every record of a run unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(kvStarvedScenario, starvedWithSnapshots), expectSameRunBothWays),
      { seed: 7, numRuns: 200 },
    );
  });
});
