// `simtrace diff` through the command line (in-process main): runs of the same scenario with other
// seeds or other timings, exact and --real comparisons, tolerances, --json, and exit codes 0/1.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { simtrace } from '../golden/in-process-cli.js';
import { C8_GOLDEN, c8Lines, eventOf, findSpan, setAttribute, spanOf, toText, type Json } from './trace-edits.js';

const dir = mkdtempSync(join(tmpdir(), 'simtrace-diff-cli-'));

async function traceOf(name: string, args: string[]): Promise<string> {
  const out = join(dir, name);
  const run = await simtrace(['run', ...args, '--trace-out', out]);
  expect(run.code, run.stderr).toBe(0);
  return out;
}

const spansIn = (path: string): Json[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => spanOf(JSON.parse(line) as Json));

describe('spec C.8 with another seed: same timings, other ids', () => {
  let seed2 = '';
  let slower = '';
  beforeAll(async () => {
    seed2 = await traceOf('c8-seed2.jsonl', ['scenarios/spec-c8.yaml', '--seed', '2']);
    // The same requests with 11 ms forward passes instead of 10 ms: every step 1 ms later.
    slower = await traceOf('c8-slower.jsonl', ['scenarios/spec-c8.yaml', '--seed', '2', '--set', 'model.step_time.duration=11ms']);
  });

  it('has other trace ids, span ids and engine request ids', () => {
    const [a, b] = [spansIn(C8_GOLDEN), spansIn(seed2)];
    expect(b.map((s) => s.name)).toEqual(a.map((s) => s.name));
    for (let i = 0; i < a.length; i++) {
      expect(b[i]!.traceId).not.toBe(a[i]!.traceId);
      expect(b[i]!.spanId).not.toBe(a[i]!.spanId);
    }
  });

  it('differs in exact mode, first in the engine request id, and the report says the seed differs', async () => {
    const run = await simtrace(['diff', C8_GOLDEN, seed2]);
    expect(run.code).toBe(1);
    const first = /^first difference: request chatcmpl-A, llm_core, attribute gen_ai\.request\.id: expected "(chatcmpl-A-[0-9a-f]{8})", actual "(chatcmpl-A-[0-9a-f]{8})"$/m.exec(run.stdout);
    expect(first, run.stdout).not.toBeNull();
    expect(first![1]).not.toBe(first![2]);
    expect(run.stdout).toContain('\nalso: resource 1, attribute simtrace.seed: expected 1, actual 2\n');
  });

  it('is equivalent in --real mode, matching requests by id or by arrival', async () => {
    for (const match of ['id', 'arrival']) {
      const run = await simtrace(['diff', C8_GOLDEN, seed2, '--real', '--match', match]);
      expect(run.code, run.stdout).toBe(0);
      expect(run.stdout).toMatch(/^fixtures\/golden\/spec-c8\.otlp\.jsonl and .*c8-seed2\.jsonl are equivalent \(5 spans, 32 events compared\)$/m);
    }
  });

  it('differs in --real mode when the timing differs, naming the first late event', async () => {
    const run = await simtrace(['diff', C8_GOLDEN, slower, '--real']);
    expect(run.code).toBe(1);
    // A's first output: 21 us of scheduling plus one forward pass after its arrival.
    expect(run.stdout).toContain(
      'first difference: request chatcmpl-A, llm_request, api.FIRST_RESPONSE_FROM_CORE, event time: expected 10.021000 ms after arrival, actual 11.021000 ms after arrival\n',
    );
  });

  it('--time-tolerance takes a duration or a percentage', async () => {
    // Six forward passes late by 1 ms each: the last events drift by 6 ms, about 9.98 % of their time.
    const code = async (tolerance: string) => (await simtrace(['diff', C8_GOLDEN, slower, '--real', '--time-tolerance', tolerance])).code;
    expect(await code('7ms')).toBe(0);
    expect(await code('5ms')).toBe(1);
    expect(await code('10%')).toBe(0);
    expect(await code('9%')).toBe(1);
    expect(await code('1ms,10%')).toBe(0);
    const bad = await simtrace(['diff', C8_GOLDEN, slower, '--time-tolerance', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('--time-tolerance: expected a duration such as 5ms or a percentage such as 10%, found "soon"\n');
  });
});

describe('kv-pressure with two seeds', () => {
  let other = '';
  beforeAll(async () => {
    other = await traceOf('kv-43.jsonl', ['scenarios/kv-pressure.yaml', '--seed', '43']);
  });

  it('exits 1 and names the first request that differs, found here by reading both files', async () => {
    // Request ids come from the seed, so no request of one run is in the other: the first
    // difference is the earliest arrival of either file, a span only one side has.
    const arrivals = [
      ...spansIn('fixtures/golden/kv-pressure.otlp.jsonl').map((s, i) => ({ s, line: i + 1, side: 'expected' })),
      ...spansIn(other).map((s, i) => ({ s, line: i + 1, side: 'actual' })),
    ].filter((x) => x.s.name === 'llm_request');
    const first = arrivals.reduce((a, b) => (BigInt(b.s.startTimeUnixNano) < BigInt(a.s.startTimeUnixNano) ? b : a));
    const id = first.s.attributes.find((a: Json) => a.key === 'gen_ai.request.id').value.stringValue as string;
    const ns = BigInt(first.s.startTimeUnixNano) - 1_767_225_600_000_000_000n;
    const ms = `${ns / 1_000_000n}.${String(ns % 1_000_000n).padStart(6, '0')}`;
    const what = first.side === 'actual' ? `span only in ACTUAL (starts at ${ms} ms` : `span missing from ACTUAL (EXPECTED's starts at ${ms} ms`;
    const run = await simtrace(['diff', 'fixtures/golden/kv-pressure.otlp.jsonl', other]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`first difference: request ${id}, llm_request: ${what}, first event api.ARRIVED, line ${first.line})\n`);
    expect(run.stdout).toMatch(/^in all: \d+ spans, \d+ events and \d+ attributes differ \(\d+ differences\)$/m);
    expect(run.stdout).toContain('also: resource 1, attribute simtrace.seed: expected 42, actual 43');
  });

  it('with --only steps, names the first step event that differs', async () => {
    const run = await simtrace(['diff', 'fixtures/golden/kv-pressure.otlp.jsonl', other, '--only', 'steps']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^first difference: scheduler_steps_1, step \d+, step\.BATCH_SUMMARY/m);
  });
});

describe('simtrace diff --json and --ignore', () => {
  let changed = '';
  beforeAll(() => {
    const lines = c8Lines();
    setAttribute(eventOf(findSpan(lines, 'llm_core', 'B'), 'journey.PREEMPTED'), 'num_preemptions', { intValue: 2 });
    changed = join(dir, 'c8-changed.jsonl');
    writeFileSync(changed, toText(lines));
  });

  it('prints every difference as data', async () => {
    const run = await simtrace(['diff', C8_GOLDEN, changed, '--json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as Json;
    expect(report).toMatchObject({ equivalent: false, counts: { spans: 1, events: 1, attributes: 1 }, compared: { spans: 5, events: 32 } });
    expect(report.differences).toEqual([
      {
        kind: 'value',
        request: 'chatcmpl-B',
        span: 'llm_core',
        event: 'journey.PREEMPTED',
        attribute: 'num_preemptions',
        expected: '1',
        actual: '2',
        message: 'request chatcmpl-B, llm_core, journey.PREEMPTED, attribute num_preemptions: expected 1, actual 2',
      },
    ]);
  });

  it('exits 0 when the only difference is ignored, and says what it ignored', async () => {
    const run = await simtrace(['diff', C8_GOLDEN, changed, '--ignore', 'num_preemptions']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('(ignoring num_preemptions)');
    expect((await simtrace(['diff', C8_GOLDEN, changed, '--ignore', 'num_*'])).code).toBe(0);
    expect((await simtrace(['diff', C8_GOLDEN, changed, '--ignore', 'step.duration_us'])).code).toBe(1);
  });

  it('rejects an unknown --only or --match with exit 2', async () => {
    expect((await simtrace(['diff', C8_GOLDEN, changed, '--only', 'spans'])).code).toBe(2);
    expect((await simtrace(['diff', C8_GOLDEN, changed, '--match', 'name'])).code).toBe(2);
  });
});
