// Mooncake: each hash id is one 512-token block of content. The synthesized prompts must share
// exactly what the ids say (checked through vLLM-style chained block hashes at several block sizes),
// and a simulation with a KV cache that holds everything must find exactly the reuse the ids imply.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../src/scenario/load.js';
import { runSimulation } from '../../../src/server/simulation.js';
import { traceBlockKey, traceContentKey } from '../../../src/workload/content-keys.js';
import { syntheticToken } from '../../../src/workload/tokens.js';
import { tracePrompt } from '../../../src/workload/trace/trace-content.js';
import { inputErrorOf, replay, tempFile } from './helpers.js';
import type { TokenContent } from '../../../src/tokens/token-content.js';
import { promptBlockHashes } from '../../helpers/prompt-hashes.js';

const FIXTURE = 'fixtures/traces/mooncake-conversations.jsonl';

/** The simulator's block hashes of the full blocks of `prompt`, each chained to the one before. */
function blockHashes(prompt: TokenContent, blockSize: number): readonly number[] {
  return promptBlockHashes(prompt, blockSize);
}

describe('Mooncake JSONL', () => {
  it('reads timestamp (ms), input_length, output_length and hash_ids', () => {
    const requests = replay(FIXTURE);
    expect(requests).toHaveLength(90);
    // Line 1: {"timestamp": 0, "input_length": 2290, "output_length": 316, "hash_ids": [0, 42, 43, 44, 45]}
    expect([requests[0]!.arrivalNs, requests[0]!.prompt.length, requests[0]!.maxTokens]).toEqual([0, 2290, 316]);
    const last = JSON.parse(readFileSync(FIXTURE, 'utf8').trim().split('\n')[89]!) as { timestamp: number; input_length: number };
    expect([requests[89]!.arrivalNs, requests[89]!.prompt.length]).toEqual([last.timestamp * 1e6, last.input_length]);
  });

  it('lays out a prompt as hash-id blocks, then own content for the partial block', () => {
    // 1300 tokens: ids [7, 8] cover two full blocks (0..1023); 1024..1299 is a partial block.
    const prompt = tracePrompt({ length: 1300, key: traceContentKey(5), hashIds: [7, 8, 9] });
    for (const p of [0, 511, 512, 1023]) expect(prompt.tokenAt(p)).toBe(syntheticToken(traceBlockKey(p < 512 ? 7 : 8), p % 512));
    for (const p of [1024, 1299]) expect(prompt.tokenAt(p)).toBe(syntheticToken(traceContentKey(5), p));
  });

  it('shares every vLLM block inside the common full 512-blocks, at any block size, and no block after', () => {
    const a = tracePrompt({ length: 2048, key: traceContentKey(0), hashIds: [1, 2, 3, 4] });
    const b = tracePrompt({ length: 2100, key: traceContentKey(1), hashIds: [1, 2, 3, 9, 10] });
    // c has the same ids as a, but its 4th block is partial, hence its own content.
    const c = tracePrompt({ length: 1900, key: traceContentKey(2), hashIds: [1, 2, 3, 4] });
    const sharedTokens = 3 * 512;
    for (const blockSize of [7, 16, 48, 512, 1024]) {
      for (const other of [b, c]) {
        const ha = blockHashes(a, blockSize);
        const hb = blockHashes(other, blockSize);
        const n = Math.min(ha.length, hb.length);
        expect(n).toBeGreaterThan(0);
        for (let j = 0; j < n; j++) expect(ha[j] === hb[j], `block ${j} of size ${blockSize}`).toBe((j + 1) * blockSize <= sharedTokens);
      }
    }
  });

  it('rejects more hash ids than the prompt has blocks, naming the line', () => {
    const path = tempFile('m.jsonl', '{"timestamp": 0, "input_length": 600, "output_length": 5, "hash_ids": [1, 2, 3]}\n');
    expect(inputErrorOf(() => replay(path))).toBe(`${path}:1:1: hash_ids: expected at most ceil(input_length / 512) = 2 ids for input_length 600, found 3`);
  });

  it('gives a simulated prefix-cache hit rate equal to the reuse inherent in the hash ids', async () => {
    // Expected hits, from the ids alone: a request hits the longest run of leading FULL 512-blocks that
    // some earlier request also had as full blocks (ids are prefix hashes: equal runs, equal content),
    // capped as vLLM caps it, at whole blocks of block_size below num_tokens - 1.
    const blockSize = 16;
    const rows = readFileSync(FIXTURE, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { input_length: number; hash_ids: number[] });
    const seen = new Set<string>();
    let expectedHits = 0;
    let queries = 0;
    for (const row of rows) {
      const full = Math.min(row.hash_ids.length, Math.floor(row.input_length / 512));
      let matched = 0;
      let key = '';
      for (let b = 0; b < full; b++) {
        key += `${row.hash_ids[b]},`;
        if (matched === b && seen.has(key)) matched++;
        seen.add(key);
      }
      expectedHits += Math.min(matched * 512, Math.floor((row.input_length - 1) / blockSize) * blockSize);
      queries += row.input_length;
    }
    expect(expectedHits).toBeGreaterThan(0.5 * queries); // 20 multi-turn conversations: deep reuse to find

    // A pool far larger than all content, and a token budget larger than all prompts together, so
    // that every waiting request is fully scheduled (and its blocks cached) in arrival order.
    const scenario = `
engine: {block_size: ${blockSize}, num_gpu_blocks: 300000, max_num_seqs: 1024, max_num_batched_tokens: 4000000, max_model_len: 131072}
model: {step_time: {type: constant, duration: 1ms}}
workload: {trace: {path: ${FIXTURE}}}
`;
    const { config } = parseScenario(scenario, 'mooncake-hits.yaml');
    const { summary } = await runSimulation(config);
    expect(summary.completed).toBe(90);
    expect(summary.prefix_cache_queries).toBe(queries);
    expect(summary.prefix_cache_hits).toBe(expectedHits);
  });
});
