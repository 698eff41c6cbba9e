// The shipped roofline coefficients: fitted by `simtrace calibrate` on the eight measured H100 runs
// (async scheduling on). `npm run fidelity` replays every run with them. Regenerate with
//   npx simtrace calibrate ../shared/data/measured/vllm-h100/* -o src/model/default-coefficients.yaml
// and copy the values here (default-coefficients.yaml is the fit as written; a test keeps the two equal).
// A refit from these with restarts reached a lower slice loss (0.092) but, replayed in full, pushed
// Llama-2-7B "general"'s 20 req/s stage into saturation (p99 TTFT +827 %): these are the robust ones.
import type { RooflineCoefficients } from '../timing/roofline.js';

export const DEFAULT_COEFFICIENTS: RooflineCoefficients = {
  // simtrace calibrate (all 8 runs, 14 stage slices of 200 scored requests, 92 replays): loss 0.116.
  step: {
    prefill_compute: 0.1909,
    decode_compute: 2.960,
    weights: 1.1356,
    kv: 1.0306,
    tp_comm: 1.4235,
    per_step: 764.3e-6,
    per_layer: 24.28e-6,
    per_request: 21.12e-6,
  },
  frontend: { input_delay: 6.661e-3, completion_delay: 0 },
};
