// Length distributions for generated requests (prompt, max and output token counts).
//
//   prompt_tokens: 512                                         a constant
//   prompt_tokens: {dist: uniform, min: 100, max: 900}          integers, both ends included
//   prompt_tokens: {dist: normal, mean: 500, stddev: 100, min: 50, max: 2000}
//   prompt_tokens: {dist: lognormal, mean: 500, stddev: 300}    mean/stddev of the lengths themselves
//   prompt_tokens: {dist: empirical, values: [128, 512, 2048], weights: [5, 3, 1]}
//
// Every sample is an integer >= 1: continuous draws are rounded to the nearest integer, then clamped
// (never resampled) to [max(1, min), max].
import { z } from 'zod';
import type { RandomStream } from '../engine/random.js';
import { positiveCount } from '../scenario/units.js';
import { makeWeightedPicker, standardNormal } from './variates.js';

/** Checks that optional `weights` match `values` in length and have a positive sum. */
export function checkWeights(
  value: { readonly values: readonly unknown[]; readonly weights?: readonly number[] | undefined },
  ctx: z.core.$RefinementCtx,
): void {
  const { weights } = value;
  if (weights === undefined) return;
  if (weights.length !== value.values.length) {
    ctx.addIssue({
      code: 'custom',
      path: ['weights'],
      message: `expected one weight per value (${value.values.length}), found ${weights.length}`,
    });
  } else if (!(weights.reduce((sum, w) => sum + w, 0) > 0)) {
    ctx.addIssue({ code: 'custom', path: ['weights'], message: 'expected weights with a sum > 0' });
  }
}

/** A weight: finite and >= 0 (zod 4 numbers are finite). */
export const weight = z.number().nonnegative();

function checkBounds(
  value: { readonly min?: number | undefined; readonly max?: number | undefined },
  ctx: z.core.$RefinementCtx,
): void {
  if (value.max !== undefined && Math.max(1, value.min ?? 1) > value.max) {
    ctx.addIssue({ code: 'custom', path: ['max'], message: `expected max >= max(1, min), found ${value.max}` });
  }
}

const constantDist = z.strictObject({ dist: z.literal('constant'), value: positiveCount });

const uniformDist = z
  .strictObject({ dist: z.literal('uniform'), min: positiveCount, max: positiveCount })
  .refine((v) => v.min <= v.max, { path: ['max'], message: 'expected max >= min' });

const continuousFields = {
  mean: z.number().positive(),
  stddev: z.number().nonnegative(),
  /** Samples below max(1, min) are raised to it. */
  min: z.number().int().optional(),
  /** Samples above max are lowered to it. */
  max: positiveCount.optional(),
};

const normalDist = z.strictObject({ dist: z.literal('normal'), ...continuousFields }).superRefine(checkBounds);

const lognormalDist = z.strictObject({ dist: z.literal('lognormal'), ...continuousFields }).superRefine(checkBounds);

const empiricalDist = z
  .strictObject({
    dist: z.literal('empirical'),
    values: z.array(positiveCount).min(1),
    weights: z.array(weight).optional(),
  })
  .superRefine(checkWeights);

/** A length distribution: a positive integer (a constant) or `{dist: ...}`. */
export const lengthDistribution = z.union([
  positiveCount,
  z.discriminatedUnion('dist', [constantDist, uniformDist, normalDist, lognormalDist, empiricalDist]),
]);

export type LengthDistribution = z.output<typeof lengthDistribution>;

/** Round, then clamp into [lo, hi]. */
function clampRound(x: number, lo: number, hi: number): number {
  const r = Math.round(x);
  // NaN cannot occur (finite parameters), but would fall through to `lo` here rather than escape.
  if (!(r >= lo)) return lo;
  return r > hi ? hi : r;
}

/**
 * The lognormal's (mu, sigma) whose resulting distribution has the given mean and stddev:
 * sigma^2 = ln(1 + (stddev/mean)^2), mu = ln(mean) - sigma^2 / 2.
 */
export function lognormalParameters(mean: number, stddev: number): { mu: number; sigma: number } {
  const sigma2 = Math.log1p((stddev / mean) ** 2);
  return { mu: Math.log(mean) - sigma2 / 2, sigma: Math.sqrt(sigma2) };
}

/**
 * A sampler of integer lengths >= 1 drawing from `stream`. Constants draw nothing; uniform and
 * empirical draw once per sample; normal and lognormal draw twice (Box-Muller).
 */
export function makeLengthSampler(config: LengthDistribution, stream: RandomStream): () => number {
  if (typeof config === 'number') return () => config;
  switch (config.dist) {
    case 'constant': {
      const { value } = config;
      return () => value;
    }
    case 'uniform': {
      const { min } = config;
      const span = config.max - min + 1;
      return () => min + Math.min(span - 1, Math.floor(stream.next() * span));
    }
    case 'normal': {
      const { mean, stddev } = config;
      const lo = Math.max(1, config.min ?? 1);
      const hi = config.max ?? Number.MAX_SAFE_INTEGER;
      return () => clampRound(mean + stddev * standardNormal(stream), lo, hi);
    }
    case 'lognormal': {
      const { mu, sigma } = lognormalParameters(config.mean, config.stddev);
      const lo = Math.max(1, config.min ?? 1);
      const hi = config.max ?? Number.MAX_SAFE_INTEGER;
      return () => clampRound(Math.exp(mu + sigma * standardNormal(stream)), lo, hi);
    }
    case 'empirical':
      return makeWeightedPicker(config.values, config.weights, stream);
  }
}
