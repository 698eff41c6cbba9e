// Hand edits of a real trace: the spec C.8 golden as JSON objects (one per line), so that a test can
// change one attribute, drop an event, add a span or swap two events, and know exactly what the
// diff must then say.
import { readFileSync } from 'node:fs';
import { parseTraceText, type TraceFile } from '../../src/diff/index.js';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const C8_GOLDEN = 'fixtures/golden/spec-c8.otlp.jsonl';

export function c8Lines(): Json[] {
  return readFileSync(C8_GOLDEN, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Json);
}

/** The only span of a line (the golden has one span per line). */
export const spanOf = (line: Json): Json => line.resourceSpans[0].scopeSpans[0].spans[0];

const idOf = (span: Json): string => span.attributes.find((a: Json) => a.key === 'gen_ai.request.id')?.value.stringValue ?? '';

/** The span named `name` whose gen_ai.request.id starts with chatcmpl-<request>. */
export function findSpan(lines: Json[], name: string, request?: string): Json {
  const found = lines.map(spanOf).find((s) => s.name === name && (request === undefined || idOf(s).startsWith(`chatcmpl-${request}`)));
  if (found === undefined) throw new Error(`no ${name} ${request ?? ''}`);
  return found;
}

export function eventOf(span: Json, name: string, occurrence = 1): Json {
  const found = (span.events as Json[]).filter((e) => e.name === name)[occurrence - 1];
  if (found === undefined) throw new Error(`no ${name} #${occurrence} in ${span.name}`);
  return found;
}

export function setAttribute(holder: Json, key: string, value: Json): void {
  const kv = (holder.attributes as Json[]).find((a) => a.key === key);
  if (kv === undefined) throw new Error(`no attribute ${key}`);
  kv.value = value;
}

export const toText = (lines: Json[]): string => lines.map((line) => JSON.stringify(line)).join('\n') + '\n';

export const toTrace = (lines: Json[], name = 'actual.jsonl'): TraceFile => parseTraceText(toText(lines), name);
