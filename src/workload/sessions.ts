// Multi-turn sessions and closed-loop users: traffic whose arrivals depend on simulated completions.
//
//   workload:
//     rate: 0.5                     # open loop: sessions start as a Poisson process (any `arrival`)
//     count: 200                    # sessions (with `sessions:`, count and duration count sessions)
//     prompt_tokens: 300            # the first turn's user message (after `prefix`, the system prompt)
//     max_tokens: 512               # per turn, as are output_tokens and priority
//     output_tokens: {dist: lognormal, mean: 250, stddev: 100, max: 512}
//     sessions:
//       turns: {dist: uniform, min: 2, max: 8}        # turns per session, the first included
//       think_time: {dist: exponential, mean: 15s}   # from an answer's completion to the next turn
//       new_tokens: {dist: lognormal, mean: 120, stddev: 60}   # the user's message in later turns
//
//     closed_loop: {users: 32, think_time: 2s}        # instead of `rate`: 32 users; each starts its
//                                                     # next session think_time after the last ends
//
// Turn k+1's prompt is turn k's prompt, then the output tokens the client received for turn k, then
// new_tokens of new content. The server synthesizes output j of a request as
// syntheticToken(contentKey, prompt.length + j) (EOS at a planned stop; served-request.ts), and all
// turns of a session share one content key, so the next prompt quotes the previous answer token for
// token: the prefix cache sees what chat traffic gives it. The arrival of turn k+1 is the completion
// of turn k plus a think time, known only when the simulation gets there: each turn's `onDone`
// (request-spec.ts) returns the next turn. A turn that is aborted or rejected (a context grown past
// max_model_len) ends its session. Closed-loop users send their first requests at `start`; a user
// whose new session is rejected at once (its first prompt can never fit) stops, rather than retry
// forever at the same instant.
//
// Every draw of a session (turn count, lengths, think times) is made when the session starts, from
// streams that completions never touch: open-loop sessions use the generator's named streams in
// session order; each closed-loop user has its own streams. So timing changes move arrivals, never
// the sessions' contents.
import { z } from 'zod';
import { derivedStream, type RandomStream } from '../engine/random.js';
import { secondsToNs } from '../engine/time.js';
import { positiveCount } from '../scenario/units.js';
import { makeArrivalTimes } from './arrivals.js';
import { sessionContentKey } from './content-keys.js';
import { lengthDistribution, makeLengthSampler } from './distributions.js';
import { durationDistribution, makeDurationSampler } from './durations.js';
import { generatedPrompt, makeRequestDraws, type GeneratorConfig, type GeneratorPlan } from './generator.js';
import type { RequestOutcome, RequestSpec } from './request-spec.js';
import { EOS_TOKEN_ID, modelOutputToken, plannedEosCount } from './tokens.js';
import { TokenContent } from '../tokens/token-content.js';

export const sessionsSchema = z.strictObject({
  turns: lengthDistribution,
  think_time: durationDistribution,
  new_tokens: lengthDistribution,
});

export const closedLoopSchema = z.strictObject({
  users: positiveCount,
  think_time: durationDistribution.default({ dist: 'constant', value: 0 }),
});

export interface SessionConfig extends GeneratorConfig {
  readonly sessions?: z.output<typeof sessionsSchema> | undefined;
  readonly closed_loop?: z.output<typeof closedLoopSchema> | undefined;
}

interface TurnPlan {
  /** New tokens of this turn (the first turn: its prompt_tokens). */
  readonly own: number;
  readonly maxTokens: number;
  readonly outputTokens: number | undefined;
  /** Think time before this turn, ns (0 for the first). */
  readonly thinkNs: number;
}

interface SessionPlan {
  readonly key: number;
  readonly group: number;
  readonly priority: number;
  readonly turns: readonly TurnPlan[];
}

/** Draws a whole session at once from the streams of one client (see the head comment). */
function makeSessionDrawer(plan: GeneratorPlan, config: SessionConfig, stream: (name: string) => RandomStream) {
  const draws = makeRequestDraws(plan, stream);
  const s = config.sessions;
  const turns = s === undefined ? () => 1 : makeLengthSampler(s.turns, stream('sessions.turns'));
  const newTokens = s === undefined ? () => 0 : makeLengthSampler(s.new_tokens, stream('sessions.new_tokens'));
  const think = s === undefined ? () => 0 : makeDurationSampler(s.think_time, stream('sessions.think_time'));
  return (key: number): SessionPlan => {
    const group = draws.prefixGroup();
    const priority = draws.priority();
    const count = turns();
    const plans: TurnPlan[] = [];
    for (let k = 0; k < count; k++) {
      const own = k === 0 ? draws.promptTokens() : newTokens();
      plans.push({ own, maxTokens: draws.maxTokens(), outputTokens: draws.outputTokens?.(), thinkNs: k === 0 ? 0 : think() });
    }
    return { key, group, priority, turns: plans };
  };
}

