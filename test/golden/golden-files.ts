// Which golden belongs to which scenario, and what is missing: every scenarios/<name>.yaml has
// fixtures/golden/<name>.otlp.jsonl and every golden has its scenario. The messages say the exact
// command that fixes each problem, because whoever adds a scenario meets them first.
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

export const SCENARIO_DIR = 'scenarios';
export const GOLDEN_DIR = 'fixtures/golden';
const GOLDEN_SUFFIX = '.otlp.jsonl';

export function scenarioFiles(dir = SCENARIO_DIR): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => join(dir, file));
}

export function goldenPathOf(scenario: string, goldenDir = GOLDEN_DIR): string {
  return join(goldenDir, `${basename(scenario, '.yaml')}${GOLDEN_SUFFIX}`);
}

export function createGoldenCommand(scenario: string, goldenDir = GOLDEN_DIR): string {
  return `node bin/simtrace.js run ${scenario} --update-golden ${goldenPathOf(scenario, goldenDir)}`;
}

export function missingGoldenMessage(scenario: string, goldenDir = GOLDEN_DIR): string {
  return `${scenario} has no golden trace ${goldenPathOf(scenario, goldenDir)}; create it with \`${createGoldenCommand(scenario, goldenDir)}\` (or \`npm run golden:update\` for all), review it, and commit it`;
}

/** Every scenario without a golden and every golden without a scenario, as messages. */
export function goldenProblems(scenarioDir = SCENARIO_DIR, goldenDir = GOLDEN_DIR): string[] {
  const scenarios = scenarioFiles(scenarioDir);
  const problems = scenarios.filter((s) => !existsSync(goldenPathOf(s, goldenDir))).map((s) => missingGoldenMessage(s, goldenDir));
  const names = new Set(scenarios.map((s) => basename(s, '.yaml')));
  for (const file of existsSync(goldenDir) ? readdirSync(goldenDir).sort() : []) {
    if (!file.endsWith(GOLDEN_SUFFIX) || names.has(file.slice(0, -GOLDEN_SUFFIX.length))) continue;
    problems.push(`${join(goldenDir, file)} has no scenario ${join(scenarioDir, file.slice(0, -GOLDEN_SUFFIX.length))}.yaml; delete it with \`git rm ${join(goldenDir, file)}\``);
  }
  return problems;
}
