// Where OTLP/HTTP goes: --otlp-endpoint first, then the OTEL environment variables, as the SDK does.
import { describe, expect, it } from 'vitest';
import { resolveOtlpEndpoint } from '../../src/trace/index.js';

describe('resolveOtlpEndpoint', () => {
  it.each([
    ['http://collector:4318', {}, 'http://collector:4318/v1/traces', '--otlp-endpoint'],
    ['http://collector:4318/', {}, 'http://collector:4318/v1/traces', '--otlp-endpoint'],
    ['http://collector:4318/custom/path', {}, 'http://collector:4318/custom/path', '--otlp-endpoint'],
    ['http://cli:1/v1/traces', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://env:2/x' }, 'http://cli:1/v1/traces', '--otlp-endpoint'],
    [undefined, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://env:2/x', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://b:3' }, 'http://env:2/x', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'],
    [undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://b:3' }, 'http://b:3/v1/traces', 'OTEL_EXPORTER_OTLP_ENDPOINT'],
    [undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://b:3/otlp/' }, 'http://b:3/otlp/v1/traces', 'OTEL_EXPORTER_OTLP_ENDPOINT'],
  ])('%s with %j -> %s', (cli, env, url, source) => {
    expect(resolveOtlpEndpoint(cli, env)).toMatchObject({ url, source });
  });

  it('returns undefined when nothing is configured', () => {
    expect(resolveOtlpEndpoint(undefined, {})).toBeUndefined();
    expect(resolveOtlpEndpoint('', { OTEL_EXPORTER_OTLP_ENDPOINT: '  ' })).toBeUndefined();
  });

  it('rejects a non-http URL and notes an unsupported protocol', () => {
    expect(() => resolveOtlpEndpoint('grpc://x:4317', {})).toThrow(/http\(s\) URL/);
    expect(() => resolveOtlpEndpoint('not a url', {})).toThrow(/not a valid URL/);
    expect(resolveOtlpEndpoint('http://x:4318', { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' })?.notes).toEqual([
      'OTLP protocol "grpc" is not supported; sending http/protobuf',
    ]);
  });
});
