// Trace replay as a workload source: the scenario's `workload.trace:` keys, and opening a trace
// (format detection, reader choice, the file's own defaults) into a lazy stream of RequestSpecs.
//
//   workload:
//     trace:
//       path: traces/conv.csv         # relative to the scenario file; a measured run's folder also works
//       format: azure                 # azure | mooncake | burstgpt | sharegpt | measured | tracev2 | otlp;
//                                     #   detected from the content when left out
//       start: 0                      # simulated time of the first replayed request
//       skip: 10m                     # trace time to skip from the trace's first request
//       duration: 5m                  # trace time to replay after `skip`
//       limit: 1000                   # at most this many requests
//       time_scale: 0.5               # gaps between arrivals times this (0.5: twice the request rate)
//       rate: 8                       # ignore the file's times: this arrival process (`arrival`, default
//       arrival: poisson              #   poisson) instead; ShareGPT has no times and needs it, or
//                                     #   sends everything at `start` (vllm bench's rate inf)
//       api: {endpoint: chat, stream: true}   # for files that do not record it
//       prefix: {groups: 11, tokens: 100}     # shared system prompts, drawn at random (false: none)
//       max_tokens: 2048              # send this max_tokens; recorded outputs end with EOS
import { resolve } from 'node:path';
import { z } from 'zod';
import { InputError } from '../../scenario/problems.js';
import { nonNegativeDuration, positiveCount, positiveDuration, positiveRate } from '../../scenario/units.js';
import { arrivalProcess } from '../arrivals.js';
import { apiEndpoint } from '../generator.js';
import type { RequestSpec } from '../request-spec.js';
import { azureReader } from './azure.js';
import { burstGptReader } from './burstgpt.js';
import { resolveFormat, TRACE_FORMATS, type TraceFormat } from './detect.js';
import { measuredReader } from './measured.js';
import { mooncakeReader } from './mooncake.js';
import { otlpReader } from './otlp.js';
import { BadRows } from './bad-rows.js';
import { replayRequests, type ReplayOptions } from './replay.js';
import { shareGptReader } from './sharegpt.js';
import type { TraceHints, TraceReader } from './trace-row.js';
import { traceV2Reader } from './tracev2.js';

export const traceSchema = z.strictObject({
  path: z.string().min(1),
  format: z.enum(TRACE_FORMATS).optional(),
  start: nonNegativeDuration.default(0),
  skip: nonNegativeDuration.default(0),
  duration: positiveDuration.optional(),
  limit: positiveCount.optional(),
  time_scale: z.number().positive().default(1),
  rate: positiveRate.optional(),
  arrival: arrivalProcess.default({ process: 'poisson' }),
  api: z.strictObject({ endpoint: apiEndpoint.optional(), stream: z.boolean().optional() }).optional(),
  prefix: z.union([z.literal(false), z.strictObject({ groups: positiveCount, tokens: positiveCount })]).optional(),
  max_tokens: positiveCount.optional(),
  /** Count and report malformed rows instead of stopping at the first (`--skip-bad-rows`). */
  skip_bad_rows: z.boolean().default(false),
});

export type TraceConfig = z.output<typeof traceSchema>;

const READERS: Readonly<Record<TraceFormat, (path: string) => TraceReader>> = {
  azure: azureReader,
  mooncake: mooncakeReader,
  burstgpt: burstGptReader,
  sharegpt: shareGptReader,
  measured: measuredReader,
  tracev2: traceV2Reader,
  otlp: otlpReader,
};

/** The reader for `path` in `format` (cheap: readers stream later; an OTLP scan is reused, see otlp.ts). */
export function traceReader(path: string, format: TraceFormat): TraceReader {
  return READERS[format](path);
}

export interface OpenedTrace {
  /** The trace's path, resolved against the scenario's folder. */
  readonly path: string;
  readonly format: TraceFormat;
  readonly hints: TraceHints;
  /** The replayed requests, in arrival order, lazily; every call starts over. */
  requests(seed: number): Iterable<RequestSpec>;
  /** With skip_bad_rows: the rows the last pass skipped. */
  readonly badRows: BadRows | undefined;
}

/**
 * Opens the trace of `config`, with `path` relative to `baseDir`. Reads only what it must to know
 * the format and the file's defaults (an OTLP file is pre-scanned, see otlp.ts); rows stream later.
 */
export function openTrace(config: TraceConfig, baseDir: string, where = 'workload.trace'): OpenedTrace {
  const path = resolve(baseDir, config.path);
  const format = resolveFormat(path, config.format, `${where}.format`);
  const reader = traceReader(path, format);
  if (!reader.timed && (config.skip > 0 || config.duration !== undefined)) {
    throw new InputError([{ file: path, path: `${where}.skip`, message: `format "${format}" records no arrival times, so skip and duration cannot select a time window; use limit` }]);
  }
  const defaults = reader.defaults ?? {};
  const options: ReplayOptions = {
    file: path,
    start: config.start,
    skip: config.skip,
    duration: config.duration,
    limit: config.limit,
    timeScale: config.time_scale,
    rate: config.rate,
    arrival: config.arrival,
    api: {
      endpoint: config.api?.endpoint ?? defaults.api?.endpoint ?? 'chat',
      stream: config.api?.stream ?? defaults.api?.stream ?? true,
    },
    prefix: config.prefix === false ? undefined : (config.prefix ?? defaults.prefix),
    maxTokens: config.max_tokens,
    badRows: config.skip_bad_rows ? new BadRows() : undefined,
  };
  const requests = (seed: number): Iterable<RequestSpec> => ({ [Symbol.iterator]: () => replayRequests(reader, options, seed) });
  // A trace that yields nothing (a header-only CSV, a window past its end) is a mistake to report,
  // not an empty run to summarise. Only the first request is read to know.
  if (requests(0)[Symbol.iterator]().next().done === true) {
    const windowed = config.skip > 0 || config.duration !== undefined || config.limit !== undefined;
    const message = windowed ? 'no request of the trace falls in the selected window (skip, duration, limit)' : 'the trace holds no requests';
    throw new InputError([{ file: path, path: where, message }]);
  }
  return { path, format, hints: reader.hints, requests, badRows: options.badRows };
}

export { TRACE_FORMATS, FORMAT_DESCRIPTIONS, detectFormat, resolveFormat, type TraceFormat } from './detect.js';
export { BUILT_IN_BASE_NAME, builtInBaseYaml, replayName, traceWorkloadOverride } from './base-scenario.js';
export type { TraceHints, TraceRow } from './trace-row.js';
