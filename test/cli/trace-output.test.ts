// `simtrace run --trace-out / --otlp-endpoint` end to end, through the built CLI in a child
// process: the spec's C.8 journey and step events read back from the file, the vocabulary and
// attribute types of every event kind, byte-identical files whatever the environment, the same
// spans at a live OTLP receiver, and a dead collector that loses nothing from the file.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readOtlpJsonl, typed, type NormalSpan } from '../trace/otlp-normal-form.js';
import { startOtlpReceiver } from '../trace/otlp-receiver.js';

const dir = mkdtempSync(join(tmpdir(), 'simtrace-cli-'));
let fileCount = 0;

function simtrace(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/simtrace.js', ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function traceOf(scenario: string, extra: string[] = [], env: Record<string, string> = {}) {
  const path = join(dir, `t${fileCount++}.jsonl`);
  const result = await simtrace(['run', scenario, '--trace-out', path, ...extra], env);
  expect(result.stderr).not.toMatch(/internal error/);
  return { path, bytes: readFileSync(path, 'utf8'), result };
}

const attr = (list: NormalSpan['attributes'], key: string) => list.find((a) => a.key === key)?.value;

describe('the C.8 golden trace, read back from the file', async () => {
  const { path } = await traceOf('scenarios/spec-c8.yaml');
  const { spans, lines } = readOtlpJsonl(path);

  it('has two llm_request spans, their llm_core children and one step window', () => {
    expect(spans.map((s) => s.name).sort()).toEqual(['llm_core', 'llm_core', 'llm_request', 'llm_request', 'scheduler_steps_1']);
    expect(lines.length).toBe(spans.length);
    for (const core of spans.filter((s) => s.name === 'llm_core')) {
      const parent = spans.find((s) => s.spanId === core.parentSpanId)!;
      expect(parent.name).toBe('llm_request');
      expect(parent.traceId).toBe(core.traceId);
      expect(attr(core.attributes, 'gen_ai.request.id')).toMatch(new RegExp(`^${attr(parent.attributes, 'gen_ai.request.id')}-[0-9a-f]{8}$`));
      expect([core.scope, core.kind, parent.scope, parent.kind]).toEqual(['vllm.scheduler', 1, 'vllm.api', 2]);
    }
    const window = spans.find((s) => s.name === 'scheduler_steps_1')!;
    expect(window.parentSpanId).toBe('');
    expect(typed(window.attributes)).toMatchObject({
      'scheduler.span_sequence': 'int:1',
      'scheduler.step_range_start': 'int:1',
      'scheduler.step_range_end': 'int:7',
      'scheduler.closure_interval': 'int:10',
    });
  });

  it('carries exactly the journey events of the spec table', () => {
    const journey = (id: string) =>
      spans
        .find((s) => s.name === 'llm_core' && attr(s.attributes, 'gen_ai.request.id')!.startsWith(`chatcmpl-${id}-`))!
        .events.map((e) => {
          const a = (key: string) => attr(e.attributes, key) ?? '';
          return [e.name, a('scheduler.step'), a('phase'), a('prefill.done_tokens'), a('decode.done_tokens'), a('num_preemptions'), a('schedule.kind') || a('finish.status')].join(' ');
        });
    expect(journey('A')).toEqual([
      'journey.QUEUED 0 WAITING 0 0 0 ',
      'journey.SCHEDULED 1 PREFILL 0 0 0 FIRST',
      'journey.FIRST_TOKEN 1 DECODE 80 1 0 ',
      'journey.FINISHED 3 DECODE 80 3 0 length',
    ]);
    expect(journey('B')).toEqual([
      'journey.QUEUED 0 WAITING 0 0 0 ',
      'journey.SCHEDULED 1 PREFILL 0 0 0 FIRST',
      'journey.PREEMPTED 2 PREFILL 20 0 1 ',
      'journey.SCHEDULED 4 PREFILL 20 0 1 RESUME',
      'journey.FIRST_TOKEN 4 DECODE 80 1 1 ',
      'journey.FINISHED 6 DECODE 80 3 1 length',
    ]);
  });

  it('carries one BATCH_SUMMARY per step with the values of the spec table, snapshots after each', () => {
    const window = spans.find((s) => s.name === 'scheduler_steps_1')!;
    const summaries = window.events.filter((e) => e.name === 'step.BATCH_SUMMARY').map((e) => {
      const a = (key: string) => attr(e.attributes, key)!;
      return [a('queue.running_depth'), a('queue.waiting_depth'), a('batch.scheduled_tokens'), a('batch.num_finished'), a('batch.num_preempted'), a('kv.blocks_free_gpu'), a('kv.usage_gpu_ratio')].join(',');
    });
    expect(summaries).toEqual(['2,0,100,0,0,3,0.7', '1,1,1,0,1,4,0.6', '1,1,1,0,0,4,0.6', '1,0,80,1,0,5,0.5', '1,0,1,0,0,4,0.6', '1,0,1,0,0,4,0.6', '0,0,0,1,0,10,0']);
    const order = window.events.map((e) => e.name.replace('step.', '')[0]).join('');
    expect(order).toBe('BRRBRBRBRBRBRB');
  });
});

