// `simtrace validate SCENARIO`: check a scenario, print every problem.
import type { Command } from 'commander';
import type { SetExit } from './types.js';
import { collect } from '../repeatable.js';


export function registerValidate(program: Command, setExit: SetExit): void {
  program
    .command('validate')
    .description('check a scenario and print every problem')
    .argument('<scenario>', 'scenario YAML file')
    .option('--set <key=value>', 'override a scenario field by dotted path (repeatable)', collect, [])
    .action(async (file: string, flags: { set: string[] }) => {
      const { loadScenario } = await import('../../scenario/load.js');
      const { config } = loadScenario(file, flags.set);
      process.stdout.write(`${file}: ok (${config.name})\n`);
      setExit(0);
    });
}
