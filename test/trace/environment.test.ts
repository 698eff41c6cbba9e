// The trace file must not depend on the machine: TZ, locale and OTEL_* variables (which the OTEL SDK
// reads for samplers, limits and resources) are varied in child processes; the bytes must not change.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTraceRecorder, JsonlFileSink } from '../../src/trace/index.js';
import { driveGoldenRun, goldenRecorderOptions } from './helpers/golden-run.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simtrace-env-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeInChild(name: string, env: Record<string, string>): Buffer {
  const out = path.join(dir, `${name}.jsonl`);
  execFileSync(
    process.execPath,
    ['--import', './test/trace/helpers/register-ts.mjs', './test/trace/helpers/write-golden-trace.ts', out],
    { cwd: REPO, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: 'pipe', timeout: 60_000 },
  );
  return fs.readFileSync(out);
}

describe('environment independence', () => {
  it('writes the same bytes under another TZ, locale and hostile OTEL_* settings', async () => {
    const inProcess = path.join(dir, 'in-process.jsonl');
    await driveGoldenRun(createTraceRecorder(goldenRecorderOptions([new JsonlFileSink({ path: inProcess })])));
    const plain = writeInChild('plain', { TZ: 'UTC', LANG: 'C', LC_ALL: 'C' });
    expect(plain.equals(fs.readFileSync(inProcess))).toBe(true);
    const hostile = writeInChild('hostile', {
      TZ: 'Pacific/Chatham',
      LANG: 'tr_TR.UTF-8',
      LC_ALL: 'de_DE.UTF-8',
      OTEL_TRACES_SAMPLER: 'always_off',
      OTEL_SPAN_EVENT_COUNT_LIMIT: '1',
      OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '2',
      OTEL_SPAN_ATTRIBUTE_PER_EVENT_COUNT_LIMIT: '1',
      OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '3',
      OTEL_SERVICE_NAME: 'not-vllm',
      OTEL_RESOURCE_ATTRIBUTES: 'host.name=somewhere,deployment.environment=prod',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
    });
    expect(plain.length).toBeGreaterThan(10_000);
    expect(hostile.equals(plain)).toBe(true);
    expect(String(plain)).toContain('"doubleValue":0.9');
  });
});
