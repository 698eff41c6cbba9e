// One OTLP/HTTP protobuf export at a time, through the OTEL JS exporter machinery (the same factory
// OTLPTraceExporter from @opentelemetry/exporter-trace-otlp-proto is built on: its transport, retries
// with backoff on 429/502/503/504 and network errors inside a per-export deadline, gzip and headers
// from OTEL_EXPORTER_OTLP_*). The one difference is the serializer: requests arrive already encoded
// by otlp-protobuf.ts, whose attribute types follow vLLM's vocabulary; the SDK serializer would send
// kv.usage_gpu_ratio 0.0 as an int.
import { OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http';
import type { IExporterMetricsHelper, ISerializer } from '@opentelemetry/otlp-transformer';
import { ExportResultCode } from '@opentelemetry/core';

export interface EncodedExportRequest {
  readonly bytes: Uint8Array;
  readonly spanCount: number;
}

export interface ExportOutcome {
  readonly ok: boolean;
  /** Spans the collector reported as rejected in a partial-success answer. */
  readonly rejectedSpans: number;
  readonly error?: string;
}

export interface OtlpHttpExportOptions {
  readonly url: string;
  /** Added to the headers from OTEL_EXPORTER_OTLP_HEADERS / _TRACES_HEADERS (explicit ones win). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Deadline of one export including the SDK's retries. */
  readonly timeoutMillis: number;
}

/** ExportTraceServiceResponse.partial_success.rejected_spans (field 1.1), 0 when absent or unreadable. */
export function rejectedSpansOf(data: Uint8Array): number {
  const readVarint = (bytes: Uint8Array, at: { pos: number }): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = bytes[at.pos++];
      if (byte === undefined) throw new Error('truncated varint');
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
  };
  const fieldOf = (bytes: Uint8Array, wanted: number, wire: number): Uint8Array | number | undefined => {
    const at = { pos: 0 };
    while (at.pos < bytes.length) {
      const tag = readVarint(bytes, at);
      const field = Math.floor(tag / 8);
      const type = tag % 8;
      if (type === 0) {
        const value = readVarint(bytes, at);
        if (field === wanted && wire === 0) return value;
      } else if (type === 2) {
        const length = readVarint(bytes, at);
        const body = bytes.subarray(at.pos, at.pos + length);
        at.pos += length;
        if (field === wanted && wire === 2) return body;
      } else if (type === 1 || type === 5) {
        at.pos += type === 1 ? 8 : 4;
      } else {
        throw new Error(`unsupported wire type ${type}`);
      }
    }
    return undefined;
  };
  try {
    const partial = fieldOf(data, 1, 2);
    if (!(partial instanceof Uint8Array)) return 0;
    const rejected = fieldOf(partial, 1, 0);
    return typeof rejected === 'number' ? rejected : 0;
  } catch {
    return 0;
  }
}

export class OtlpHttpExport {
  private readonly exporter: OTLPExporterBase<EncodedExportRequest>;
  private lastRejected = 0;

  constructor(options: OtlpHttpExportOptions) {
    const serializer: ISerializer<EncodedExportRequest, unknown> = {
      serializeRequest: (request) => request.bytes,
      // Exports are sequential, so the last parsed answer belongs to the export being awaited.
      deserializeResponse: (data) => {
        this.lastRejected = rejectedSpansOf(data);
        return {};
      },
    };
    const metricsHelper: IExporterMetricsHelper<EncodedExportRequest> = {
      name: 'span',
      countItems: (request) => request.spanCount,
    };
    const config = convertLegacyHttpOptions(
      { url: options.url, headers: options.headers ? { ...options.headers } : undefined, timeoutMillis: options.timeoutMillis },
      'TRACES',
      'v1/traces',
      { 'Content-Type': 'application/x-protobuf' },
    );
    this.exporter = new OTLPExporterBase(
      createOtlpHttpExportDelegate(config, serializer, 'otlp_http_span_exporter', metricsHelper, undefined),
    );
  }

  /** Sends one request; resolves (never rejects) within the deadline plus a small guard. */
  send(request: EncodedExportRequest, timeoutMillis: number): Promise<ExportOutcome> {
    this.lastRejected = 0;
    return new Promise((resolve) => {
      // The delegate always answers within its deadline; the guard only protects against a hang in it.
      const guard = setTimeout(
        () => resolve({ ok: false, rejectedSpans: 0, error: `no answer within ${timeoutMillis + 2000} ms` }),
        timeoutMillis + 2000,
      );
      this.exporter.export(request, (result) => {
        clearTimeout(guard);
        if (result.code === ExportResultCode.SUCCESS) resolve({ ok: true, rejectedSpans: this.lastRejected });
        else resolve({ ok: false, rejectedSpans: 0, error: result.error?.message ?? 'export failed' });
      });
    });
  }

  /** Releases sockets; waits at most `waitMillis` for an export still in flight. */
  async shutdown(waitMillis: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, waitMillis);
    });
    await Promise.race([this.exporter.shutdown().catch(() => undefined), bound]);
    clearTimeout(timer);
  }
}
