// `npm run bench [FILTER]`: each case runs as a whole process (start-up included); the figures are
// printed and saved to bench/results/latest.json so that changes can be compared.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const tmp = mkdtempSync(join(tmpdir(), 'simtrace-bench-'));
const BLIS = 'bench/scenarios/blis-anchor.yaml';
// Real traces (../shared/data/traces): Azure's conversation trace, or its code trace if absent; Mooncake's conversation trace.
const TRACES = '../shared/data/traces';
const AZURE = [`${TRACES}/azure_llm_2023/AzureLLMInferenceTrace_conv.csv`, `${TRACES}/azure_llm_2023/AzureLLMInferenceTrace_code.csv`].find((f) => existsSync(f));
const MOONCAKE = `${TRACES}/mooncake/conversation_trace.jsonl`;
const TRACED = ['observability.enable_journey_tracing=true', 'observability.step_tracing_enabled=true', 'observability.step_tracing_sample_rate=0.01'];

const CASES = [
  { name: 'blis 5k, tracing off', args: [BLIS, 'workload.count=5000'] },
  { name: 'blis 50k, tracing off', args: [BLIS, 'workload.count=50000'] },
  { name: 'blis 5k, journeys + 1% steps to file', args: [BLIS, 'workload.count=5000', ...TRACED, '--trace-out', join(tmp, 't5k.jsonl')] },
  { name: 'blis 5k, journeys + 1% steps to OTLP', args: [BLIS, 'workload.count=5000', ...TRACED], otlp: true },
  { name: 'generated 100k, tracing off', args: [BLIS, 'workload.count=100000'] },
  // Trace replay on `simtrace replay`'s built-in base (Llama-3.1-8B, one H100): streamed rows, synthesized prompts.
  ...(AZURE ? [{ name: `replay ${basename(AZURE, '.csv')}`, args: ['--replay', AZURE] }] : []),
  ...(existsSync(MOONCAKE) ? [{ name: 'replay mooncake conversation', args: ['--replay', MOONCAKE] }] : []),
  // `simtrace sweep` on every core: 2 batch sizes x 60 rates = 120 points of 30 s of traffic each.
  {
    name: 'sweep 120 points x 30 s, all cores',
    child: 'bench/sweep-child.mjs',
    args: ['scenarios/capacity-llama8b-h100.yaml', '--vary', 'engine.max_num_seqs=128,256', '--vary', 'workload.rate=0.5:30:0.5', '--set', 'workload.duration=30s'],
  },
];

/** A local OTLP/HTTP receiver that accepts everything (it does not decode: we time the sender). */
function startReceiver() {
  let bytes = 0;
  const server = createServer((req, res) => {
    req.on('data', (chunk) => (bytes += chunk.length));
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}/v1/traces`, bytes: () => bytes })));
}

function runChild(args, script = 'bench/child.mjs') {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`case failed: ${code}`))));
  });
}

const only = process.argv[2];
const results = [];
for (const c of CASES) {
  if (only && !c.name.includes(only)) continue;
  const receiver = c.otlp ? await startReceiver() : undefined;
  const r = await runChild(receiver ? [...c.args, '--otlp-endpoint', receiver.url] : c.args, c.child);
  receiver?.server.close();
  const row = {
    case: c.name,
    requests: r.requests,
    steps: r.steps,
    cpu_s: +r.cpuSeconds.toFixed(3),
    wall_s: +r.wallSeconds.toFixed(3),
    peak_rss_mb: +r.peakRssMb.toFixed(1),
    requests_per_s: Math.round(r.requests / r.wallSeconds),
    steps_per_s: Math.round(r.steps / r.wallSeconds),
    sim_s_per_wall_s: +(r.simSeconds / r.wallSeconds).toFixed(1),
    ...(r.points !== undefined ? { points: r.points, workers: r.workers, points_per_s: +(r.points / r.wallSeconds).toFixed(1) } : {}),
    ...(r.events > 0 ? { spans: r.spans, span_events: r.events, span_events_per_s: Math.round(r.events / r.wallSeconds), undelivered_spans: r.undelivered } : {}),
  };
  results.push(row);
  console.log(
    `${row.case.padEnd(40)} cpu ${String(row.cpu_s).padStart(7)} s  wall ${String(row.wall_s).padStart(7)} s  rss ${String(row.peak_rss_mb).padStart(6)} MB  ` +
      `${String(row.requests_per_s).padStart(7)} req/s  ${String(row.steps_per_s).padStart(7)} steps/s  ${String(row.sim_s_per_wall_s).padStart(7)} sim s/s` +
      (row.span_events ? `  ${row.span_events_per_s} events/s` : '') +
      (row.points ? `  ${row.points} points on ${row.workers} workers, ${row.points_per_s} points/s` : ''),
  );
}
rmSync(tmp, { recursive: true, force: true });
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/latest.json', JSON.stringify({ node: process.version, results }, null, 2) + '\n');
