// Virtual time is an integer count of nanoseconds since the start of the run (contract section 3).
// Plain JS numbers hold integers exactly up to 2^53 ns (about 104 days of simulated time).

export const NS_PER_US = 1_000;
export const NS_PER_MS = 1_000_000;
export const NS_PER_S = 1_000_000_000;

/** Seconds (float) to integer nanoseconds, rounded to the nearest nanosecond. */
export function secondsToNs(seconds: number): number {
  return Math.round(seconds * NS_PER_S);
}

/** Integer nanoseconds to float seconds (what vLLM's `ts.monotonic` carries). */
export function nsToSeconds(ns: number): number {
  return ns / NS_PER_S;
}

const DURATION_UNITS: Readonly<Record<string, number>> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

const DURATION_PATTERN = /^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(ns|us|µs|ms|s|m|h)?\s*$/;

/**
 * Parses a duration written as a number of seconds or a string with a unit
 * (`250ms`, `2s`, `1.5m`). Returns seconds, or undefined when the text is not a duration.
 */
export function parseDurationSeconds(value: number | string): number | undefined {
  if (typeof value === 'number') return value;
  const match = DURATION_PATTERN.exec(value);
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = match[2] ?? 's';
  const scale = DURATION_UNITS[unit];
  if (scale === undefined) return undefined;
  return amount * scale;
}
