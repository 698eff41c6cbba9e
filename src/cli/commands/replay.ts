// `simtrace replay TRACE [--format F] [--scenario BASE.yaml]`: simulate a trace file, with the same
// flags as `run`. The trace replaces the base scenario's workload; without --scenario the built-in
// base takes the deployment's settings from the trace (src/workload/trace/base-scenario.ts).
import type { Command } from 'commander';
import { addRunOptions, executeRun, type RunFlags } from '../run-options.js';
import type { SetExit } from './types.js';

interface ReplayFlags extends RunFlags {
  readonly format?: string;
  readonly scenario?: string;
  readonly skipBadRows?: boolean;
}

export function registerReplay(program: Command, setExit: SetExit): void {
  addRunOptions(
    program
      .command('replay')
      .description('simulate a trace file (Azure, Mooncake, BurstGPT, ShareGPT, a measured run, BLIS TraceV2, OTLP) and print a summary')
      .argument('<trace>', 'trace file, or a measured run folder')
      .option('--format <format>', 'azure | mooncake | burstgpt | sharegpt | measured | tracev2 | otlp (detected when left out)')
      .option('--scenario <file>', 'base scenario whose engine, model and tracing settings to use (its workload is replaced)')
      .option('--skip-bad-rows', 'count and report malformed rows instead of stopping at the first (exit 2)'),
  ).action(async (trace: string, flags: ReplayFlags) => {
    const { loadReplayScenario } = await import('../../compare/replay-scenario.js');
    const set = flags.skipBadRows === true ? [...flags.set, 'workload.trace.skip_bad_rows=true'] : flags.set;
    const replay = loadReplayScenario({ trace, format: flags.format, scenario: flags.scenario, set });
    for (const note of replay.notes) process.stderr.write(`simtrace: ${note}\n`);
    setExit((await executeRun(replay.config, flags, replay.file)).code);
  });
}