/** Turn k+1's prompt: turn k's prompt, the answer the client received, and the new message. */
export function nextTurnPrompt(previous: RequestSpec, received: number, newTokens: number): TokenContent {
  const { prompt, contentKey: key } = previous;
  // What the simulated model produced for outputs 0..received-1: its content's run after the
  // prompt, except an EOS it sampled as the last one (modelOutputToken).
  const eosCount = plannedEosCount(previous);
  const sampledEos = received > 0 && modelOutputToken(eosCount, key, prompt.length, received - 1) === EOS_TOKEN_ID;
  const quoted = sampledEos ? received - 1 : received;
  const parts = [prompt, TokenContent.run(key, prompt.length, quoted)];
  if (sampledEos) parts.push(TokenContent.tokens([EOS_TOKEN_ID]));
  parts.push(TokenContent.run(key, prompt.length + received, newTokens));
  return TokenContent.concat(parts);
}

/** What a client does when one of its sessions ends: possibly send the first request of the next. */
type SessionEnd = (outcome: RequestOutcome, turn: number) => RequestSpec | undefined;

/** Builds the turns of sessions as specs whose onDone chains to the next turn, then to `onEnd`. */
function sessionRunner(config: SessionConfig) {
  const prefixTokens = config.prefix?.tokens ?? 0;
  const { endpoint, stream } = config.api;
  const turnSpec = (session: SessionPlan, k: number, arrivalNs: number, prompt: TokenContent, onEnd: SessionEnd): RequestSpec => {
    const turn = session.turns[k]!;
    const spec: RequestSpec = {
      arrivalNs,
      prompt,
      maxTokens: turn.maxTokens,
      ...(turn.outputTokens === undefined ? {} : { outputTokens: turn.outputTokens }),
      priority: session.priority,
      endpoint,
      stream,
      contentKey: session.key,
      onDone: (outcome: RequestOutcome) => {
        const next = session.turns[k + 1];
        if (next === undefined || (outcome.status !== 'stopped' && outcome.status !== 'length')) return onEnd(outcome, k);
        const nextPrompt = nextTurnPrompt(spec, outcome.outputTokens, next.own);
        return turnSpec(session, k + 1, outcome.doneNs + next.thinkNs, nextPrompt, onEnd);
      },
    };
    return spec;
  };
  return (session: SessionPlan, arrivalNs: number, onEnd: SessionEnd): RequestSpec =>
    turnSpec(session, 0, arrivalNs, generatedPrompt(prefixTokens, session.group, session.turns[0]!.own, session.key), onEnd);
}

function* openLoop(plan: GeneratorPlan, config: SessionConfig, rate: number, seed: number): Generator<RequestSpec, void, undefined> {
  const stream = (name: string) => derivedStream(seed, name);
  const arrivals = makeArrivalTimes(config.arrival, rate, config.start, stream('arrivals'));
  const drawSession = makeSessionDrawer(plan, config, stream);
  const start = sessionRunner(config);
  const limit = config.count ?? Infinity;
  const endNs = config.duration === undefined ? Infinity : secondsToNs(config.start + config.duration);
  for (let n = 0; n < limit; n++) {
    const arrivalNs = arrivals();
    if (arrivalNs >= endNs) return;
    yield start(drawSession(sessionContentKey(n)), arrivalNs, () => undefined);
  }
}

function* closedLoop(plan: GeneratorPlan, config: SessionConfig, users: NonNullable<SessionConfig['closed_loop']>, seed: number): Generator<RequestSpec, void, undefined> {
  const start = sessionRunner(config);
  const limit = config.count ?? Infinity;
  const startNs = secondsToNs(config.start);
  const endNs = config.duration === undefined ? Infinity : secondsToNs(config.start + config.duration);
  let sessions = 0;
  const user = (u: number) => {
    const stream = (name: string) => derivedStream(seed, `closed_loop.user.${u}.${name}`);
    const drawSession = makeSessionDrawer(plan, config, stream);
    const think = makeDurationSampler(users.think_time, stream('closed_loop.think_time'));
    const next = (arrivalNs: number): RequestSpec | undefined => {
      if (sessions >= limit || arrivalNs >= endNs) return undefined;
      const onEnd: SessionEnd = (outcome, turn) => (outcome.status === 'rejected' && turn === 0 ? undefined : next(outcome.doneNs + think()));
      return start(drawSession(sessionContentKey(sessions++)), arrivalNs, onEnd);
    };
    return next;
  };
  for (let u = 0; u < users.users; u++) {
    const first = user(u)(startNs);
    if (first === undefined) return;
    yield first;
  }
}

/**
 * The first requests of sessions or closed-loop users, lazily in arrival order; later turns arrive
 * through `onDone`. Re-iterable: each pass starts from fresh streams derived from `seed`.
 */
export function sessionRequests(plan: GeneratorPlan, config: SessionConfig, seed: number): Iterable<RequestSpec> {
  const { rate, closed_loop: users } = config;
  if (users !== undefined) return { [Symbol.iterator]: () => closedLoop(plan, config, users, seed) };
  if (rate === undefined) return [];
  return { [Symbol.iterator]: () => openLoop(plan, config, rate, seed) };
}
