// `npm run golden:update`: rewrites fixtures/golden/<name>.otlp.jsonl for every scenarios/<name>.yaml
// through the built CLI (`simtrace run ... --update-golden`), so goldens are made exactly as CI checks
// them. Run it after a change that is meant to change traces, and review the diff before committing.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import process from 'node:process';

const scenarios = readdirSync('scenarios')
  .filter((file) => file.endsWith('.yaml'))
  .sort();
for (const file of scenarios) {
  const golden = `fixtures/golden/${file.slice(0, -'.yaml'.length)}.otlp.jsonl`;
  const run = spawnSync(process.execPath, ['bin/simtrace.js', 'run', `scenarios/${file}`, '--update-golden', golden], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (run.status !== 0) {
    process.stderr.write(`golden:update: scenarios/${file} failed (exit ${run.status})\n`);
    process.exit(run.status ?? 1);
  }
  process.stdout.write(`${golden}: ${statSync(golden).size} bytes\n`);
}
