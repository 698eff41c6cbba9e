// `simtrace calibrate MEASURED_DIR... [-o FILE]`: fits the roofline coefficients to measured runs
// (src/calibrate/calibrate.ts) and writes them as a coefficients file that a scenario can name
// (model.step_time: {type: roofline, coefficients: FILE}). Prints each slice's errors.
import type { Command } from 'commander';
import type { SliceErrors } from '../../calibrate/calibrate.js';
import { InputError } from '../../scenario/problems.js';
import { parseDurationSeconds } from '../../engine/time.js';
import { writeFileAtomic } from '../write-atomic.js';
import type { SetExit } from './types.js';

interface CalibrateFlags {
  readonly output?: string;
  readonly limit: string;
  readonly maxEvals: string;
  readonly maxSimTime: string;
  readonly warmup: string;
  readonly evaluateOnly?: boolean;
}

const pct = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}`;

export function formatErrors(errors: readonly SliceErrors[]): string {
  const lines = [`${'slice'.padEnd(52)}${'n'.padStart(6)}${'TTFT mean'.padStart(11)}${'E2E mean'.padStart(10)}${'ITL mean'.padStart(10)}${'TTFT p99'.padStart(10)}`];
  for (const e of errors) lines.push(`${e.name.padEnd(52)}${String(e.matched).padStart(6)}${pct(e.ttftMean).padStart(11)}${pct(e.e2eMean).padStart(10)}${pct(e.itlMean).padStart(10)}${pct(e.ttftP99).padStart(10)}`);
  return `${lines.join('\n')}\n`;
}

function positive(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InputError([{ file: flag, path: '', message: `expected a positive integer, found ${JSON.stringify(text)}` }]);
  return n;
}

export function registerCalibrate(program: Command, setExit: SetExit): void {
  program
    .command('calibrate')
    .description('fit the roofline step-time coefficients to measured vLLM runs by replaying them')
    .argument('<measured...>', 'measured run folders')
    .option('-o, --output <file>', 'write the fitted coefficients here (YAML; JSON if the name ends .json)')
    .option('--limit <n>', 'requests replayed per load stage of each run', '400')
    .option('--max-evals <n>', 'replay evaluations of the search', '120')
    .option('--max-sim-time <duration>', 'simulated-time bound of each replay', '300s')
    .option('--warmup <duration>', 'start each stage\'s replay this far into the stage (the server warms up first)', '30s')
    .option('--evaluate-only', 'print the errors of the shipped coefficients without fitting')
    .action(async (measured: string[], flags: CalibrateFlags) => {
      const limit = positive(flags.limit, '--limit');
      const maxEvals = positive(flags.maxEvals, '--max-evals');
      const maxSimTimeS = parseDurationSeconds(flags.maxSimTime) ?? Number.NaN;
      if (!(maxSimTimeS > 0)) throw new InputError([{ file: '--max-sim-time', path: '', message: `expected a duration > 0 such as 300s, found ${JSON.stringify(flags.maxSimTime)}` }]);
      const warmupS = parseDurationSeconds(flags.warmup) ?? Number.NaN;
      if (!(warmupS >= 0)) throw new InputError([{ file: '--warmup', path: '', message: `expected a duration >= 0, found ${JSON.stringify(flags.warmup)}` }]);
      const [{ evaluate, fit, measuredSlices }, { DEFAULT_COEFFICIENTS }] = await Promise.all([import('../../calibrate/calibrate.js'), import('../../model/default-coefficients.js')]);
      const slices = measured.flatMap((dir) => measuredSlices(dir, { limit, maxSimTimeS, warmupS }));
      process.stderr.write(
        `simtrace: calibrating on ${slices.length} slices (per load stage: replay from ${warmupS} s into the stage, ${Math.ceil(limit / 2)} requests to fill the system, then ${limit} scored; async scheduling on; replays bounded at ${maxSimTimeS} s simulated)\n`,
      );
      if (flags.evaluateOnly === true) {
        const r = await evaluate(slices, DEFAULT_COEFFICIENTS, false);
        process.stdout.write(formatErrors(r.errors) + `loss ${r.loss.toFixed(4)}\n`);
        setExit(0);
        return;
      }
      const result = await fit(slices, DEFAULT_COEFFICIENTS, {
        maxEvals,
        onEval: (n, loss) => {
          if (n % 10 === 0) process.stderr.write(`simtrace: eval ${n} loss ${loss.toFixed(4)}\n`);
        },
      });
      process.stdout.write(formatErrors(result.errors));
      process.stdout.write(`loss ${result.loss.toFixed(4)} after ${result.evals} evaluations\n`);
      const document = {
        step: result.coefficients.step,
        frontend: result.coefficients.frontend,
        fitted: { runs: measured.length, slices: slices.length, limit, loss: result.loss },
      };
      const text = flags.output?.endsWith('.json') === true ? `${JSON.stringify(document, null, 2)}\n` : (await import('yaml')).stringify(document);
      if (flags.output !== undefined) writeFileAtomic(flags.output, text);
      else process.stdout.write(text);
      setExit(0);
    });
}
