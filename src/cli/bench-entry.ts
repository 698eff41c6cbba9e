// What one benchmark process (bench/child.cjs) runs: a scenario, or a trace on `simtrace replay`'s
// built-in base, loaded and traced as `simtrace run` / `simtrace replay` load and trace it. It is
// bundled with the CLI (scripts/bundle-cli.mjs), so that a benchmark process starts as the CLI does.
import type { SimulationConfig } from '../server/scenario-config.js';
import type { RunResult } from '../server/simulation.js';
import { openCliTraceRecorder, type TraceOutputOptions } from './trace-open.js';

export interface BenchRun {
  /** A scenario file, or (with `replay`) nothing. */
  readonly scenario?: string;
  /** A trace file to replay on the built-in base. */
  readonly replay?: string;
  /** --set overrides (KEY=VALUE). */
  readonly overrides: string[];
  readonly trace: TraceOutputOptions;
  /**
   * Called every few thousand events of the run (RunOptions.shouldStop, never stopping it): the
   * memory case measures the heap the run holds there (bench/child.cjs --retained).
   */
  readonly everyFewThousandEvents?: () => void;
}

async function loadConfig(run: BenchRun): Promise<SimulationConfig> {
  if (run.replay !== undefined) {
    const { loadReplayScenario } = await import('../compare/replay-scenario.js');
    return loadReplayScenario({ trace: run.replay, set: run.overrides }).config;
  }
  if (run.scenario === undefined) throw new Error('bench: a scenario file or a trace to replay is needed');
  const { loadScenario } = await import('../scenario/load.js');
  return loadScenario(run.scenario, run.overrides).config;
}

export async function runBenchSimulation(run: BenchRun): Promise<{ config: SimulationConfig; result: RunResult }> {
  const config = await loadConfig(run);
  const { recorder } = await openCliTraceRecorder(config, config.seed, run.trace);
  const { runSimulation } = await import('../server/simulation.js');
  const hook = run.everyFewThousandEvents;
  const shouldStop =
    hook === undefined
      ? undefined
      : () => {
          hook();
          return false;
        };
  return { config, result: await runSimulation(config, { trace: recorder, ...(shouldStop ? { shouldStop } : {}) }) };
}
