// `compare` end to end, in process: a measured-run slice, a simtrace trace compared with a simtrace
// run of itself (which must agree exactly), and traces as scenario workloads.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCliTraceRecorder } from '../../src/cli/trace-setup.js';
import { loadReplayScenario } from '../../src/compare/replay-scenario.js';
import { runCompare } from '../../src/compare/run-compare.js';
import { loadScenario } from '../../src/scenario/load.js';
import { InputError } from '../../src/scenario/problems.js';
import { runSimulation } from '../../src/server/simulation.js';

const MEASURED = 'fixtures/measured/llama-2-7b-codegen-head';

describe('compare with a measured run', () => {
  it('matches every request and compares against ground_truth.json', async () => {
    // A completion delay of 10 ms: compare adds it to simulated E2E (the frontend has no such event).
    const set = ['model.step_time={type: roofline, coefficients: {completion_delay: 10ms}}'];
    const { comparison: c } = await runCompare({ measured: MEASURED, set });
    expect(c.requests).toEqual({ real: 60, simulated: 60, matched: 60 });
    const truth = JSON.parse(readFileSync(join(MEASURED, 'ground_truth.json'), 'utf8')) as { ttft_s: number; e2e_s: number }[];
    const avg = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(c.ttft.mean.real).toBeCloseTo(avg(truth.map((t) => t.ttft_s)), 12);
    expect(c.e2e.mean.real).toBeCloseTo(avg(truth.map((t) => t.e2e_s)), 12);
    // ignore_eos with output_len 247: 246 intervals per request on both sides.
    expect(c.itl.mean.real).toBeCloseTo(avg(truth.map((t) => (t.e2e_s - t.ttft_s) / 246)), 12);
    // The simulated side agrees with the run summary of the same replay (a separate code path).
    // Compare adds the roofline's fitted client-side completion delay to E2E; run's summary has none.
    const { config } = loadReplayScenario({ trace: MEASURED, set });
    const completionMs = config.stepTime.type === 'roofline' ? (config.stepTime.completion_delay ?? 0) * 1000 : 0;
    expect(completionMs).toBeCloseTo(10, 9);
    const { summary } = await runSimulation(config);
    expect(c.ttft.mean.sim * 1000).toBeCloseTo(summary.ttft_ms.mean, 9);
    expect(c.e2e.p99.sim * 1000).toBeCloseTo(summary.e2el_ms.p99 + completionMs, 9);
  });

  it('takes the engine from the measured run: kv_blocks_total_gpu + 1 blocks, max_model_len from exp-config', () => {
    const { config, notes } = loadReplayScenario({ trace: MEASURED });
    expect(config.engine).toMatchObject({ numGpuBlocks: 7463, blockSize: 16, maxNumSeqs: 128, maxNumBatchedTokens: 2048, maxModelLen: 4096 });
    expect(config.modelName).toBe('meta-llama/Llama-2-7b-hf');
    expect(notes.join('\n')).toContain('max_tokens = 247');
    const tighter = loadReplayScenario({ trace: MEASURED, set: ['engine.num_gpu_blocks=600'] });
    expect(tighter.config.engine.numGpuBlocks).toBe(600);
  });
});

describe('compare --otlp', () => {
  it('finds no difference between a simtrace trace and a simtrace replay of it on the same engine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simtrace-compare-'));
    const path = join(dir, 'c8.otlp.jsonl');
    const { config } = loadScenario('scenarios/spec-c8.yaml');
    await runSimulation(config, { trace: createCliTraceRecorder(config, config.seed, { traceOut: path, otlpEndpoint: undefined }).recorder });
    const { comparison: c } = await runCompare({ otlp: path, scenario: 'scenarios/spec-c8.yaml' });
    expect(c.requests).toEqual({ real: 2, simulated: 2, matched: 2 });
    for (const metric of [c.ttft, c.e2e, c.itl]) {
      for (const stat of [metric.mean, metric.p50, metric.p90, metric.p99]) expect(stat.error_pct).toBe(0);
    }
    expect(c.request_mape).toEqual({ ttft: 0, e2e: 0 });
    // C.8: B is preempted and finishes in step 6, 3x later than A: the two differ, so equality above is not trivial.
    expect(c.e2e.p99.real).toBeGreaterThan(c.e2e.p50.real * 1.2);
  });
});

describe('a trace as a scenario workload', () => {
  it('reads the path relative to the scenario file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simtrace-scenario-'));
    copyFileSync('fixtures/traces/azure-conv-head.csv', join(dir, 'conv.csv'));
    const file = join(dir, 'replay.yaml');
    writeFileSync(file, 'engine: {num_gpu_blocks: 26313, max_model_len: 32768}\nmodel: {step_time: {type: constant, duration: 5ms}}\nworkload:\n  trace: {path: conv.csv, limit: 10}\n');
    const { summary } = await runSimulation(loadScenario(file).config);
    expect(summary.num_requests).toBe(10);
    expect(summary.completed).toBe(10);
  });

  it('reports a missing trace when the scenario loads, not when it runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'simtrace-scenario-'));
    const file = join(dir, 'replay.yaml');
    writeFileSync(file, 'engine: {num_gpu_blocks: 1000}\nmodel: {step_time: {type: constant, duration: 5ms}}\nworkload: {trace: {path: nowhere.csv}}\n');
    expect(() => loadScenario(file)).toThrow(InputError);
    expect(() => loadScenario(file)).toThrow(`${join(dir, 'nowhere.csv')}: cannot read trace: file not found`);
  });
});
