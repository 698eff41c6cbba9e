// The diff engine on hand-edited copies of the spec C.8 golden: each edit is one known divergence,
// and the report must say where it is in the user's terms. Times in messages are derived by hand
// from the scenario (10 ms forward passes; 20 us + 0.5 us per running request of scheduling).
import { describe, expect, it } from 'vitest';
import { compareTraces, DEFAULT_DIFF_OPTIONS, describeDifference, formatTextReport, type DiffOptions } from '../../src/diff/index.js';
import { c8Lines, eventOf, findSpan, setAttribute, spanOf, toTrace, type Json } from './trace-edits.js';

function diff(edit: (lines: Json[]) => void, options: Partial<DiffOptions> = {}) {
  const lines = c8Lines();
  edit(lines);
  const all = { ...DEFAULT_DIFF_OPTIONS, ...options };
  const result = compareTraces(toTrace(c8Lines(), 'expected.jsonl'), toTrace(lines), all);
  return { result, first: result.differences[0] ? describeDifference(result.differences[0]) : '', text: formatTextReport(result, { expected: 'E.jsonl', actual: 'A.jsonl' }, all) };
}

const int = (n: number) => ({ intValue: n });

describe('simtrace diff: one divergence at a time', () => {
  it('finds identical traces equivalent, and says how much it compared', () => {
    const { result, text } = diff(() => {});
    expect(result.equivalent).toBe(true);
    // 4 + 4 api events, 4 + 6 journey events, 7 summaries + 7 snapshots.
    expect(text).toBe('E.jsonl and A.jsonl are equivalent (5 spans, 32 events compared)\n');
  });

  it('finds a single changed attribute and names request, span, event and attribute', () => {
    const { result, text } = diff((lines) => setAttribute(eventOf(findSpan(lines, 'llm_core', 'B'), 'journey.FIRST_TOKEN'), 'decode.done_tokens', int(2)));
    expect(text).toBe(
      'E.jsonl (EXPECTED) and A.jsonl (ACTUAL) differ\n' +
        'first difference: request chatcmpl-B, llm_core, journey.FIRST_TOKEN, attribute decode.done_tokens: expected 1, actual 2\n' +
        'in all: 1 span, 1 event and 1 attribute differ (1 difference)\n',
    );
    expect(result.counts).toEqual({ spans: 1, events: 1, attributes: 1 });
  });

  it('finds a missing event, reported once (the events after it still pair up)', () => {
    const { result, first } = diff((lines) => {
      const core = findSpan(lines, 'llm_core', 'B');
      core.events = core.events.filter((e: Json) => e.name !== 'journey.PREEMPTED');
    });
    // B is preempted at the start of step 2: step 1 took 21 us of scheduling and 10 ms of forward pass.
    expect(first).toBe('request chatcmpl-B, llm_core, journey.PREEMPTED: event missing from ACTUAL (EXPECTED has it at 10.021000 ms)');
    expect(result.counts).toEqual({ spans: 1, events: 1, attributes: 0 });
    expect(result.differences).toHaveLength(1);
  });

  it('finds an extra span and says where it is', () => {
    const { result, first } = diff((lines) => {
      const copy = JSON.parse(JSON.stringify(lines[0])) as Json;
      Object.assign(spanOf(copy), { traceId: 'c'.repeat(32), spanId: 'c'.repeat(16) });
      setAttribute(spanOf(copy), 'gen_ai.request.id', { stringValue: 'chatcmpl-C' });
      lines.push(copy);
    });
    expect(first).toBe('request chatcmpl-C, llm_request: span only in ACTUAL (starts at 0.000000 ms, first event api.ARRIVED, line 6)');
    expect(result.counts).toEqual({ spans: 1, events: 0, attributes: 0 });
  });

  it('finds a reordered event and names its neighbours on both sides', () => {
    const { result, first } = diff((lines) => {
      const events = findSpan(lines, 'llm_core', 'B').events as Json[];
      // QUEUED, SCHEDULED, PREEMPTED, SCHEDULED (RESUME), ... -> PREEMPTED after the resume.
      [events[2], events[3]] = [events[3]!, events[2]!];
    });
    expect(first).toBe('request chatcmpl-B, llm_core, journey.PREEMPTED: event out of order: EXPECTED has it after journey.SCHEDULED #1, ACTUAL after journey.SCHEDULED #2');
    expect(result.counts).toEqual({ spans: 1, events: 1, attributes: 0 });
  });

  it('locates step events by step id, and snapshots by their request', () => {
    const summary = diff((lines) => {
      const step3 = (findSpan(lines, 'scheduler_steps_1').events as Json[]).find((e) => e.name === 'step.BATCH_SUMMARY' && e.attributes[0].value.intValue === 3)!;
      setAttribute(step3, 'kv.blocks_free_gpu', int(5));
    });
    expect(summary.first).toBe('scheduler_steps_1, step 3, step.BATCH_SUMMARY, attribute kv.blocks_free_gpu: expected 4, actual 5');
    const snapshots = diff((lines) => {
      const events = findSpan(lines, 'scheduler_steps_1').events as Json[];
      [events[1], events[2]] = [events[2]!, events[1]!]; // step 1: snapshot of B before A's
    });
    expect(snapshots.first).toBe(
      'scheduler_steps_1, step 1, step.REQUEST_SNAPSHOT of chatcmpl-A: event out of order: EXPECTED has it after step.BATCH_SUMMARY (step 1), ACTUAL after step.REQUEST_SNAPSHOT of chatcmpl-B (step 1)',
    );
  });

  it('tells a changed type, a missing attribute and a moved event time apart', () => {
    const typed = diff((lines) => {
      const step7 = (findSpan(lines, 'scheduler_steps_1').events as Json[]).at(-1)!;
      setAttribute(step7, 'kv.usage_gpu_ratio', int(0));
    });
    expect(typed.first).toBe('scheduler_steps_1, step 7, step.BATCH_SUMMARY, attribute kv.usage_gpu_ratio: expected double 0, actual int 0');
    const missing = diff((lines) => {
      const span = findSpan(lines, 'llm_request', 'A');
      span.attributes = span.attributes.filter((a: Json) => a.key !== 'http.route');
    });
    expect(missing.first).toBe('request chatcmpl-A, llm_request, attribute http.route: expected "/v1/chat/completions", actual (absent)');
    const moved = diff((lines) => {
      const event = eventOf(findSpan(lines, 'llm_core', 'B'), 'journey.FIRST_TOKEN');
      event.timeUnixNano = String(BigInt(event.timeUnixNano) + 1_000_000n);
    });
    // B's first token comes at the end of step 4's forward pass: 30.0825 ms + 10 ms.
    expect(moved.first).toBe('request chatcmpl-B, llm_core, journey.FIRST_TOKEN, event time: expected 40.082500 ms, actual 41.082500 ms');
  });

  it('reports the earliest divergence first, whatever the order of the file', () => {
    const { result, first } = diff((lines) => {
      // Line 2: A finishes at 30.062 ms. Line 5: step 2's summary at 10.0415 ms comes earlier.
      setAttribute(eventOf(findSpan(lines, 'llm_core', 'A'), 'journey.FINISHED'), 'decode.done_tokens', int(4));
      const step2 = (findSpan(lines, 'scheduler_steps_1').events as Json[]).find((e) => e.name === 'step.BATCH_SUMMARY' && e.attributes[0].value.intValue === 2)!;
      setAttribute(step2, 'batch.num_preempted', int(0));
    });
    expect(first).toBe('scheduler_steps_1, step 2, step.BATCH_SUMMARY, attribute batch.num_preempted: expected 1, actual 0');
    expect(describeDifference(result.differences[1]!)).toBe('request chatcmpl-A, llm_core, journey.FINISHED, attribute decode.done_tokens: expected 3, actual 4');
    expect(result.counts).toEqual({ spans: 2, events: 2, attributes: 2 });
  });
});

