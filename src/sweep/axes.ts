// `--vary KEY=VALUES`: the axes of a sweep and their cartesian product. VALUES is a comma list of
// YAML scalars (`64,128,256`, `fcfs,priority`) or a range `start:stop:step` that includes stop when
// it lands exactly on a step. Ranges are computed on scaled integers, so `0.1:0.3:0.1` gives
// exactly 0.1, 0.2, 0.3 (repeated float addition would give 0.30000000000000004 and miss the end).
import { parse as parseYaml } from 'yaml';
import { InputError } from '../scenario/problems.js';

export type AxisValue = string | number | boolean | null;

export interface Axis {
  /** Dotted scenario path, as `--set` takes it. */
  readonly key: string;
  readonly values: readonly AxisValue[];
}

/** One point of the product: its index and the value of every axis, in axis order. */
export interface SweepPoint {
  readonly index: number;
  readonly values: Readonly<Record<string, AxisValue>>;
}

/** A range may not expand to more values than this: a typo such as 1:1000000:1 fails fast. */
const MAX_RANGE_VALUES = 100_000;
const RANGE = /^\s*([^:]+):([^:]+):([^:]+)\s*$/;
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** A decimal literal as an integer mantissa and a power-of-ten exponent: 2.5e-3 -> 25, -4. */
function decimalParts(text: string): { mantissa: bigint; exponent: number } | undefined {
  const m = DECIMAL.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const fraction = m[3] ?? '';
  const digits = `${m[2]}${fraction}`.replace(/^0+(?=\d)/, '');
  const mantissa = BigInt(`${m[1]}${digits === '' ? '0' : digits}`);
  return { mantissa, exponent: Number(m[4] ?? '0') - fraction.length };
}

function rangeError(flag: string, message: string): InputError {
  return new InputError([{ file: `--vary ${flag}`, path: '', message }]);
}

/** `start:stop:step` on integers scaled by a common power of ten. */
function expandRange(flag: string, startText: string, stopText: string, stepText: string): number[] {
  const parts = [startText, stopText, stepText].map(decimalParts);
  const [start, stop, step] = parts;
  if (start === undefined || stop === undefined || step === undefined) {
    throw rangeError(flag, `expected a range start:stop:step of numbers, found ${JSON.stringify(`${startText}:${stopText}:${stepText}`)}`);
  }
  const exponent = Math.min(start.exponent, stop.exponent, step.exponent);
  const scaled = (p: { mantissa: bigint; exponent: number }) => p.mantissa * 10n ** BigInt(p.exponent - exponent);
  const [s, e, d] = [scaled(start), scaled(stop), scaled(step)];
  if (d <= 0n) throw rangeError(flag, `expected a step > 0, found ${stepText.trim()}`);
  if (e < s) throw rangeError(flag, `expected stop >= start, found ${startText.trim()}:${stopText.trim()}`);
  const count = (e - s) / d + 1n;
  if (count > BigInt(MAX_RANGE_VALUES)) throw rangeError(flag, `the range has ${count} values; at most ${MAX_RANGE_VALUES} are allowed`);
  // Each value is one correctly rounded conversion of an exact decimal: the nearest double to it,
  // the same double that parsing its decimal text gives.
  const scale = 10 ** Math.abs(exponent);
  const values: number[] = [];
  for (let i = 0n; i < count; i++) {
    const k = Number(s + i * d);
    values.push(exponent >= 0 ? k * scale : k / scale);
  }
  return values;
}

function scalar(text: string): AxisValue {
  try {
    const value: unknown = parseYaml(text);
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return value as AxisValue;
  } catch {
    // Not YAML: keep the text, as --set does.
  }
  return text.trim();
}

/** Parses one `--vary KEY=VALUES` flag. */
export function parseAxis(flag: string): Axis {
  const eq = flag.indexOf('=');
  const key = eq > 0 ? flag.slice(0, eq).trim() : '';
  if (key === '' || /(^\.|\.\.|\.$|\s)/.test(key)) {
    throw rangeError(flag, 'expected KEY=VALUES with a dotted key, such as engine.max_num_seqs=64,128 or workload.rate=2:20:2');
  }
  const text = flag.slice(eq + 1);
  const range = RANGE.exec(text);
  const items = text.split(',');
  if (!range && items.some((item) => item.trim() === '')) throw rangeError(flag, 'expected a value between every pair of commas');
  const values: AxisValue[] = range ? expandRange(flag, range[1]!, range[2]!, range[3]!) : items.map(scalar);
  const seen = new Set(values.map((v) => JSON.stringify(v)));
  if (seen.size !== values.length) throw rangeError(flag, 'a value is listed twice');
  return { key, values };
}

export function parseAxes(flags: readonly string[]): Axis[] {
  const axes = flags.map(parseAxis);
  const keys = new Set<string>();
  for (const axis of axes) {
    if (keys.has(axis.key)) throw rangeError(axis.key, `${axis.key} is varied twice; give all its values in one --vary`);
    keys.add(axis.key);
  }
  return axes;
}

/** Number of points in the product (1 with no axes: the scenario as it is). */
export function pointCount(axes: readonly Axis[]): number {
  return axes.reduce((n, axis) => n * axis.values.length, 1);
}

/**
 * Point `index` of the product, with the first axis varying slowest (as nested loops written in
 * flag order would visit them), so a point's index never depends on how the sweep is split up.
 */
export function pointAt(axes: readonly Axis[], index: number): SweepPoint {
  const values: Record<string, AxisValue> = {};
  let rest = index;
  for (let a = axes.length - 1; a >= 0; a--) {
    const axis = axes[a]!;
    values[axis.key] = axis.values[rest % axis.values.length]!;
    rest = Math.floor(rest / axis.values.length);
  }
  const ordered: Record<string, AxisValue> = {};
  for (const axis of axes) ordered[axis.key] = values[axis.key]!;
  return { index, values: ordered };
}

export function allPoints(axes: readonly Axis[]): SweepPoint[] {
  return Array.from({ length: pointCount(axes) }, (_, i) => pointAt(axes, i));
}

/** The `--set` flags that apply a point (values written as YAML, so strings stay strings). */
export function pointOverrides(point: SweepPoint): string[] {
  return Object.entries(point.values).map(([key, value]) => `${key}=${typeof value === 'string' ? JSON.stringify(value) : String(value)}`);
}

/** `engine.max_num_seqs=64, workload.rate=2`: how messages and tables name a point. */
export function describePoint(point: SweepPoint): string {
  const parts = Object.entries(point.values).map(([key, value]) => `${key}=${String(value)}`);
  return parts.length > 0 ? parts.join(', ') : 'the scenario as written';
}
