// A random scenario vLLM would accept, as a scenario document (for property tests): engine limits
// consistent, requests that fit, with aborts, priorities, shared prefixes, chunking, both policies
// and both scheduling modes, streaming and not, every journey traced and every step sampled.
import fc from 'fast-check';

/** A random scenario vLLM would accept: engine limits consistent, requests that fit. */
export const validScenario = fc
  .record({
    blockSize: fc.constantFrom(4, 8, 16, 32),
    maxModelLen: fc.integer({ min: 32, max: 512 }),
    extraBlocks: fc.integer({ min: 0, max: 120 }),
    maxNumSeqs: fc.integer({ min: 1, max: 24 }),
    budgetExtra: fc.integer({ min: 0, max: 600 }),
    chunked: fc.boolean(),
    threshold: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 200 })),
    caching: fc.boolean(),
    policy: fc.constantFrom('fcfs', 'priority'),
    asyncScheduling: fc.boolean(),
    stepMs: fc.integer({ min: 1, max: 30 }),
    shared: fc.array(fc.integer({ min: 1000, max: 5000 }), { minLength: 0, maxLength: 40 }),
    requests: fc.array(
      fc.record({
        arrivalMs: fc.integer({ min: 0, max: 3000 }),
        promptFraction: fc.double({ min: 0.02, max: 0.9, noNaN: true }),
        maxTokens: fc.integer({ min: 1, max: 40 }),
        outputTokens: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
        priority: fc.integer({ min: 0, max: 3 }),
        abortAfterMs: fc.option(fc.integer({ min: 0, max: 500 }), { nil: undefined }),
        sharePrefix: fc.boolean(),
        // One request in four does not stream: its client records no inter-token gaps.
        streamed: fc.constantFrom(true, true, true, false),
      }),
      { minLength: 1, maxLength: 25 },
    ),
  })
  .map((p) => {
    const maxNumBatchedTokens = Math.max(p.maxNumSeqs, p.chunked ? 16 : p.maxModelLen) + p.budgetExtra;
    const requests = p.requests.map((r, i) => {
      const promptTokens = Math.max(1, Math.min(p.maxModelLen - r.maxTokens, Math.floor(p.maxModelLen * r.promptFraction)));
      const prompt = r.sharePrefix && p.shared.length > 0
        ? [...p.shared.slice(0, promptTokens), ...Array.from({ length: Math.max(0, promptTokens - p.shared.length) }, (_, k) => 100_000 + i * 1000 + k)]
        : undefined;
      return {
        id: `r${i}`,
        arrival: r.arrivalMs / 1000,
        ...(prompt ? { prompt } : { prompt_tokens: promptTokens }),
        max_tokens: r.maxTokens,
        ...(r.outputTokens !== undefined ? { output_tokens: r.outputTokens } : {}),
        priority: r.priority,
        ...(r.abortAfterMs !== undefined ? { abort_at: (r.arrivalMs + r.abortAfterMs) / 1000 } : {}),
        ...(r.streamed ? {} : { stream: false }),
      };
    });
    return {
      seed: 1,
      engine: {
        block_size: p.blockSize,
        num_gpu_blocks: Math.ceil(p.maxModelLen / p.blockSize) + 1 + p.extraBlocks,
        max_num_seqs: p.maxNumSeqs,
        max_num_batched_tokens: maxNumBatchedTokens,
        max_model_len: p.maxModelLen,
        enable_chunked_prefill: p.chunked,
        long_prefill_token_threshold: p.threshold,
        enable_prefix_caching: p.caching,
        scheduling_policy: p.policy,
        async_scheduling: p.asyncScheduling,
      },
      observability: { enable_journey_tracing: true, step_tracing_enabled: true, step_tracing_sample_rate: 1, step_tracing_rich_subsample_rate: 0.3 },
      model: { step_time: { type: 'constant', duration: `${p.stepMs}ms` } },
      workload: { requests },
    };
  });

/**
 * KV-starved runs under the priority policy with long outputs, prefix caching on: requests are
 * preempted often (steady ones too, and a request that preempts itself leaves the ones after it
 * unscheduled for a step), and resumed requests hit their own cached blocks.
 */
export const kvStarvedScenario = fc
  .record({
    blockSize: fc.constantFrom(4, 8, 16),
    extraBlocks: fc.integer({ min: 0, max: 12 }),
    maxNumSeqs: fc.integer({ min: 2, max: 12 }),
    asyncScheduling: fc.boolean(),
    requests: fc.array(
      fc.record({
        arrivalMs: fc.integer({ min: 0, max: 400 }),
        promptTokens: fc.integer({ min: 1, max: 40 }),
        maxTokens: fc.integer({ min: 10, max: 90 }),
        priority: fc.integer({ min: 0, max: 3 }),
      }),
      { minLength: 3, maxLength: 16 },
    ),
  })
  .map((p) => ({
    seed: 1,
    engine: {
      block_size: p.blockSize,
      num_gpu_blocks: Math.ceil(128 / p.blockSize) + 1 + p.extraBlocks,
      max_num_seqs: p.maxNumSeqs,
      max_num_batched_tokens: 64,
      max_model_len: 128,
      scheduling_policy: 'priority',
      async_scheduling: p.asyncScheduling,
    },
    observability: { enable_journey_tracing: true, step_tracing_enabled: true, step_tracing_sample_rate: 1 },
    model: { step_time: { type: 'constant', duration: '10ms' } },
    workload: {
      requests: p.requests.map((r, i) => ({
        id: `r${i}`,
        arrival: r.arrivalMs / 1000,
        prompt_tokens: r.promptTokens,
        max_tokens: r.maxTokens,
        priority: r.priority,
      })),
    },
  }));