// What spec C.4/C.5 say each event carries: required attributes with their types, then optional ones.
const COMMON_JOURNEY = { 'event.type': 'string', 'ts.monotonic': 'double', 'ts.monotonic_ns': 'int', 'scheduler.step': 'int', phase: 'string', 'prefill.done_tokens': 'int', 'prefill.total_tokens': 'int', 'decode.done_tokens': 'int', 'decode.max_tokens': 'int', num_preemptions: 'int' };
const VOCABULARY: Record<string, { required: Record<string, string>; optional?: Record<string, string> }> = {
  'journey.QUEUED': { required: COMMON_JOURNEY },
  'journey.SCHEDULED': { required: { ...COMMON_JOURNEY, 'schedule.kind': 'string' } },
  'journey.FIRST_TOKEN': { required: COMMON_JOURNEY },
  'journey.PREEMPTED': { required: COMMON_JOURNEY },
  'journey.FINISHED': { required: { ...COMMON_JOURNEY, 'finish.status': 'string' } },
  'api.ARRIVED': { required: { 'event.ts.monotonic': 'double' } },
  'api.HANDOFF_TO_CORE': { required: { 'event.ts.monotonic': 'double' } },
  'api.FIRST_RESPONSE_FROM_CORE': { required: { 'event.ts.monotonic': 'double' } },
  'api.DEPARTED': { required: { 'event.ts.monotonic': 'double' } },
  'step.BATCH_SUMMARY': {
    required: Object.fromEntries(
      ['step.id', 'step.ts_start_ns', 'step.ts_end_ns', 'step.duration_us', 'queue.running_depth', 'queue.waiting_depth', 'batch.num_prefill_reqs', 'batch.num_decode_reqs', 'batch.prefill_tokens', 'batch.decode_tokens', 'batch.scheduled_tokens', 'batch.num_finished', 'batch.num_preempted', 'kv.blocks_total_gpu', 'kv.blocks_free_gpu']
        .map((k) => [k, 'int'])
        .concat([['kv.usage_gpu_ratio', 'double']]),
    ),
  },
  'step.REQUEST_SNAPSHOT': {
    required: { 'step.id': 'int', 'request.id': 'string', 'request.phase': 'string', 'request.num_prompt_tokens': 'int', 'request.num_computed_tokens': 'int', 'request.num_output_tokens': 'int', 'request.num_preemptions': 'int', 'request.scheduled_tokens_this_step': 'int', 'kv.blocks_allocated_gpu': 'int', 'kv.blocks_cached_gpu': 'int' },
    optional: { 'request.effective_prompt_len': 'int' },
  },
};

// Every step sampled: KV usage 0 (and 1) occur in a few steps only.
const ALL_STEPS = ['--set', 'observability.step_tracing_sample_rate=1.0'];

