// The flags every simulating command shares (`run`, `replay`, ...), and what they do around a
// simulation: seed and --set overrides, trace output, the summary on stdout, timings on stderr.
import { Option, type Command } from 'commander';
import { parseDurationSeconds, secondsToNs } from '../engine/time.js';
import { InputError } from '../scenario/problems.js';
import { formatSummary } from '../report/summary.js';
import type { SimulationConfig } from '../server/scenario-config.js';
import { runSimulation, type RunResult } from '../server/simulation.js';
import { createCliTraceRecorder } from './trace-setup.js';

export interface RunFlags {
  readonly json?: boolean;
  readonly seed?: string;
  readonly set: string[];
  readonly traceOut?: string;
  readonly otlpEndpoint?: string;
  readonly maxSimTime?: string;
  readonly checkInvariants?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Adds the shared simulation flags to a command. */
export function addRunOptions(command: Command): Command {
  return command
    .option('--json', 'print the summary as one JSON document')
    .option('--seed <n>', 'override the scenario seed')
    .option('--set <key=value>', 'override a scenario field by dotted path (repeatable)', collect, [])
    .option('--trace-out <path>', 'write spans as OTLP JSON lines')
    .option('--otlp-endpoint <url>', 'export spans over OTLP/HTTP protobuf')
    .option('--max-sim-time <duration>', 'stop at this simulated time (e.g. 600s); the summary says partial')
    .addOption(new Option('--check-invariants', 'check scheduler invariants after every step (slower)').hideHelp());
}

export function parseSeed(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seed = Number(text);
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new InputError([{ file: '--seed', path: '', message: `expected a whole number >= 0, found ${JSON.stringify(text)}` }]);
  }
  return seed;
}

function parseMaxSimTime(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = parseDurationSeconds(text);
  if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) {
    throw new InputError([{ file: '--max-sim-time', path: '', message: `expected a duration > 0 such as 600s or 10m, found ${JSON.stringify(text)}` }]);
  }
  return secondsToNs(seconds);
}

/** Exit code 4: the run completed but spans did not reach the OTLP endpoint (the file is complete). */
export const EXIT_UNDELIVERED_SPANS = 4;

/** Simulates `config` as the flags say, prints the summary, and returns the exit code. */
export async function executeRun(config: SimulationConfig, flags: RunFlags): Promise<{ code: number; result: RunResult }> {
  const seed = parseSeed(flags.seed) ?? config.seed;
  const maxSimTimeNs = parseMaxSimTime(flags.maxSimTime);
  const { recorder, notes } = createCliTraceRecorder(config, seed, { traceOut: flags.traceOut, otlpEndpoint: flags.otlpEndpoint });
  for (const note of notes) process.stderr.write(`simtrace: ${note}\n`);
  const wallStart = process.hrtime.bigint();
  const result = await runSimulation(config, {
    seed,
    trace: recorder,
    checkInvariants: flags.checkInvariants === true,
    ...(maxSimTimeNs !== undefined ? { maxSimTimeNs } : {}),
  });
  const wallSeconds = Number(process.hrtime.bigint() - wallStart) / 1e9;
  if (flags.json === true) process.stdout.write(`${JSON.stringify(result.summary, null, 2)}\n`);
  else process.stdout.write(formatSummary(result.summary));
  process.stderr.write(`simtrace: ${result.steps} steps, ${(result.endTimeNs / 1e9).toFixed(3)} s simulated in ${wallSeconds.toFixed(3)} s wall\n`);
  for (const message of result.traceStats?.messages ?? []) process.stderr.write(`simtrace: ${message}\n`);
  const undelivered = result.traceStats?.undeliveredSpans ?? 0;
  if (undelivered > 0) {
    process.stderr.write(`simtrace: ${undelivered} spans were not delivered to the OTLP endpoint (the trace file, if any, is complete)\n`);
    return { code: EXIT_UNDELIVERED_SPANS, result };
  }
  return { code: 0, result };
}
