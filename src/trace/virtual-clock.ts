// Virtual nanoseconds -> OTEL wall-clock times. The SDK is always handed an explicit HrTime
// [seconds, nanos]: a plain number would be read as milliseconds, or as a performance.now() offset
// if small, silently mixing in the real clock.
import type { HrTime } from '@opentelemetry/api';

const NS_PER_S = 1_000_000_000;

/** 2026-01-01T00:00:00Z, the contract's default epoch, in ns. */
export const DEFAULT_EPOCH_NS = 1_767_225_600_000_000_000n;

export class VirtualClock {
  private readonly epochSeconds: number;
  private readonly epochNanos: number;

  constructor(epochNs: bigint | number = DEFAULT_EPOCH_NS) {
    const ns = typeof epochNs === 'bigint' ? epochNs : BigInt(epochNs);
    if (ns < 0n) throw new RangeError(`epoch must not be negative: ${ns}`);
    this.epochSeconds = Number(ns / 1_000_000_000n);
    this.epochNanos = Number(ns % 1_000_000_000n);
  }

  /** Epoch + virtual ns as HrTime; exact for any virtual time below 2^53 ns. */
  toHrTime(virtualNs: number): HrTime {
    if (!Number.isSafeInteger(virtualNs) || virtualNs < 0) {
      throw new RangeError(`virtual time must be a non-negative integer ns, got ${virtualNs}`);
    }
    const total = this.epochNanos + virtualNs;
    const carry = Math.floor(total / NS_PER_S);
    return [this.epochSeconds + carry, total - carry * NS_PER_S];
  }
}

/**
 * The decimal text of the last seconds value seen. Every span and event time is written this way, and
 * consecutive times nearly always share their seconds, whose String() is a slow double-to-text
 * conversion (epoch seconds exceed V8's small-integer range).
 */
let lastSeconds = -1;
let lastSecondsText = '';

const NANOS_ZEROS = '000000000';

/** HrTime as a decimal ns string (OTLP/JSON's uint64 form), without BigInt or float rounding. */
export function hrTimeToDecimal(time: HrTime): string {
  const [seconds, nanos] = time;
  if (seconds === 0) return String(nanos);
  if (seconds !== lastSeconds) {
    lastSecondsText = String(seconds);
    lastSeconds = seconds;
  }
  const digits = String(nanos);
  return lastSecondsText + (digits.length === 9 ? digits : NANOS_ZEROS.slice(digits.length) + digits);
}

/** Orders two HrTimes (both normalised: 0 <= nanos < 1e9). */
export function compareHrTime(a: HrTime, b: HrTime): number {
  return a[0] !== b[0] ? a[0] - b[0] : a[1] - b[1];
}
