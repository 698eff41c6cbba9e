// The checked-in golden of scenarios/spec-c8.yaml, read straight from fixtures/golden/ with
// JSON.parse (not with the diff engine under test) and held against the hand-derived table of spec
// section C.8: every journey event of A and B, the seven BATCH_SUMMARY rows, the snapshot examples,
// and the step times that follow from the README's timing model. Nothing here was copied from output.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const EPOCH_NS = 1_767_225_600_000_000_000n; // 2026-01-01T00:00:00Z, the default clock.epoch

const spans: Json[] = readFileSync('fixtures/golden/spec-c8.otlp.jsonl', 'utf8')
  .split('\n')
  .filter((line) => line !== '')
  .flatMap((line) => (JSON.parse(line) as Json).resourceSpans.flatMap((rs: Json) => rs.scopeSpans.flatMap((ss: Json) => ss.spans.map((s: Json) => ({ ...s, scope: ss.scope.name })))));

/** An attribute as "int:80", "double:0.7", "string:PREFILL": the type is part of what is checked. */
function attr(holder: Json, key: string): string {
  const kv = (holder.attributes as Json[]).find((a) => a.key === key);
  if (kv === undefined) return '-';
  const [type, value] = Object.entries(kv.value as Json)[0]!;
  return `${String(type).replace('Value', '')}:${String(value)}`;
}

const coreOf = (request: string): Json => spans.find((s) => s.name === 'llm_core' && attr(s, 'gen_ai.request.id').startsWith(`string:chatcmpl-${request}-`))!;

