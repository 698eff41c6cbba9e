// Reading trace files: the forms collectors write (JSON lines, one document, an array; ints as
// strings or numbers; enums by name) all mean the same trace, and anything else is bad input that
// names the file and line (exit 2 through the CLI).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareTraces, DEFAULT_DIFF_OPTIONS, parseTraceText, readTraceFile } from '../../src/diff/index.js';
import { InputError } from '../../src/scenario/problems.js';
import { simtrace } from '../golden/in-process-cli.js';
import { C8_GOLDEN, c8Lines, toText, type Json } from './trace-edits.js';

const dir = mkdtempSync(join(tmpdir(), 'simtrace-diff-read-'));
const golden = () => toText(c8Lines());

function equivalentToGolden(text: string): boolean {
  return compareTraces(parseTraceText(golden(), 'golden'), parseTraceText(text, 'other'), DEFAULT_DIFF_OPTIONS).equivalent;
}

function problem(text: string, file = 'bad.jsonl'): string {
  try {
    parseTraceText(text, file);
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('trace forms', () => {
  it('reads the golden: 5 spans, one resource', () => {
    const trace = readTraceFile(C8_GOLDEN);
    expect(trace.spans.map((s) => s.name)).toEqual(['llm_request', 'llm_core', 'llm_request', 'llm_core', 'scheduler_steps_1']);
    expect(trace.resources).toHaveLength(1);
  });

  it('takes intValue as a string or a number, and enums by number or by name', () => {
    const strings = golden().replace(/"intValue":(\d+)/g, '"intValue":"$1"');
    expect(strings).not.toBe(golden());
    expect(equivalentToGolden(strings)).toBe(true);
    const named = golden().replace(/"kind":2/g, '"kind":"SPAN_KIND_SERVER"').replace(/"kind":1/g, '"kind":"SPAN_KIND_INTERNAL"');
    expect(equivalentToGolden(named)).toBe(true);
    // A changed value is still a change, whatever its spelling.
    expect(equivalentToGolden(strings.replace('"intValue":"80"', '"intValue":"81"'))).toBe(false);
  });

  it('takes one pretty-printed document, or an array of documents', () => {
    const lines = c8Lines();
    const single = { resourceSpans: lines.flatMap((line: Json) => line.resourceSpans) };
    expect(equivalentToGolden(JSON.stringify(single, null, 2))).toBe(true);
    expect(equivalentToGolden(JSON.stringify(lines, null, 2))).toBe(true);
    expect(equivalentToGolden('\n\n' + golden() + '\n\n')).toBe(true);
  });
});

describe('unreadable traces', () => {
  it('names the line of malformed JSON (and its column when V8 gives a position)', () => {
    const lines = golden().split('\n');
    lines[2] = '{"resourceSpans":[}';
    expect(problem(lines.join('\n'))).toMatch(/^bad\.jsonl:3(:\d+)?: not valid JSON: Unexpected token/);
    lines[2] = '{"resourceSpans":[],}';
    expect(problem(lines.join('\n'))).toBe('bad.jsonl:3:21: not valid JSON: Expected double-quoted property name');
  });

  it('names line and column inside a pretty-printed document', () => {
    expect(problem('{\n  "resourceSpans": [\n    {"scopeSpans": []}\n    {"scopeSpans": []}\n  ]\n}\n')).toBe("bad.jsonl:4:5: not valid JSON: Expected ',' or ']' after array element");
  });

  it('names the line and the path of JSON that is not OTLP', () => {
    const lines = golden().split('\n');
    lines[1] = '{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"x","startTimeUnixNano":"soon"}]}]}]}';
    expect(problem(lines.join('\n'))).toBe('bad.jsonl:2: resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano: expected an integer (a decimal string or a number), found "soon"');
    expect(problem('{"resourceSpans":{}}\n')).toBe('bad.jsonl:1: resourceSpans: expected a list, found a mapping');
    expect(problem('[1]\n')).toBe('bad.jsonl:1: [0]: expected an object, found 1');
  });

  it('exits 2 through the CLI with file:line on stderr, and prints nothing on stdout', async () => {
    const bad = join(dir, 'bad.jsonl');
    const lines = golden().split('\n');
    lines[3] = lines[3]!.slice(0, 100);
    writeFileSync(bad, lines.join('\n'));
    const run = await simtrace(['diff', C8_GOLDEN, bad]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^${bad.replace(/[.]/g, '\\.')}:4(:\\d+)?: not valid JSON`));
    expect(run.stdout).toBe('');
    const missing = await simtrace(['diff', C8_GOLDEN, join(dir, 'nowhere.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`${join(dir, 'nowhere.jsonl')}: cannot read trace: file not found\n`);
  });
});
