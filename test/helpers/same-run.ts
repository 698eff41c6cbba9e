// Runs one scenario two ways (run options that must change nothing but speed) and requires the same
// journeys, step records, summary, recorder call times and client outcomes. Used by the property
// tests of the fast paths (steady decodes, token runs).
import { expect } from 'vitest';
import { stringify } from 'yaml';
import { parseScenario } from '../../src/scenario/load.js';
import type { SimulationConfig } from '../../src/server/scenario-config.js';
import { runSimulation, type RunOptions } from '../../src/server/simulation.js';
import type { RequestOutcome, RequestSpec } from '../../src/workload/request-spec.js';
import { MemoryRecorder } from './memory-recorder.js';

/**
 * The scenario (a document) run with `options`, every invariant checked, into a memory recorder;
 * with what each client saw of its request (RequestOutcome, in the order clients were done).
 */
export async function simulateRecorded(scenario: object | string, options: RunOptions) {
  const { config } = parseScenario(typeof scenario === 'string' ? scenario : stringify(scenario), 'scenario.yaml');
  const recorder = new MemoryRecorder();
  const outcomes: RequestOutcome[] = [];
  const result = await runSimulation(recordingOutcomes(config, outcomes), { ...options, trace: recorder, checkInvariants: true });
  return { recorder, result, outcomes };
}

/** `config` with every request's outcome appended to `into` (follow-up requests too). */
function recordingOutcomes(config: SimulationConfig, into: RequestOutcome[]): SimulationConfig {
  const wrap = (spec: RequestSpec): RequestSpec => ({
    ...spec,
    onDone: (outcome) => {
      into.push(outcome);
      const next = spec.onDone?.(outcome);
      return next === undefined ? undefined : wrap(next);
    },
  });
  return {
    ...config,
    workload: (streams) => ({
      *[Symbol.iterator]() {
        for (const spec of config.workload(streams)) yield wrap(spec);
      },
    }),
  };
}

/** `scenario` gives the same records with `reference` and with `other`. */
export async function expectSameRun(scenario: object, reference: RunOptions, other: RunOptions): Promise<void> {
  const text = stringify(scenario);
  const expected = await simulateRecorded(text, reference);
  const actual = await simulateRecorded(text, other);
  expect(JSON.stringify(actual.result.summary)).toBe(JSON.stringify(expected.result.summary));
  expect(actual.recorder.steps).toEqual(expected.recorder.steps);
  expect([...actual.recorder.requests]).toEqual([...expected.recorder.requests]);
  expect(actual.recorder.times).toEqual(expected.recorder.times);
  expect(actual.outcomes).toEqual(expected.outcomes);
}
