// String(value) for the doubles a trace writes most: virtual times in seconds (timeNs / 1e9), one
// on every journey event. V8's String() of a fractional double runs the general shortest-digits
// algorithm, a visible cost of traced runs (issue 9); for these values the same text comes from
// two small-integer conversions.
//
// Why the text is the same: let ns be an integer with 1e3 <= ns < 1e15 and value === ns / 1e9.
// The exact decimal d of ns / 1e9 has at most 15 significant digits, and parsing d gives the double
// nearest to ns / 1e9, which is `value` (IEEE division is correctly rounded). Any two distinct
// decimals of at most 15 significant digits parse to distinct doubles (DBL_DIG = 15), so no shorter
// decimal parses to `value`: d is the shortest round-trip text, which is what String() writes. For
// values in [1e-6, 1e6) String() uses plain (not exponent) notation, as d does.

const NS_PER_S = 1_000_000_000;
const NANOS_ZEROS = '000000000';

/** Exactly String(value) for a finite number. */
export function numberText(value: number): string {
  const ns = Math.round(value * NS_PER_S);
  if (ns >= 1000 && ns < 1e15 && ns / NS_PER_S === value) {
    const seconds = Math.floor(ns / NS_PER_S);
    const nanos = ns - seconds * NS_PER_S;
    if (nanos === 0) return String(seconds);
    // The fraction's digits without trailing zeros: drop them from the integer, then left-pad.
    let fraction = nanos;
    let width = 9;
    while (fraction % 10 === 0) {
      fraction /= 10;
      width--;
    }
    const digits = String(fraction);
    return `${seconds}.${digits.length === width ? digits : NANOS_ZEROS.slice(0, width - digits.length) + digits}`;
  }
  return String(value);
}
