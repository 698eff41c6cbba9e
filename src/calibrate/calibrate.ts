// `simtrace calibrate`: fits the roofline coefficients to measured runs by black-box optimisation
// over replays. Each run is replayed in slices, one per load stage (measuredSlices: from 30 s into
// the stage, limit/2 unscored then `limit` scored requests, so a saturating stage costs at most
// 1.5 x limit requests), each with a simulated-time bound.
//
// Search: Nelder-Mead on the logarithms of the free step coefficients, restarted from the best point
// with simplex steps 0.5, 0.15, 0.05 (deterministic: fixed start simplex, no randomness). The frontend terms are not searched: an input delay d shifts every
// request's arrival at the engine by the same amount, so simulated TTFT and E2E move by exactly d;
// it is set to the weighted median over slices of (real - simulated) mean TTFT, weights 1/real,
// and the completion delay likewise from mean E2E after d (both clamped at 0).
// Loss: mean over slices of |err mean TTFT| + |err mean E2E| + |err mean ITL| + 0.5 |err p99 TTFT|.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RandomStreams } from '../engine/random.js';
import { InputError } from '../scenario/problems.js';
import { loadReplayScenario } from '../compare/replay-scenario.js';
import { measuredObservations, type Observed } from '../compare/observations.js';
import { recordingOutcomes } from '../compare/run-compare.js';
import { compareLatencies, type Comparison, type Simulated } from '../compare/stats.js';
import type { SimulationConfig } from '../server/scenario-config.js';
import { runSimulation } from '../server/simulation.js';
import { ROOFLINE_STEP_KEYS, type RooflineCoefficients, type RooflineConfig, type RooflineStepKey } from '../timing/roofline.js';
import { measuredFolder } from '../workload/trace/measured.js';

export interface CalibrationSlice {
  readonly name: string;
  /** A model key for leave-one-model-out (the model name). */
  readonly model: string;
  /** A replay with a roofline step time and zero frontend delays. */
  readonly config: SimulationConfig;
  readonly real: ReadonlyMap<string, Observed>;
  readonly maxSimTimeNs: number;
}

export interface SliceErrors {
  readonly name: string;
  readonly ttftMean: number;
  readonly e2eMean: number;
  readonly itlMean: number;
  readonly ttftP99: number;
  readonly matched: number;
}

/** Load-stage start times (seconds from the first request) of a measured run's profile. */
function stageStarts(folder: string): number[] {
  try {
    const profile = JSON.parse(readFileSync(join(folder, 'profile.yaml'), 'utf8')) as { load?: { stages?: { duration?: number }[] } };
    const starts: number[] = [];
    let t = 0;
    for (const s of profile.load?.stages ?? []) {
      starts.push(t);
      t += s.duration ?? 0;
    }
    return starts.length > 0 ? starts : [0];
  } catch {
    return [0];
  }
}

export interface SliceOptions {
  /** Requests per load stage. */
  readonly limit: number;
  readonly maxSimTimeS: number;
  /** Seconds into each stage where the replay starts (default 30). */
  readonly warmupS?: number;
  readonly set?: readonly string[];
}

/**
 * A measured run as calibration slices, one per load stage: replay from `warmup` seconds into the
 * stage (the first ~30 s of a run include the server's warm-up: TTFTs of seconds), `limit` requests
 * scored after `limit / 2` unscored ones that fill the system to its steady state.
 */
export function measuredSlices(dir: string, options: SliceOptions): CalibrationSlice[] {
  const folder = measuredFolder(dir);
  const allReal = measuredObservations(folder);
  const warm = Math.ceil(options.limit / 2);
  const slices: (CalibrationSlice | undefined)[] = stageStarts(folder).map((start, stage) => {
    const skip = start + (options.warmupS ?? 30);
    const set = [`workload.trace.limit=${options.limit + warm}`, 'frontend.input_delay=0', 'frontend.output_delay=0', `workload.trace.skip=${skip}`, ...(options.set ?? [])];
    let config: SimulationConfig;
    try {
      config = loadReplayScenario({ trace: folder, format: 'measured', set }).config;
    } catch (error) {
      if (error instanceof InputError && /no request of the trace falls/.test(error.message)) return undefined;
      throw error;
    }
    if (config.stepTime.type !== 'roofline') throw new Error(`${folder}: the replay's step time is not the roofline (is the model in the catalog?)`);
    const real = new Map<string, Observed>();
    let k = 0;
    for (const spec of config.workload(new RandomStreams(config.seed))) {
      const observed = spec.id === undefined ? undefined : allReal.get(spec.id);
      if (k++ >= warm && observed !== undefined) real.set(spec.id!, observed);
    }
    if (real.size === 0) return undefined;
    return { name: `${folder.split('/').pop() ?? folder}#${stage}`, model: config.modelName, config, real, maxSimTimeNs: options.maxSimTimeS * 1e9 };
  });
  return slices.filter((s): s is CalibrationSlice => s !== undefined);
}

