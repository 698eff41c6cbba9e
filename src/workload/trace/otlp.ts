// Requests recovered from vLLM journey tracing exported as OTLP JSON lines (a real vLLM with the
// tracing fork behind a Collector file exporter, or simtrace's own --trace-out).
//
//   llm_request (vllm.api):   api.ARRIVED (arrival; else the span start), gen_ai.usage.prompt_tokens,
//                             gen_ai.request.max_tokens, gen_ai.usage.completion_tokens, http.route,
//                             gen_ai.request.id, api.FIRST_RESPONSE_FROM_CORE, api.DEPARTED, api.ABORTED
//   llm_core (vllm.scheduler): journey.QUEUED prefill.total_tokens / decode.max_tokens,
//                             journey.FIRST_TOKEN, journey.FINISHED decode.done_tokens / finish.status
//   scheduler_steps_<n>:      step.BATCH_SUMMARY kv.blocks_total_gpu (= num_gpu_blocks - 1): a hint
//
// The two spans of a request share a trace id. Spans are written in the order they END, and a
// request's arrival can precede that of requests that ended long before it, so no bounded window
// can restore arrival order. This reader therefore pre-scans the file once (line by line: memory
// never holds the file) and keeps one small record per request (~200 bytes), then yields them
// sorted by arrival. Step spans, by far the bulk of such files, are read past and not kept.
import { statSync } from 'node:fs';
import { readLines } from './file-chunks.js';
import { numberAttribute, spansOf, type AttributeValue, type OtlpSpan } from './otlp-spans.js';
import { definedOnly, parseJsonObject, rowError, type TraceHints, type TraceReader, type TraceRow } from './trace-row.js';
import { RelativeClock, type EpochTime } from './utc-time.js';

/** One request as its spans describe it; times in ns relative to the file's first timestamp. */
export interface OtlpRequest {
  readonly line: number;
  id?: string;
  endpoint?: 'chat' | 'completions';
  arrivalNs?: number;
  queuedNs?: number;
  promptTokens?: number;
  maxTokens?: number;
  outputTokens?: number;
  finishStatus?: string;
  priority?: number;
  firstResponseNs?: number;
  firstTokenNs?: number;
  departedNs?: number;
  abortedNs?: number;
  endNs?: number;
}

const PRIORITY_KEYS = ['gen_ai.request.priority', 'request.priority', 'priority'];

function stripIdPrefix(id: string): string {
  return id.replace(/^(chatcmpl|cmpl)-/, '');
}

function priorityOf(attributes: ReadonlyMap<string, AttributeValue>): number | undefined {
  for (const key of PRIORITY_KEYS) {
    const value = numberAttribute(attributes, key);
    if (value !== undefined && Number.isSafeInteger(value)) return value;
  }
  return undefined;
}

function absorbRequestSpan(r: OtlpRequest, span: OtlpSpan, ns: (t: EpochTime | undefined) => number | undefined): void {
  const a = span.attributes;
  const id = a.get('gen_ai.request.id');
  if (typeof id === 'string') r.id = stripIdPrefix(id);
  const route = a.get('http.route');
  if (typeof route === 'string') r.endpoint = route.includes('chat') ? 'chat' : 'completions';
  Object.assign(
    r,
    definedOnly({
      arrivalNs: ns(span.start),
      endNs: ns(span.end),
      promptTokens: r.promptTokens ?? numberAttribute(a, 'gen_ai.usage.prompt_tokens'),
      maxTokens: r.maxTokens ?? numberAttribute(a, 'gen_ai.request.max_tokens'),
      outputTokens: r.outputTokens ?? numberAttribute(a, 'gen_ai.usage.completion_tokens'),
      priority: r.priority ?? priorityOf(a),
    }),
  );
  for (const event of span.events) {
    const t = ns(event.time);
    if (event.name === 'api.ARRIVED' && t !== undefined) r.arrivalNs = t;
    else if (event.name === 'api.FIRST_RESPONSE_FROM_CORE') r.firstResponseNs = t;
    else if (event.name === 'api.DEPARTED') r.departedNs = t;
    else if (event.name === 'api.ABORTED') r.abortedNs = t;
  }
}

