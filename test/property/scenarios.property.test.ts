// Property-based tests (fast-check, fixed seeds so CI is reproducible and bounded in time):
// - random valid scenarios keep every written invariant, and run deterministically;
// - random mutations of valid scenario files give a clean input error or a valid run, never a
//   crash, a hang or an internal error.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseScenario } from '../../src/scenario/load.js';
import { InputError } from '../../src/scenario/problems.js';
import { runSimulation } from '../../src/server/simulation.js';
import { MemoryRecorder } from '../helpers/memory-recorder.js';
import { checkRunInvariants } from '../helpers/run-invariants.js';

/** A random scenario vLLM would accept: engine limits consistent, requests that fit. */
const validScenario = fc
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

async function simulate(text: string) {
  const { config } = parseScenario(text, 'property.yaml');
  const recorder = new MemoryRecorder();
  const result = await runSimulation(config, { trace: recorder, checkInvariants: true });
  return { config, recorder, result };
}

describe('random valid scenarios', () => {
  it('keep every written invariant and run deterministically', async () => {
    await fc.assert(
      fc.asyncProperty(validScenario, async (scenario) => {
        const text = stringify(scenario);
        const first = await simulate(text);
        checkRunInvariants(first.config, first.recorder, first.result);
        const second = await simulate(text);
        expect(JSON.stringify(second.result.summary)).toBe(JSON.stringify(first.result.summary));
        expect(second.recorder.steps).toEqual(first.recorder.steps);
      }),
      { seed: 20261122, numRuns: 60 },
    );
  });
});

const SEEDS = ['scenarios/spec-c8.yaml', 'scenarios/prefix-cache.yaml', 'scenarios/priority.yaml'].map((f) => readFileSync(f, 'utf8'));
const ODD_VALUES = ['-1', '0', '1e309', '.nan', '-.inf', 'abc', '[]', '{}', 'true', 'null', '99999999', '0.5', '"2s"', '~', '&a 1', '*a'];

/** One mutation of a scenario's text. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('delete-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(':', '- ', '{', ']', '\t', '#', '"', '\n  x: 1\n', '&', '*', '!!int ') }),
  fc.record({ kind: fc.constant('replace-value' as const), at: fc.nat(), value: fc.constantFrom(...ODD_VALUES) }),
);

function mutate(text: string, m: { kind: string; at: number; text?: string; value?: string }): string {
  const lines = text.split('\n');
  switch (m.kind) {
    case 'delete-line':
      lines.splice(m.at % lines.length, 1);
      return lines.join('\n');
    case 'duplicate-line': {
      const i = m.at % lines.length;
      lines.splice(i, 0, lines[i]!);
      return lines.join('\n');
    }
    case 'truncate':
      return text.slice(0, m.at % (text.length + 1));
    case 'insert': {
      const i = m.at % (text.length + 1);
      return text.slice(0, i) + m.text! + text.slice(i);
    }
    default: {
      // Replace the value after the n-th "key: " with an odd one.
      const positions = [...text.matchAll(/: (?=\S)/g)].map((match) => match.index + 2);
      if (positions.length === 0) return text;
      const at = positions[m.at % positions.length]!;
      const end = text.slice(at).search(/[,}\n]/);
      return text.slice(0, at) + m.value! + text.slice(end < 0 ? text.length : at + end);
    }
  }
}

describe('mutated scenario files', () => {
  it('give a clean input error or a valid run, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SEEDS.keys()), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (which, mutations) => {
        const text = mutations.reduce((t, m) => mutate(t, m), SEEDS[which]!);
        let config;
        try {
          config = parseScenario(text, 'mutated.yaml').config;
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
          expect((error as InputError).problems.length).toBeGreaterThan(0);
          for (const p of (error as InputError).problems) expect(p.message.length).toBeGreaterThan(0);
          return;
        }
        let events = 0;
        const result = await runSimulation(config, {
          checkInvariants: true,
          maxSimTimeNs: 2e9,
          shouldStop: () => (events += 4096) > 60_000,
        });
        expect(result.summary.num_requests).toBeGreaterThanOrEqual(0);
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});
