// Duration distributions (think times of sessions and closed-loop users):
//
//   think_time: 5s                                        a constant
//   think_time: {dist: uniform, min: 1s, max: 10s}
//   think_time: {dist: exponential, mean: 8s}             memoryless users
//   think_time: {dist: lognormal, mean: 8s, stddev: 6s}   mean/stddev of the durations themselves
//
// Samples are integer ns >= 0.
import { z } from 'zod';
import type { RandomStream } from '../engine/random.js';
import { secondsToNs } from '../engine/time.js';
import { nonNegativeDuration, positiveDuration } from '../scenario/units.js';
import { lognormalParameters } from './distributions.js';
import { exponential, standardNormal } from './variates.js';

const objectForm = z.discriminatedUnion('dist', [
  z.strictObject({ dist: z.literal('constant'), value: nonNegativeDuration }),
  z
    .strictObject({ dist: z.literal('uniform'), min: nonNegativeDuration, max: nonNegativeDuration })
    .refine((v) => v.min <= v.max, { path: ['max'], message: 'expected max >= min' }),
  z.strictObject({ dist: z.literal('exponential'), mean: positiveDuration }),
  z.strictObject({ dist: z.literal('lognormal'), mean: positiveDuration, stddev: nonNegativeDuration }),
]);

/** A duration distribution: a duration (a constant) or `{dist: ...}`; constants normalise to objects. */
export const durationDistribution = z.union([nonNegativeDuration.transform((value) => ({ dist: 'constant' as const, value })), objectForm]);

export type DurationDistribution = z.output<typeof objectForm>;

/** A sampler of durations in integer ns. Constants draw nothing; the others draw once (lognormal twice). */
export function makeDurationSampler(config: DurationDistribution, stream: RandomStream): () => number {
  switch (config.dist) {
    case 'constant': {
      const ns = secondsToNs(config.value);
      return () => ns;
    }
    case 'uniform': {
      const { min, max } = config;
      return () => secondsToNs(min + (max - min) * stream.next());
    }
    case 'exponential': {
      const { mean } = config;
      return () => secondsToNs(mean * exponential(stream));
    }
    case 'lognormal': {
      const { mu, sigma } = lognormalParameters(config.mean, config.stddev);
      return () => secondsToNs(Math.exp(mu + sigma * standardNormal(stream)));
    }
  }
}
