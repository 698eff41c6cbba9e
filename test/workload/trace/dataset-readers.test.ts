// ShareGPT-style datasets, BLIS TraceV2 and measured-run folders. Token estimates and offsets are
// worked out by hand from the fixture files (the comments show the arithmetic).
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { traceGroupKey } from '../../../src/workload/content-keys.js';
import { syntheticToken } from '../../../src/workload/tokens.js';
import { openTrace, traceSchema } from '../../../src/workload/trace/index.js';
import { inputErrorOf, replay, tempFile } from './helpers.js';

describe('ShareGPT-style datasets', () => {
  it('estimates conversations at ceil(code points / 4) from the first two turns and skips one-turn ones', () => {
    const requests = replay('fixtures/traces/sharegpt-sample.json');
    // conv-a: "Write a haiku about caches." = 27 chars -> 7; the answer is 25 + 1 + 29 + 1 + 24 = 80 -> 20.
    // conv-b has one turn: skipped. conv-c: "Grüße! ¿Qué tal? 日本語" = 20 code points -> 5; "ok" -> 1.
    expect(requests.map((r) => [r.id, r.prompt.length, r.maxTokens])).toEqual([
      ['conv-a', 7, 20],
      ['conv-c', 5, 1],
    ]);
    // No times: everything at `start`, as vllm bench sends with request rate inf.
    expect(requests.map((r) => r.arrivalNs)).toEqual([0, 0]);
  });

  it('takes exact lengths from length records, and follows `rate` when given', () => {
    const path = 'fixtures/traces/sharegpt-lengths.jsonl';
    // "twelve chars" has 12 characters -> 3 tokens.
    expect(replay(path).map((r) => [r.prompt.length, r.maxTokens])).toEqual([
      [812, 230],
      [64, 1],
      [3, 7],
    ]);
    const constant = replay(path, { rate: 4, arrival: 'constant', start: 1 });
    expect(constant.map((r) => r.arrivalNs)).toEqual([1e9, 1.25e9, 1.5e9]);
  });

  it('refuses a time window on a file without times, and a record of unknown shape', () => {
    expect(inputErrorOf(() => replay('fixtures/traces/sharegpt-lengths.jsonl', { skip: 5 }))).toContain('records no arrival times');
    const odd = tempFile('odd.jsonl', '{"text": "hello"}\n');
    expect(inputErrorOf(() => replay(odd, { format: 'sharegpt' }))).toBe(
      `${odd}:1:1: expected a record with "conversations" or with token counts (prompt_len/input_len/prompt_tokens/input_tokens/input_length and output_len/output_tokens/completion_tokens/output_length), found keys text`,
    );
  });
});

describe('BLIS TraceV2', () => {
  it('reads the header beside the data and rebuilds requests as BLIS replays them', () => {
    const opened = openTrace(traceSchema.parse({ path: 'fixtures/traces/blis-tracev2.csv' }), '.');
    expect(opened.format).toBe('tracev2');
    expect(opened.hints).toMatchObject({ modelName: 'meta-llama/Llama-3.1-8B-Instruct', engine: { max_num_seqs: 64, block_size: 16, max_model_len: 8192 } });
    const requests = [...opened.requests(1)];
    // Times are send_time_us when > 0, else arrival_time_us, relative to the first: request 0 sent at
    // ...000010; request 1 at ...500000 (+499990 us); request 2 sent at ...1000020 (+1000010 us);
    // request 3 at ...1250000 (+1249990 us).
    expect(requests.map((r) => [r.id, r.arrivalNs, r.prompt.length, r.maxTokens, r.priority, r.stream])).toEqual([
      ['0', 0, 256 + 100, 20, 0, true],
      ['1', 499_990_000, 312, 40, 2, false], // no group: server_input_tokens (312) over input_tokens (300)
      ['2', 1_000_010_000, 256 + 50, 10, 0, true],
      ['3', 1_249_990_000, 128 + 64, 8, 1, true],
    ]);
    // deadline 1708100002000000 - send 1708100001000020 = 999980 us after sending.
    expect(requests[2]!.abortAtNs).toBe(1_000_010_000 + 999_980_000);
    // Requests 0 and 2 share group sys-a's 256 tokens (the first group seen); request 3 has sys-b.
    for (const p of [0, 255]) {
      expect(requests[0]!.prompt.tokenAt(p)).toBe(syntheticToken(traceGroupKey(0), p));
      expect(requests[2]!.prompt.tokenAt(p)).toBe(syntheticToken(traceGroupKey(0), p));
    }
    expect(requests[0]!.prompt.tokenAt(256)).not.toBe(requests[2]!.prompt.tokenAt(256));
    expect(requests[3]!.prompt.tokenAt(0)).toBe(syntheticToken(traceGroupKey(1), 0));
  });

  it('accepts the header path too, and rejects a unit it cannot read', () => {
    expect(replay('fixtures/traces/blis-tracev2.yaml')).toHaveLength(4);
    const header = tempFile('t.yaml', 'trace_version: 2\ntime_unit: milliseconds\n');
    expect(inputErrorOf(() => replay(header))).toBe(`${header}: expected the TraceV2 data file ${header.replace(/yaml$/, 'csv')} beside the header, found none`);
    writeFileSync(header.replace(/yaml$/, 'csv'), 'request_id,input_tokens,output_tokens,arrival_time_us\n0,1,1,0\n');
    expect(inputErrorOf(() => replay(header))).toBe(`${header}: time_unit: expected "microseconds" (the only unit TraceV2 writes), found "milliseconds"`);
  });
});

