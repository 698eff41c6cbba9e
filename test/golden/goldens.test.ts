// Golden traces: every scenario, run again through the CLI's own code path (`simtrace run
// --trace-out`, in-process), must write exactly the bytes checked in under fixtures/golden/. A
// difference is reported in the diff engine's terms (the first differing request, step, event and
// attribute), with the command that accepts it when the change is intended.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareTraces, DEFAULT_DIFF_OPTIONS, formatTextReport, parseTraceText } from '../../src/diff/index.js';
import { GOLDEN_DIR, goldenPathOf, goldenProblems, missingGoldenMessage, scenarioFiles } from './golden-files.js';
import { simtrace } from './in-process-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'simtrace-golden-'));

/** ~1.5 MB is the aim; prefix-cache's journeys alone (400 requests, never sampled) are 2 MB. */
const REVIEWABLE_BYTES = 2.5 * 1024 * 1024;

describe('golden traces', () => {
  it('every scenario has a golden and every golden a scenario', () => {
    expect(goldenProblems()).toEqual([]);
  });

  it.each(scenarioFiles())('%s regenerates its golden byte for byte', async (scenario) => {
    const golden = goldenPathOf(scenario);
    let expected: Buffer;
    try {
      expected = readFileSync(golden);
    } catch {
      expect.fail(missingGoldenMessage(scenario));
    }
    const out = join(dir, `${scenario.replace(/\W/g, '_')}.jsonl`);
    const run = await simtrace(['run', scenario, '--trace-out', out]);
    expect(run.code, run.stderr).toBe(0);
    const actual = readFileSync(out);
    if (!actual.equals(expected)) {
      const result = compareTraces(parseTraceText(expected.toString('utf8'), golden), parseTraceText(actual.toString('utf8'), 'this run'), DEFAULT_DIFF_OPTIONS);
      const report = formatTextReport(result, { expected: golden, actual: `a fresh run of ${scenario}` }, DEFAULT_DIFF_OPTIONS);
      expect.fail(`${report}If the change is intended: npm run golden:update, then review and commit the goldens' diff`);
    }
  });

  it.each(readdirSync(GOLDEN_DIR).sort())('%s is small enough to review', (file) => {
    expect(statSync(join(GOLDEN_DIR, file)).size).toBeLessThan(REVIEWABLE_BYTES);
  });
});

describe('goldenProblems', () => {
  it('names a scenario without a golden with the exact command that creates it, and a golden without a scenario', () => {
    const root = mkdtempSync(join(dir, 'tree-'));
    mkdirSync(join(root, 'scenarios'));
    mkdirSync(join(root, 'golden'));
    writeFileSync(join(root, 'scenarios', 'has.yaml'), 'seed: 1\n');
    writeFileSync(join(root, 'golden', 'has.otlp.jsonl'), '');
    writeFileSync(join(root, 'scenarios', 'new-one.yaml'), 'seed: 1\n');
    writeFileSync(join(root, 'golden', 'gone.otlp.jsonl'), '');
    const s = join(root, 'scenarios');
    const g = join(root, 'golden');
    expect(goldenProblems(s, g)).toEqual([
      `${s}/new-one.yaml has no golden trace ${g}/new-one.otlp.jsonl; create it with \`node bin/simtrace.js run ${s}/new-one.yaml --update-golden ${g}/new-one.otlp.jsonl\` (or \`npm run golden:update\` for all), review it, and commit it`,
      `${g}/gone.otlp.jsonl has no scenario ${s}/gone.yaml; delete it with \`git rm ${g}/gone.otlp.jsonl\``,
    ]);
  });
});
