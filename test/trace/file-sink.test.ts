// The --trace-out file: parentage, end order, line batching, temp-then-rename, failures, big spans.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTraceRecorder, JsonlFileSink, TraceOutputError } from '../../src/trace/index.js';
import type { TraceRecorder } from '../../src/trace/records.js';
import { driveGoldenRun, GOLDEN_INTERVAL, REQUESTS, snapshot, summary } from './helpers/golden-run.js';
import { readOtlpJsonl, typed } from './otlp-normal-form.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simtrace-file-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function recorderTo(file: string, options: { seed?: number; maxSpansPerLine?: number; stepTracing?: boolean } = {}): TraceRecorder {
  return createTraceRecorder({
    seed: options.seed ?? 42,
    serviceName: 'vllm',
    stepClosureInterval: GOLDEN_INTERVAL,
    stepTracing: options.stepTracing ?? true,
    sinks: [new JsonlFileSink({ path: file, maxSpansPerLine: options.maxSpansPerLine })],
  });
}

const request = (index: number) => ({ ...(REQUESTS[0] as (typeof REQUESTS)[0]), index, apiRequestId: `chatcmpl-${index}`, engineRequestId: `chatcmpl-${index}-00000000` });

describe('parentage', () => {
  it('makes llm_core a child of llm_request in the same trace, and step spans roots', async () => {
    const file = path.join(dir, 't.jsonl');
    await driveGoldenRun(recorderTo(file));
    const { spans } = readOtlpJsonl(file);
    const requests = spans.filter((s) => s.name === 'llm_request');
    const cores = spans.filter((s) => s.name === 'llm_core');
    for (const core of cores) {
      const engineId = typed(core.attributes)['gen_ai.request.id'] ?? '';
      const parent = requests.find((r) => engineId.startsWith(`${typed(r.attributes)['gen_ai.request.id']}-`));
      expect(parent).toBeDefined();
      expect(core.traceId).toBe(parent?.traceId);
      expect(core.parentSpanId).toBe(parent?.spanId);
      expect(core.flags).toBe(0x300); // parent is remote (trace headers), as vLLM's exporter writes it
    }
    for (const root of spans.filter((s) => s.name !== 'llm_core')) {
      expect(root.parentSpanId).toBe('');
      expect(root.flags).toBe(0x100);
    }
    const rootTraces = spans.filter((s) => s.name !== 'llm_core').map((s) => s.traceId);
    expect(new Set(rootTraces).size).toBe(rootTraces.length);
    for (const s of spans) {
      expect(s.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(s.spanId).toMatch(/^[0-9a-f]{16}$/);
    }
  });
});

describe('order and lines', () => {
  it('writes spans in end order, ties in creation order, whatever order they were ended in', async () => {
    const file = path.join(dir, 't.jsonl');
    const r = recorderTo(file);
    r.startRequestSpan(request(0), 1_000);
    r.startCoreSpan(0, 2_000);
    r.startRequestSpan(request(1), 3_000);
    r.startCoreSpan(1, 4_000);
    // Request 1 ends first in time; at 2 s, request 0's core is ended before its parent.
    r.endCoreSpan(1, 1_000_000_000);
    r.endRequestSpan(1, 1_000_000_000, {});
    r.endCoreSpan(0, 2_000_000_000);
    r.endRequestSpan(0, 2_000_000_000, {});
    await r.close(2_000_000_000, 0); // the step window also ends at 2 s, and was created first
    const names = readOtlpJsonl(file).spans.map((s) => `${s.name}:${typed(s.attributes)['gen_ai.request.id'] ?? ''}`);
    expect(names).toEqual([
      'llm_request:string:chatcmpl-1',
      'llm_core:string:chatcmpl-1-00000000',
      'scheduler_steps_1:',
      'llm_request:string:chatcmpl-0',
      'llm_core:string:chatcmpl-0-00000000',
    ]);
  });

  it('opens a new scopeSpans entry on every scope change instead of regrouping', async () => {
    const file = path.join(dir, 't.jsonl');
    const r = recorderTo(file, { maxSpansPerLine: 3, stepTracing: false });
    for (let i = 0; i < 3; i++) {
      r.startRequestSpan(request(i), i * 10);
      r.startCoreSpan(i, i * 10 + 1);
      r.endCoreSpan(i, 1_000 + i * 10);
      r.endRequestSpan(i, 1_000 + i * 10 + 5, {});
    }
    await r.close(10_000, 0);
    const { lines, spans } = readOtlpJsonl(file);
    const shape = lines.map((line) =>
      (line['resourceSpans'] as { scopeSpans: { scope: { name: string }; spans: unknown[] }[] }[])[0]?.scopeSpans.map(
        (ss) => `${ss.scope.name}x${ss.spans.length}`,
      ),
    );
    expect(shape).toEqual([
      ['vllm.schedulerx1', 'vllm.apix1', 'vllm.schedulerx1'],
      ['vllm.apix1', 'vllm.schedulerx1', 'vllm.apix1'],
    ]);
    expect(spans.map((s) => s.name)).toEqual(['llm_core', 'llm_request', 'llm_core', 'llm_request', 'llm_core', 'llm_request']);
  });

  it('puts up to 512 spans on a line by default', async () => {
    const file = path.join(dir, 't.jsonl');
    const r = recorderTo(file, { stepTracing: false });
    for (let i = 0; i < 600; i++) {
      r.startRequestSpan(request(i), i);
      r.endRequestSpan(i, i + 1, {});
    }
    expect(await r.close(1_000, 0)).toMatchObject({ spans: 600, events: 0 });
    const { lines, spans } = readOtlpJsonl(file);
    expect(lines).toHaveLength(2);
    expect(spans).toHaveLength(600);
    expect(fs.readFileSync(file, 'utf8').split('\n').map((l) => (l.match(/"name":"llm_request"/g) ?? []).length)).toEqual([512, 88, 0]);
  });

  it('writes whole-second times as doubles and keeps line framing exact', async () => {
    const file = path.join(dir, 't.jsonl');
    const r = recorderTo(file, { stepTracing: false });
    r.startRequestSpan(request(0), 2_000_000_000);
    r.apiEvent(0, { name: 'api.ARRIVED', timeNs: 2_000_000_000 });
    r.endRequestSpan(0, 3_000_000_000, {});
    await r.close(3_000_000_000, 0);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('{"key":"event.ts.monotonic","value":{"doubleValue":2}}');
    expect(text).toContain('"startTimeUnixNano":"1767225602000000000"');
    expect(text.startsWith('{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"vllm"}}]},"scopeSpans":[{"scope":{"name":"vllm.api"},"spans":[{"traceId":"')).toBe(true);
    expect(text.endsWith('"status":{}}]}]}]}\n')).toBe(true);
  });
});

describe('determinism', () => {
  it('gives byte-identical files for identical record sequences, and other ids for another seed', async () => {
    const files = ['a', 'b', 'c'].map((n) => path.join(dir, `${n}.jsonl`));
    await driveGoldenRun(recorderTo(files[0] as string));
    await driveGoldenRun(recorderTo(files[1] as string));
    await driveGoldenRun(recorderTo(files[2] as string, { seed: 43 }));
    const [a, b, c] = files.map((f) => fs.readFileSync(f));
    expect(a?.equals(b as Buffer)).toBe(true);
    expect(a?.equals(c as Buffer)).toBe(false);
    const strip = (buf: Buffer | undefined) => String(buf).replace(/"(traceId|spanId|parentSpanId)":"[0-9a-f]+"/g, '');
    expect(strip(a)).toBe(strip(c));
  });
});

describe('temp file, rename and failures', () => {
  it('writes to PATH.tmp-<pid> and creates PATH only on close', async () => {
    const file = path.join(dir, 't.jsonl');
    const r = recorderTo(file, { maxSpansPerLine: 1, stepTracing: false });
    r.startRequestSpan(request(0), 0);
    r.endRequestSpan(0, 10, {});
    r.startRequestSpan(request(1), 20);
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readdirSync(dir)).toEqual([`t.jsonl.tmp-${process.pid}`]);
    await r.close(30, 0);
    expect(fs.readdirSync(dir)).toEqual(['t.jsonl']);
  });

  it('abort() removes the partial output of a failed run', () => {
    const file = path.join(dir, 't.jsonl');
    const sink = new JsonlFileSink({ path: file });
    const r = createTraceRecorder({ seed: 1, serviceName: 'vllm', stepClosureInterval: 10, stepTracing: false, sinks: [sink] });
    r.startRequestSpan(request(0), 0);
    r.endRequestSpan(0, 10, {});
    sink.abort();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('rejects close() and leaves no file when the output cannot be opened', async () => {
    const file = path.join(dir, 'missing-dir', 't.jsonl');
    const r = recorderTo(file, { stepTracing: false });
    r.startRequestSpan(request(0), 0);
    r.endRequestSpan(0, 10, {});
    const failure = await r.close(20, 0).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TraceOutputError);
    expect((failure as TraceOutputError).message).toMatch(/not written/);
    expect((failure as TraceOutputError).stats.spans).toBe(1);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('removes the temp file when the final rename fails', async () => {
    const file = path.join(dir, 'taken');
    fs.mkdirSync(file);
    fs.writeFileSync(path.join(file, 'keep'), 'x');
    const r = recorderTo(file, { stepTracing: false });
    await expect(r.close(0, 0)).rejects.toBeInstanceOf(TraceOutputError);
    expect(fs.readdirSync(dir)).toEqual(['taken']);
  });
});

describe('large step windows', () => {
  it('serialises a span with 60,000 events (never one string per span)', async () => {
    const file = path.join(dir, 't.jsonl');
    const r = createTraceRecorder({
      seed: 1, serviceName: 'vllm', stepClosureInterval: 10_000, stepTracing: true,
      sinks: [new JsonlFileSink({ path: file })],
    });
    const a = REQUESTS[0] as (typeof REQUESTS)[0];
    for (let step = 1; step <= 10_000; step++) {
      const t = step * 1_000;
      r.step({ step, timeNs: t, summary: summary(step, t, { kvUsageRatio: step / 10_000 }), snapshots: Array.from({ length: 5 }, () => snapshot(step, a)) });
    }
    const stats = await r.close(20_000_000, 10_000);
    expect(stats).toMatchObject({ spans: 2, events: 60_000 });
    const { spans } = readOtlpJsonl(file);
    expect(spans[0]?.events).toHaveLength(60_000);
    expect(typed(spans[0]?.events[59_994]?.attributes ?? [])['kv.usage_gpu_ratio']).toBe('double:1');
  });
});
