// The highest arrival rate that meets the SLOs, found with few simulations and with care for noise.
// Latency near saturation is noisy and not monotone in the rate: one unlucky burst can fail a rate
// below one that passed. So the search has three stages, and every probe is kept for the output:
//
//   bracket  from the start rate, double while it passes (or halve while it fails) until a passing
//            rate lo and a failing rate hi = 2·lo are known;
//   bisect   halve [lo, hi] until (hi - lo) <= rel_tol · lo; lo is the candidate;
//   verify   re-check `verify` rates evenly spaced down to `verify_span` below lo. If one fails, the
//            curve is not monotone there: that rate becomes the new hi, a passing rate below it is
//            found by halving, and the search bisects again (at most `max_rounds` times).
//
// The answer is a rate that passed, with the rates just below it passing too; when the rounds run
// out it is returned unverified and says so. Probes are memoised by rate: no rate is simulated twice.

export interface SearchOptions {
  readonly start: number;
  readonly min: number;
  readonly max: number;
  readonly relTol: number;
  readonly verify: number;
  readonly verifySpan: number;
  readonly maxRounds: number;
}

export const DEFAULT_SEARCH: Omit<SearchOptions, 'start'> = { min: 0.01, max: 10_000, relTol: 0.02, verify: 2, verifySpan: 0.1, maxRounds: 3 };

export type SearchStage = 'bracket' | 'bisect' | 'verify';

export interface ProbeRecord<P> {
  readonly rate: number;
  readonly stage: SearchStage;
  readonly pass: boolean;
  readonly result: P;
}

export interface SearchResult<P> {
  /** The highest rate found to pass; null when even `min` fails. */
  readonly maxRate: number | null;
  /** found: lo < max_rate < hi bracketed; at_max: `max` passes; below_min: `min` fails. */
  readonly bound: 'found' | 'at_max' | 'below_min';
  /** The rates just below maxRate passed as well (false when the rounds ran out). */
  readonly verified: boolean;
  /** Rates that failed below a rate that passed: where the curve is not monotone. */
  readonly nonMonotone: readonly number[];
  readonly probes: readonly ProbeRecord<P>[];
}

export async function searchMaxRate<P extends { readonly pass: boolean }>(probe: (rate: number) => Promise<P>, options: SearchOptions): Promise<SearchResult<P>> {
  const probes: ProbeRecord<P>[] = [];
  const seen = new Map<number, boolean>();
  const nonMonotone: number[] = [];
  const passes = async (rate: number, stage: SearchStage): Promise<boolean> => {
    const known = seen.get(rate);
    if (known !== undefined) return known;
    const result = await probe(rate);
    seen.set(rate, result.pass);
    probes.push({ rate, stage, pass: result.pass, result });
    return result.pass;
  };
  const done = (maxRate: number | null, bound: SearchResult<P>['bound'], verified: boolean): SearchResult<P> => ({ maxRate, bound, verified, nonMonotone, probes });

  // Halving down from a failing rate: a passing rate and the lowest failing one above it
  // (undefined when even `min` fails).
  const bracketBelow = async (failing: number, stage: SearchStage): Promise<{ lo: number; hi: number } | undefined> => {
    let hi = failing;
    while (hi > options.min) {
      const rate = Math.max(hi / 2, options.min);
      if (await passes(rate, stage)) return { lo: rate, hi };
      hi = rate;
    }
    return undefined;
  };

  let lo: number;
  let hi: number;
  const start = Math.min(Math.max(options.start, options.min), options.max);
  if (await passes(start, 'bracket')) {
    lo = start;
    for (;;) {
      if (lo >= options.max) return done(lo, 'at_max', true);
      const next = Math.min(lo * 2, options.max);
      if (!(await passes(next, 'bracket'))) {
        hi = next;
        break;
      }
      lo = next;
    }
  } else {
    const found = await bracketBelow(start, 'bracket');
    if (found === undefined) return done(null, 'below_min', true);
    ({ lo, hi } = found);
  }

  for (let round = 1; ; round++) {
    while (hi - lo > options.relTol * lo) {
      const mid = (lo + hi) / 2;
      if (await passes(mid, 'bisect')) lo = mid;
      else hi = mid;
    }
    let failed: number | undefined;
    for (let i = 1; i <= options.verify && failed === undefined; i++) {
      const rate = lo * (1 - (options.verifySpan * i) / options.verify);
      if (!(await passes(rate, 'verify'))) failed = rate;
    }
    if (failed === undefined) return done(lo, 'found', true);
    nonMonotone.push(failed);
    if (round >= options.maxRounds) return done(lo, 'found', false);
    const below = await bracketBelow(failed, 'verify');
    if (below === undefined) return done(null, 'below_min', false);
    ({ lo, hi } = below);
  }
}

/** How the search went, in words, for the output (the issue asks to say how it searched). */
export function describeSearch(options: SearchOptions, seeds: number): string {
  const pct = (x: number) => `${Number((x * 100).toPrecision(6))} %`;
  return (
    `exponential bracketing from ${options.start} req/s (doubling while the SLOs are met, halving while not, within ${options.min}..${options.max}), ` +
    `bisection until the bracket is within ${pct(options.relTol)} of its lower end, ` +
    `then ${options.verify} re-check${options.verify === 1 ? '' : 's'} of rates up to ${pct(options.verifySpan)} below the result ` +
    `(a failure there means latency is not monotone in the rate: the search continues below it, at most ${options.maxRounds} rounds); ` +
    `a rate meets the SLOs when ${seeds > 1 ? `the mean over ${seeds} seeds of` : ''}${seeds > 1 ? ' ' : ''}every SLO metric meets its bound`
  );
}
