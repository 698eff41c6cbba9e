// Step span closure (spec C.6 and the fork's test_step_tracing.py cases in spec D row 30).
import { describe, expect, it } from 'vitest';
import { StepWindows } from '../../src/trace/step-windows.js';
import { createTraceRecorder } from '../../src/trace/index.js';
import { MemorySink } from './helpers/memory-sink.js';
import { summary } from './helpers/golden-run.js';
import { compareHrTime, hrTimeToDecimal } from '../../src/trace/virtual-clock.js';

const STEP_NS = 1_000_000;

/** Runs `steps` schedule() calls through a recorder; `sampled(step)` decides whether each has a summary. */
async function runSteps(steps: number, interval: number, sampled: (step: number) => boolean) {
  const sink = new MemorySink();
  const recorder = createTraceRecorder({ seed: 1, serviceName: 'vllm', stepClosureInterval: interval, stepTracing: true, sinks: [sink] });
  const endedDuringRun: string[] = [];
  for (let step = 1; step <= steps; step++) {
    const timeNs = step * STEP_NS;
    recorder.step({ step, timeNs, ...(sampled(step) ? { summary: summary(step, timeNs) } : {}) });
  }
  endedDuringRun.push(...sink.spans.map((s) => s.name));
  const stats = await recorder.close((steps + 1) * STEP_NS, steps);
  const attrs = (i: number) => sink.spans[i]?.attributes ?? {};
  return { sink, endedDuringRun, stats, attrs };
}

describe('StepWindows (pure rule)', () => {
  it('rotates every interval steps when that interval emitted something', () => {
    const w = new StepWindows(10);
    const rotations: number[] = [];
    for (let s = 1; s <= 25; s++) if (w.afterStep(s, true).kind === 'rotate') rotations.push(s);
    expect(rotations).toEqual([10, 20]);
    expect([w.sequence, w.rangeStart]).toEqual([3, 21]);
  });

  it('keeps a quiet window open into the next interval, checking only at interval boundaries', () => {
    const w = new StepWindows(10);
    const rotations: number[] = [];
    // Sampled only at step 15: the check at 10 sees nothing, the check at 20 rotates.
    for (let s = 1; s <= 30; s++) if (w.afterStep(s, s === 15).kind === 'rotate') rotations.push(s);
    expect(rotations).toEqual([20]);
  });

  it('rejects a non-positive interval', () => {
    expect(() => new StepWindows(0)).toThrow(RangeError);
  });
});

describe('scheduler_steps_<seq> spans through the recorder', () => {
  it('25 steps, interval 10, always sampled: 3 spans, the first two ended during the run', async () => {
    const { sink, endedDuringRun, stats, attrs } = await runSteps(25, 10, () => true);
    expect(endedDuringRun).toEqual(['scheduler_steps_1', 'scheduler_steps_2']);
    expect(sink.spans.map((s) => s.name)).toEqual(['scheduler_steps_1', 'scheduler_steps_2', 'scheduler_steps_3']);
    expect([0, 1, 2].map((i) => [attrs(i)['scheduler.step_range_start'], attrs(i)['scheduler.step_range_end']])).toEqual([
      [1, 10],
      [11, 20],
      [21, 25],
    ]);
    expect(attrs(1)).toMatchObject({ 'scheduler.span_sequence': 2, 'scheduler.closure_interval': 10 });
    expect(sink.spans.map((s) => s.events.length)).toEqual([10, 10, 5]);
    expect(stats).toMatchObject({ spans: 3, events: 25, undeliveredSpans: 0 });
  });

  it('never sampled: one span, not ended during the run, closed at shutdown with the last step', async () => {
    const { sink, endedDuringRun, attrs } = await runSteps(25, 10, () => false);
    expect(endedDuringRun).toEqual([]);
    expect(sink.spans.map((s) => s.name)).toEqual(['scheduler_steps_1']);
    expect(attrs(0)).toMatchObject({ 'scheduler.step_range_start': 1, 'scheduler.step_range_end': 25 });
    expect(sink.spans[0]?.events).toEqual([]);
  });

  it('opens the first window at virtual time 0 and each next one when the previous ends', async () => {
    const { sink } = await runSteps(20, 10, () => true);
    const [first, second, third] = sink.spans;
    expect(hrTimeToDecimal(first?.startTime ?? [0, 0])).toBe('1767225600000000000');
    expect(compareHrTime(second?.startTime ?? [0, 0], first?.endTime ?? [1, 0])).toBe(0);
    expect(hrTimeToDecimal(first?.endTime ?? [0, 0])).toBe('1767225600010000000');
    // Step 20 rotated at the very end, so the third window is empty and closed by close().
    expect(third?.attributes).toMatchObject({ 'scheduler.step_range_start': 21, 'scheduler.step_range_end': 20 });
  });

  it('makes every step span its own trace root', async () => {
    const { sink } = await runSteps(25, 10, () => true);
    const traceIds = new Set(sink.spans.map((s) => s.spanContext().traceId));
    expect(traceIds.size).toBe(3);
    for (const span of sink.spans) expect(span.parentSpanContext).toBeUndefined();
  });

  it('ignores step records when step tracing is off', async () => {
    const sink = new MemorySink();
    const recorder = createTraceRecorder({ seed: 1, serviceName: 'vllm', stepClosureInterval: 10, stepTracing: false, sinks: [sink] });
    recorder.step({ step: 1, timeNs: 1, summary: summary(1, 1) });
    expect(await recorder.close(2, 1)).toMatchObject({ spans: 0, events: 0 });
  });
});
