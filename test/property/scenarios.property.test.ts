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
import { validScenario } from '../helpers/random-scenario.js';
import { checkRunInvariants } from '../helpers/run-invariants.js';

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