describe('measured runs', () => {
  const FOLDER = 'fixtures/measured/llama-2-7b-codegen-head';

  it('reads the engine from workload.json and exp-config.yaml, and max_tokens from the ignore_eos profile', () => {
    const opened = openTrace(traceSchema.parse({ path: FOLDER }), '.');
    expect(opened.format).toBe('measured');
    // kv_blocks_total_gpu 7462 is num_gpu_blocks - 1 (vLLM does not count the null block).
    expect(opened.hints.engine).toEqual({ block_size: 16, num_gpu_blocks: 7463, max_num_seqs: 128, max_num_batched_tokens: 2048, max_model_len: 4096 });
    expect(opened.hints.modelName).toBe('meta-llama/Llama-2-7b-hf');
    const requests = [...opened.requests(1)];
    expect(requests).toHaveLength(60);
    // Request 1: arrival_time_us 53490, 589 input tokens; profile output_len 247 with ignore_eos.
    expect(requests.slice(0, 2).map((r) => [r.id, r.arrivalNs, r.prompt.length, r.maxTokens, r.outputTokens, r.endpoint, r.stream])).toEqual([
      ['0', 0, 591, 247, undefined, 'completions', true],
      ['1', 53_490_000, 589, 247, undefined, 'completions', true],
    ]);
  });

  it('shares the first system_prompt_len tokens within a randomly drawn group, unless prefix is false', () => {
    const requests = replay(FOLDER);
    const groups = new Set(requests.map((r) => r.prompt.tokenAt(0)));
    expect(groups.size).toBeGreaterThan(1);
    expect(groups.size).toBeLessThanOrEqual(11);
    const sameGroup = requests.filter((r) => r.prompt.tokenAt(0) === requests[0]!.prompt.tokenAt(0));
    expect(sameGroup.length).toBeGreaterThan(1);
    // 100 shared tokens, then each request's own content.
    expect(sameGroup[1]!.prompt.toArray().subarray(0, 100)).toEqual(sameGroup[0]!.prompt.toArray().subarray(0, 100));
    expect(sameGroup[1]!.prompt.tokenAt(100)).not.toBe(sameGroup[0]!.prompt.tokenAt(100));
    const plain = replay(FOLDER, { prefix: false });
    expect(new Set(plain.map((r) => r.prompt.tokenAt(0))).size).toBe(60);
  });

  it('names the request and field of a bad value', () => {
    const dir = tempFile('workload.json', '{"config": {}, "requests": [{"index": 0, "arrival_time_us": 0, "input_tokens": 5, "output_tokens": 1},\n{"index": 1, "arrival_time_us": -3, "input_tokens": 5, "output_tokens": 1}]}');
    expect(inputErrorOf(() => replay(dir, { format: 'measured' }))).toBe(`${dir}:2:1: requests.1.arrival_time_us: expected a whole number >= 0, found -3`);
  });
});
