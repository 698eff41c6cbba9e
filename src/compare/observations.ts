// The real side of a comparison: per-request TTFT and E2E as the real system measured them, keyed
// by the request id the replay gives the same request (so the two sides can be matched one to one).
//
// - A measured run: ground_truth.json, [{index, has_error, ttft_s, e2e_s}], client-side times from the
//   load generator's send (streamed; errors are left out). The replay's id of row `index` is "<index>".
// - An OTLP export of a real vLLM: TTFT from api.ARRIVED to api.FIRST_RESPONSE_FROM_CORE (chat), or to
//   journey.FIRST_TOKEN when the API span has no such event (completions); E2E to api.DEPARTED (else
//   the end of the llm_request span). Aborted requests are left out. Ids are gen_ai.request.id
//   without its chatcmpl-/cmpl- prefix, as the OTLP reader gives them to the replay.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../scenario/problems.js';
import { readTextChunks } from '../workload/trace/file-chunks.js';
import { jsonItems } from '../workload/trace/json-elements.js';
import { measuredFolder } from '../workload/trace/measured.js';
import { scanOtlp } from '../workload/trace/otlp.js';
import { intField, numberField, parseJsonObject } from '../workload/trace/trace-row.js';

export interface Observed {
  /** Seconds. */
  readonly ttft: number;
  readonly e2e: number;
}

/** Real latencies of a measured run folder (or its workload.json), by replay id. */
export function measuredObservations(path: string): Map<string, Observed> {
  const file = join(measuredFolder(path), 'ground_truth.json');
  if (!existsSync(file)) throw new InputError([{ file: path, path: '', message: 'expected ground_truth.json beside workload.json (the measured latencies), found none' }]);
  const observed = new Map<string, Observed>();
  for (const item of jsonItems(readTextChunks(file), file)) {
    const at = { file, line: item.line };
    const r = parseJsonObject(at, item.text, 'a ground-truth record');
    if (r['has_error'] === true) continue;
    const where = (field: string) => `${item.index}.${field}`;
    const index = intField(at, where('index'), r['index']);
    observed.set(String(index), { ttft: numberField(at, where('ttft_s'), r['ttft_s']), e2e: numberField(at, where('e2e_s'), r['e2e_s']) });
  }
  return observed;
}

/** Real latencies recorded in an OTLP JSON-lines file, by replay id. */
export function otlpObservations(file: string): Map<string, Observed> {
  const observed = new Map<string, Observed>();
  for (const r of scanOtlp(file).requests) {
    if (r.id === undefined || r.arrivalNs === undefined || r.abortedNs !== undefined || r.finishStatus === 'aborted') continue;
    const first = r.firstResponseNs ?? r.firstTokenNs;
    const done = r.departedNs ?? r.endNs;
    if (first === undefined || done === undefined) continue;
    observed.set(r.id, { ttft: (first - r.arrivalNs) / 1e9, e2e: (done - r.arrivalNs) / 1e9 });
  }
  return observed;
}
