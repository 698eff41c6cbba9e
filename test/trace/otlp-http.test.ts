// OTLP/HTTP export against a real receiver: same spans as the file, sequential bounded batches, and
// bounded, counted failure when the collector is down, refusing or slow.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTraceRecorder, JsonlFileSink, OtlpHttpSink, type OtlpHttpSinkOptions } from '../../src/trace/index.js';
import type { TraceRecorder, TraceStats } from '../../src/trace/records.js';
import { driveGoldenRun, goldenRecorderOptions, REQUESTS, summary } from './helpers/golden-run.js';
import { startOtlpReceiver, type OtlpReceiver } from './otlp-receiver.js';
import { readOtlpJsonl, typed } from './otlp-normal-form.js';

let dir: string;
let receiver: OtlpReceiver | undefined;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simtrace-otlp-'));
});
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

const FAST: Partial<OtlpHttpSinkOptions> = { exportTimeoutMillis: 400, closeTimeoutMillis: 5_000 };

function bothSinks(url: string, options: Partial<OtlpHttpSinkOptions> = {}) {
  const file = path.join(dir, 'trace.jsonl');
  return { file, sinks: [new JsonlFileSink({ path: file }), new OtlpHttpSink({ url, ...FAST, ...options })] };
}

/** Many small requests (llm_request + llm_core each) and some step events. */
async function driveMany(recorder: TraceRecorder, count: number): Promise<TraceStats> {
  const base = REQUESTS[0] as (typeof REQUESTS)[0];
  for (let i = 0; i < count; i++) {
    const t = i * 1_000;
    recorder.startRequestSpan({ ...base, index: i, apiRequestId: `chatcmpl-${i}`, engineRequestId: `chatcmpl-${i}-0` }, t);
    recorder.apiEvent(i, { name: 'api.ARRIVED', timeNs: t });
    recorder.startCoreSpan(i, t + 1);
    recorder.step({ step: i + 1, timeNs: t + 2, summary: summary(i + 1, t + 2) });
    recorder.endCoreSpan(i, t + 3);
    recorder.apiEvent(i, { name: 'api.DEPARTED', timeNs: t + 4 });
    recorder.endRequestSpan(i, t + 4, { completionTokens: 3 });
  }
  return recorder.close(count * 1_000, count);
}

