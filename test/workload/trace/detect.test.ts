// Format detection from content, and the errors when the content and the requested format disagree
// or nothing can be told.
import { describe, expect, it } from 'vitest';
import { detectFormat, resolveFormat } from '../../../src/workload/trace/detect.js';
import { inputErrorOf, tempFile } from './helpers.js';

describe('trace format detection', () => {
  it.each([
    ['fixtures/traces/azure-conv-head.csv', 'azure'],
    ['fixtures/traces/burstgpt-sample.csv', 'burstgpt'],
    ['fixtures/traces/mooncake-conversations.jsonl', 'mooncake'],
    ['fixtures/traces/sharegpt-sample.json', 'sharegpt'],
    ['fixtures/traces/sharegpt-lengths.jsonl', 'sharegpt'],
    ['fixtures/traces/blis-tracev2.csv', 'tracev2'],
    ['fixtures/traces/blis-tracev2.yaml', 'tracev2'],
    ['fixtures/measured/llama-2-7b-codegen-head', 'measured'],
    ['fixtures/measured/llama-2-7b-codegen-head/workload.json', 'measured'],
  ])('%s is %s', (path, format) => {
    expect(detectFormat(path).format).toBe(format);
  });

  it('detects OTLP from the first line', () => {
    const path = tempFile('t.jsonl', '{"resourceSpans":[{"scopeSpans":[]}]}\n');
    expect(detectFormat(path).format).toBe('otlp');
  });

  it('names the requested and the detected format when they disagree', () => {
    const message = inputErrorOf(() => resolveFormat('fixtures/traces/azure-conv-head.csv', 'burstgpt'));
    expect(message).toBe(
      'fixtures/traces/azure-conv-head.csv: trace.format: expected format "burstgpt", a BurstGPT CSV (Timestamp, Model, Request tokens, Response tokens, ...); ' +
        'found a CSV with columns TIMESTAMP,ContextTokens,GeneratedTokens, which is format "azure" (leave the format out to use it)',
    );
  });

  it('asks for a format when the content does not tell, and trusts a given one', () => {
    const path = tempFile('odd.csv', 'when,in,out\n1,2,3\n');
    expect(inputErrorOf(() => resolveFormat(path, undefined))).toBe(
      `${path}: trace.format: cannot tell the trace format: found a CSV with columns when,in,out; expected one of azure, mooncake, burstgpt, sharegpt, measured, tracev2, otlp (give the format)`,
    );
    expect(resolveFormat(path, 'burstgpt')).toBe('burstgpt');
  });
});
