// OTLP JSON lines from vLLM journey tracing: simtrace writes a trace of known requests, and reading
// it back must give those requests again (arrival, lengths, finish, aborts, endpoint, id), whether
// int64 values are JSON numbers or decimal strings.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createCliTraceRecorder } from '../../../src/cli/trace-setup.js';
import { parseScenario } from '../../../src/scenario/load.js';
import { runSimulation } from '../../../src/server/simulation.js';
import { inputErrorOf, replay, tempFile } from './helpers.js';

const SCENARIO = `
name: otlp-source
engine: {num_gpu_blocks: 400, max_num_seqs: 8}
observability: {enable_journey_tracing: true, step_tracing_enabled: true, step_tracing_sample_rate: 1}
model: {step_time: {type: constant, duration: 10ms}}
workload:
  requests:
    - {id: A, arrival: 0, prompt_tokens: 80, max_tokens: 3}
    - {id: B, arrival: 500ms, prompt_tokens: 40, max_tokens: 10, output_tokens: 4}
    - {id: C, arrival: 1s, prompt_tokens: 30, max_tokens: 50, abort_at: 1.2s}
    - {id: D, arrival: 1.5s, prompt_tokens: 20, max_tokens: 5, endpoint: completions, stream: false}
`;

async function writeTrace(): Promise<string> {
  const path = tempFile('source.otlp.jsonl', '');
  const { config } = parseScenario(SCENARIO, 'otlp-source.yaml');
  const { recorder } = createCliTraceRecorder(config, config.seed, { traceOut: path, otlpEndpoint: undefined });
  await runSimulation(config, { trace: recorder });
  return path;
}

describe('OTLP JSON lines', () => {
  it('gives back the requests of a trace simtrace wrote', async () => {
    const path = await writeTrace();
    const requests = replay(path);
    expect(requests.map((r) => [r.id, r.arrivalNs, r.prompt.length, r.maxTokens, r.outputTokens, r.endpoint])).toEqual([
      ['A', 0, 80, 3, undefined, 'chat'], // finished "length" at max_tokens
      ['B', 500_000_000, 40, 10, 4, 'chat'], // finished "stopped" after 4 tokens: EOS at 4 again
      ['C', 1_000_000_000, 30, 50, undefined, 'chat'],
      ['D', 1_500_000_000, 20, 5, undefined, 'completions'],
    ]);
    // C's client gave up 200 ms after arriving (api.ABORTED), and does again.
    expect(requests[2]!.abortAtNs).toBe(1_200_000_000);
    expect(requests.filter((r) => r.abortAtNs !== undefined)).toHaveLength(1);
  });

  it('reads int64 values written as decimal strings the same way', async () => {
    const path = await writeTrace();
    const text = readFileSync(path, 'utf8');
    const stringInts = text.replace(/"intValue":(-?\d+)/g, '"intValue":"$1"');
    expect(stringInts).not.toBe(text);
    const other = tempFile('strings.otlp.jsonl', stringInts);
    writeFileSync(other, stringInts);
    expect(replay(other)).toEqual(replay(path));
  });

  it('rejects a line that is not an ExportTraceServiceRequest, with its line number', () => {
    const path = tempFile('bad.otlp.jsonl', '{"resourceSpans": []}\n{"spans": []}\n');
    expect(inputErrorOf(() => replay(path, { format: 'otlp' }))).toBe(
      `${path}:2:1: resourceSpans: expected an OTLP ExportTraceServiceRequest with a resourceSpans list`,
    );
  });
});
