// Flag values shared by `sweep` and `capacity`, checked into typed values (bad input throws an
// InputError naming the flag: exit 2). Nothing here prints.
import { availableParallelism } from 'node:os';
import { parseScenario, readScenarioText } from '../scenario/load.js';
import { InputError } from '../scenario/problems.js';
import type { ScenarioSource } from './run-point.js';

function flagError(flag: string, message: string): InputError {
  return new InputError([{ file: flag, path: '', message }]);
}

export function parseWholeNumber(flag: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min) throw flagError(flag, `expected a whole number >= ${min}, found ${JSON.stringify(text)}`);
  return value;
}

export function parsePositiveNumber(flag: string, text: string | undefined, fallback: number, options: { max?: number } = {}): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || (options.max !== undefined && value >= options.max)) {
    throw flagError(flag, `expected a number > 0${options.max !== undefined ? ` and < ${options.max}` : ''}, found ${JSON.stringify(text)}`);
  }
  return value;
}

/** --workers: defaults to every core the process may use. */
export function parseWorkers(text: string | undefined): number {
  return parseWholeNumber('--workers', text, availableParallelism(), 1);
}

/**
 * Reads the scenario once, checks it loads with the sweep's --set flags, and returns what every
 * run starts from, with the scenario's name.
 */
export function readSource(file: string, sets: readonly string[], seed: number | undefined): { source: ScenarioSource; name: string } {
  const text = readScenarioText(file);
  const source: ScenarioSource = { text, file, sets: [...sets], ...(seed !== undefined ? { seed } : {}) };
  const { config } = parseScenario(text, file, sets);
  return { source, name: config.name };
}
