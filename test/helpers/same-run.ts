// Runs one scenario two ways (run options that must change nothing but speed) and requires the same
// journeys, step records, summary and recorder call times. Used by the property tests of the fast
// paths (steady decodes, token runs).
import { expect } from 'vitest';
import { stringify } from 'yaml';
import { parseScenario } from '../../src/scenario/load.js';
import { runSimulation, type RunOptions } from '../../src/server/simulation.js';
import { MemoryRecorder } from './memory-recorder.js';

/** The scenario (a document) run with `options`, every invariant checked, into a memory recorder. */
export async function simulateRecorded(scenario: object | string, options: RunOptions) {
  const { config } = parseScenario(typeof scenario === 'string' ? scenario : stringify(scenario), 'scenario.yaml');
  const recorder = new MemoryRecorder();
  const result = await runSimulation(config, { ...options, trace: recorder, checkInvariants: true });
  return { recorder, result };
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
}
