// `--trace-out PATH`: OTLP/JSON lines, one ExportTraceServiceRequest per line, like the Collector's
// file exporter. Spans keep the order they are given (end order); consecutive spans share a line up to
// a span count or size, and a change of scope inside a line opens a new scopeSpans entry instead of
// regrouping, so reading the file top to bottom replays the end order exactly.
//
// Output streams to `PATH.tmp-<pid>` with synchronous writes of 1 MiB (memory stays flat however long
// the run) and is renamed to PATH only when close() succeeds; on any failure the temp file is removed
// and PATH is never created. Synchronous I/O keeps the bytes independent of event-loop timing.
import * as fs from 'node:fs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { SinkReport, SpanSink } from './span-sink.js';
import {
  DEFAULT_OTLP_JSON_OPTIONS,
  LINE_SUFFIX_JSON,
  SCOPE_CLOSE_JSON,
  linePrefixJson,
  scopeOpenJson,
  writeSpanJson,
  type OtlpJsonOptions,
} from './otlp-json.js';

export interface JsonlFileSinkOptions {
  readonly path: string;
  /** Spans per line (the SDK's BatchSpanProcessor default export size). */
  readonly maxSpansPerLine?: number;
  /** A line is ended after the span that takes it past this many UTF-16 units. */
  readonly maxLineChars?: number;
  readonly json?: OtlpJsonOptions;
}

const FLUSH_BYTES = 1 << 20;
/** Pending characters encoded at once (at most 3 bytes each, so a chunk always fits the buffer). */
const PENDING_CHARS = 64 << 10;
/** UTF-8 needs at most 3 bytes per UTF-16 unit. */
const MAX_UTF8_PER_UNIT = 3;

export class JsonlFileSink implements SpanSink {
  private readonly path: string;
  private readonly tempPath: string;
  private readonly maxSpansPerLine: number;
  private readonly maxLineChars: number;
  private readonly json: OtlpJsonOptions;
  private fd: number | undefined;
  private error: string | undefined;
  /** Output is UTF-8 encoded into this buffer and written when it fills. */
  private buffer = Buffer.allocUnsafe(FLUSH_BYTES);
  private buffered = 0;
  /**
   * Pieces not yet encoded, joined. A span arrives as a dozen small pieces; encoding each into the
   * buffer on its own was a native call per piece, a visible cost of traced runs. Concatenation is
   * cheap (V8 builds a rope), so pieces are encoded PENDING_CHARS at a time.
   */
  private pending = '';
  private lineSpans = 0;
  private lineChars = 0;
  private lineScope: ReadableSpan['instrumentationScope'] | undefined;
  private written = 0;
  private closed = false;

  constructor(options: JsonlFileSinkOptions) {
    this.path = options.path;
    this.tempPath = `${options.path}.tmp-${process.pid}`;
    this.maxSpansPerLine = options.maxSpansPerLine ?? 512;
    this.maxLineChars = options.maxLineChars ?? 8 << 20;
    this.json = options.json ?? DEFAULT_OTLP_JSON_OPTIONS;
    try {
      this.fd = fs.openSync(this.tempPath, 'w');
    } catch (e) {
      this.fail(e);
    }
  }

  write(spans: readonly ReadableSpan[]): void {
    if (this.closed) throw new Error('JsonlFileSink: write after close');
    for (const span of spans) {
      if (this.error !== undefined) return;
      this.writeSpan(span);
    }
  }

  async close(): Promise<SinkReport> {
    if (!this.closed) {
      this.closed = true;
      if (this.lineSpans > 0) this.endLine();
      this.flush();
      this.finish();
    }
    const ok = this.error === undefined;
    return {
      sink: `file ${this.path}`,
      delivered: ok ? this.written : 0,
      undelivered: 0,
      messages: ok ? [] : [`trace file ${this.path} not written: ${this.error}`],
      ok,
    };
  }

  /** For a run that failed before close(): drop the partial output, leave PATH untouched. */
  abort(reason = 'run aborted'): void {
    if (this.closed) return;
    this.closed = true;
    this.fail(new Error(reason));
  }

  private writeSpan(span: ReadableSpan): void {
    if (this.lineSpans === 0) {
      this.push(linePrefixJson(span, this.json));
      this.push(scopeOpenJson(span));
      this.lineScope = span.instrumentationScope;
    } else {
      // The separator before this span; a scope change closes the current scopeSpans entry.
      this.push(span.instrumentationScope === this.lineScope ? ',' : `${SCOPE_CLOSE_JSON},${scopeOpenJson(span)}`);
      this.lineScope = span.instrumentationScope;
    }
    writeSpanJson(span, (piece) => this.push(piece), this.json);
    this.lineSpans++;
    this.written++;
    if (this.lineSpans >= this.maxSpansPerLine || this.lineChars >= this.maxLineChars) this.endLine();
  }

  private endLine(): void {
    this.push(SCOPE_CLOSE_JSON + LINE_SUFFIX_JSON);
    this.lineSpans = 0;
    this.lineChars = 0;
    this.lineScope = undefined;
  }

  private push(piece: string): void {
    this.lineChars += piece.length;
    this.pending += piece;
    if (this.pending.length >= PENDING_CHARS) this.encodePending();
  }

  /** Moves the pending pieces into the buffer (writing the buffer out first when they might not fit). */
  private encodePending(): void {
    const text = this.pending;
    this.pending = '';
    if (text === '' || this.fd === undefined || this.error !== undefined) return;
    const worstCase = text.length * MAX_UTF8_PER_UNIT;
    if (this.buffered + worstCase > this.buffer.length) {
      this.flush();
      if (worstCase > this.buffer.length) {
        this.writeOut(Buffer.from(text, 'utf8'));
        return;
      }
    }
    this.buffered += this.buffer.write(text, this.buffered, 'utf8');
  }

  /** Writes everything pushed so far to the file. */
  private flush(): void {
    if (this.pending !== '') this.encodePending();
    if (this.buffered === 0) return;
    const bytes = this.buffer.subarray(0, this.buffered);
    this.buffered = 0;
    this.writeOut(bytes);
  }

  private writeOut(bytes: Buffer): void {
    if (this.fd === undefined || this.error !== undefined) return;
    try {
      // writeSync may write less than asked; loop until the whole chunk is on disk.
      for (let offset = 0; offset < bytes.length; ) {
        offset += fs.writeSync(this.fd, bytes, offset, bytes.length - offset);
      }
    } catch (e) {
      this.fail(e);
    }
  }

  private finish(): void {
    try {
      if (this.fd !== undefined) fs.closeSync(this.fd);
      this.fd = undefined;
      if (this.error === undefined) fs.renameSync(this.tempPath, this.path);
    } catch (e) {
      this.fail(e);
    }
  }

  /** Remembers the first failure, stops writing and removes the partial temp file. */
  private fail(e: unknown): void {
    this.error ??= e instanceof Error ? e.message : String(e);
    this.buffered = 0;
    this.pending = '';
    try {
      if (this.fd !== undefined) fs.closeSync(this.fd);
    } catch {
      // Already failing; the original error is the one worth reporting.
    }
    this.fd = undefined;
    try {
      fs.rmSync(this.tempPath, { force: true });
    } catch {
      // Nothing more to do; the report already says the file was not written.
    }
  }
}
