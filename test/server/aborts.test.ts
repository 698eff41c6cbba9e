// Client aborts (`abort_at`): the API records api.ABORTED at once; the engine sees the abort after
// the input delay and processes it right after the forward pass in flight (FINISHED "aborted" with
// that step's number, spec A.3 step 4 and A.8), or at the next input drain when it is idle.
// The step numbers and times below are derived for the sync engine loop, so these scenarios set
// async_scheduling: false (the default is async, as in vLLM); test/server/async-engine.test.ts
// covers aborts with async scheduling.
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.js';
import { runSimulation } from '../../src/server/simulation.js';
import { MemoryRecorder } from '../helpers/memory-recorder.js';

function scenario(requests: string, engine = ''): string {
  return `engine: {num_gpu_blocks: 400, max_num_seqs: 1, async_scheduling: false${engine}}
observability: {enable_journey_tracing: true, step_tracing_enabled: true, step_tracing_sample_rate: 1}
model:
  step_time: {type: constant, duration: 10ms}
  scheduler_time: {base: 0, per_running_request: 0}
workload:
  requests:
${requests}
`;
}

async function run(text: string) {
  const { config } = parseScenario(text, 'aborts.yaml');
  const recorder = new MemoryRecorder();
  const result = await runSimulation(config, { trace: recorder });
  const byId = new Map([...recorder.requests.values()].map((log) => [log.request.apiRequestId, log]));
  return { result, recorder, byId };
}

describe('client aborts', () => {
  it('a running request aborted mid-step finishes "aborted" with that step, after the forward pass', async () => {
    const { result, recorder, byId } = await run(scenario('    - {id: A, arrival: 0, prompt_tokens: 32, max_tokens: 100, abort_at: 25ms}'));
    const a = byId.get('chatcmpl-A')!;
    expect(a.api.map((e) => e.name)).toEqual(['api.ARRIVED', 'api.HANDOFF_TO_CORE', 'api.FIRST_RESPONSE_FROM_CORE', 'api.ABORTED']);
    const aborted = a.api[3]!;
    expect(aborted).toMatchObject({ timeNs: 25_000_000, reason: 'client_disconnect' });
    expect(a.spanEndNs).toBe(25_000_000);
    expect(a.errorMessage).toBeDefined();
    // Steps take 10 ms + 1 ns (the scheduler time floors at 1 ns); step 3 runs from ~20 to ~30 ms.
    const finished = a.journey[a.journey.length - 1]!;
    expect(finished).toMatchObject({ type: 'FINISHED', finishStatus: 'aborted', step: 3, phase: 'DECODE', decodeDoneTokens: 2 });
    expect(finished.timeNs).toBe(30_000_003);
    expect(a.coreEndNs).toBe(finished.timeNs);
    // The flush step 4 reports the finish; nothing else runs.
    expect(recorder.steps.map((s) => [s.step, s.summary!.numFinished, s.summary!.scheduledTokens])).toEqual([
      [1, 0, 32],
      [2, 0, 1],
      [3, 0, 1],
      [4, 1, 0],
    ]);
    expect(result.summary).toMatchObject({ aborted: 1, completed: 0, num_requests: 1 });
  });

  it('a waiting request aborted during a step finishes with phase PREFILL and never runs', async () => {
    const { byId } = await run(
      scenario(['    - {id: A, arrival: 0, prompt_tokens: 32, max_tokens: 5}', '    - {id: B, arrival: 0, prompt_tokens: 32, max_tokens: 5, abort_at: 5ms}'].join('\n')),
    );
    const b = byId.get('chatcmpl-B')!;
    expect(b.journey.map((e) => e.type)).toEqual(['QUEUED', 'FINISHED']);
    expect(b.journey[1]).toMatchObject({ step: 1, phase: 'PREFILL', finishStatus: 'aborted', prefillDoneTokens: 0 });
    expect(byId.get('chatcmpl-A')!.journey.map((e) => e.type)).toEqual(['QUEUED', 'SCHEDULED', 'FIRST_TOKEN', 'FINISHED']);
  });

  it('an abort that reaches the engine with its own add, while a step runs, still aborts it', async () => {
    // B arrives and leaves at 5 ms, during step 1: its add and its abort wait in the input queue
    // together. The abort is not lost at the end of the step (B is not yet known there); the next
    // drain adds B, then aborts it, before it is ever scheduled.
    const { result, byId } = await run(
      scenario(['    - {id: A, arrival: 0, prompt_tokens: 32, max_tokens: 5}', '    - {id: B, arrival: 5ms, prompt_tokens: 32, max_tokens: 5, abort_at: 5ms}'].join('\n')),
    );
    const b = byId.get('chatcmpl-B')!;
    expect(b.journey.map((e) => e.type)).toEqual(['QUEUED', 'FINISHED']);
    expect(b.journey[1]).toMatchObject({ finishStatus: 'aborted', step: 1 });
    expect(result.summary).toMatchObject({ aborted: 1, completed: 1 });
  });

  it('an abort that comes after the answer changes nothing', async () => {
    const { result, byId } = await run(scenario('    - {id: A, arrival: 0, prompt_tokens: 32, max_tokens: 2, abort_at: 1s}'));
    expect(result.summary).toMatchObject({ aborted: 0, completed: 1 });
    expect(byId.get('chatcmpl-A')!.api.map((e) => e.name)).toEqual(['api.ARRIVED', 'api.HANDOFF_TO_CORE', 'api.FIRST_RESPONSE_FROM_CORE', 'api.DEPARTED']);
  });

  it('the input delay postpones the engine side of both the add and the abort', async () => {
    const text = scenario('    - {id: A, arrival: 0, prompt_tokens: 32, max_tokens: 100, abort_at: 25ms}').replace(
      'workload:',
      'frontend: {input_delay: 2ms, output_delay: 1ms}\nworkload:',
    );
    const { byId } = await run(text);
    const a = byId.get('chatcmpl-A')!;
    expect(a.coreStartNs).toBe(2_000_000);
    expect(a.journey[0]).toMatchObject({ type: 'QUEUED', timeNs: 2_000_000 });
    // First token at the end of step 1 (2 ms + 10 ms + 1 ns), received 1 ms later.
    expect(a.api.find((e) => e.name === 'api.FIRST_RESPONSE_FROM_CORE')!.timeNs).toBe(13_000_001);
    // The abort reaches the engine at 27 ms, during step 3 (22 to 32 ms).
    expect(a.journey[a.journey.length - 1]).toMatchObject({ step: 3, timeNs: 32_000_003 });
  });
});

describe('requests vLLM would never serve', () => {
  it('rejects a request whose prompt + max_tokens exceeds max_model_len and goes on', async () => {
    const text = scenario(
      ['    - {id: A, arrival: 0, prompt_tokens: 90, max_tokens: 20}', '    - {id: B, arrival: 0, prompt_tokens: 50, max_tokens: 20}'].join('\n'),
      ', max_model_len: 100, max_num_batched_tokens: 100',
    );
    const { result, byId } = await run(text);
    expect(result.summary).toMatchObject({ rejected: 1, completed: 1, num_requests: 2 });
    expect(byId.has('chatcmpl-A')).toBe(false);
  });
});
