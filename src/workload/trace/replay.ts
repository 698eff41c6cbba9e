// From trace rows to RequestSpecs: order, window, timing, lengths and contents, lazily.
//
//   rows (file order) -> reorder window -> origin = first request -> [skip, skip + duration)
//     -> arrival = start + (t - origin - skip) * time_scale   (or a `rate` process) -> limit
//
// Lengths: the request runs to max_tokens = its recorded output length and finishes "length" (so it
// produces exactly what the trace says). When the trace also records max_tokens (OTLP, measured
// runs with ignore_eos), or the scenario sets `max_tokens`, that is max_tokens, and a shorter
// recorded output becomes an EOS at that count. Prompts and outputs of 0 tokens, which vLLM cannot
// serve, replay as 1 token.
import { derivedStream } from '../../engine/random.js';
import { secondsToNs } from '../../engine/time.js';
import type { ArrivalProcess } from '../arrivals.js';
import { makeArrivalTimes } from '../arrivals.js';
import { traceContentKey, traceGroupKey } from '../content-keys.js';
import type { RequestSpec } from '../request-spec.js';
import type { ApiEndpoint } from '../../trace/records.js';
import { reorderByTime } from './reorder.js';
import { tracePrompt } from './trace-content.js';
import type { TraceReader, TraceRow } from './trace-row.js';
import type { BadRows } from './bad-rows.js';

export interface ReplayOptions {
  readonly file: string;
  /** Seconds. */
  readonly start: number;
  readonly skip: number;
  readonly duration: number | undefined;
  readonly limit: number | undefined;
  readonly timeScale: number;
  readonly rate: number | undefined;
  readonly arrival: ArrivalProcess;
  readonly api: { readonly endpoint: ApiEndpoint; readonly stream: boolean };
  /** Shared prefixes drawn at random, for workloads whose files do not say which request had which. */
  readonly prefix: { readonly groups: number; readonly tokens: number } | undefined;
  readonly maxTokens: number | undefined;
  /** Skip and count malformed rows (skip_bad_rows); undefined: the first one stops the run. */
  readonly badRows?: BadRows | undefined;
}

/** Rows inside the [skip, skip + duration) window of trace time, paired with their offset into it (ns). */
function* windowed(rows: Iterable<TraceRow>, o: ReplayOptions, timed: boolean): Generator<[TraceRow, number], void, undefined> {
  if (!timed) {
    for (const row of rows) yield [row, 0];
    return;
  }
  const skipNs = secondsToNs(o.skip);
  const endNs = o.duration === undefined ? Infinity : skipNs + secondsToNs(o.duration);
  let origin: number | undefined;
  for (const row of reorderByTime(rows, o.file)) {
    origin ??= row.timeNs;
    const offset = row.timeNs - origin;
    if (offset < skipNs) continue;
    if (offset >= endNs) return; // sorted: nothing later can fall inside again
    yield [row, offset - skipNs];
  }
}

function lengths(row: TraceRow, maxOverride: number | undefined): { maxTokens: number; outputTokens?: number } {
  const output = Math.max(1, row.outputTokens);
  const max = maxOverride ?? row.maxTokens;
  if (max === undefined) return { maxTokens: output };
  const maxTokens = Math.max(1, max);
  return output < maxTokens ? { maxTokens, outputTokens: output } : { maxTokens };
}

/** The requests of a trace, in arrival order, lazily. Each call replays from the start of the file. */
export function* replayRequests(reader: TraceReader, o: ReplayOptions, seed: number): Generator<RequestSpec, void, undefined> {
  const startNs = secondsToNs(o.start);
  const arrivals = o.rate === undefined ? undefined : makeArrivalTimes(o.arrival, o.rate, o.start, derivedStream(seed, 'trace.arrivals'));
  const prefixStream = derivedStream(seed, 'trace.prefix');
  const groups = new Map<string, number>();
  const limit = o.limit ?? Infinity;
  let index = 0;
  o.badRows?.beginPass();
  for (const [row, offsetNs] of windowed(reader.rows(o.badRows), o, reader.timed)) {
    if (index >= limit) return;
    const arrivalNs = arrivals !== undefined ? arrivals() : startNs + Math.round(offsetNs * o.timeScale);
    const length = Math.max(1, row.promptTokens);
    let prefix: { key: number; tokens: number } | undefined;
    if (row.prefix !== undefined) {
      let group = groups.get(row.prefix.group);
      if (group === undefined) groups.set(row.prefix.group, (group = groups.size));
      prefix = { key: traceGroupKey(group), tokens: row.prefix.tokens };
    } else if (o.prefix !== undefined) {
      const group = Math.min(o.prefix.groups - 1, Math.floor(prefixStream.next() * o.prefix.groups));
      prefix = { key: traceGroupKey(group), tokens: o.prefix.tokens };
    }
    const key = traceContentKey(index++);
    const prompt = tracePrompt({ length, key, ...(row.hashIds !== undefined ? { hashIds: row.hashIds } : {}), ...(prefix !== undefined ? { prefix } : {}) });
    yield {
      ...(row.id !== undefined ? { id: row.id } : {}),
      arrivalNs,
      prompt,
      ...lengths(row, o.maxTokens),
      priority: row.priority ?? 0,
      ...(row.abortAfterNs !== undefined ? { abortAtNs: arrivalNs + row.abortAfterNs } : {}),
      endpoint: row.endpoint ?? o.api.endpoint,
      stream: row.stream ?? o.api.stream,
      contentKey: key,
      privateContent: true,
    };
  }
}
