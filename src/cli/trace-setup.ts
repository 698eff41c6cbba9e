// Chooses the trace recorder for a CLI run from --trace-out / --otlp-endpoint. (Filled in with the
// OTLP sinks; until then no recorder.)
import type { SimulationConfig } from '../server/scenario-config.js';
import type { TraceRecorder } from '../trace/records.js';

export function createCliTraceRecorder(
  _config: SimulationConfig,
  _seed: number,
  _options: { traceOut: string | undefined; otlpEndpoint: string | undefined },
): TraceRecorder | null {
  return null;
}
