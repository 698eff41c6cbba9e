import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fit, fitFrontend, measuredSlices, simulateSlice, type CalibrationSlice } from '../../src/calibrate/calibrate.js';
import type { Observed } from '../../src/compare/observations.js';
import { DEFAULT_COEFFICIENTS } from '../../src/model/default-coefficients.js';
import { mergeCoefficients } from '../../src/timing/roofline.js';
import type { Simulated } from '../../src/compare/stats.js';
import { recordingOutcomes } from '../../src/compare/run-compare.js';
import { runSimulation } from '../../src/server/simulation.js';
import type { RooflineConfig } from '../../src/timing/roofline.js';

const FIXTURE = 'fixtures/measured/llama-2-7b-codegen-head';

describe('calibration', () => {
  it('slices a measured run per load stage and leaves out stages without requests', () => {
    const slices = measuredSlices(FIXTURE, { limit: 30, maxSimTimeS: 120, warmupS: 0 });
    expect(slices.map((s) => s.name)).toEqual(['llama-2-7b-codegen-head#0']);
    // 15 unscored requests fill the system, then 30 are scored.
    expect(slices[0]!.real.size).toBe(30);
    expect(slices[0]!.real.has('0')).toBe(false);
    expect(slices[0]!.real.has('15')).toBe(true);
    expect(slices[0]!.config.engine.asyncScheduling).toBe(true);
    expect((slices[0]!.config.stepTime as RooflineConfig).tensor_parallel_size).toBe(1);
  });

  it('recovers known coefficients from data simulated with them', async () => {
    // Two loads of the same requests (as recorded, and 4x the rate), sharing the coefficients.
    const bases = [
      ...measuredSlices(FIXTURE, { limit: 40, maxSimTimeS: 300, warmupS: 0 }),
      ...measuredSlices(FIXTURE, { limit: 40, maxSimTimeS: 300, warmupS: 0, set: ['workload.trace.time_scale=0.25'] }),
    ];
    const truth = mergeCoefficients(DEFAULT_COEFFICIENTS, { weights: 1.3, prefill_compute: 3 });
    const slices: CalibrationSlice[] = [];
    for (const base of bases) {
      // "Real" latencies: the replay under the true coefficients, plus true frontend delays.
      const simulated = new Map<string, Simulated>();
      const st = base.config.stepTime as RooflineConfig;
      await runSimulation(recordingOutcomes({ ...base.config, stepTime: { ...st, coefficients: truth.step, completion_delay: 0 } }, simulated));
      const real = new Map<string, Observed>();
      for (const [id, s] of simulated) real.set(id, { ttft: s.ttft + 0.02, e2e: s.e2e + 0.024 });
      slices.push({ ...base, real });
    }
    const start = mergeCoefficients(DEFAULT_COEFFICIENTS, { weights: 0.8, prefill_compute: 1.5 });
    const result = await fit(slices, start, { free: ['weights', 'prefill_compute'], maxEvals: 150 });
    expect(result.coefficients.step.weights).toBeGreaterThan(1.3 * 0.97);
    expect(result.coefficients.step.weights).toBeLessThan(1.3 * 1.03);
    expect(result.coefficients.step.prefill_compute).toBeGreaterThan(3 * 0.85);
    expect(result.coefficients.step.prefill_compute).toBeLessThan(3 * 1.15);
    expect(result.coefficients.frontend.input_delay).toBeCloseTo(0.02, 2);
    expect(result.coefficients.frontend.completion_delay).toBeCloseTo(0.004, 2);
    expect(result.loss).toBeLessThan(0.03);
    // The coefficients left out of the search stay where they started.
    expect(result.coefficients.step.per_step).toBe(DEFAULT_COEFFICIENTS.step.per_step);
  }, 60_000);

  it('sets the frontend delays to the weighted median of the gaps', async () => {
    const [slice] = measuredSlices(FIXTURE, { limit: 20, maxSimTimeS: 120, warmupS: 0 });
    const c = await simulateSlice(slice!, DEFAULT_COEFFICIENTS.step);
    const shifted = { ...c, ttft: { ...c.ttft, mean: { ...c.ttft.mean, real: c.ttft.mean.sim + 0.05 } }, e2e: { ...c.e2e, mean: { ...c.e2e.mean, real: c.e2e.mean.sim + 0.07 } } };
    const { frontend, errors } = fitFrontend(['x'], [shifted]);
    expect(frontend.input_delay).toBeCloseTo(0.05, 9);
    expect(frontend.completion_delay).toBeCloseTo(0.02, 9);
    expect(errors[0]!.ttftMean).toBeCloseTo(0, 9);
  });
});

describe('simtrace calibrate (CLI)', () => {
  it('fits on the fixture slice, prints each slice\'s errors and writes a coefficients file a scenario can name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'simtrace-calibrate-'));
    const out = join(dir, 'coef.yaml');
    const r = spawnSync(process.execPath, ['bin/simtrace.js', 'calibrate', FIXTURE, '--limit', '40', '--warmup', '0', '--max-evals', '12', '-o', out], { encoding: 'utf8' });
    expect(r.stderr).toContain('calibrating on 1 slices');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/llama-2-7b-codegen-head#0\s+40\s/);
    const doc = parse(readFileSync(out, 'utf8')) as { step: Record<string, number>; frontend: Record<string, number> };
    expect(Object.keys(doc.step).sort()).toEqual(['decode_compute', 'kv', 'per_layer', 'per_request', 'per_step', 'prefill_compute', 'tp_comm', 'weights']);
    expect(doc.frontend.input_delay).toBeGreaterThanOrEqual(0);
    // The file plugs into compare via a scenario's step_time.
    const c = spawnSync(process.execPath, ['bin/simtrace.js', 'compare', FIXTURE, '--json', '--set', `model.step_time={type: roofline, coefficients: ${JSON.stringify(out)}}`], { encoding: 'utf8' });
    expect(c.status).toBe(0);
    expect((JSON.parse(c.stdout) as { requests: { matched: number } }).requests.matched).toBe(60);
    const bad = spawnSync(process.execPath, ['bin/simtrace.js', 'calibrate', FIXTURE, '--limit', '0'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
  }, 60_000);
});