function absorbCoreSpan(r: OtlpRequest, span: OtlpSpan, ns: (t: EpochTime | undefined) => number | undefined): void {
  r.priority ??= priorityOf(span.attributes);
  for (const event of span.events) {
    const a = event.attributes;
    if (event.name === 'journey.QUEUED') {
      r.queuedNs ??= ns(event.time);
      // The engine's counts win over the API's: they are what the scheduler actually ran.
      r.promptTokens = numberAttribute(a, 'prefill.total_tokens') ?? r.promptTokens;
      r.maxTokens = numberAttribute(a, 'decode.max_tokens') ?? r.maxTokens;
      r.priority ??= priorityOf(a);
    } else if (event.name === 'journey.FIRST_TOKEN') r.firstTokenNs ??= ns(event.time);
    else if (event.name === 'journey.FINISHED') {
      r.outputTokens = numberAttribute(a, 'decode.done_tokens') ?? r.outputTokens;
      const status = a.get('finish.status');
      if (typeof status === 'string') r.finishStatus = status;
    }
  }
}

export interface OtlpScan {
  /** Requests in arrival order (ties in the order the file first mentions them). */
  readonly requests: readonly OtlpRequest[];
  readonly hints: TraceHints;
}

/** The last scan, reused while its file is unchanged (`compare --otlp` reads the file as replay and as observations). */
let lastScan: { key: string; scan: OtlpScan } | undefined;

/** Reads the whole file once, keeping one record per request. */
export function scanOtlp(file: string): OtlpScan {
  const stat = statSync(file, { throwIfNoEntry: false });
  const key = `${file}\u0000${stat?.size}\u0000${stat?.mtimeMs}`;
  if (lastScan?.key !== key) lastScan = { key, scan: scanFile(file) };
  return lastScan.scan;
}

function scanFile(file: string): OtlpScan {
  const byTrace = new Map<string, OtlpRequest>();
  const clock = new RelativeClock();
  const ns = (t: EpochTime | undefined) => (t === undefined ? undefined : clock.ns(t));
  let modelName: string | undefined;
  let totalBlocks: number | undefined;
  for (const { text, line } of readLines(file)) {
    if (text.trim() === '') continue;
    const at = { file, line };
    for (const span of spansOf(at, parseJsonObject(at, text, 'an OTLP ExportTraceServiceRequest'))) {
      if (span.name === 'llm_request' || span.name === 'llm_core') {
        let r = byTrace.get(span.traceId);
        if (r === undefined) byTrace.set(span.traceId, (r = { line }));
        if (span.name === 'llm_request') {
          absorbRequestSpan(r, span, ns);
          const model = span.attributes.get('gen_ai.response.model');
          if (typeof model === 'string') modelName ??= model;
        } else absorbCoreSpan(r, span, ns);
      } else if (totalBlocks === undefined && span.name.startsWith('scheduler_steps_')) {
        const summary = span.events.find((e) => e.name === 'step.BATCH_SUMMARY');
        if (summary !== undefined) totalBlocks = numberAttribute(summary.attributes, 'kv.blocks_total_gpu');
      }
    }
  }
  const requests = [...byTrace.values()];
  for (const r of requests) {
    r.arrivalNs ??= r.queuedNs;
    if (r.arrivalNs === undefined) throw rowError({ file, line: r.line }, 'api.ARRIVED', 'expected a request span with a start time or an api.ARRIVED event');
  }
  // Array.prototype.sort is stable: equal arrivals keep first-mention order.
  requests.sort((x, y) => x.arrivalNs! - y.arrivalNs!);
  const engine = definedOnly({ num_gpu_blocks: totalBlocks === undefined ? undefined : totalBlocks + 1 });
  return { requests, hints: { ...definedOnly({ modelName }), engine, notes: [] } };
}

function toRow(file: string, r: OtlpRequest): TraceRow {
  const at = { file, line: r.line };
  if (r.promptTokens === undefined) throw rowError(at, 'gen_ai.usage.prompt_tokens', 'expected the prompt length (gen_ai.usage.prompt_tokens or journey prefill.total_tokens), found nothing');
  const aborted = r.abortedNs !== undefined || r.finishStatus === 'aborted';
  const maxTokens = r.maxTokens ?? r.outputTokens ?? 1;
  return {
    line: r.line,
    timeNs: r.arrivalNs!,
    promptTokens: r.promptTokens,
    // A request that stopped on EOS replays with EOS at the same count; others run to max_tokens (or abort).
    outputTokens: r.finishStatus === 'stopped' || (!aborted && r.finishStatus === undefined) ? (r.outputTokens ?? maxTokens) : maxTokens,
    maxTokens,
    ...definedOnly({ id: r.id, endpoint: r.endpoint, priority: r.priority }),
    ...(r.abortedNs !== undefined ? { abortAfterNs: Math.max(0, r.abortedNs - r.arrivalNs!) } : {}),
  };
}

export function otlpReader(file: string): TraceReader {
  const scan = scanOtlp(file);
  const rows = function* (): Generator<TraceRow, void, undefined> {
    for (const r of scan.requests) yield toRow(file, r);
  };
  return { rows, timed: true, hints: scan.hints };
}
