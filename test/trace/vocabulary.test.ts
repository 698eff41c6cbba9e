// Names and types of every span, event and attribute in the --trace-out file (spec C.2-C.5).
import { beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTraceRecorder, JsonlFileSink } from '../../src/trace/index.js';
import { driveGoldenRun, GOLDEN_INTERVAL } from './helpers/golden-run.js';
import { journeyEventName } from '../../src/trace/vocabulary.js';
import { readOtlpJsonl, typed, type NormalEvent, type NormalSpan } from './otlp-normal-form.js';

let spans: NormalSpan[];

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simtrace-vocab-'));
  const file = path.join(dir, 'trace.jsonl');
  const recorder = createTraceRecorder({
    seed: 7,
    serviceName: 'vllm',
    resourceAttributes: { 'simtrace.scenario': 'golden', 'simtrace.seed': 7 },
    stepClosureInterval: GOLDEN_INTERVAL,
    stepTracing: true,
    sinks: [new JsonlFileSink({ path: file })],
  });
  await driveGoldenRun(recorder);
  spans = readOtlpJsonl(file).spans;
  fs.rmSync(dir, { recursive: true });
});

const named = (name: string): NormalSpan[] => spans.filter((s) => s.name === name);
const requestSpan = (id: string): NormalSpan =>
  named('llm_request').find((s) => typed(s.attributes)['gen_ai.request.id'] === `string:${id}`) as NormalSpan;
const coreSpan = (id: string): NormalSpan =>
  named('llm_core').find((s) => typed(s.attributes)['gen_ai.request.id'] === `string:${id}`) as NormalSpan;
const event = (span: NormalSpan, name: string, nth = 0): NormalEvent =>
  span.events.filter((e) => e.name === name)[nth] as NormalEvent;

const JOURNEY_COMMON = [
  'event.type', 'ts.monotonic', 'ts.monotonic_ns', 'scheduler.step', 'phase', 'prefill.done_tokens',
  'prefill.total_tokens', 'decode.done_tokens', 'decode.max_tokens', 'num_preemptions',
];

describe('resource, scopes and kinds', () => {
  it('has only the given resource attributes, typed', () => {
    expect(spans[0]?.resource).toEqual([
      { key: 'service.name', type: 'string', value: 'vllm' },
      { key: 'simtrace.scenario', type: 'string', value: 'golden' },
      { key: 'simtrace.seed', type: 'int', value: '7' },
    ]);
  });

  it('puts each span name under its vLLM scope and kind', () => {
    const seen = new Set(spans.map((s) => `${s.scope} ${s.name.replace(/_\d+$/, '_N')} kind=${s.kind}`));
    expect([...seen].sort()).toEqual([
      'vllm.api llm_request kind=2',
      'vllm.scheduler llm_core kind=1',
      'vllm.scheduler.step scheduler_steps_N kind=1',
    ]);
    expect(named('llm_request')).toHaveLength(3);
    expect(named('llm_core')).toHaveLength(3);
  });
});

describe('llm_request', () => {
  it('carries the API attributes in vLLM order, sampling params only when given', () => {
    expect(requestSpan('chatcmpl-0000').attributes.map((a) => `${a.key}=${a.type}:${a.value}`)).toEqual([
      'gen_ai.request.id=string:chatcmpl-0000',
      'http.route=string:/v1/chat/completions',
      'gen_ai.response.model=string:meta-llama/Llama-3.1-8B-Instruct',
      'gen_ai.usage.prompt_tokens=int:80',
      'gen_ai.request.temperature=double:1',
      'gen_ai.request.top_p=double:0.9',
      'gen_ai.request.max_tokens=int:3',
      'gen_ai.request.n=int:1',
      'gen_ai.usage.completion_tokens=int:2',
    ]);
    const completions = typed(requestSpan('cmpl-0001').attributes);
    expect(completions['http.route']).toBe('string:/v1/completions');
    expect(completions).not.toHaveProperty('gen_ai.request.temperature');
    expect(completions).not.toHaveProperty('gen_ai.request.top_p');
  });

  it('has every api.* event with event.ts.monotonic as a double', () => {
    const chat = requestSpan('chatcmpl-0000');
    expect(chat.events.map((e) => e.name)).toEqual([
      'api.ARRIVED', 'api.HANDOFF_TO_CORE', 'api.FIRST_RESPONSE_FROM_CORE', 'api.DEPARTED',
    ]);
    for (const e of chat.events) expect(e.attributes.map((a) => `${a.key}:${a.type}`)).toEqual(['event.ts.monotonic:double']);
    expect(typed(event(chat, 'api.DEPARTED').attributes)['event.ts.monotonic']).toBe('double:0.051');
    expect(event(chat, 'api.DEPARTED').time).toBe('1767225600051000000');
  });

  it('marks an aborted request: ABORTED with reason and error, status ERROR with the message', () => {
    const aborted = requestSpan('chatcmpl-0002');
    expect(typed(event(aborted, 'api.ABORTED').attributes)).toEqual({
      'event.ts.monotonic': 'double:0.03',
      reason: 'string:client_disconnect',
      error: 'string:Client disconnected',
    });
    expect(aborted.status).toEqual({ code: 2, message: 'Client disconnected' });
    expect(typed(aborted.attributes)).not.toHaveProperty('gen_ai.usage.completion_tokens');
    expect(requestSpan('chatcmpl-0000').status).toEqual({ code: 0, message: '' });
  });
});

