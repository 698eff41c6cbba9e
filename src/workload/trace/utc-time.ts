// Trace timestamps as exact integer nanoseconds. Epoch nanoseconds (~1.7e18) exceed 2^53, so a
// time is kept as whole epoch seconds plus nanoseconds, and a reader turns it into ns relative to a
// reference second (the first row's): exact for any realistic trace span (2^53 ns is 104 days).
// Datetimes are read as UTC explicitly, with our own parser: Date.parse would read a zone-less
// `2023-11-16 18:15:46` in the machine's local time zone and drop digits below the millisecond.

export interface EpochTime {
  readonly seconds: number;
  readonly nanos: number;
}

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9})\d*)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * `2023-11-16 18:15:46.6805900`, `2024-05-10 00:00:00.009930+00:00`, `...T...Z`: a datetime with
 * optional fraction (any precision; beyond 9 digits truncated) and offset (none means UTC).
 * Undefined when the text is not such a datetime or names an impossible date.
 */
export function parseUtcDatetime(text: string): EpochTime | undefined {
  const m = DATETIME.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  if (new Date(ms).getUTCDate() !== day) return undefined; // 2023-02-30 and friends
  let seconds = ms / 1000;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    seconds -= sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2)) * 60);
  }
  return { seconds, nanos: Number((m[7] ?? '').padEnd(9, '0')) };
}

/** Decimal epoch nanoseconds (an OTLP `timeUnixNano` string or number) as an EpochTime. */
export function parseEpochNanos(value: unknown): EpochTime | undefined {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text !== 'string' || !/^\d{1,20}$/.test(text)) return undefined;
  const padded = text.padStart(10, '0');
  return { seconds: Number(padded.slice(0, -9)), nanos: Number(padded.slice(-9)) };
}

/** Turns epoch times into ns relative to the first time it sees (its whole second). */
export class RelativeClock {
  private referenceSeconds: number | undefined;

  ns(time: EpochTime): number {
    this.referenceSeconds ??= time.seconds;
    return (time.seconds - this.referenceSeconds) * 1e9 + time.nanos;
  }
}
