// runBenchSimulation (src/cli/bench-entry.ts), what bench/child.cjs runs: its hook is called every
// few thousand events and changes nothing about the run (the memory cases rely on both).
import { describe, expect, it } from 'vitest';
import { runBenchSimulation } from '../../src/cli/bench-entry.js';

const run = { scenario: 'bench/scenarios/blis-anchor.yaml', overrides: ['workload.count=3000'], trace: { traceOut: undefined, otlpEndpoint: undefined } };

describe('runBenchSimulation', () => {
  it('calls everyFewThousandEvents every 4,096 events and gives the same run as without it', async () => {
    let calls = 0;
    const hooked = await runBenchSimulation({ ...run, everyFewThousandEvents: () => void calls++ });
    const plain = await runBenchSimulation(run);
    expect(hooked.result.summary).toEqual(plain.result.summary);
    expect(hooked.result.summary.completed).toBe(3000);
    // 3,000 requests take some thousands of events (arrivals alone are 3,000): at least one call,
    // and at most one per 4,096 of them.
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThanOrEqual(Math.ceil((3000 + 2 * hooked.result.steps) / 4096));
  });
});
