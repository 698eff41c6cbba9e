// `simtrace run SCENARIO`: simulate a scenario file.
import type { Command } from 'commander';
import { addRunOptions, executeRun, type RunFlags } from '../run-options.js';
import type { SetExit } from './types.js';

export function registerRun(program: Command, setExit: SetExit): void {
  addRunOptions(program.command('run').description('simulate a scenario and print a summary').argument('<scenario>', 'scenario YAML file')).action(
    async (file: string, flags: RunFlags) => {
      const { loadScenario } = await import('../../scenario/load.js');
      const { config } = loadScenario(file, flags.set);
      setExit((await executeRun(config, flags, file)).code);
    },
  );
}
