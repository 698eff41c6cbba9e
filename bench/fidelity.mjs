// npm run fidelity [-- --lomo] [--data DIR]: how well simtrace predicts the measured H100 runs.
//
// 1. Replays every measured run in full (async scheduling on, the built-in measured base: the run's
//    model and TP, the roofline with the shipped coefficients) and prints the error of mean, p90 and
//    p99 TTFT and E2E and of mean ITL, with the median |error| of each column.
// 2. With --lomo, leave-one-model-out: for each model, fits the coefficients on the other models'
//    runs (calibrate's slices: --limit requests per stage, --max-evals replays) and replays the
//    held-out model's runs with them.
// Needs `npm run build` first (npm run fidelity does it).
import { readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runCompare } from '../dist/compare/run-compare.js';
import { fit, measuredSlices } from '../dist/calibrate/calibrate.js';
import { DEFAULT_COEFFICIENTS } from '../dist/model/default-coefficients.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(import.meta.dirname, '../../shared/data/measured/vllm-h100') },
    lomo: { type: 'boolean', default: false },
    limit: { type: 'string', default: '120' },
    'max-evals': { type: 'string', default: '60' },
  },
});
const runs = readdirSync(values.data)
  .map((d) => join(values.data, d))
  .filter((d) => existsSync(join(d, 'ground_truth.json')))
  .sort();

const COLUMNS = [
  ['TTFT mean', (c) => c.ttft.mean.error_pct],
  ['TTFT p90', (c) => c.ttft.p90.error_pct],
  ['TTFT p99', (c) => c.ttft.p99.error_pct],
  ['E2E mean', (c) => c.e2e.mean.error_pct],
  ['E2E p90', (c) => c.e2e.p90.error_pct],
  ['E2E p99', (c) => c.e2e.p99.error_pct],
  ['ITL mean', (c) => c.itl.mean.error_pct],
];
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (v) => `${v >= 0 ? '+' : ''}${v.toFixed(1)}`.padStart(10);
const short = (d) => d.split('/').pop().replace(/^\d+-\d+-/, '');

async function table(title, dirs, set = []) {
  console.log(`\n${title}`);
  console.log(`${'run'.padEnd(34)}${COLUMNS.map(([n]) => n.padStart(10)).join('')}`);
  const rows = [];
  for (const dir of dirs) {
    const { comparison } = await runCompare({ measured: dir, set });
    const row = COLUMNS.map(([, f]) => f(comparison));
    rows.push(row);
    console.log(`${short(dir).padEnd(34)}${row.map(fmt).join('')}`);
  }
  const med = COLUMNS.map((_, i) => median(rows.map((r) => Math.abs(r[i]))));
  console.log(`${'median |error| %'.padEnd(34)}${med.map((v) => v.toFixed(1).padStart(10)).join('')}`);
  return rows;
}

await table('Shipped coefficients: error % (sim - real) / real, full runs', runs);

if (values.lomo) {
  const byModel = new Map();
  for (const dir of runs) {
    const model = short(dir).replace(/-(codegen|roleplay|general|reasoning)$/, '');
    byModel.set(model, [...(byModel.get(model) ?? []), dir]);
  }
  const limit = Number(values.limit);
  const all = [];
  for (const [model, held] of byModel) {
    const train = runs.filter((d) => !held.includes(d));
    const slices = train.flatMap((d) => measuredSlices(d, { limit, maxSimTimeS: 300 }));
    const result = await fit(slices, DEFAULT_COEFFICIENTS, { maxEvals: Number(values['max-evals']) });
    const c = result.coefficients;
    const set = [
      `model.step_time={type: roofline, coefficients: ${JSON.stringify({ ...c.step, completion_delay: c.frontend.completion_delay })}}`,
      `frontend.input_delay=${c.frontend.input_delay}`,
    ];
    all.push(...(await table(`Leave-one-model-out: fitted without ${model} (train loss ${result.loss.toFixed(3)}), tested on it`, held, set)));
  }
  const med = COLUMNS.map((_, i) => median(all.map((r) => Math.abs(r[i]))));
  console.log(`\n${'LOMO median |error| % (all held-out runs)'.padEnd(34)}\n${' '.repeat(34)}${COLUMNS.map(([n]) => n.padStart(10)).join('')}\n${' '.repeat(34)}${med.map((v) => v.toFixed(1).padStart(10)).join('')}`);
}
