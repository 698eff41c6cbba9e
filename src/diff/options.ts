// The flags of `simtrace diff` as text, into DiffOptions. Bad values are input errors (exit 2) that
// name the flag, like every other input problem in simtrace.
import { parseDurationSeconds } from '../engine/time.js';
import { InputError } from '../scenario/problems.js';
import { DEFAULT_DIFF_OPTIONS, type DiffOptions, type TimeTolerance } from './model.js';

export interface DiffFlags {
  readonly ignore?: readonly string[];
  readonly only?: string;
  readonly real?: boolean;
  readonly match?: string;
  readonly timeTolerance?: readonly string[];
}

function bad(flag: string, expected: string, found: string): never {
  throw new InputError([{ file: flag, path: '', message: `expected ${expected}, found ${JSON.stringify(found)}` }]);
}

/**
 * `--time-tolerance` values, repeatable or comma-separated: a duration (`5ms`, `250us`, `0.01`
 * seconds) and/or a percentage (`10%`). A later value of the same kind replaces an earlier one.
 */
export function parseTolerance(values: readonly string[]): TimeTolerance {
  let { absoluteNs, percent } = DEFAULT_DIFF_OPTIONS.tolerance;
  for (const item of values.flatMap((value) => value.split(','))) {
    const percentMatch = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*%\s*$/.exec(item);
    if (percentMatch) {
      percent = Number(percentMatch[1]);
      continue;
    }
    const seconds = parseDurationSeconds(item);
    if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) bad('--time-tolerance', 'a duration such as 5ms or a percentage such as 10%', item);
    absoluteNs = BigInt(Math.round(seconds * 1e9));
  }
  return { absoluteNs, percent };
}

export function parseDiffOptions(flags: DiffFlags): DiffOptions {
  const { only, match } = flags;
  if (only !== undefined && only !== 'journeys' && only !== 'steps') bad('--only', 'journeys or steps', only);
  if (match !== undefined && match !== 'id' && match !== 'arrival') bad('--match', 'id or arrival', match);
  for (const key of flags.ignore ?? []) if (key.trim() === '') bad('--ignore', 'an attribute key such as step.duration_us', key);
  return {
    ignore: [...(flags.ignore ?? [])],
    ...(only !== undefined ? { only } : {}),
    real: flags.real === true,
    match: match ?? DEFAULT_DIFF_OPTIONS.match,
    tolerance: parseTolerance(flags.timeTolerance ?? []),
  };
}
