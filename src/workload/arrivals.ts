// Arrival processes for generated workloads, at a mean rate of `rate` requests per second:
//
//   arrival: poisson                     exponential gaps (the default)
//   arrival: constant                    one request every 1/rate s
//   arrival: {process: gamma, cv: 2}     gamma gaps with mean 1/rate and coefficient of variation cv
//                                        (cv > 1 burstier than poisson, cv < 1 more regular)
//   arrival: {process: burst, size: 8}   groups of `size` requests at the same instant, size/rate apart
//
// Times accumulate as float seconds and each is rounded to integer ns on its own, so rounding never
// accumulates: the i-th constant arrival is exactly secondsToNs(start + i / rate).
//
//   constant/burst: first arrival at `start`        |x    x    x    x ...
//   poisson/gamma:  first arrival one gap after it  |  x  x x     x ...  (a renewal process from start)
import { z } from 'zod';
import type { RandomStream } from '../engine/random.js';
import { secondsToNs } from '../engine/time.js';
import { positiveCount } from '../scenario/units.js';
import { exponential, gammaVariate } from './variates.js';

const processObject = z.discriminatedUnion('process', [
  z.strictObject({ process: z.literal('poisson') }),
  z.strictObject({ process: z.literal('constant') }),
  z.strictObject({ process: z.literal('gamma'), cv: z.number().positive() }),
  z.strictObject({ process: z.literal('burst'), size: positiveCount }),
]);

/** An arrival process: `poisson` | `constant` | `{process: ...}`; strings normalise to objects. */
export const arrivalProcess = z.union([
  z.enum(['poisson', 'constant']).transform((process) => ({ process })),
  processObject,
]);

export type ArrivalProcess = z.output<typeof processObject>;

/**
 * Successive arrival times in integer ns (non-decreasing, unbounded) for a process at mean `rate`
 * req/s starting at `startSeconds`. Poisson draws one value per arrival, gamma a data-dependent
 * number (rejection sampling), constant and burst none.
 */
export function makeArrivalTimes(
  process: ArrivalProcess,
  rate: number,
  startSeconds: number,
  stream: RandomStream,
): () => number {
  if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError(`arrival rate must be > 0, found ${rate}`);
  switch (process.process) {
    case 'constant': {
      let i = 0;
      return () => secondsToNs(startSeconds + i++ / rate);
    }
    case 'burst': {
      const { size } = process;
      const spacing = size / rate;
      let i = 0;
      return () => secondsToNs(startSeconds + Math.floor(i++ / size) * spacing);
    }
    case 'poisson': {
      const mean = 1 / rate;
      let t = startSeconds;
      return () => secondsToNs((t += mean * exponential(stream)));
    }
    case 'gamma': {
      // shape k = 1/cv^2 and scale theta = mean/k give mean k*theta = 1/rate and cv 1/sqrt(k) = cv.
      const shape = 1 / (process.cv * process.cv);
      const scale = 1 / (rate * shape);
      let t = startSeconds;
      return () => secondsToNs((t += scale * gammaVariate(shape, stream)));
    }
  }
}
