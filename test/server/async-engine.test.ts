// Async scheduling in the engine loop (vLLM's step_with_batch_queue with a queue of 2, spec A.3,
// E.2): the CPU schedules step N+1 while the GPU runs step N and processes N's output only then.
// Times are hand-derived from that loop with a serial GPU: a forward pass starts when its
// schedule() has ended and the previous pass is done.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario } from '../../src/scenario/load.js';
import { runSimulation } from '../../src/server/simulation.js';
import { MemoryRecorder } from '../helpers/memory-recorder.js';
import { checkRunInvariants } from '../helpers/run-invariants.js';

const MS = 1_000_000;

function scenario(opts: { async: boolean; stepMs: number; schedulerMs: number; requests: readonly string[] }): string {
  return `engine: {num_gpu_blocks: 400, async_scheduling: ${opts.async}}
observability: {enable_journey_tracing: true, step_tracing_enabled: true, step_tracing_sample_rate: 1}
model:
  step_time: {type: constant, duration: ${opts.stepMs}ms}
  scheduler_time: {base: ${opts.schedulerMs}ms, per_running_request: 0}
workload:
  requests:
${opts.requests.map((r) => `    - ${r}`).join('\n')}
`;
}

async function run(text: string) {
  const { config } = parseScenario(text, 'async.yaml');
  const recorder = new MemoryRecorder();
  const result = await runSimulation(config, { trace: recorder, checkInvariants: true });
  checkRunInvariants(config, recorder, result);
  const byId = new Map([...recorder.requests.values()].map((log) => [log.request.apiRequestId, log]));
  const steps = recorder.steps.map((s) => s.summary!);
  return { result, recorder, byId, steps };
}

const ONE_REQUEST = ['{id: A, arrival: 0, prompt_tokens: 32, max_tokens: 8}'];

