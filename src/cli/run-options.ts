// The flags every simulating command shares (`run`, `replay`, ...), and what they do around a
// simulation: seed and --set overrides, trace output, the summary on stdout, timings on stderr.
// Adding the flags loads nothing heavy: the simulator is imported when a run starts, the OTEL SDK
// only when spans go somewhere, and the trace differ only for --check-golden.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Option, type Command } from 'commander';
import { parseDurationSeconds, secondsToNs } from '../engine/time.js';
import { InputError } from '../scenario/problems.js';
import type { SimulationConfig } from '../server/scenario-config.js';
import type { RunResult } from '../server/simulation.js';
import { openCliTraceRecorder } from './trace-open.js';
import { collect } from './repeatable.js';

export interface RunFlags {
  readonly json?: boolean;
  readonly seed?: string;
  readonly set: string[];
  readonly traceOut?: string;
  readonly otlpEndpoint?: string;
  readonly maxSimTime?: string;
  readonly timeout?: string;
  readonly checkInvariants?: boolean;
  readonly checkGolden?: string;
  readonly updateGolden?: string;
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
    .option('--check-golden <file>', 'compare the trace with a golden trace file; exit 1 with the first difference if they differ')
    .option('--update-golden <file>', 'write the trace to a golden trace file (replaced atomically)')
    .option('--timeout <duration>', 'stop after this much wall-clock time (e.g. 5m); outputs stay valid, the summary says partial')
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

function parseDurationFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = parseDurationSeconds(text);
  if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) {
    throw new InputError([{ file: flag, path: '', message: `expected a duration > 0 such as 600s or 10m, found ${JSON.stringify(text)}` }]);
  }
  return seconds;
}

/** Exit code 4: the run completed but spans did not reach the OTLP endpoint (the file is complete). */
export const EXIT_UNDELIVERED_SPANS = 4;
/** Exit code 5: --timeout stopped the run; its outputs are valid but partial. */
export const EXIT_TIMED_OUT = 5;
/** Exit code 130 (128 + SIGINT): interrupted; outputs are valid but partial. */
export const EXIT_INTERRUPTED = 130;

/**
 * Why a run should stop early: SIGINT, or the --timeout wall clock (both read only here, in the
 * CLI). The simulation asks between events; the handlers are removed when the run ends.
 */