async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${address.port}/v1/traces`;
}

describe('delivery to a live receiver', () => {
  it('delivers every span of the file, with the same ids, times, attributes and types', async () => {
    receiver = await startOtlpReceiver();
    const { file, sinks } = bothSinks(receiver.url);
    await driveGoldenRun(createTraceRecorder(goldenRecorderOptions(sinks)));
    const fromFile = readOtlpJsonl(file).spans;
    expect(fromFile.length).toBe(8);
    expect(receiver.spans).toEqual(fromFile);
    const usage = receiver.spans
      .flatMap((s) => s.events)
      .filter((e) => e.name === 'step.BATCH_SUMMARY')
      .map((e) => typed(e.attributes)['kv.usage_gpu_ratio']);
    expect(usage).toContain('double:0');
    expect(usage).toContain('double:1');
  });

  it('sends sequential batches of at most 512 spans and about maxBatchBytes, in end order', async () => {
    receiver = await startOtlpReceiver();
    const sink = new OtlpHttpSink({ url: receiver.url, ...FAST, maxBatchBytes: 64 * 1024 });
    const stats = await driveMany(createTraceRecorder({ ...goldenRecorderOptions([sink]), stepClosureInterval: 10 }), 1_500);
    expect(stats.undeliveredSpans).toBe(0);
    expect(receiver.spans.length).toBe(stats.spans);
    expect(receiver.requests()).toBeGreaterThan(3);
    for (const size of receiver.requestSizes) expect(size).toBeLessThanOrEqual(64 * 1024);
    const ends = receiver.spans.map((s) => BigInt(s.end));
    expect(ends.every((end, i) => i === 0 || (ends[i - 1] as bigint) <= end)).toBe(true);
  });

  it('sends OTEL_EXPORTER_OTLP_HEADERS as the SDK does', async () => {
    receiver = await startOtlpReceiver();
    process.env['OTEL_EXPORTER_OTLP_HEADERS'] = 'x-simtrace-test=yes';
    try {
      const sink = new OtlpHttpSink({ url: receiver.url, ...FAST });
      await driveMany(createTraceRecorder(goldenRecorderOptions([sink])), 2);
    } finally {
      delete process.env['OTEL_EXPORTER_OTLP_HEADERS'];
    }
    expect(receiver.headers[0]?.['x-simtrace-test']).toBe('yes');
    expect(receiver.headers[0]?.['content-type']).toBe('application/x-protobuf');
  });
});

describe('collector failures are bounded and counted', () => {
  async function failingRun(url: string, options: Partial<OtlpHttpSinkOptions> = {}) {
    const { file, sinks } = bothSinks(url, options);
    const started = performance.now();
    const stats = await driveMany(createTraceRecorder(goldenRecorderOptions(sinks)), 200);
    return { stats, seconds: (performance.now() - started) / 1000, fileSpans: readOtlpJsonl(file).spans.length };
  }

  it('dead endpoint (closed port): close() resolves quickly, all spans undelivered, file complete', async () => {
    const { stats, seconds, fileSpans } = await failingRun(await closedPortUrl());
    expect(seconds).toBeLessThan(5);
    expect(stats.undeliveredSpans).toBe(stats.spans);
    expect(fileSpans).toBe(stats.spans);
    expect(stats.messages.join('\n')).toMatch(/export to .* failed/);
    expect(stats.messages.join('\n')).toMatch(/stopped exporting after 2 consecutive failed exports/);
  });

  it('503 from the collector: retried within the deadline, then counted undelivered', async () => {
    receiver = await startOtlpReceiver({ status: 503 });
    const { stats, seconds, fileSpans } = await failingRun(receiver.url);
    expect(seconds).toBeLessThan(5);
    expect(receiver.requests()).toBeGreaterThanOrEqual(2);
    expect(receiver.spans).toEqual([]);
    expect(stats.undeliveredSpans).toBe(stats.spans);
    expect(fileSpans).toBe(stats.spans);
  });

  it('400 from the collector: not retried, counted undelivered', async () => {
    receiver = await startOtlpReceiver({ status: 400 });
    const { stats } = await failingRun(receiver.url);
    expect(receiver.requests()).toBe(2);
    expect(stats.undeliveredSpans).toBe(stats.spans);
  });

  it('a collector slower than the export deadline does not hang close()', async () => {
    receiver = await startOtlpReceiver({ delayMs: 10_000 });
    const { stats, seconds } = await failingRun(receiver.url);
    expect(seconds).toBeLessThan(5);
    expect(stats.undeliveredSpans).toBe(stats.spans);
  });

  it('close() gives up after closeTimeoutMillis and counts what was still queued or in flight', async () => {
    receiver = await startOtlpReceiver({ delayMs: 300 });
    const { stats, seconds } = await failingRun(receiver.url, { exportTimeoutMillis: 2_000, closeTimeoutMillis: 500, maxBatchSpans: 10 });
    expect(seconds).toBeLessThan(3);
    expect(stats.undeliveredSpans).toBeGreaterThan(0);
    // An abandoned request may still land after close() counted it: at most one batch counts twice.
    expect(stats.undeliveredSpans + receiver.spans.length).toBeGreaterThanOrEqual(stats.spans);
    expect(stats.undeliveredSpans + receiver.spans.length).toBeLessThanOrEqual(stats.spans + 10);
    expect(stats.messages.join('\n')).toMatch(/did not take all spans within 500 ms/);
  });

  it('counts a span too large to send and a full queue, and still delivers the rest', async () => {
    receiver = await startOtlpReceiver();
    const sink = new OtlpHttpSink({ url: receiver.url, ...FAST, maxSpanBytes: 600 });
    const stats = await driveMany(createTraceRecorder(goldenRecorderOptions([sink])), 20);
    // The two step windows (10 summaries each) are over the limit; the request spans are not.
    expect(stats.undeliveredSpans).toBe(2);
    expect(receiver.spans.length).toBe(stats.spans - 2);
    // Only the third, empty window (opened at step 20, closed by close()) got through.
    expect(receiver.spans.filter((s) => s.name.startsWith('scheduler_steps_')).map((s) => s.events.length)).toEqual([0]);
    expect(stats.messages.join('\n')).toMatch(/too large to export/);

    const full = new OtlpHttpSink({ url: receiver.url, ...FAST, maxQueueBytes: 2_000 });
    const fullStats = await driveMany(createTraceRecorder(goldenRecorderOptions([full])), 50);
    expect(fullStats.undeliveredSpans).toBeGreaterThan(0);
    expect(fullStats.messages.join('\n')).toMatch(/export queue full/);
  });
});
