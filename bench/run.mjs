// `npm run bench`: each case runs as a whole process (start-up included), and the figures are
// printed and saved to bench/results/latest.json so that changes can be compared.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';

const CASES = [
  { name: 'blis-anchor 5k, tracing off', scenario: 'bench/scenarios/blis-anchor.yaml', set: ['workload.count=5000'] },
  { name: 'blis-anchor 50k, tracing off', scenario: 'bench/scenarios/blis-anchor.yaml', set: ['workload.count=50000'] },
  { name: 'generated 100k, tracing off', scenario: 'bench/scenarios/blis-anchor.yaml', set: ['workload.count=100000'] },
];

const only = process.argv[2];
const results = [];
for (const c of CASES) {
  if (only && !c.name.includes(only)) continue;
  const out = execFileSync(process.execPath, ['bench/child.mjs', c.scenario, ...c.set], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const r = JSON.parse(out.trim().split('\n').pop());
  const row = {
    case: c.name,
    requests: r.requests,
    steps: r.steps,
    cpu_s: +r.cpuSeconds.toFixed(3),
    wall_s: +r.wallSeconds.toFixed(3),
    peak_rss_mb: +r.peakRssMb.toFixed(1),
    requests_per_s: Math.round(r.requests / r.wallSeconds),
    steps_per_s: Math.round(r.steps / r.wallSeconds),
    sim_s_per_wall_s: +(r.simSeconds / r.wallSeconds).toFixed(1),
  };
  results.push(row);
  console.log(
    `${row.case.padEnd(32)} cpu ${String(row.cpu_s).padStart(7)} s  wall ${String(row.wall_s).padStart(7)} s  rss ${String(row.peak_rss_mb).padStart(7)} MB  ` +
      `${String(row.requests_per_s).padStart(8)} req/s  ${String(row.steps_per_s).padStart(8)} steps/s  ${String(row.sim_s_per_wall_s).padStart(8)} sim s/wall s`,
  );
}
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/latest.json', JSON.stringify({ node: process.version, results }, null, 2) + '\n');