describe('simtrace diff options', () => {
  const changeDecode = (lines: Json[]) => setAttribute(eventOf(findSpan(lines, 'llm_core', 'B'), 'journey.FIRST_TOKEN'), 'decode.done_tokens', int(2));
  const changeDuration = (lines: Json[]) => setAttribute((findSpan(lines, 'scheduler_steps_1').events as Json[])[0]!, 'step.duration_us', int(99));

  it('--ignore leaves an attribute out, by name or by prefix, and nothing else', () => {
    expect(diff(changeDecode, { ignore: ['decode.done_tokens'] }).result.equivalent).toBe(true);
    expect(diff(changeDecode, { ignore: ['decode.*'] }).result.equivalent).toBe(true);
    expect(diff(changeDecode, { ignore: ['prefill.*', 'decode.max_tokens'] }).result.equivalent).toBe(false);
    expect(diff(changeDuration, { ignore: ['step.duration_us'] }).result.equivalent).toBe(true);
    expect(diff(changeDuration).first).toBe('scheduler_steps_1, step 1, step.BATCH_SUMMARY, attribute step.duration_us: expected 21, actual 99');
  });

  it('--only compares journey spans or step spans alone', () => {
    expect(diff(changeDuration, { only: 'journeys' }).result.equivalent).toBe(true);
    expect(diff(changeDuration, { only: 'steps' }).result.equivalent).toBe(false);
    expect(diff(changeDecode, { only: 'steps' }).result).toMatchObject({ equivalent: true, compared: { spans: 1, events: 14 } });
  });
});
