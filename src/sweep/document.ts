// The `--json` document of `sweep` and `capacity`, and `merge`, which joins the documents of the
// shards of one sweep into the document an unsharded run prints, byte for byte. Both kinds have the
// same frame: a header (what was run), optionally `shard`, and `points`, one entry per point with
// its index. Merging needs nothing else: the header must be identical in every shard, the shards
// must be 0..N-1 of the same N, and together they must hold every point exactly once.
import { InputError } from '../scenario/problems.js';
import { pointCount, type Axis } from './axes.js';
import type { Shard } from './shard.js';

export const DOCUMENT_VERSION = 1;

export interface DocumentHeader {
  readonly simtrace: 'sweep' | 'capacity';
  readonly version: number;
  readonly axes: readonly Axis[];
  readonly [key: string]: unknown;
}

export interface PointEntry {
  readonly index: number;
  readonly [key: string]: unknown;
}

export interface SweepDocumentFrame<E extends PointEntry = PointEntry> {
  readonly header: DocumentHeader;
  readonly shard?: Shard;
  readonly points: readonly E[];
}

/** Key order is fixed here (header, then shard, then points), so equal documents are equal bytes. */
export function serializeDocument(frame: SweepDocumentFrame): string {
  const doc = { ...frame.header, ...(frame.shard !== undefined ? { shard: frame.shard } : {}), points: frame.points };
  // JSON.stringify writes numbers in their shortest round-trip form, the same on every machine.
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function mergeError(file: string, message: string): InputError {
  return new InputError([{ file, path: '', message }]);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads one shard's document back into its frame. */
export function parseDocument(text: string, file: string): SweepDocumentFrame {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw mergeError(file, `not a JSON document: ${(error as Error).message}`);
  }
  if (!isRecord(doc) || (doc.simtrace !== 'sweep' && doc.simtrace !== 'capacity') || !Array.isArray(doc.points) || !Array.isArray(doc.axes)) {
    throw mergeError(file, 'expected the --json output of simtrace sweep or simtrace capacity');
  }
  if (doc.version !== DOCUMENT_VERSION) throw mergeError(file, `expected document version ${DOCUMENT_VERSION}, found ${JSON.stringify(doc.version)}`);
  const { shard, points, ...header } = doc;
  let parsedShard: Shard | undefined;
  if (shard !== undefined) {
    if (!isRecord(shard) || !Number.isSafeInteger(shard.index) || !Number.isSafeInteger(shard.count)) throw mergeError(file, 'shard must be {index, count}');
    parsedShard = { index: shard.index as number, count: shard.count as number };
  }
  for (const entry of points as unknown[]) {
    if (!isRecord(entry) || !Number.isSafeInteger(entry.index)) throw mergeError(file, 'every point needs a whole-number index');
  }
  return { header: header as unknown as DocumentHeader, ...(parsedShard ? { shard: parsedShard } : {}), points: points as PointEntry[] };
}

/** Joins shard documents (any order) into the unsharded document's text. */
export function mergeDocuments(inputs: readonly { readonly file: string; readonly text: string }[]): string {
  if (inputs.length === 0) throw mergeError('merge', 'expected at least one shard document');
  const frames = inputs.map(({ file, text }) => ({ file, frame: parseDocument(text, file) }));
  const first = frames[0]!;
  const headerText = JSON.stringify(first.frame.header);
  const count = first.frame.shard?.count ?? 1;
  const seen = new Map<number, string>();
  for (const { file, frame } of frames) {
    if (JSON.stringify(frame.header) !== headerText) {
      throw mergeError(file, `was made by a different sweep than ${first.file} (scenario, flags or version differ)`);
    }
    const shard = frame.shard ?? { index: 0, count: 1 };
    if (shard.count !== count) throw mergeError(file, `is shard ${shard.index}/${shard.count}, but ${first.file} is one of ${count} shards`);
    const twin = seen.get(shard.index);
    if (twin !== undefined) throw mergeError(file, `shard ${shard.index}/${count} is given twice (also ${twin})`);
    seen.set(shard.index, file);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length > 0) throw mergeError('merge', `missing shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')}`);
  const points = frames.flatMap(({ frame }) => frame.points).sort((a, b) => a.index - b.index);
  const expected = pointCount(first.frame.header.axes);
  const wrong = points.findIndex((entry, i) => entry.index !== i);
  if (points.length !== expected || wrong >= 0) {
    throw mergeError('merge', `the shards hold ${points.length} points, the sweep has ${expected}${wrong >= 0 ? ` (point ${wrong} is missing or repeated)` : ''}`);
  }
  return serializeDocument({ header: first.frame.header, points });
}
