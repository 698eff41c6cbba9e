// One run of a sweep, in the main thread: the probe recorder must not change the simulation, its
// per-request latencies must agree with the summary's, goodput must follow vLLM's definition, and
// the step series must agree with the summary's peaks.
import { describe, expect, it } from 'vitest';
import { runPoint, SERIES_POINTS, type ScenarioSource } from '../../src/sweep/run-point.js';
import { parseScenario } from '../../src/scenario/load.js';
import { runSimulation } from '../../src/server/simulation.js';

// A small, busy server: preemptions, queueing, prefix hits, output delay and mixed streaming.
const TEXT = `
name: probe-test
seed: 3
engine: {block_size: 16, num_gpu_blocks: 400, max_num_seqs: 32, max_num_batched_tokens: 1024, max_model_len: 2048}
model:
  step_time: {type: linear, base: 5ms, per_prefill_token: 30us, per_decode_token: 100us}
frontend: {input_delay: 1ms, output_delay: 3ms}
observability: {enable_journey_tracing: false, step_tracing_enabled: false}
workload:
  rate: 12
  count: 150
  prefix: {groups: 2, tokens: 128}
  prompt_tokens: {dist: uniform, min: 100, max: 700}
  max_tokens: {dist: uniform, min: 1, max: 300}
`;

function source(sets: string[] = []): ScenarioSource {
  return { text: TEXT, file: 'probe-test.yaml', sets };
}

async function plainSummary(sets: string[] = []) {
  const { config } = parseScenario(TEXT, 'probe-test.yaml', sets);
  return (await runSimulation(config)).summary;
}

describe('runPoint', () => {
  it.each([[['workload.api.stream=true']], [['workload.api.stream=false']], [['workload.api.endpoint=completions']]])(
    'with goodput and series on, reports the metrics of a plain run (%j)',
    async (sets) => {
      const plain = await plainSummary(sets);
      const probed = await runPoint(source(sets), { id: 0, overrides: [], seedOffset: 0, goodput: { ttft: 500 }, series: true });
      const bare = await runPoint(source(sets), { id: 0, overrides: [], seedOffset: 0 });
      expect(plain.num_preemptions).toBeGreaterThan(0);
      const { request_goodput: _goodput, ...rest } = probed.metrics;
      expect(rest).toEqual(bare.metrics);
      expect(bare.metrics.ttft_p99).toBe(plain.ttft_ms.p99);
      expect(bare.metrics.num_steps).toBe(plain.num_steps);
    },
  );

  it('adds the seed offset to the base seed (--seed, or the scenario seed)', async () => {
    expect((await runPoint(source(), { id: 0, overrides: [], seedOffset: 2 })).seed).toBe(5);
    expect((await runPoint({ ...source(), seed: 40 }, { id: 0, overrides: [], seedOffset: 1 })).seed).toBe(41);
  });

  it('applies the sweep --set flags, then the point overrides', async () => {
    const out = await runPoint(source(['workload.count=20']), { id: 0, overrides: ['workload.count=30'], seedOffset: 0 });
    expect(out.metrics.num_requests).toBe(30);
  });
});

describe('goodput (vllm bench serve: completed requests meeting every per-request bound, per second)', () => {
  it('is the request throughput when no request can miss, and 0 when none can meet', async () => {
    const loose = await runPoint(source(), { id: 0, overrides: [], seedOffset: 0, goodput: { ttft: 1e9, tpot: 1e9, e2el: 1e9 } });
    expect(loose.metrics.request_goodput).toBe(loose.metrics.request_throughput);
    const tight = await runPoint(source(), { id: 0, overrides: [], seedOffset: 0, goodput: { ttft: 0.001 } });
    expect(tight.metrics.request_goodput).toBe(0);
  });

  it('counts, at a bound equal to a percentile, the requests at or under it', async () => {
    // At the median TTFT bound about half the requests are good (ties are good: slo >= value).
    const base = await runPoint(source(), { id: 0, overrides: [], seedOffset: 0 });
    const half = await runPoint(source(), { id: 0, overrides: [], seedOffset: 0, goodput: { ttft: base.metrics.ttft_p50! } });
    const fraction = half.metrics.request_goodput! / half.metrics.request_throughput!;
    expect(fraction).toBeGreaterThanOrEqual(0.5);
    expect(fraction).toBeLessThan(0.52);
  });

  it("measures each request's TTFT and E2EL as the summary does (streaming or not, with the output delay)", async () => {
    const { ProbeRecorder } = await import('../../src/sweep/probe-recorder.js');
    for (const stream of [true, false]) {
      const { config } = parseScenario(TEXT, 'probe-test.yaml', [`workload.api.stream=${stream}`]);
      const recorder = new ProbeRecorder({ outputDelayNs: 3_000_000, goodput: { ttft: 1 } });
      const traced = { ...config, observability: { ...config.observability, enableJourneyTracing: true, journeyTracingSampleRate: 1 } };
      const { summary } = await runSimulation(traced, { trace: recorder });
      expect(recorder.completed).toBe(summary.completed);
      expect(recorder.ttftSumNs / recorder.completed / 1e6).toBeCloseTo(summary.ttft_ms.mean, 6);
      expect(recorder.e2elSumNs / recorder.completed / 1e6).toBeCloseTo(summary.e2el_ms.mean, 6);
    }
  });
});

describe('the step series', () => {
  it("agrees with the summary's peaks and totals, in at most SERIES_POINTS time buckets", async () => {
    const out = await runPoint(source(), { id: 0, overrides: [], seedOffset: 0, series: true });
    const series = out.series!;
    expect(series.t_s.length).toBeGreaterThan(10);
    expect(series.t_s.length).toBeLessThanOrEqual(SERIES_POINTS);
    for (const column of [series.kv_usage, series.running, series.waiting, series.preemptions]) expect(column).toHaveLength(series.t_s.length);
    expect([...series.t_s].sort((a, b) => a - b)).toEqual(series.t_s);
    expect(Math.max(...series.kv_usage)).toBe(out.metrics.kv_usage_peak);
    expect(Math.max(...series.running)).toBe(out.metrics.peak_running);
    expect(Math.max(...series.waiting)).toBe(out.metrics.peak_waiting);
    expect(series.preemptions.reduce((a, b) => a + b, 0)).toBe(out.metrics.num_preemptions);
  });
});
