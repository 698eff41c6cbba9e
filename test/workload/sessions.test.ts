// Arrivals that depend on completions: the server's onDone hook, multi-turn sessions and closed-loop
// users. Expected prefix-cache hits are derived by hand from the token layout (comments), so a next
// turn that quoted the previous answer wrongly would show up as missing hits.
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.js';
import type { SimulationConfig } from '../../src/server/scenario-config.js';
import { runSimulation } from '../../src/server/simulation.js';
import type { RequestOutcome, RequestSpec } from '../../src/workload/request-spec.js';
import { EOS_TOKEN_ID, modelOutputToken, plannedEosCount, syntheticToken } from '../../src/workload/tokens.js';
import { TokenContent } from '../../src/tokens/token-content.js';

interface Done {
  readonly spec: RequestSpec;
  readonly outcome: RequestOutcome;
}

/** Runs `config`, recording every request (first ones and follow-ups) with its outcome, in completion order. */
async function runRecording(config: SimulationConfig) {
  const done: Done[] = [];
  const wrap = (spec: RequestSpec): RequestSpec => ({
    ...spec,
    onDone: (outcome) => {
      done.push({ spec, outcome });
      const next = spec.onDone?.(outcome);
      return next === undefined ? undefined : wrap(next);
    },
  });
  const workload = (streams: Parameters<SimulationConfig['workload']>[0]) => [...config.workload(streams)].map(wrap);
  const result = await runSimulation({ ...config, workload });
  return { done, summary: result.summary };
}

const ENGINE = `engine: {num_gpu_blocks: 4000, max_num_seqs: 64, max_model_len: 512}
model: {step_time: {type: constant, duration: 10ms}}`;

describe('the onDone hook', () => {
  it('is called once per request, with the status the client saw, and schedules what it returns', async () => {
    const { config } = parseScenario(`${ENGINE}\nworkload: {requests: [{arrival: 0, prompt_tokens: 1, max_tokens: 1}]}`, 'hook.yaml');
    const base = { priority: 0, endpoint: 'chat' as const, stream: true };
    const outcomes: RequestOutcome[] = [];
    const follow: RequestSpec = { ...base, id: 'F', arrivalNs: 0, prompt: TokenContent.run(9, 0, 16), maxTokens: 2, contentKey: 9, onDone: (o) => void outcomes.push(o) };
    const specs: RequestSpec[] = [
      { ...base, id: 'A', arrivalNs: 0, prompt: TokenContent.run(1, 0, 32), maxTokens: 3, contentKey: 1, onDone: (o) => (outcomes.push(o), { ...follow, arrivalNs: o.doneNs + 1e9 }) },
      { ...base, id: 'B', arrivalNs: 0, prompt: TokenContent.run(2, 0, 32), maxTokens: 100, abortAtNs: 25e6, contentKey: 2, onDone: (o) => void outcomes.push(o) },
      { ...base, id: 'R', arrivalNs: 5e6, prompt: TokenContent.run(3, 0, 500), maxTokens: 100, contentKey: 3, onDone: (o) => void outcomes.push(o) },
    ];
    const result = await runSimulation({ ...config, workload: () => specs });
    expect(result.summary).toMatchObject({ num_requests: 4, completed: 2, aborted: 1, rejected: 1 });
    // R is rejected on arrival (500 + 100 > max_model_len 512); B's client leaves at 25 ms.
    expect(outcomes.map((o) => [o.status, o.arrivalNs, o.doneNs])).toEqual([
      ['rejected', 5e6, 5e6],
      ['aborted', 0, 25e6],
      ['length', 0, outcomes[2]!.doneNs],
      ['length', outcomes[2]!.doneNs + 1e9, outcomes[3]!.doneNs],
    ]);
    expect(outcomes[2]!.outputTokens).toBe(3);
    expect(outcomes[3]!.outputTokens).toBe(2);
  });
});