function stopControl(timeoutSeconds: number | undefined) {
  let reason: 'interrupted' | 'timed out' | undefined;
  const onSigint = () => {
    if (reason !== undefined) process.exit(EXIT_INTERRUPTED); // a second Ctrl-C: stop now
    reason = 'interrupted';
    process.stderr.write('simtrace: interrupted; finishing the outputs written so far (Ctrl-C again to abandon)\n');
  };
  process.on('SIGINT', onSigint);
  const timer = timeoutSeconds === undefined ? undefined : setTimeout(() => (reason ??= 'timed out'), timeoutSeconds * 1000);
  timer?.unref();
  return {
    shouldStop: () => reason !== undefined,
    reason: () => reason,
    dispose: () => {
      process.off('SIGINT', onSigint);
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}

/** Exit code 1: the trace differs from the golden (--check-golden). */
const EXIT_CHECK_FAILED = 1;

interface GoldenPlan {
  /** Where the run writes its trace. */
  readonly traceOut: string;
  /** After the run: compare or report; returns the exit code. */
  finish(runCode: number): Promise<number>;
  cleanup(): void;
}

const goldenProblem = (file: string, message: string) => new InputError([{ file, path: '', message }]);

/** --check-golden / --update-golden: where the trace goes, and what happens to it after the run. */
function planGolden(flags: RunFlags, scenarioFile: string): GoldenPlan | undefined {
  const { checkGolden, updateGolden } = flags;
  if (checkGolden !== undefined && updateGolden !== undefined) throw goldenProblem('--update-golden', 'give either --check-golden or --update-golden, not both');
  if (updateGolden !== undefined) {
    if (flags.traceOut !== undefined) throw goldenProblem('--update-golden', 'writes the trace itself; leave out --trace-out');
    mkdirSync(dirname(updateGolden), { recursive: true });
    // The file sink writes FILE.tmp-<pid> and renames it over FILE only once the trace is complete:
    // the golden is replaced atomically, never left half-written by a failed run.
    return {
      traceOut: updateGolden,
      finish: async (code) => {
        process.stderr.write(`simtrace: wrote the golden trace ${updateGolden}\n`);
        return code;
      },
      cleanup: () => {},
    };
  }
  if (checkGolden === undefined) return undefined;
  // Fail before simulating: a missing golden is a setup problem, and its fix is one command.
  if (!existsSync(checkGolden)) throw goldenProblem(checkGolden, `no golden trace here; create it with: simtrace run ${scenarioFile} --update-golden ${checkGolden}`);
  // Without --trace-out the run's trace is only needed for the comparison: a private temp dir.
  const dir = flags.traceOut === undefined ? mkdtempSync(join(tmpdir(), 'simtrace-check-')) : undefined;
  const traceOut = flags.traceOut ?? join(dir!, 'actual.otlp.jsonl');
  return {
    traceOut,
    finish: async (code) => {
      const { DEFAULT_DIFF_OPTIONS, diffTraceFiles, formatTextReport } = await import('../diff/index.js');
      const result = diffTraceFiles(checkGolden, traceOut, DEFAULT_DIFF_OPTIONS);
      if (result.equivalent) {
        process.stderr.write(`simtrace: the trace matches the golden ${checkGolden}\n`);
        return code;
      }
      process.stderr.write(formatTextReport(result, { expected: checkGolden, actual: flags.traceOut ?? 'this run' }, DEFAULT_DIFF_OPTIONS));
      process.stderr.write(`simtrace: if the change is intended, update the golden: simtrace run ${scenarioFile} --update-golden ${checkGolden}\n`);
      return EXIT_CHECK_FAILED;
    },
    cleanup: () => {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Simulates `config` as the flags say, prints the summary, and returns the exit code. With
 * --check-golden / --update-golden the trace is also compared with, or written to, a golden file.
 */
export async function executeRun(config: SimulationConfig, flags: RunFlags, scenarioFile = 'SCENARIO.yaml'): Promise<{ code: number; result: RunResult }> {
  const golden = planGolden(flags, scenarioFile);
  if (golden === undefined) return simulate(config, flags);
  try {
    const run = await simulate(config, { ...flags, traceOut: golden.traceOut });
    return { code: await golden.finish(run.code), result: run.result };
  } finally {
    golden.cleanup();
  }
}

async function simulate(config: SimulationConfig, flags: RunFlags): Promise<{ code: number; result: RunResult }> {
  const seed = parseSeed(flags.seed) ?? config.seed;
  const maxSimTime = parseDurationFlag('--max-sim-time', flags.maxSimTime);
  const maxSimTimeNs = maxSimTime === undefined ? undefined : secondsToNs(maxSimTime);
  const timeoutSeconds = parseDurationFlag('--timeout', flags.timeout);
  const { recorder, notes } = await openCliTraceRecorder(config, seed, { traceOut: flags.traceOut, otlpEndpoint: flags.otlpEndpoint });
  const [{ runSimulation }, { formatSummary }] = await Promise.all([import('../server/simulation.js'), import('../report/summary.js')]);
  for (const note of notes) process.stderr.write(`simtrace: ${note}\n`);
  const wallStart = process.hrtime.bigint();
  const stop = stopControl(timeoutSeconds);
  let result: RunResult;
  try {
    result = await runSimulation(config, {
      seed,
      trace: recorder,
      checkInvariants: flags.checkInvariants === true,
      shouldStop: stop.shouldStop,
      ...(maxSimTimeNs !== undefined ? { maxSimTimeNs } : {}),
    });
  } finally {
    stop.dispose();
  }
  const wallSeconds = Number(process.hrtime.bigint() - wallStart) / 1e9;
  if (flags.json === true) process.stdout.write(`${JSON.stringify(result.summary, null, 2)}\n`);
  else process.stdout.write(formatSummary(result.summary));
  process.stderr.write(`simtrace: ${result.steps} steps, ${(result.endTimeNs / 1e9).toFixed(3)} s simulated in ${wallSeconds.toFixed(3)} s wall\n`);
  for (const message of result.traceStats?.messages ?? []) process.stderr.write(`simtrace: ${message}\n`);
  for (const note of config.inputNotes?.() ?? []) process.stderr.write(`simtrace: ${note}\n`);
  const stopped = stop.reason();
  if (stopped !== undefined) {
    process.stderr.write(`simtrace: ${stopped}: the summary and trace cover the run up to ${(result.endTimeNs / 1e9).toFixed(3)} s simulated (partial)\n`);
    return { code: stopped === 'interrupted' ? EXIT_INTERRUPTED : EXIT_TIMED_OUT, result };
  }
  const undelivered = result.traceStats?.undeliveredSpans ?? 0;
  if (undelivered > 0) {
    process.stderr.write(`simtrace: ${undelivered} spans were not delivered to the OTLP endpoint (the trace file, if any, is complete)\n`);
    return { code: EXIT_UNDELIVERED_SPANS, result };
  }
  return { code: 0, result };
}