function withCoefficients(config: SimulationConfig, step: RooflineCoefficients['step']): SimulationConfig {
  const st = config.stepTime as RooflineConfig;
  return { ...config, stepTime: { ...st, coefficients: step, completion_delay: 0 } };
}

/** Replays one slice with the given step coefficients (no frontend delays). */
export async function simulateSlice(slice: CalibrationSlice, step: RooflineCoefficients['step']): Promise<Comparison> {
  const simulated = new Map<string, Simulated>();
  await runSimulation(recordingOutcomes(withCoefficients(slice.config, step), simulated), { maxSimTimeNs: slice.maxSimTimeNs });
  return compareLatencies(slice.real, simulated);
}

function weightedMedian(values: readonly number[], weights: readonly number[]): number {
  const idx = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const total = weights.reduce((s, w) => s + w, 0);
  let acc = 0;
  for (const i of idx) {
    acc += weights[i]!;
    if (acc >= total / 2) return values[i]!;
  }
  return 0;
}

const rel = (sim: number, real: number) => (real === 0 || !Number.isFinite(sim) ? 10 : (sim - real) / real);

/** The frontend delays that best fit the comparisons (see the head comment), and each slice's errors. */
export function fitFrontend(names: readonly string[], comparisons: readonly Comparison[], fixed?: { input_delay: number; completion_delay: number }): { frontend: { input_delay: number; completion_delay: number }; errors: SliceErrors[] } {
  let d = fixed?.input_delay;
  let c = fixed?.completion_delay;
  if (d === undefined) {
    d = Math.max(0, weightedMedian(comparisons.map((x) => x.ttft.mean.real - x.ttft.mean.sim), comparisons.map((x) => 1 / Math.max(1e-6, x.ttft.mean.real))));
    if (!Number.isFinite(d)) d = 0;
  }
  const dd = d;
  if (c === undefined) {
    c = Math.max(0, weightedMedian(comparisons.map((x) => x.e2e.mean.real - x.e2e.mean.sim - dd), comparisons.map((x) => 1 / Math.max(1e-6, x.e2e.mean.real))));
    if (!Number.isFinite(c)) c = 0;
  }
  const cc = c;
  const errors = comparisons.map((x, i) => ({
    name: names[i]!,
    ttftMean: rel(x.ttft.mean.sim + dd, x.ttft.mean.real),
    e2eMean: rel(x.e2e.mean.sim + dd + cc, x.e2e.mean.real),
    itlMean: rel(x.itl.mean.sim, x.itl.mean.real),
    ttftP99: rel(x.ttft.p99.sim + dd, x.ttft.p99.real),
    matched: x.requests.matched,
  }));
  return { frontend: { input_delay: dd, completion_delay: cc }, errors };
}

export function lossOf(errors: readonly SliceErrors[]): number {
  if (errors.length === 0) return 0;
  let sum = 0;
  for (const e of errors) sum += Math.abs(e.ttftMean) + Math.abs(e.e2eMean) + Math.abs(e.itlMean) + 0.5 * Math.abs(e.ttftP99) + (e.matched === 0 ? 10 : 0);
  return sum / errors.length;
}

export async function evaluate(slices: readonly CalibrationSlice[], coefficients: RooflineCoefficients, fitFrontendDelays: boolean): Promise<{ loss: number; errors: SliceErrors[]; frontend: RooflineCoefficients['frontend'] }> {
  const comparisons: Comparison[] = [];
  for (const s of slices) comparisons.push(await simulateSlice(s, coefficients.step));
  const { frontend, errors } = fitFrontend(
    slices.map((s) => s.name),
    comparisons,
    fitFrontendDelays ? undefined : coefficients.frontend,
  );
  return { loss: lossOf(errors), errors, frontend };
}