describe('multi-turn sessions', () => {
  // 4 sessions of 3 turns: 20 own tokens, then 10 new tokens a turn; 13 output tokens (EOS as the
  // 13th, max_tokens 16); think time 2 s; block size 16; no prefix.
  const SESSIONS = `${ENGINE}
workload:
  rate: 1
  arrival: constant
  count: 4
  prompt_tokens: 20
  max_tokens: 16
  output_tokens: 13
  sessions: {turns: 3, think_time: 2s, new_tokens: 10}`;

  it('quotes each answer in the next prompt and sends it a think time after the answer completes', async () => {
    const { done, summary } = await runRecording(parseScenario(SESSIONS, 'sessions.yaml').config);
    expect(summary.num_requests).toBe(12);
    const bySession = new Map<number, Done[]>();
    for (const d of done) bySession.set(d.spec.contentKey, [...(bySession.get(d.spec.contentKey) ?? []), d]);
    expect(bySession.size).toBe(4);
    for (const turns of bySession.values()) {
      expect(turns.map((t) => t.spec.prompt.length)).toEqual([20, 20 + 13 + 10, 43 + 13 + 10]);
      for (let k = 0; k + 1 < turns.length; k++) {
        const [prev, next] = [turns[k]!, turns[k + 1]!];
        expect(next.spec.arrivalNs).toBe(prev.outcome.doneNs + 2e9);
        // The previous prompt, then exactly the tokens the server generated (EOS last), then new content.
        const { spec } = prev;
        const generated = Array.from({ length: 13 }, (_, j) =>
          modelOutputToken(plannedEosCount(spec), spec.contentKey, spec.prompt.length, j),
        );
        expect(generated[12]).toBe(EOS_TOKEN_ID);
        const len = prev.spec.prompt.length;
        const nextTokens = next.spec.prompt.toArray();
        expect([...nextTokens.subarray(0, len)]).toEqual([...prev.spec.prompt.toArray()]);
        expect([...nextTokens.subarray(len, len + 13)]).toEqual(generated);
        expect(nextTokens[len + 13]).toBe(syntheticToken(prev.spec.contentKey, len + 13));
      }
    }
  });

  it('gives the prefix cache the answers: hits reach into the previous turn\'s decoded blocks', async () => {
    // Turn 1 (20 tokens) computes 20 + 12 decoded = 32 tokens: blocks 0-1 cached.
    // Turn 2 (43 tokens) hits 32 (cap floor(42/16) = 2 blocks), computes 43 + 12 = 55: blocks 0-2.
    // Turn 3 (66 tokens) hits 48 (block 2 holds turn 2's answer; cap floor(65/16) = 4).
    const { summary } = await runRecording(parseScenario(SESSIONS, 'sessions.yaml').config);
    expect(summary.prefix_cache_queries).toBe(4 * (20 + 43 + 66));
    expect(summary.prefix_cache_hits).toBe(4 * (0 + 32 + 48));
  });

  it('draws the same sessions whatever the timing: only arrivals move', async () => {
    const a = await runRecording(parseScenario(SESSIONS, 's.yaml').config);
    const b = await runRecording(parseScenario(SESSIONS.replace('duration: 10ms', 'duration: 40ms'), 's.yaml').config);
    const contents = (done: Done[]) => done.map((d) => `${d.spec.contentKey}:${d.spec.prompt.toArray().join(',')}`).sort();
    expect(contents(b.done)).toEqual(contents(a.done));
    expect(b.done.map((d) => d.spec.arrivalNs)).not.toEqual(a.done.map((d) => d.spec.arrivalNs));
  });
});

describe('closed-loop users', () => {
  it('keeps at most `users` requests in flight, each sent think_time after the same user\'s last one', async () => {
    const scenario = `${ENGINE}
workload:
  closed_loop: {users: 3, think_time: 500ms}
  count: 9
  prompt_tokens: {dist: uniform, min: 10, max: 60}
  max_tokens: {dist: uniform, min: 2, max: 30}`;
    const { done, summary } = await runRecording(parseScenario(scenario, 'closed.yaml').config);
    expect(summary.num_requests).toBe(9);
    const arrivals = done.map((d) => d.spec.arrivalNs).sort((x, y) => x - y);
    expect(arrivals.slice(0, 3)).toEqual([0, 0, 0]);
    // Every later arrival is some completion plus exactly 500 ms.
    const completions = new Set(done.map((d) => d.outcome.doneNs + 5e8));
    for (const t of arrivals.slice(3)) expect(completions.has(t)).toBe(true);
    // In flight at any arrival instant: arrived and not yet done.
    for (const t of arrivals) {
      const inFlight = done.filter((d) => d.spec.arrivalNs <= t && d.outcome.doneNs > t).length;
      expect(inFlight).toBeLessThanOrEqual(3);
    }
  });

  it('stops a user whose new session is rejected outright, instead of retrying forever at one instant', async () => {
    const scenario = `${ENGINE}
workload:
  closed_loop: {users: 2, think_time: 0}
  duration: 60s
  prompt_tokens: 600
  max_tokens: 5`;
    // 600 + 5 > max_model_len 512: every first prompt is rejected on arrival.
    const { summary } = await runRecording(parseScenario(scenario, 'closed.yaml').config);
    expect(summary).toMatchObject({ num_requests: 2, rejected: 2, completed: 0 });
  });

  it('is refused together with rate', () => {
    expect(() => parseScenario(`${ENGINE}\nworkload: {rate: 1, closed_loop: {users: 2}, count: 3, prompt_tokens: 5, max_tokens: 5}`, 'c.yaml')).toThrow(
      /workload\.closed_loop: give `rate` \(open loop\) or `closed_loop`/,
    );
  });
});