describe('the vocabulary of a real run (kv-pressure)', async () => {
  const first = await traceOf('scenarios/kv-pressure.yaml', ALL_STEPS);
  const { spans } = readOtlpJsonl(first.path);

  it('uses only the event names of spec C, each with exactly its attributes and types', () => {
    const seen = new Set<string>();
    for (const span of spans) {
      for (const event of span.events) {
        const expected = VOCABULARY[event.name];
        expect(expected, event.name).toBeDefined();
        seen.add(event.name);
        const types = Object.fromEntries(event.attributes.map((a) => [a.key, a.type]));
        const allowed = { ...expected!.required, ...expected!.optional };
        for (const [key, type] of Object.entries(expected!.required)) expect(types[key], `${event.name} ${key}`).toBe(type);
        for (const key of Object.keys(types)) expect(allowed[key], `${event.name} has unexpected ${key}`).toBe(types[key]);
      }
    }
    expect([...seen].sort()).toEqual(Object.keys(VOCABULARY).filter((n) => n !== 'api.ABORTED').sort());
  });

  it('writes kv.usage_gpu_ratio as a double even when it is 0 or 1', () => {
    const raw = first.bytes;
    expect(raw).toMatch(/"kv\.usage_gpu_ratio","value":\{"doubleValue":0\}/);
    expect(raw).toMatch(/"kv\.usage_gpu_ratio","value":\{"doubleValue":1\}/);
    expect(raw).toMatch(/"intValue":\d+\}/);
    expect(raw).not.toMatch(/"intValue":"/);
  });

  it('writes spans in the order they end', () => {
    const ends = spans.map((s) => BigInt(s.end));
    for (let i = 1; i < ends.length; i++) expect(ends[i]! >= ends[i - 1]!).toBe(true);
  });

  it('is byte-identical on a second run, and with TZ, locale and OTEL_* variables changed', async () => {
    const again = await traceOf('scenarios/kv-pressure.yaml', ALL_STEPS);
    expect(again.bytes).toBe(first.bytes);
    const env = { TZ: 'Pacific/Chatham', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8', OTEL_TRACES_SAMPLER: 'always_off', OTEL_SPAN_EVENT_COUNT_LIMIT: '3', OTEL_RESOURCE_ATTRIBUTES: 'host.name=elsewhere' };
    const elsewhere = await traceOf('scenarios/kv-pressure.yaml', ALL_STEPS, env);
    expect(elsewhere.bytes).toBe(first.bytes);
  });

  it('differs with another seed', async () => {
    const other = await traceOf('scenarios/kv-pressure.yaml', [...ALL_STEPS, '--seed', '7']);
    expect(other.bytes).not.toBe(first.bytes);
  });
});

describe('OTLP/HTTP export', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it('delivers every span and event of the file to a live receiver', async () => {
    const receiver = await startOtlpReceiver();
    cleanups.push(() => receiver.close());
    const { path, result } = await traceOf('scenarios/prefix-cache.yaml', ['--otlp-endpoint', receiver.url]);
    expect(result.code).toBe(0);
    const fromFile = readOtlpJsonl(path).spans;
    expect(receiver.spans.length).toBe(fromFile.length);
    const key = (s: NormalSpan) => s.spanId;
    expect([...receiver.spans].sort((a, b) => key(a).localeCompare(key(b)))).toEqual([...fromFile].sort((a, b) => key(a).localeCompare(key(b))));
  });

  it('a dead collector does not hang the run, loses nothing from the file, and says what was lost', async () => {
    const receiver = await startOtlpReceiver();
    const deadUrl = receiver.url;
    await receiver.close();
    const started = process.hrtime.bigint();
    const withDead = await traceOf('scenarios/spec-c8.yaml', ['--otlp-endpoint', deadUrl]);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    expect(seconds).toBeLessThan(60);
    expect(withDead.result.code).toBe(4);
    expect(withDead.result.stderr).toMatch(/not delivered|undelivered/i);
    const alone = await traceOf('scenarios/spec-c8.yaml');
    expect(withDead.bytes).toBe(alone.bytes);
  });
});
