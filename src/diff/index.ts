// `simtrace diff`: a semantic comparison of two OTLP trace files. Read (read.ts, decode.ts), index
// what each span is (normalise.ts), pair spans (match.ts), compare (compare.ts, compare-events.ts,
// values.ts), report (report.ts).
import { compareTraces } from './compare.js';
import type { DiffOptions, DiffResult } from './model.js';
import { readTraceFile } from './read.js';

export { compareTraces } from './compare.js';
export { DEFAULT_DIFF_OPTIONS, type DiffOptions, type DiffResult, type Difference, type TraceFile } from './model.js';
export { parseDiffOptions, type DiffFlags } from './options.js';
export { parseTraceText, readTraceFile } from './read.js';
export { describeDifference, formatJsonReport, formatTextReport } from './report.js';

/** Reads both files (InputError if either is unreadable) and compares them. */
export function diffTraceFiles(expectedPath: string, actualPath: string, options: DiffOptions): DiffResult {
  return compareTraces(readTraceFile(expectedPath), readTraceFile(actualPath), options);
}
