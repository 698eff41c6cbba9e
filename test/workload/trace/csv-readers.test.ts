// The CSV readers on slices of the real files (Azure) and on BurstGPT-shaped samples. Expected
// arrivals are worked out by hand from the timestamps in the fixture files.
import { describe, expect, it } from 'vitest';
import { parseUtcDatetime } from '../../../src/workload/trace/utc-time.js';
import { inputErrorOf, replay, tempFile } from './helpers.js';

const AZURE = 'fixtures/traces/azure-conv-head.csv';
const BURSTGPT = 'fixtures/traces/burstgpt-sample.csv';

describe('Azure LLM inference CSV', () => {
  it('replays every row: arrival = offset from the first row, prompt = ContextTokens, output = GeneratedTokens', () => {
    const requests = replay(AZURE);
    expect(requests).toHaveLength(40);
    // Rows 1-3: 18:15:46.6805900 374/44, 18:15:50.9951690 396/109, 18:15:51.2224670 879/55.
    expect(requests.slice(0, 3).map((r) => [r.arrivalNs, r.prompt.length, r.maxTokens, r.outputTokens])).toEqual([
      [0, 374, 44, undefined],
      [4_314_579_000, 396, 109, undefined],
      [4_541_877_000, 879, 55, undefined],
    ]);
    // The last row, 18:16:10.8268860: 60 + 10.8268860 - 46.6805900 = 24.1462960 s after the first.
    expect(requests[39]!.arrivalNs).toBe(24_146_296_000);
    expect(requests.every((r) => r.endpoint === 'chat' && r.stream && r.priority === 0)).toBe(true);
  });

  it('reads datetimes as UTC whatever the offset notation, to the nanosecond', () => {
    expect(parseUtcDatetime('2023-11-16 18:15:46.6805900')).toEqual({ seconds: 1700158546, nanos: 680_590_000 });
    // 2024-05-10 00:00:00 UTC is 1715299200; +05:30 means 5.5 h earlier in UTC.
    expect(parseUtcDatetime('2024-05-10 00:00:00.009930+00:00')).toEqual({ seconds: 1715299200, nanos: 9_930_000 });
    expect(parseUtcDatetime('2024-05-10T05:30:00+05:30')).toEqual({ seconds: 1715299200, nanos: 0 });
    expect(parseUtcDatetime('2024-05-10 00:00:01Z')).toEqual({ seconds: 1715299201, nanos: 0 });
    expect(parseUtcDatetime('2023-02-30 00:00:00')).toBeUndefined();
    expect(parseUtcDatetime('yesterday')).toBeUndefined();
  });

  it('applies skip, duration, time_scale, start and limit in trace time', () => {
    // Keep trace offsets [4 s, 4.6 s): rows 2 and 3, re-based to 0 and 0.2272980 s, then scaled by 2, from 10 s.
    const window = replay(AZURE, { skip: 4, duration: 0.6, time_scale: 2, start: 10 });
    expect(window.map((r) => r.arrivalNs)).toEqual([10_000_000_000 + 2 * 314_579_000, 10_000_000_000 + 2 * 541_877_000]);
    expect(replay(AZURE, { limit: 5 })).toHaveLength(5);
  });

  it('with max_tokens, sends that and ends recorded outputs with EOS (longer ones run to max_tokens)', () => {
    const requests = replay(AZURE, { max_tokens: 100, limit: 3 });
    expect(requests.map((r) => [r.maxTokens, r.outputTokens])).toEqual([
      [100, 44],
      [100, undefined], // 109 >= 100: finishes "length" at 100
      [100, 55],
    ]);
  });

  it('reads lazily: a bad row beyond what the replay needs (and beyond the reorder window) is never read', () => {
    const rows = Array.from({ length: 6000 }, (_, i) => `2023-11-16 18:00:${String(Math.floor(i / 100)).padStart(2, '0')}.${String(i % 100).padStart(2, '0')},10,5`);
    const path = tempFile('big.csv', ['TIMESTAMP,ContextTokens,GeneratedTokens', ...rows, 'not a row,x,y'].join('\n'));
    expect(replay(path, { limit: 5 })).toHaveLength(5);
    expect(inputErrorOf(() => replay(path))).toContain(':6002:1: TIMESTAMP: expected a datetime');
  });

  it('rejects a bad row with the file, line, column and what was expected', () => {
    const bad = tempFile('azure.csv', 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374,44\n2023-11-16 18:15:47,12x,5\n');
    expect(inputErrorOf(() => replay(bad))).toBe(`${bad}:3:1: ContextTokens: expected a whole number >= 0, found "12x"`);
    const time = tempFile('azure.csv', 'TIMESTAMP,ContextTokens,GeneratedTokens\n16/11/2023 18:15,1,1\n');
    expect(inputErrorOf(() => replay(time, { format: 'azure' }))).toContain(':2:1: TIMESTAMP: expected a datetime such as 2023-11-16 18:15:46.6805900');
  });

  it('names missing columns', () => {
    const path = tempFile('azure.csv', 'TIMESTAMP,ContextTokens,Generated\n2023-11-16 18:15:46,1,1\n');
    expect(inputErrorOf(() => replay(path, { format: 'azure' }))).toBe(
      `${path}:1:1: expected the column GeneratedTokens; found TIMESTAMP, ContextTokens, Generated`,
    );
  });
});

describe('BurstGPT CSV', () => {
  it('replays Timestamp seconds from the first row, Request and Response tokens; a failed request (0 tokens) gets 1', () => {
    const requests = replay(BURSTGPT);
    expect(requests.map((r) => [r.arrivalNs, r.prompt.length, r.maxTokens])).toEqual([
      [0, 472, 18],
      [40_000_000_000, 1087, 230],
      [113_000_000_000, 417, 276],
      [115_500_000_000, 300, 1],
    ]);
  });

  it('puts slightly out-of-order rows back in order, and refuses rows out of order beyond the window', () => {
    const shuffled = tempFile('b.csv', 'Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n10,m,1,1,2,x\n12,m,2,1,3,x\n11,m,3,1,4,x\n');
    expect(replay(shuffled).map((r) => [r.arrivalNs, r.prompt.length])).toEqual([
      [0, 1],
      [1_000_000_000, 3],
      [2_000_000_000, 2],
    ]);
    const rows = Array.from({ length: 5000 }, (_, i) => `${100 + i},m,1,1,2,x`);
    const late = tempFile('late.csv', ['Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type', ...rows, '1,m,1,1,2,x'].join('\n'));
    expect(inputErrorOf(() => replay(late))).toContain(':5002:1: expected rows in time order (within 4096 rows)');
  });
});
