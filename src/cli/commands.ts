// What `simtrace run` and `simtrace validate` do, between parsing flags and printing results.
import { parseDurationSeconds, secondsToNs } from '../engine/time.js';
import { loadScenario } from '../scenario/load.js';
import { InputError } from '../scenario/problems.js';
import { formatSummary } from '../report/summary.js';
import { runSimulation } from '../server/simulation.js';
import { createCliTraceRecorder } from './trace-setup.js';

function parseSeed(text: unknown): number | undefined {
  if (text === undefined) return undefined;
  const seed = Number(text);
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new InputError([{ file: '--seed', path: '', message: `expected a whole number >= 0, found ${JSON.stringify(text)}` }]);
  }
  return seed;
}

function parseMaxSimTime(text: unknown): number | undefined {
  if (text === undefined) return undefined;
  const seconds = parseDurationSeconds(String(text));
  if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) {
    throw new InputError([{ file: '--max-sim-time', path: '', message: `expected a duration > 0 such as 600s or 10m, found ${JSON.stringify(text)}` }]);
  }
  return secondsToNs(seconds);
}

export async function runCommand(file: string, options: Record<string, unknown>): Promise<number> {
  const seed = parseSeed(options.seed);
  const maxSimTimeNs = parseMaxSimTime(options.maxSimTime);
  const { config } = loadScenario(file, (options.set as string[] | undefined) ?? []);
  const effectiveSeed = seed ?? config.seed;
  const { recorder: trace, notes } = createCliTraceRecorder(config, effectiveSeed, {
    traceOut: options.traceOut as string | undefined,
    otlpEndpoint: options.otlpEndpoint as string | undefined,
  });
  for (const note of notes) process.stderr.write(`simtrace: ${note}\n`);
  const wallStart = process.hrtime.bigint();
  const result = await runSimulation(config, {
    seed: effectiveSeed,
    trace,
    checkInvariants: options.checkInvariants === true,
    ...(maxSimTimeNs !== undefined ? { maxSimTimeNs } : {}),
  });
  const wallSeconds = Number(process.hrtime.bigint() - wallStart) / 1e9;
  if (options.json === true) process.stdout.write(`${JSON.stringify(result.summary, null, 2)}\n`);
  else process.stdout.write(formatSummary(result.summary));
  process.stderr.write(
    `simtrace: ${result.steps} steps, ${(result.endTimeNs / 1e9).toFixed(3)} s simulated in ${wallSeconds.toFixed(3)} s wall\n`,
  );
  for (const message of result.traceStats?.messages ?? []) process.stderr.write(`simtrace: ${message}\n`);
  if ((result.traceStats?.undeliveredSpans ?? 0) > 0) return 4;
  return 0;
}

export function validateCommand(file: string, overrides: readonly string[]): number {
  const { config } = loadScenario(file, overrides);
  process.stdout.write(`${file}: ok (${config.name})\n`);
  return 0;
}
