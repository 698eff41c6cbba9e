// The command-line program (contract section 1). The only place that prints or decides exit codes:
// 0 success, 1 a check failed, 2 bad input, 3 internal error (a bug), 4 spans not delivered.
// Each command lives in src/cli/commands/ and is registered here. Registering a command loads only
// its flags and help text: what the command needs to run (the simulator, zod and yaml, the OTEL SDK,
// vega, ...) is imported when it runs, so that start-up costs only what the command uses.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { InputError } from '../scenario/problems.js';
import { registerCapacity } from './commands/capacity.js';
import { registerCalibrate } from './commands/calibrate.js';
import { registerCompare } from './commands/compare.js';
import { registerDiff } from './commands/diff.js';
import { registerMerge } from './commands/merge.js';
import { registerReplay } from './commands/replay.js';
import { registerRun } from './commands/run.js';
import { registerSweep } from './commands/sweep.js';
import type { SetExit } from './commands/types.js';
import { registerValidate } from './commands/validate.js';

export const EXIT = { OK: 0, CHECK_FAILED: 1, BAD_INPUT: 2, INTERNAL: 3, UNDELIVERED_SPANS: 4 } as const;

const COMMANDS: ((program: Command, setExit: SetExit) => void)[] = [registerRun, registerValidate, registerDiff, registerSweep, registerCapacity, registerMerge, registerReplay, registerCompare, registerCalibrate];

/** The package version, for --version (package.json is two levels above src/cli, dist/cli and dist/bundle). */
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : '0.0.0';
}

function buildProgram(setExit: SetExit): Command {
  const program = new Command('simtrace')
    .description('Deterministic discrete-event simulator of the vLLM v1 scheduler, with vLLM journey and step OpenTelemetry traces')
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  for (const register of COMMANDS) register(program, setExit);
  // Subcommands inherit exitOverride so that their flag errors come back here too.
  for (const command of program.commands) command.exitOverride();
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
