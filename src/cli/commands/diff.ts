// `simtrace diff EXPECTED ACTUAL`: are two trace files the same run? Exit 0 if equivalent, 1 if not
// (the first difference and the totals on stdout, or every difference with --json), 2 if a file
// cannot be read as OTLP JSON.
import { Option, type Command } from 'commander';
import type { DiffFlags } from '../../diff/index.js';
import type { SetExit } from './types.js';
import { collect } from '../repeatable.js';


interface Flags extends DiffFlags {
  readonly json?: boolean;
}

export function registerDiff(program: Command, setExit: SetExit): void {
  program
    .command('diff')
    .description('compare two OTLP JSON trace files span by span; exit 0 if equivalent, 1 if not')
    .argument('<expected>', 'the reference trace (e.g. a golden file)')
    .argument('<actual>', 'the trace to check')
    .option('--ignore <attribute>', 'leave an attribute out (repeatable; a trailing * matches a prefix)', collect, [])
    .addOption(new Option('--only <kind>', 'compare only journey spans or only step spans').choices(['journeys', 'steps']))
    .option('--real', 'ACTUAL comes from a real vLLM: ignore ids and epochs, compare times from each request\'s arrival')
    .addOption(new Option('--match <by>', 'pair requests by gen_ai.request.id or by arrival order').choices(['id', 'arrival']).default('id'))
    .option('--time-tolerance <t>', 'times this close count as equal: a duration (5ms) and/or a percentage (10%) (repeatable)', collect, [])
    .option('--json', 'print every difference as one JSON document')
    .action(async (expected: string, actual: string, flags: Flags) => {
      const { diffTraceFiles, formatJsonReport, formatTextReport, parseDiffOptions } = await import('../../diff/index.js');
      const options = parseDiffOptions(flags);
      const result = diffTraceFiles(expected, actual, options);
      const names = { expected, actual };
      process.stdout.write(flags.json === true ? formatJsonReport(result, names, options) : formatTextReport(result, names, options));
      setExit(result.equivalent ? 0 : 1);
    });
}
