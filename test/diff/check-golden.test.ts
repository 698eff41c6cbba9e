// `simtrace run SCENARIO --check-golden FILE` / `--update-golden FILE`, the one command CI runs:
// exit 0 when the run's trace matches, 1 with the diff report when it does not, 2 when there is no
// golden to check against; the update replaces the golden in one rename and leaves nothing behind.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simtrace } from '../golden/in-process-cli.js';
import { C8_GOLDEN, c8Lines, findSpan, setAttribute, toText } from './trace-edits.js';

const dir = mkdtempSync(join(tmpdir(), 'simtrace-check-golden-'));
const checkDirs = () => readdirSync(tmpdir()).filter((name) => name.startsWith('simtrace-check-') && !name.startsWith('simtrace-check-golden-'));

describe('simtrace run --check-golden', () => {
  it('exits 0 when the trace matches, still printing the summary, and leaves no temp files', async () => {
    const before = checkDirs();
    const run = await simtrace(['run', 'scenarios/spec-c8.yaml', '--check-golden', C8_GOLDEN]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('simtrace: spec-c8 (seed 1)');
    expect(run.stderr).toContain(`simtrace: the trace matches the golden ${C8_GOLDEN}\n`);
    expect(checkDirs()).toEqual(before);
  });

  it('exits 1 with the first difference and the command that accepts the change', async () => {
    const lines = c8Lines();
    setAttribute(findSpan(lines, 'llm_request', 'A'), 'gen_ai.usage.completion_tokens', { intValue: 4 });
    const golden = join(dir, 'changed.otlp.jsonl');
    writeFileSync(golden, toText(lines));
    const run = await simtrace(['run', 'scenarios/spec-c8.yaml', '--check-golden', golden]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${golden} (EXPECTED) and this run (ACTUAL) differ\n`);
    expect(run.stderr).toContain('first difference: request chatcmpl-A, llm_request, attribute gen_ai.usage.completion_tokens: expected 4, actual 3\n');
    expect(run.stderr).toContain(`update the golden: simtrace run scenarios/spec-c8.yaml --update-golden ${golden}\n`);
  });

  it('exits 1 on another seed, and keeps the run\'s trace when --trace-out is given', async () => {
    const kept = join(dir, 'kept.jsonl');
    const run = await simtrace(['run', 'scenarios/spec-c8.yaml', '--seed', '2', '--check-golden', C8_GOLDEN, '--trace-out', kept]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${C8_GOLDEN} (EXPECTED) and ${kept} (ACTUAL) differ`);
    expect(readFileSync(kept, 'utf8')).toContain('"simtrace.seed","value":{"intValue":2}');
  });

  it('exits 2, before simulating, when the golden does not exist, saying how to create it', async () => {
    const missing = join(dir, 'missing.otlp.jsonl');
    const run = await simtrace(['run', 'scenarios/spec-c8.yaml', '--check-golden', missing]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`${missing}: no golden trace here; create it with: simtrace run scenarios/spec-c8.yaml --update-golden ${missing}\n`);
    expect(run.stdout).toBe('');
  });

  it('exits 2 when the golden is not a trace', async () => {
    const broken = join(dir, 'broken.otlp.jsonl');
    writeFileSync(broken, '{"resourceSpans":[]}\n{"resourceSpans":\n');
    const run = await simtrace(['run', 'scenarios/spec-c8.yaml', '--check-golden', broken]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`${broken.replace(/[.]/g, '\\.')}:2(:\\d+)?: not valid JSON`));
  });
});

describe('simtrace run --update-golden', () => {
  it('writes the golden (creating its folder), byte for byte what --trace-out writes, with no temp file left', async () => {
    const folder = join(dir, 'new', 'goldens');
    const golden = join(folder, 'spec-c8.otlp.jsonl');
    const run = await simtrace(['run', 'scenarios/spec-c8.yaml', '--update-golden', golden]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`simtrace: wrote the golden trace ${golden}\n`);
    expect(readFileSync(golden)).toEqual(readFileSync(C8_GOLDEN));
    expect(readdirSync(folder)).toEqual(['spec-c8.otlp.jsonl']);
    expect((await simtrace(['run', 'scenarios/spec-c8.yaml', '--check-golden', golden])).code).toBe(0);
  });

  it('replaces an outdated golden, after which the check passes', async () => {
    const golden = join(dir, 'outdated.otlp.jsonl');
    writeFileSync(golden, toText(c8Lines().slice(0, 2)));
    expect((await simtrace(['run', 'scenarios/spec-c8.yaml', '--check-golden', golden])).code).toBe(1);
    expect((await simtrace(['run', 'scenarios/spec-c8.yaml', '--update-golden', golden])).code).toBe(0);
    expect((await simtrace(['run', 'scenarios/spec-c8.yaml', '--check-golden', golden])).code).toBe(0);
  });

  it('refuses to be combined with --check-golden or --trace-out (exit 2), and touches nothing', async () => {
    const golden = join(dir, 'untouched.otlp.jsonl');
    const both = await simtrace(['run', 'scenarios/spec-c8.yaml', '--update-golden', golden, '--check-golden', C8_GOLDEN]);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('--update-golden: give either --check-golden or --update-golden, not both\n');
    const withTrace = await simtrace(['run', 'scenarios/spec-c8.yaml', '--update-golden', golden, '--trace-out', join(dir, 'x.jsonl')]);
    expect(withTrace.code).toBe(2);
    expect(existsSync(golden)).toBe(false);
  });
});
