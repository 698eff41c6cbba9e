// Shared test helpers for trace readers: temporary files and a one-call replay.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../../src/scenario/problems.js';
import { openTrace, traceSchema } from '../../../src/workload/trace/index.js';
import type { RequestSpec } from '../../../src/workload/request-spec.js';

/** Writes `text` to a fresh temporary file named `name` and returns its path. */
export function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'simtrace-trace-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** All requests of a trace replayed with the given `trace:` keys (defaults as in a scenario). */
export function replay(path: string, keys: Record<string, unknown> = {}, seed = 1): RequestSpec[] {
  const config = traceSchema.parse({ path, ...keys });
  return [...openTrace(config, '.').requests(seed)];
}

/** The formatted InputError that `fn` throws (fails the test if it throws something else or nothing). */
export function inputErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  throw new Error('expected an InputError, but nothing was thrown');
}
