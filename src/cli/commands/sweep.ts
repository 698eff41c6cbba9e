// `simtrace sweep SCENARIO --vary KEY=VALUES ...`: the scenario at every point of the product of the
// varied values, on worker threads; a table, --csv, --json (stdout) and --report (HTML). The flags are
// here; what runs the sweep (./sweep-action.ts) is imported only when the command runs.
import type { Command } from 'commander';
import type { SetExit } from './types.js';
import { collect } from '../repeatable.js';

export interface SweepFlags {
  readonly vary: string[];
  readonly set: string[];
  readonly seed?: string;
  readonly seeds?: string;
  readonly workers?: string;
  readonly slo: string[];
  readonly goodput?: string;
  readonly json?: boolean;
  readonly csv?: string;
  readonly report?: string;
  readonly reportPoint?: string;
  readonly shard?: string;
  readonly shards?: string;
}


/** Adds the flags `sweep` and `capacity` share. */
export function addSweepOptions(command: Command): Command {
  return command
    .option('--vary <key=values>', 'vary a scenario field: a list a,b,c or a range start:stop:step (repeatable; the product is swept)', collect, [])
    .option('--set <key=value>', 'override a scenario field by dotted path for every point (repeatable)', collect, [])
    .option('--seed <n>', 'base seed instead of the scenario seed')
    .option('--seeds <k>', 'run each point with K seeds (seed, seed+1, ...): means and 95 % intervals')
    .option('--workers <n>', 'worker threads (default: all cores)')
    .option('--slo <slo>', 'an SLO such as ttft_p99<2s or itl_p50<=50ms (repeatable)', collect, [])
    .option('--goodput <bounds>', 'per-request bounds for goodput, as vllm bench serve --goodput: "ttft:1000 tpot:50" (ms)')
    .option('--json', 'print one JSON document (stdout)')
    .option('--report <file.html>', 'write a self-contained HTML report with plots')
    .option('--shard <i/N>', 'run only shard i of N (the points k with k mod N = i)')
    .option('--shards <N>', 'with JOB_COMPLETION_INDEX (Kubernetes Indexed Job): run shard $JOB_COMPLETION_INDEX of N');
}

export function registerSweep(program: Command, setExit: SetExit): void {
  addSweepOptions(program.command('sweep').description('run a scenario over the product of varied fields, in parallel').argument('<scenario>', 'scenario YAML file'))
    .option('--csv <file>', 'write one CSV row per point')
    .option('--report-point <index>', 'the point whose time series the report plots')
    .action(async (file: string, flags: SweepFlags) => {
      const { sweepAction } = await import('./sweep-action.js');
      setExit(await sweepAction(file, flags));
    });
}