describe('the async engine pipeline', () => {
  it('overlaps schedule() with the forward pass: a decode step every max(schedule, forward), not their sum', async () => {
    // GPU-bound: schedule 2 ms, forward 10 ms. Step 2 is scheduled at 2 ms while step 1 runs
    // (2-12 ms); from then on the CPU waits for step k-1 (done at 2 + 10(k-1) ms), processes it,
    // and schedules step k+1: steps start every 10 ms.
    const gpuBound = await run(scenario({ async: true, stepMs: 10, schedulerMs: 2, requests: ONE_REQUEST }));
    expect(gpuBound.steps.map((s) => s.tsStartNs / MS)).toEqual([0, 2, 12, 22, 32, 42, 52, 62, 72, 82]);
    // Step 9 skips A (its 8th token is in flight); step 10 is the flush step that reports it.
    expect(gpuBound.steps.map((s) => s.scheduledTokens)).toEqual([32, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
    const a = gpuBound.byId.get('chatcmpl-A')!.journey;
    expect(a.find((e) => e.type === 'FIRST_TOKEN')).toMatchObject({ step: 1, timeNs: 12 * MS });
    expect(a.at(-1)).toMatchObject({ type: 'FINISHED', step: 8, timeNs: 82 * MS, finishStatus: 'length' });

    // Sync: schedule + forward = 12 ms per step; 8 steps and the flush step.
    const sync = await run(scenario({ async: false, stepMs: 10, schedulerMs: 2, requests: ONE_REQUEST }));
    expect(sync.steps.map((s) => s.tsStartNs / MS)).toEqual([0, 12, 24, 36, 48, 60, 72, 84, 96]);
    expect(sync.byId.get('chatcmpl-A')!.journey.at(-1)).toMatchObject({ step: 8, timeNs: 96 * MS });

    // CPU-bound: schedule 10 ms, forward 2 ms. Step 1's pass is done at 12 ms, but the CPU is
    // scheduling step 2 until 20 ms and only then processes it: steps start every 10 ms.
    const cpuBound = await run(scenario({ async: true, stepMs: 2, schedulerMs: 10, requests: ONE_REQUEST }));
    expect(cpuBound.steps.slice(0, 5).map((s) => s.tsStartNs / MS)).toEqual([0, 10, 20, 30, 40]);
    expect(cpuBound.byId.get('chatcmpl-A')!.journey.find((e) => e.type === 'FIRST_TOKEN')).toMatchObject({ step: 1, timeNs: 20 * MS });
    const syncCpu = await run(scenario({ async: false, stepMs: 2, schedulerMs: 10, requests: ONE_REQUEST }));
    expect(syncCpu.steps.slice(0, 5).map((s) => s.tsStartNs / MS)).toEqual([0, 12, 24, 36, 48]);
  });

  it('wastes one decode step on a request that stops on EOS and reports its finish two steps later', async () => {
    const eos = ['{id: A, arrival: 0, prompt_tokens: 32, max_tokens: 10, output_tokens: 3}'];
    const async = await run(scenario({ async: true, stepMs: 10, schedulerMs: 2, requests: eos }));
    // Step 4 decodes A once more: it was scheduled before step 3's EOS came back.
    expect(async.steps.map((s) => [s.scheduledTokens, s.numFinished])).toEqual([[32, 0], [1, 0], [1, 0], [1, 0], [0, 1]]);
    expect(async.byId.get('chatcmpl-A')!.journey.at(-1)).toMatchObject({ type: 'FINISHED', step: 3, finishStatus: 'stopped', decodeDoneTokens: 3 });
    expect(async.byId.get('chatcmpl-A')!.completionTokens).toBe(3);

    const sync = await run(scenario({ async: false, stepMs: 10, schedulerMs: 2, requests: eos }));
    expect(sync.steps.map((s) => [s.scheduledTokens, s.numFinished])).toEqual([[32, 0], [1, 0], [1, 0], [0, 1]]);
    expect(sync.byId.get('chatcmpl-A')!.journey.at(-1)).toMatchObject({ step: 3, finishStatus: 'stopped' });
  });

  it('emits FIRST_TOKEN of step 1 after the SCHEDULED events of step 2', async () => {
    // B reaches the engine at 1 ms, while step 1 is being scheduled (0-2 ms); step 2 admits it at
    // 2 ms, and step 1's output is processed at 12 ms.
    const requests = ['{id: A, arrival: 0, prompt_tokens: 32, max_tokens: 4}', '{id: B, arrival: 1ms, prompt_tokens: 32, max_tokens: 4}'];
    const async = await run(scenario({ async: true, stepMs: 10, schedulerMs: 2, requests }));
    const bScheduled = async.byId.get('chatcmpl-B')!.journey.find((e) => e.type === 'SCHEDULED')!;
    const aFirst = async.byId.get('chatcmpl-A')!.journey.find((e) => e.type === 'FIRST_TOKEN')!;
    expect(bScheduled).toMatchObject({ step: 2, timeNs: 2 * MS });
    expect(aFirst).toMatchObject({ step: 1, timeNs: 12 * MS });
    expect(async.byId.get('chatcmpl-B')!.journey[0]).toMatchObject({ type: 'QUEUED', step: 1, timeNs: 2 * MS });

    // Sync: step 2 (B admitted) is scheduled only after step 1's output, both at 12 ms.
    const sync = await run(scenario({ async: false, stepMs: 10, schedulerMs: 2, requests }));
    expect(sync.byId.get('chatcmpl-B')!.journey.find((e) => e.type === 'SCHEDULED')).toMatchObject({ step: 2, timeNs: 12 * MS });
    expect(sync.byId.get('chatcmpl-A')!.journey.find((e) => e.type === 'FIRST_TOKEN')).toMatchObject({ step: 1, timeNs: 12 * MS });
  });
});

const SCENARIOS = readdirSync('scenarios').filter((f) => f.endsWith('.yaml'));
const FULL_TRACING_ASYNC = [
  'observability.enable_journey_tracing=true',
  'observability.journey_tracing_sample_rate=1',
  'observability.step_tracing_enabled=true',
  'observability.step_tracing_sample_rate=1',
  'engine.async_scheduling=true',
];

const KV_CHECK_MAX_BLOCKS = 8192;

describe.each(SCENARIOS)('async invariants of %s', (file) => {
  it('holds every written invariant with engine.async_scheduling=true', async () => {
    const { config } = loadScenario(`scenarios/${file}`, FULL_TRACING_ASYNC);
    expect(config.engine.asyncScheduling).toBe(true);
    const recorder = new MemoryRecorder();
    // The scheduler's per-step check walks the whole KV pool: minutes for a 26k-block pool over
    // ~47k steps (capacity-llama8b-h100), so that pool gets the trace-level checks only.
    const checkInvariants = config.engine.numGpuBlocks <= KV_CHECK_MAX_BLOCKS;
    const result = await runSimulation(config, { trace: recorder, checkInvariants });
    expect(result.summary.num_requests).toBeGreaterThan(0);
    expect(recorder.closed?.lastStep).toBe(recorder.steps.length);
    checkRunInvariants(config, recorder, result);
  });
});
