// `simtrace capacity SCENARIO --slo 'ttft_p99<1s' [--vary ...]`: for each configuration, the highest
// workload.rate meeting every SLO, with vLLM's goodput at that rate, and how it was searched. The flags
// are here; what runs the search (./capacity-action.ts) is imported only when the command runs.
import type { Command } from 'commander';
import { DEFAULT_SEARCH } from '../../sweep/capacity-search.js';
import { addSweepOptions, type SweepFlags } from './sweep.js';
import type { SetExit } from './types.js';

export interface CapacityFlags extends SweepFlags {
  readonly rateStart?: string;
  readonly rateMin?: string;
  readonly rateMax?: string;
  readonly relTol?: string;
  readonly verify?: string;
}

export function registerCapacity(program: Command, setExit: SetExit): void {
  addSweepOptions(
    program
      .command('capacity')
      .description('find the highest arrival rate (workload.rate) meeting every SLO, for each configuration')
      .argument('<scenario>', 'scenario YAML file'),
  )
    .option('--rate-start <r>', 'first rate probed (default: the scenario workload.rate)')
    .option('--rate-min <r>', `lowest rate searched (default ${DEFAULT_SEARCH.min})`)
    .option('--rate-max <r>', `highest rate searched (default ${DEFAULT_SEARCH.max})`)
    .option('--rel-tol <x>', `bisect until the bracket is within this fraction of its lower end (default ${DEFAULT_SEARCH.relTol})`)
    .option('--verify <n>', `rates re-checked below the result (default ${DEFAULT_SEARCH.verify})`)
    .action(async (file: string, flags: CapacityFlags) => {
      const { capacityAction } = await import('./capacity-action.js');
      setExit(await capacityAction(file, flags));
    });
}
