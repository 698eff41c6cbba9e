// Zod types for the units scenarios use: durations (seconds, or strings with a unit such as
// `250ms`, `2s`, `1.5m`) and rates (requests per second). Each yields plain numbers in seconds.
import { z } from 'zod';
import { parseDurationSeconds } from '../engine/time.js';

const DURATION_HINT = 'a duration (seconds, or a string such as 250ms, 2s, 1.5m)';

function durationWith(check: (seconds: number) => boolean, what: string) {
  return z.union([z.number(), z.string()]).transform((value, ctx) => {
    const seconds = parseDurationSeconds(value);
    if (seconds === undefined || !Number.isFinite(seconds)) {
      ctx.addIssue({ code: 'custom', message: `expected ${DURATION_HINT}, found ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    if (!check(seconds)) {
      ctx.addIssue({ code: 'custom', message: `expected ${what}, found ${JSON.stringify(value)}` });
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
export const positiveRate = z
  .number({ message: 'expected a rate in requests per second (a number > 0)' })
  .refine((v) => Number.isFinite(v) && v > 0, { message: 'expected a rate in requests per second (a number > 0)' });
/** A whole number >= 0. */
export const count = z.number().int().nonnegative();
/** A whole number >= 1. */
export const positiveCount = z.number().int().positive();
/** A probability in [0, 1]. */
export const probability = z.number().min(0).max(1);