describe('llm_core journey events', () => {
  it('has the common attributes, in order and typed, on every journey event', () => {
    for (const span of named('llm_core')) {
      for (const e of span.events) {
        expect(e.attributes.slice(0, 10).map((a) => a.key)).toEqual(JOURNEY_COMMON);
        expect(e.attributes.map((a) => a.type).slice(0, 10)).toEqual([
          'string', 'double', 'int', 'int', 'string', 'int', 'int', 'int', 'int', 'int',
        ]);
        expect(e.name).toBe(`journey.${typed(e.attributes)['event.type']?.slice('string:'.length)}`);
      }
    }
  });

  it('adds schedule.kind only to SCHEDULED and finish.status only to FINISHED', () => {
    const b = coreSpan('cmpl-0001-5e6f7a8b');
    expect(b.events.map((e) => e.name)).toEqual([
      'journey.QUEUED', 'journey.SCHEDULED', 'journey.PREEMPTED', 'journey.SCHEDULED', 'journey.FIRST_TOKEN', 'journey.FINISHED',
    ]);
    expect(typed(event(b, 'journey.SCHEDULED', 0).attributes)['schedule.kind']).toBe('string:FIRST');
    expect(typed(event(b, 'journey.SCHEDULED', 1).attributes)['schedule.kind']).toBe('string:RESUME');
    expect(typed(event(b, 'journey.FINISHED').attributes)['finish.status']).toBe('string:length');
    for (const name of ['journey.QUEUED', 'journey.PREEMPTED', 'journey.FIRST_TOKEN']) {
      expect(event(b, name).attributes).toHaveLength(10);
    }
    const preempted = typed(event(b, 'journey.PREEMPTED').attributes);
    expect(preempted).toMatchObject({ num_preemptions: 'int:1', 'prefill.done_tokens': 'int:20', phase: 'string:PREFILL' });
    expect(typed(event(coreSpan('chatcmpl-0002-9c0d1e2f'), 'journey.FINISHED').attributes)['finish.status']).toBe('string:aborted');
    expect(typed(event(coreSpan('chatcmpl-0000-1a2b3c4d'), 'journey.FINISHED').attributes)['finish.status']).toBe('string:stopped');
  });

  it('derives ts.monotonic from ts.monotonic_ns, and the event time from the epoch', () => {
    const queued = event(coreSpan('chatcmpl-0000-1a2b3c4d'), 'journey.QUEUED');
    expect(typed(queued.attributes)).toMatchObject({ 'ts.monotonic': 'double:0.000003', 'ts.monotonic_ns': 'int:3000' });
    expect(queued.time).toBe('1767225600000003000');
  });
});

describe('step events', () => {
  const summaries = (): NormalEvent[] => named('scheduler_steps_1').flatMap((s) => s.events.filter((e) => e.name === 'step.BATCH_SUMMARY'));

  it('has all 16 BATCH_SUMMARY attributes, ints except a double usage ratio', () => {
    const first = summaries()[0] as NormalEvent;
    expect(first.attributes.map((a) => `${a.key}:${a.type}`)).toEqual([
      'step.id:int', 'step.ts_start_ns:int', 'step.ts_end_ns:int', 'step.duration_us:int',
      'queue.running_depth:int', 'queue.waiting_depth:int', 'batch.num_prefill_reqs:int', 'batch.num_decode_reqs:int',
      'batch.scheduled_tokens:int', 'batch.prefill_tokens:int', 'batch.decode_tokens:int', 'batch.num_finished:int',
      'batch.num_preempted:int', 'kv.usage_gpu_ratio:double', 'kv.blocks_total_gpu:int', 'kv.blocks_free_gpu:int',
    ]);
  });

  it('keeps kv.usage_gpu_ratio a double at 0.0 and at 1.0', () => {
    const ratios = summaries().map((e) => typed(e.attributes)['kv.usage_gpu_ratio']);
    expect(ratios).toEqual(['double:0.7', 'double:1', 'double:0.5', 'double:0']);
  });

  it('writes REQUEST_SNAPSHOTs after their summary, effective_prompt_len only when present', () => {
    const window = named('scheduler_steps_1')[0] as NormalSpan;
    expect(window.events.slice(0, 3).map((e) => e.name)).toEqual([
      'step.BATCH_SUMMARY', 'step.REQUEST_SNAPSHOT', 'step.REQUEST_SNAPSHOT',
    ]);
    const [withLen, withoutLen] = window.events.slice(1, 3) as [NormalEvent, NormalEvent];
    const keys = [
      'step.id:int', 'request.id:string', 'request.phase:string', 'request.num_prompt_tokens:int',
      'request.num_computed_tokens:int', 'request.num_output_tokens:int', 'request.num_preemptions:int',
      'request.scheduled_tokens_this_step:int', 'kv.blocks_allocated_gpu:int', 'kv.blocks_cached_gpu:int',
    ];
    expect(withLen.attributes.map((a) => `${a.key}:${a.type}`)).toEqual([...keys, 'request.effective_prompt_len:int']);
    expect(withoutLen.attributes.map((a) => `${a.key}:${a.type}`)).toEqual(keys);
    expect(typed(withLen.attributes)['request.id']).toBe('string:chatcmpl-0000-1a2b3c4d');
  });

  it('gives step spans their sequence and range attributes', () => {
    expect(named('scheduler_steps_1')[0]?.attributes.map((a) => `${a.key}=${a.type}:${a.value}`)).toEqual([
      'scheduler.span_sequence=int:1',
      'scheduler.step_range_start=int:1',
      'scheduler.closure_interval=int:10',
      'scheduler.step_range_end=int:10',
    ]);
  });
});

describe('journeyEventName', () => {
  it('is journey.<TYPE> for every journey type', () => {
    for (const type of ['QUEUED', 'SCHEDULED', 'FIRST_TOKEN', 'PREEMPTED', 'FINISHED'] as const) {
      expect(journeyEventName(type)).toBe(`journey.${type}`);
    }
  });
});
