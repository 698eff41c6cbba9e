// Azure LLM inference traces (Splitwise 2023, DynamoLLM 2024; Azure/AzurePublicDataset):
//
//   TIMESTAMP,ContextTokens,GeneratedTokens
//   2023-11-16 18:15:46.6805900,374,44
//   2024-05-10 00:00:00.009930+00:00,1020,215        (2024 files: an offset, mixed precision)
//
// TIMESTAMP is the invocation time (read as UTC; the 2023 files carry no zone), ContextTokens the
// prompt length and GeneratedTokens the output length. Streamed record by record.
import { guardRow, type BadRows } from './bad-rows.js';
import { columnIndexes, openCsvTable } from './csv-rows.js';
import { intField, NO_HINTS, rowError, type TraceReader, type TraceRow } from './trace-row.js';
import { parseUtcDatetime, RelativeClock } from './utc-time.js';

const COLUMNS = { time: 'TIMESTAMP', prompt: 'ContextTokens', output: 'GeneratedTokens' } as const;

export function* azureRows(file: string, bad?: BadRows): Generator<TraceRow, void, undefined> {
  const table = openCsvTable(file);
  const col = columnIndexes(file, table, COLUMNS);
  const clock = new RelativeClock();
  for (let next = table.rows.next(); !next.done; next = table.rows.next()) {
    const { fields, line } = next.value;
    const row = guardRow(bad, (): TraceRow => {
      const at = { file, line };
      const stamp = fields[col.time] ?? '';
      const time = parseUtcDatetime(stamp);
      if (time === undefined) {
        throw rowError(at, COLUMNS.time, `expected a datetime such as 2023-11-16 18:15:46.6805900 (UTC unless an offset is given), found ${JSON.stringify(stamp)}`);
      }
      const promptTokens = intField(at, COLUMNS.prompt, fields[col.prompt]);
      const outputTokens = intField(at, COLUMNS.output, fields[col.output]);
      return { line, timeNs: clock.ns(time), promptTokens, outputTokens };
    });
    if (row !== undefined) yield row;
  }
}

export function azureReader(file: string): TraceReader {
  return { rows: (bad) => azureRows(file, bad), timed: true, hints: NO_HINTS };
}