export interface FitOptions {
  /** The step coefficients to search (the others stay at `start`). */
  readonly free?: readonly RooflineStepKey[];
  readonly maxEvals: number;
  readonly onEval?: (evals: number, loss: number) => void;
}

export interface FitResult {
  readonly coefficients: RooflineCoefficients;
  readonly loss: number;
  readonly errors: SliceErrors[];
  readonly evals: number;
}

/** Nelder-Mead on log coefficients (standard reflection 1, expansion 2, contraction and shrink 1/2). */
export async function fit(slices: readonly CalibrationSlice[], start: RooflineCoefficients, options: FitOptions): Promise<FitResult> {
  const free = options.free ?? ROOFLINE_STEP_KEYS.filter((k) => start.step[k] > 0);
  const x0 = free.map((k) => Math.log(Math.max(start.step[k], 1e-12)));
  const stepOf = (x: readonly number[]) => {
    const s: Record<string, number> = { ...start.step };
    free.forEach((k, i) => (s[k] = Math.exp(x[i]!)));
    return s as RooflineCoefficients['step'];
  };
  let evals = 0;
  let best: FitResult | undefined;
  const f = async (x: readonly number[]): Promise<number> => {
    evals++;
    const r = await evaluate(slices, { step: stepOf(x), frontend: start.frontend }, true);
    if (best === undefined || r.loss < best.loss) best = { coefficients: { step: stepOf(x), frontend: r.frontend }, loss: r.loss, errors: r.errors, evals };
    options.onEval?.(evals, r.loss);
    return r.loss;
  };
  const n = free.length;
  // Restarts from the best point with a smaller simplex: replays are discrete (a coefficient moves
  // the loss in small steps), so a collapsed simplex can sit in a shallow local well.
  let bestX = x0;
  let bestF = Number.POSITIVE_INFINITY;
  const combine = (a: readonly number[], b: readonly number[], t: number) => a.map((v, i) => v + t * (b[i]! - v));
  for (const scale of [0.5, 0.15, 0.05]) {
    if (evals >= options.maxEvals) break;
    let simplex: { x: number[]; f: number }[] = [{ x: bestX, f: Number.isFinite(bestF) ? bestF : await f(bestX) }];
    for (let i = 0; i < n; i++) {
      const x = [...bestX];
      x[i] = x[i]! + scale;
      simplex.push({ x, f: await f(x) });
    }
    while (evals < options.maxEvals) {
      simplex.sort((a, b) => a.f - b.f);
      if (simplex[n]!.f - simplex[0]!.f < 1e-7) break;
      const centroid = x0.map((_, i) => simplex.slice(0, n).reduce((s, p) => s + p.x[i]!, 0) / n);
      const worst = simplex[n]!;
      const xr = combine(centroid, worst.x, -1);
      const fr = await f(xr);
      if (fr < simplex[0]!.f) {
        const xe = combine(centroid, worst.x, -2);
        const fe = await f(xe);
        simplex[n] = fe < fr ? { x: xe, f: fe } : { x: xr, f: fr };
      } else if (fr < simplex[n - 1]!.f) {
        simplex[n] = { x: xr, f: fr };
      } else {
        const xc = fr < worst.f ? combine(centroid, xr, 0.5) : combine(centroid, worst.x, 0.5);
        const fc = await f(xc);
        if (fc < Math.min(fr, worst.f)) simplex[n] = { x: xc, f: fc };
        else {
          const b = simplex[0]!;
          const shrunk = [b];
          for (const p of simplex.slice(1)) {
            const x = combine(b.x, p.x, 0.5);
            shrunk.push({ x, f: await f(x) });
          }
          simplex = shrunk;
        }
      }
    }
    simplex.sort((a, b) => a.f - b.f);
    bestX = simplex[0]!.x;
    bestF = simplex[0]!.f;
  }
  if (best === undefined) throw new Error('internal: no evaluation');
  return best;
}
