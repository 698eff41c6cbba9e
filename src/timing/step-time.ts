// Forward-pass time models: how long the GPU takes for one batch. vLLM leaves this implicit (it is
// whatever the hardware does), so simtrace models it and says so; the scenario picks the model.
import type { BatchShape } from '../scheduler/scheduler-output.js';
import { NS_PER_S } from '../engine/time.js';
import { RooflineStepTime, type RooflineConfig } from './roofline.js';

export interface StepTimeModel {
  /** Forward-pass time of a non-empty batch, in integer nanoseconds (>= 1). */
  forwardNs(shape: BatchShape): number;
}

export type StepTimeConfig =
  | { readonly type: 'constant'; readonly duration: number }
  | {
      readonly type: 'linear';
      readonly base: number;
      readonly per_prefill_token: number;
      readonly per_decode_token: number;
      readonly per_context_token: number;
    }
  | RooflineConfig;

function toNs(seconds: number): number {
  return Math.max(1, Math.round(seconds * NS_PER_S));
}

/** Every step takes the same time: the model the conformance tests use. */
export class ConstantStepTime implements StepTimeModel {
  private readonly ns: number;
  constructor(durationSeconds: number) {
    this.ns = toNs(durationSeconds);
  }
  forwardNs(): number {
    return this.ns;
  }
}

/** base + a cost per prefill token, per decode token and per token of decode context. */
export class LinearStepTime implements StepTimeModel {
  constructor(private readonly config: Extract<StepTimeConfig, { type: 'linear' }>) {}
  forwardNs(shape: BatchShape): number {
    const c = this.config;
    return toNs(
      c.base +
        c.per_prefill_token * shape.prefillTokens +
        c.per_decode_token * shape.decodeRequests +
        c.per_context_token * shape.decodeContextTokens,
    );
  }
}

export function createStepTimeModel(config: StepTimeConfig): StepTimeModel {
  switch (config.type) {
    case 'constant':
      return new ConstantStepTime(config.duration);
    case 'linear':
      return new LinearStepTime(config);
    case 'roofline':
      return new RooflineStepTime(config);
  }
}

/**
 * The scheduler's own CPU time per step: what vLLM's `step.duration_us` measures (never the
 * forward pass). A base cost plus a cost per running request.
 */
export interface SchedulerTimeConfig {
  readonly base: number;
  readonly per_running_request: number;
}

export function schedulerTimeNs(config: SchedulerTimeConfig, numRunning: number): number {
  return toNs(config.base + config.per_running_request * numRunning);
}
