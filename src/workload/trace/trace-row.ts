// What every trace reader yields: one row per request, as the file records it, before replay options
// (skip, time scale, start, limit) and content synthesis turn it into a RequestSpec. Also the
// field checks the readers share, which say where a bad value is and what was expected.
import { InputError } from '../../scenario/problems.js';
import { describeValue } from '../../scenario/problems.js';
import type { ApiEndpoint } from '../../trace/records.js';
import type { BadRows } from './bad-rows.js';

export interface TraceRow {
  /** 1-based line of the row in its file (for messages). */
  readonly line: number;
  /**
   * Trace time in integer ns from any reference the reader likes (only differences matter: the
   * replay puts the first request at time 0). NaN when the format records no times.
   */
  readonly timeNs: number;
  readonly promptTokens: number;
  /** How many tokens the request generated (or, with `maxTokens`, generated before it stopped). */
  readonly outputTokens: number;
  /** The request's max_tokens when the trace records it beside the output length. */
  readonly maxTokens?: number;
  readonly id?: string;
  readonly priority?: number;
  readonly endpoint?: ApiEndpoint;
  readonly stream?: boolean;
  /** The client gave up this long after sending (a recorded abort or deadline), ns. */
  readonly abortAfterNs?: number;
  /** The first `tokens` tokens of the prompt are shared by every row of `group`. */
  readonly prefix?: { readonly group: string; readonly tokens: number };
  /** Mooncake: the prompt's content, one id per 512-token block (equal ids, equal content). */
  readonly hashIds?: readonly number[];
}

/** Settings a trace reveals about the deployment that served it (used by `replay`'s built-in base). */
export interface TraceHints {
  readonly modelName?: string;
  /** The deployment's tensor parallelism (a measured run's exp-config.yaml). */
  readonly tensorParallelSize?: number;
  readonly engine?: {
    readonly block_size?: number;
    readonly num_gpu_blocks?: number;
    readonly max_num_seqs?: number;
    readonly max_num_batched_tokens?: number;
    readonly max_model_len?: number;
  };
  /** What the replay did with the file's fields, for stderr. */
  readonly notes: readonly string[];
}

/** Workload facts a trace implies beyond its rows; the scenario's `trace:` keys override them. */
export interface TraceDefaults {
  readonly api?: { readonly endpoint: ApiEndpoint; readonly stream: boolean };
  /** Shared prefixes the workload had but the file does not assign (measured runs' system prompts). */
  readonly prefix?: { readonly groups: number; readonly tokens: number };
}

export interface TraceReader {
  /**
   * The rows in file order, lazily; each call starts a fresh pass over the file. With `bad`,
   * malformed rows are skipped and recorded there (formats that support it; others ignore it).
   */
  rows(bad?: BadRows): Iterable<TraceRow>;
  /** False for formats without arrival times (ShareGPT): the replay needs `rate` or sends all at once. */
  readonly timed: boolean;
  readonly hints: TraceHints;
  readonly defaults?: TraceDefaults;
}

/** Where a value sits: a file, a line, a field. */
export interface At {
  readonly file: string;
  readonly line: number;
}

export function rowError(at: At, field: string, message: string): InputError {
  return new InputError([{ file: at.file, line: at.line, path: field, message }]);
}

/** A whole number >= `min`, from a CSV string or a JSON value. */
export function intField(at: At, field: string, value: unknown, min = 0): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min) {
    throw rowError(at, field, `expected a whole number >= ${min}, found ${describeValue(value)}`);
  }
  return n;
}

/** A finite number >= 0, from a CSV string or a JSON value. */
export function numberField(at: At, field: string, value: unknown): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
    throw rowError(at, field, `expected a number >= 0, found ${describeValue(value)}`);
  }
  return n;
}

/** An optional whole number: absent, null or '' give undefined. */
export function optionalInt(at: At, field: string, value: unknown, min = 0): number | undefined {
  return value === undefined || value === null || value === '' ? undefined : intField(at, field, value, min);
}

/** A JSON object from one line or element of text. */
export function parseJsonObject(at: At, text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw rowError(at, '', `expected ${what} (a JSON object), found invalid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw rowError(at, '', `expected ${what} (a JSON object), found ${describeValue(value)}`);
  }
  return value as Record<string, unknown>;
}

export const NO_HINTS: TraceHints = { notes: [] };

/** `o` without its undefined entries (for optional fields under exactOptionalPropertyTypes-style checks). */
export function definedOnly<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(o)) if (value !== undefined) out[key] = value;
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
}
