// `simtrace compare MEASURED_DIR [--scenario BASE.yaml] [--json]` and `simtrace compare --otlp FILE`:
// replay what a real vLLM served and print real against simulated TTFT, E2E and ITL (mean, p50,
// p90, p99, error in percent) and the request-level MAPE of TTFT and E2E.
import type { Command } from 'commander';
import { InputError } from '../../scenario/problems.js';
import { parseSeed } from '../run-options.js';
import type { SetExit } from './types.js';
import { collect } from '../repeatable.js';

interface CompareFlags {
  readonly otlp?: string;
  readonly scenario?: string;
  readonly json?: boolean;
  readonly seed?: string;
  readonly set: string[];
}


export function registerCompare(program: Command, setExit: SetExit): void {
  program
    .command('compare')
    .description('replay a measured vLLM run (or an OTLP export of one) and compare real and simulated latencies')
    .argument('[measured]', 'measured run folder (workload.json, ground_truth.json, exp-config.yaml, profile.yaml)')
    .option('--otlp <file>', 'compare against the requests of a real vLLM OTLP JSON-lines export instead')
    .option('--scenario <file>', 'base scenario whose engine and model settings to use (its workload is replaced)')
    .option('--json', 'print the comparison as one JSON document (seconds)')
    .option('--seed <n>', 'override the scenario seed')
    .option('--set <key=value>', 'override a scenario field by dotted path (repeatable)', collect, [])
    .action(async (measured: string | undefined, flags: CompareFlags) => {
      if ((measured === undefined) === (flags.otlp === undefined)) {
        throw new InputError([{ file: 'simtrace compare', path: '', message: 'expected a measured run folder or --otlp FILE (one of them)' }]);
      }
      const [{ comparisonJson, formatComparison }, { runCompare }] = await Promise.all([import('../../compare/report.js'), import('../../compare/run-compare.js')]);
      const wallStart = process.hrtime.bigint();
      const { comparison, replay, run } = await runCompare({
        measured,
        otlp: flags.otlp,
        scenario: flags.scenario,
        set: flags.set,
        seed: parseSeed(flags.seed),
      });
      for (const note of replay.notes) process.stderr.write(`simtrace: ${note}\n`);
      const wallSeconds = Number(process.hrtime.bigint() - wallStart) / 1e9;
      process.stderr.write(`simtrace: ${run.steps} steps, ${(run.endTimeNs / 1e9).toFixed(3)} s simulated in ${wallSeconds.toFixed(3)} s wall\n`);
      process.stdout.write(flags.json === true ? comparisonJson(comparison) : formatComparison(replay.config.name, comparison));
      setExit(0);
    });
}
