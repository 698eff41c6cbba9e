// The command-line program (contract section 1). The only place that prints or decides exit codes:
// 0 success, 1 a check failed, 2 bad input, 3 internal error (a bug).
import { Command, CommanderError, Option } from 'commander';
import { InputError } from '../scenario/problems.js';
import { runCommand, validateCommand } from './commands.js';

export const EXIT = { OK: 0, CHECK_FAILED: 1, BAD_INPUT: 2, INTERNAL: 3 } as const;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('simtrace')
    .description('Deterministic discrete-event simulator of the vLLM v1 scheduler, with vLLM journey and step OpenTelemetry traces')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  program
    .command('run')
    .description('simulate a scenario and print a summary')
    .argument('<scenario>', 'scenario YAML file')
    .option('--json', 'print the summary as one JSON document')
    .option('--seed <n>', 'override the scenario seed')
    .option('--set <key=value>', 'override a scenario field by dotted path (repeatable)', collect, [])
    .option('--trace-out <path>', 'write spans as OTLP JSON lines')
    .option('--otlp-endpoint <url>', 'export spans over OTLP/HTTP protobuf')
    .option('--max-sim-time <duration>', 'stop at this simulated time (e.g. 600s); the summary says partial')
    .addOption(new Option('--check-invariants', 'check scheduler invariants after every step (slower)').hideHelp())
    .action(async (scenario: string, options: Record<string, unknown>) => setExit(await runCommand(scenario, options)));

  program
    .command('validate')
    .description('check a scenario and print every problem')
    .argument('<scenario>', 'scenario YAML file')
    .option('--set <key=value>', 'override a scenario field by dotted path (repeatable)', collect, [])
    .action((scenario: string, options: { set: string[] }) => setExit(validateCommand(scenario, options.set)));

  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  let exitCode: number = EXIT.OK;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; anything else commander rejects is bad input.
      return error.exitCode === 0 ? EXIT.OK : EXIT.BAD_INPUT;
    }
    if (error instanceof InputError) {
      process.stderr.write(`${error.message}\n`);
      return EXIT.BAD_INPUT;
    }
    process.stderr.write(`simtrace: internal error (a bug; please report it): ${(error as Error).stack ?? String(error)}\n`);
    return EXIT.INTERNAL;
  }
}
