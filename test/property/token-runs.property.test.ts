// Token runs (src/tokens/token-content.ts) must change nothing but the time a run takes: a KV block
// inside a run of synthetic tokens is hashed from the run, every other block from its tokens, and
// the prefix cache has to see exactly the hits it sees when every block is hashed from its tokens
// (RunOptions.tokenRuns off: prompts spelled out, outputs stored). Random scenarios with explicit
// token prompts, shared prefix groups, multi-turn sessions that quote their answers (EOS included),
// block sizes that cut runs anywhere, and KV pressure (preempted requests hit their own blocks)
// give the same journeys, step records, summary and call times both ways.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectSameRun, simulateRecorded } from '../helpers/same-run.js';
import { kvStarvedScenario, validScenario } from '../helpers/random-scenario.js';

/** Token runs on give the records of every block hashed from its spelled-out tokens. */
const expectSameRunBothWays = (scenario: object) => expectSameRun(scenario, { tokenRuns: false }, { tokenRuns: true });

/** Generated traffic: shared prefix groups and multi-turn sessions, at any block size. */
const sessionScenario = fc
  .record({
    blockSize: fc.constantFrom(3, 4, 7, 16),
    extraBlocks: fc.integer({ min: 0, max: 300 }),
    asyncScheduling: fc.boolean(),
    count: fc.integer({ min: 1, max: 12 }),
    promptTokens: fc.integer({ min: 1, max: 60 }),
    maxTokens: fc.integer({ min: 1, max: 40 }),
    outputTokens: fc.integer({ min: 1, max: 40 }),
    prefixTokens: fc.integer({ min: 1, max: 50 }),
    turns: fc.integer({ min: 1, max: 4 }),
    newTokens: fc.integer({ min: 1, max: 30 }),
  })
  .map((p) => ({
    seed: 3,
    engine: {
      block_size: p.blockSize,
      // Room for one request of max_model_len and some more: later turns and preemptions compete.
      num_gpu_blocks: Math.ceil(512 / p.blockSize) + 1 + p.extraBlocks,
      max_num_seqs: 8,
      max_num_batched_tokens: 512,
      max_model_len: 512,
      enable_prefix_caching: true,
      async_scheduling: p.asyncScheduling,
    },
    observability: { enable_journey_tracing: true, step_tracing_enabled: true, step_tracing_sample_rate: 1, step_tracing_rich_subsample_rate: 0.3 },
    model: { step_time: { type: 'constant', duration: '5ms' } },
    workload: {
      rate: 20,
      count: p.count,
      prompt_tokens: p.promptTokens,
      max_tokens: p.maxTokens,
      output_tokens: { dist: 'uniform', min: 1, max: p.outputTokens },
      prefix: { groups: 2, tokens: p.prefixTokens, fraction: 0.7 },
      sessions: { turns: p.turns, think_time: '50ms', new_tokens: p.newTokens },
    },
  }));

describe('token runs', () => {
  it('leave every record of a run unchanged', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(validScenario, sessionScenario, kvStarvedScenario), expectSameRunBothWays), { seed: 20261123, numRuns: 200 });
  });

  it('see the prefix hits of sessions that quote their answers', async () => {
    // The property above must not pass by having no hits to get right.
    const { result } = await simulateRecorded(
      {
        seed: 3,
        engine: { block_size: 7, num_gpu_blocks: 400, max_num_seqs: 8, max_num_batched_tokens: 512, max_model_len: 1024, enable_prefix_caching: true },
        model: { step_time: { type: 'constant', duration: '5ms' } },
        workload: { rate: 20, count: 6, prompt_tokens: 30, max_tokens: 30, output_tokens: 20, prefix: { groups: 2, tokens: 20, fraction: 1 }, sessions: { turns: 3, think_time: '50ms', new_tokens: 10 } },
      },
      { tokenRuns: true },
    );
    expect(result.summary.prefix_cache_hits).toBeGreaterThan(0);
    expect(result.summary.prefix_cache_hits / result.summary.prefix_cache_queries).toBeGreaterThan(0.5);
  });
});
