// Where OTLP/HTTP traces go: `--otlp-endpoint URL`, else the standard OTEL environment variables,
// with the SDK's precedence. Reading the environment is allowed here because it only selects the
// destination, never what is sent. (Headers and timeouts from OTEL_EXPORTER_OTLP_* are applied by the
// exporter itself.)

export interface OtlpEndpointChoice {
  readonly url: string;
  /** Where the URL came from, for messages. */
  readonly source: '--otlp-endpoint' | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' | 'OTEL_EXPORTER_OTLP_ENDPOINT';
  /** Notes worth telling the user (e.g. a gRPC protocol asked for, which is not supported). */
  readonly notes: readonly string[];
}

const TRACES_PATH = 'v1/traces';

function appendTracesPath(base: string): string {
  return base.endsWith('/') ? `${base}${TRACES_PATH}` : `${base}/${TRACES_PATH}`;
}

function checkedUrl(url: string, source: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${source}: not a valid URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`${source}: OTLP/HTTP needs an http(s) URL, got ${url}`);
  }
  return url;
}

/**
 * The traces endpoint, or undefined when none is configured.
 * - `--otlp-endpoint` is used as given, except that a bare origin (`http://host:4318` or with a single
 *   `/`) gets `/v1/traces`, since vLLM users pass the collector's base address there.
 * - OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is used as given (OTEL spec: signal-specific URLs are final).
 * - OTEL_EXPORTER_OTLP_ENDPOINT gets `/v1/traces` appended (OTEL spec).
 */
export function resolveOtlpEndpoint(
  cliUrl: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): OtlpEndpointChoice | undefined {
  const notes: string[] = [];
  const protocol = env['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'] ?? env['OTEL_EXPORTER_OTLP_PROTOCOL'];
  if (protocol !== undefined && protocol.trim() !== '' && protocol.trim() !== 'http/protobuf') {
    notes.push(`OTLP protocol "${protocol}" is not supported; sending http/protobuf`);
  }
  if (cliUrl !== undefined && cliUrl !== '') {
    const url = checkedUrl(cliUrl, '--otlp-endpoint');
    const path = new URL(url).pathname;
    return { url: path === '/' || path === '' ? appendTracesPath(url) : url, source: '--otlp-endpoint', notes };
  }
  const tracesUrl = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']?.trim();
  if (tracesUrl) {
    return {
      url: checkedUrl(tracesUrl, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'),
      source: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
      notes,
    };
  }
  const baseUrl = env['OTEL_EXPORTER_OTLP_ENDPOINT']?.trim();
  if (baseUrl) {
    return {
      url: appendTracesPath(checkedUrl(baseUrl, 'OTEL_EXPORTER_OTLP_ENDPOINT')),
      source: 'OTEL_EXPORTER_OTLP_ENDPOINT',
      notes,
    };
  }
  return undefined;
}