describe('spec C.8 golden (fixtures/golden/spec-c8.otlp.jsonl), against the spec table', () => {
  it('has llm_request A and B, each with its llm_core child, and one step span for steps 1-7', () => {
    expect(spans.map((s) => `${s.scope} ${s.name}`).sort()).toEqual([
      'vllm.api llm_request',
      'vllm.api llm_request',
      'vllm.scheduler llm_core',
      'vllm.scheduler llm_core',
      'vllm.scheduler.step scheduler_steps_1',
    ]);
    for (const id of ['A', 'B']) {
      const core = coreOf(id);
      const parent = spans.find((s) => s.spanId === core.parentSpanId)!;
      expect(attr(parent, 'gen_ai.request.id')).toBe(`string:chatcmpl-${id}`);
      expect(attr(core, 'gen_ai.request.id')).toMatch(new RegExp(`^string:chatcmpl-${id}-[0-9a-f]{8}$`));
    }
    const window = spans.find((s) => s.name === 'scheduler_steps_1')!;
    expect(['scheduler.span_sequence', 'scheduler.step_range_start', 'scheduler.step_range_end'].map((k) => attr(window, k))).toEqual(['int:1', 'int:1', 'int:7']);
  });

  // (event, scheduler.step, phase, prefill.done/total, decode.done/max, num_preemptions, kind or status)
  const journey = (id: string): string[] =>
    (coreOf(id).events as Json[]).map((e) =>
      [
        e.name,
        attr(e, 'scheduler.step'),
        attr(e, 'phase'),
        `${attr(e, 'prefill.done_tokens')}/${attr(e, 'prefill.total_tokens')}`,
        `${attr(e, 'decode.done_tokens')}/${attr(e, 'decode.max_tokens')}`,
        attr(e, 'num_preemptions'),
        attr(e, e.name === 'journey.SCHEDULED' ? 'schedule.kind' : 'finish.status'),
      ].join(' '),
    );

  it('carries the journey of A: queued, scheduled in step 1, first token in step 1, finished "length" in step 3', () => {
    expect(journey('A')).toEqual([
      'journey.QUEUED int:0 string:WAITING int:0/int:80 int:0/int:3 int:0 -',
      'journey.SCHEDULED int:1 string:PREFILL int:0/int:80 int:0/int:3 int:0 string:FIRST',
      'journey.FIRST_TOKEN int:1 string:DECODE int:80/int:80 int:1/int:3 int:0 -',
      'journey.FINISHED int:3 string:DECODE int:80/int:80 int:3/int:3 int:0 string:length',
    ]);
  });

  it('carries the journey of B: preempted in step 2 after 20 tokens, resumed in step 4, finished in step 6', () => {
    expect(journey('B')).toEqual([
      'journey.QUEUED int:0 string:WAITING int:0/int:80 int:0/int:3 int:0 -',
      'journey.SCHEDULED int:1 string:PREFILL int:0/int:80 int:0/int:3 int:0 string:FIRST',
      'journey.PREEMPTED int:2 string:PREFILL int:20/int:80 int:0/int:3 int:1 -',
      'journey.SCHEDULED int:4 string:PREFILL int:20/int:80 int:0/int:3 int:1 string:RESUME',
      'journey.FIRST_TOKEN int:4 string:DECODE int:80/int:80 int:1/int:3 int:1 -',
      'journey.FINISHED int:6 string:DECODE int:80/int:80 int:3/int:3 int:1 string:length',
    ]);
  });

  const window = (): Json[] => spans.find((s) => s.name === 'scheduler_steps_1')!.events as Json[];
  const summaries = (): Json[] => window().filter((e) => e.name === 'step.BATCH_SUMMARY');

  it('carries the 7 BATCH_SUMMARY rows of the table (run, wait, pre_r, dec_r, sched, pre_t, dec_t, fin, preempt, free, usage)', () => {
    const columns = ['queue.running_depth', 'queue.waiting_depth', 'batch.num_prefill_reqs', 'batch.num_decode_reqs', 'batch.scheduled_tokens', 'batch.prefill_tokens', 'batch.decode_tokens', 'batch.num_finished', 'batch.num_preempted', 'kv.blocks_free_gpu'];
    const rows = summaries().map((e) => [attr(e, 'step.id'), ...columns.map((k) => attr(e, k).replace('int:', '')), attr(e, 'kv.usage_gpu_ratio'), attr(e, 'kv.blocks_total_gpu')].join(','));
    expect(rows).toEqual([
      'int:1,2,0,2,0,100,100,0,0,0,3,double:0.7,int:10',
      'int:2,1,1,0,1,1,0,1,0,1,4,double:0.6,int:10',
      'int:3,1,1,0,1,1,0,1,0,0,4,double:0.6,int:10',
      'int:4,1,0,1,0,80,80,0,1,0,5,double:0.5,int:10',
      'int:5,1,0,0,1,1,0,1,0,0,4,double:0.6,int:10',
      'int:6,1,0,0,1,1,0,1,0,0,4,double:0.6,int:10',
      'int:7,0,0,0,0,0,0,0,1,0,10,double:0,int:10',
    ]);
  });

  it('follows each summary with one snapshot per running request, with the values of the spec examples', () => {
    // Running lists after scheduling: [A, B], [A], [A], [B], [B], [B], [] (B preempted in 2, A done in 3).
    const shape = window().map((e) => (e.name === 'step.BATCH_SUMMARY' ? `|${attr(e, 'step.id').slice(4)}` : attr(e, 'request.id').slice(16, 17)));
    expect(shape.join('')).toBe('|1AB|2A|3A|4B|5B|6B|7');
    const snapshot = (step: number, id: string): string => {
      const e = window().find((x) => x.name === 'step.REQUEST_SNAPSHOT' && attr(x, 'step.id') === `int:${step}` && attr(x, 'request.id').startsWith(`string:chatcmpl-${id}-`))!;
      const keys = ['request.phase', 'request.num_computed_tokens', 'request.num_output_tokens', 'request.num_preemptions', 'request.scheduled_tokens_this_step', 'kv.blocks_allocated_gpu', 'kv.blocks_cached_gpu', 'request.effective_prompt_len'];
      return keys.map((k) => attr(e, k).replace(/^\w+:/, '')).join(',');
    };
    // (phase, computed, out, preemptions, scheduled, allocated, cached, effective prompt len)
    expect(snapshot(1, 'A')).toBe('PREFILL,0,0,0,80,5,0,80');
    expect(snapshot(1, 'B')).toBe('PREFILL,0,0,0,20,2,0,80');
    expect(snapshot(2, 'A')).toBe('DECODE,80,1,0,1,6,0,80');
    expect(snapshot(4, 'B')).toBe('PREFILL,0,0,1,80,5,0,80');
  });

  it('times the steps as the model says: 10 ms forward passes, 20 us + 0.5 us per running request of scheduling', () => {
    // Step s starts when step s-1's forward pass ends; step 7 is empty and runs no forward pass.
    const rows = summaries().map((e) => [attr(e, 'step.ts_start_ns'), attr(e, 'step.ts_end_ns'), attr(e, 'step.duration_us')].map((v) => v.slice(4)).join(' '));
    expect(rows).toEqual([
      '0 21000 21', // 2 running: 21 us
      '10021000 10041500 20', // 1 running: 20.5 us, floor to 20
      '20041500 20062000 20',
      '30062000 30082500 20',
      '40082500 40103000 20',
      '50103000 50123500 20',
      '60123500 60143500 20', // 0 running: 20 us
    ]);
    // The summary is stamped at its emission (ts_end), on the epoch clock.
    expect(summaries().map((e) => BigInt(e.timeUnixNano) - EPOCH_NS)).toEqual([21000n, 10041500n, 20062000n, 30082500n, 40103000n, 50123500n, 60143500n]);
    // FIRST_TOKEN of A at the end of step 1's forward pass; FINISHED of B at the end of step 6's.
    expect(BigInt(coreOf('A').events[2].timeUnixNano) - EPOCH_NS).toBe(10_021_000n);
    expect(BigInt(coreOf('B').events[5].timeUnixNano) - EPOCH_NS).toBe(60_123_500n);
  });
});
