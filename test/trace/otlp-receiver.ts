// A real OTLP/HTTP receiver for tests: node:http on 127.0.0.1:<ephemeral>, POST /v1/traces with
// application/x-protobuf, decoded by protobufjs from the official .proto files in fixtures/otlp. It
// records what arrived as plain data (see otlp-normal-form.ts) and can be told to answer 503/400 or
// to answer late, to exercise the exporter's failure paths.
import * as http from 'node:http';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { normaliseDecodedRequest, type NormalSpan } from './otlp-normal-form.js';

const PROTO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/otlp');

let requestType: protobuf.Type | undefined;

/** ExportTraceServiceRequest, loaded once from the real .proto definitions. */
export function exportTraceServiceRequestType(): protobuf.Type {
  if (requestType === undefined) {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => path.join(PROTO_ROOT, target);
    root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto');
    requestType = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
  }
  return requestType;
}

export interface ReceiverBehaviour {
  /** HTTP status to answer with (200 = accept and record). */
  status: number;
  /** Delay before answering, ms. */
  delayMs: number;
}

export interface OtlpReceiver {
  readonly url: string;
  readonly spans: NormalSpan[];
  /** Number of POSTs seen, accepted or not. */
  readonly requests: () => number;
  readonly requestSizes: number[];
  readonly headers: http.IncomingHttpHeaders[];
  behaviour: ReceiverBehaviour;
  close(): Promise<void>;
}

export async function startOtlpReceiver(behaviour: Partial<ReceiverBehaviour> = {}): Promise<OtlpReceiver> {
  const spans: NormalSpan[] = [];
  const requestSizes: number[] = [];
  const headers: http.IncomingHttpHeaders[] = [];
  let requests = 0;
  const timers = new Set<NodeJS.Timeout>();
  const receiver = {
    behaviour: { status: 200, delayMs: 0, ...behaviour },
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests++;
      headers.push(req.headers);
      const answer = (): void => {
        if (req.method !== 'POST' || req.url !== '/v1/traces') return void res.writeHead(404).end();
        if (req.headers['content-type'] !== 'application/x-protobuf') return void res.writeHead(415).end();
        const { status } = receiver.behaviour;
        if (status !== 200) return void res.writeHead(status).end();
        let body = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        requestSizes.push(body.length);
        const type = exportTraceServiceRequestType();
        const decoded = type.toObject(type.decode(body), { longs: String, enums: Number, bytes: String, oneofs: true });
        spans.push(...normaliseDecodedRequest(decoded));
        // An empty ExportTraceServiceResponse: full success.
        res.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end();
      };
      if (receiver.behaviour.delayMs > 0) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          answer();
        }, receiver.behaviour.delayMs);
        timers.add(timer);
      } else {
        answer();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('receiver: no TCP address');

  return Object.assign(receiver, {
    url: `http://127.0.0.1:${address.port}/v1/traces`,
    spans,
    requests: () => requests,
    requestSizes,
    headers,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
