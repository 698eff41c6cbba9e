// CSV records of a trace file, streamed. csv-parse does the parsing (quoting, embedded newlines,
// CRLF); its public face is an async Transform stream, but the simulation needs records
// synchronously, so we drive the Transform's own `_transform`/`_flush` hooks by hand and catch
// its `push`es, one chunk at a time (the Node Transform contract; csv-parse's sync entry point does
// the same over a whole string). Memory: one chunk and the records it completed.
import { CsvError, Parser } from 'csv-parse';
import { InputError } from '../../scenario/problems.js';
import { CHUNK_BYTES, readByteChunks } from './file-chunks.js';

export interface CsvRecord {
  readonly fields: readonly string[];
  /** 1-based line on which the record ends. */
  readonly line: number;
}

interface InfoRecord {
  readonly record: string[];
  readonly info: { readonly lines: number };
}

function csvProblem(file: string, error: unknown): InputError {
  if (error instanceof CsvError) {
    const line = (error as CsvError & { lines?: number }).lines;
    return new InputError([{ file, ...(line !== undefined ? { line } : {}), path: '', message: `malformed CSV: ${error.message}` }]);
  }
  return new InputError([{ file, path: '', message: `malformed CSV: ${(error as Error).message}` }]);
}

/** Every record of a CSV file (the header row included), in file order, lazily. */
export function* csvRecords(file: string, chunkBytes = CHUNK_BYTES): Generator<CsvRecord, void, undefined> {
  const out: InfoRecord[] = [];
  const parser = new Parser({ info: true, skip_empty_lines: true, relax_column_count: true, trim: true, bom: true });
  parser.push = (record: unknown): boolean => {
    if (record !== null) out.push(record as InfoRecord);
    return true;
  };
  let failure: unknown;
  const callback = (error?: Error | null) => {
    if (error) failure = error;
  };
  const drain = function* (): Generator<CsvRecord, void, undefined> {
    if (failure !== undefined) throw csvProblem(file, failure);
    for (const r of out) yield { fields: r.record, line: r.info.lines };
    out.length = 0;
  };
  for (const chunk of readByteChunks(file, chunkBytes)) {
    parser._transform(chunk, 'binary', callback); // the encoding is ignored for Buffers
    yield* drain();
  }
  parser._flush(callback);
  yield* drain();
}

/** A CSV file with a header row: its column names and a record iterator positioned after them. */
export interface CsvTable {
  readonly columns: readonly string[];
  readonly line: number;
  readonly rows: Iterator<CsvRecord>;
}

export function openCsvTable(file: string): CsvTable {
  const rows = csvRecords(file);
  const header = rows.next();
  if (header.done) throw new InputError([{ file, path: '', message: 'expected a CSV header row, found an empty file' }]);
  return { columns: header.value.fields, line: header.value.line, rows };
}

/**
 * The position of each wanted column by name, matched case-insensitively and ignoring spaces and
 * underscores; throws an InputError naming the columns that are missing.
 */
export function columnIndexes<K extends string>(
  file: string,
  table: CsvTable,
  wanted: Readonly<Record<K, string>>,
  optional: readonly NoInfer<K>[] = [],
): Record<K, number> {
  const norm = (name: string) => name.toLowerCase().replace(/[\s_]/g, '');
  const positions = new Map(table.columns.map((name, i) => [norm(name), i]));
  const result = {} as Record<K, number>;
  const missing: string[] = [];
  for (const key of Object.keys(wanted) as K[]) {
    const index = positions.get(norm(wanted[key]));
    if (index === undefined && !optional.includes(key)) missing.push(wanted[key]);
    result[key] = index ?? -1;
  }
  if (missing.length > 0) {
    throw new InputError([
      {
        file,
        line: table.line,
        path: '',
        message: `expected the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; found ${table.columns.join(', ')}`,
      },
    ]);
  }
  return result;
}
