// Zod types for the units scenarios use: durations (seconds, or strings with a unit such as
// `250ms`, `2s`, `1.5m`) and rates (requests per second). Each yields plain numbers in seconds.
import { z } from 'zod';
import { parseDurationSeconds } from '../engine/time.js';
import { describeValue } from './problems.js';

const DURATION_HINT = 'a duration (seconds, or a string such as 250ms, 2s, 1.5m)';

function durationWith(check: (seconds: number) => boolean, what: string) {
  // Any value is taken in and checked here, so that every wrong one (NaN, infinities, booleans,
  // text) gets the same message naming what a duration is.
  return z.unknown().transform((value, ctx) => {
    const seconds = typeof value === 'number' || typeof value === 'string' ? parseDurationSeconds(value) : undefined;
    if (seconds === undefined || !Number.isFinite(seconds)) {
      ctx.addIssue({ code: 'custom', message: `expected ${DURATION_HINT}, found ${describeValue(value)}` });
      return z.NEVER;
    }
    if (!check(seconds)) {
      ctx.addIssue({ code: 'custom', message: `expected ${what}, found ${describeValue(value)}` });
      return z.NEVER;
    }
    return seconds;
  });
}

/** A duration >= 0, in seconds. */
export const nonNegativeDuration = durationWith((s) => s >= 0, `${DURATION_HINT} >= 0`);
/** A duration > 0, in seconds. */
export const positiveDuration = durationWith((s) => s > 0, `${DURATION_HINT} > 0`);
/** A rate in requests per second, > 0 and finite. */
export const positiveRate = z.unknown().transform((value, ctx) => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    ctx.addIssue({ code: 'custom', message: `expected a rate in requests per second (a number > 0), found ${describeValue(value)}` });
    return z.NEVER;
  }
  return value;
});
/** A whole number >= 0. */
export const count = z.number().int().nonnegative();
/** A whole number >= 1. */
export const positiveCount = z.number().int().positive();
/** A probability in [0, 1]. */
export const probability = z.number().min(0).max(1);
