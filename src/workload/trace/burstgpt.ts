// BurstGPT (HPMLL/BurstGPT): ChatGPT and GPT-4 usage behind Azure OpenAI, one request per row.
//
//   Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type
//   5,ChatGPT,472,18,490,Conversation log
//
// Timestamp is seconds from the start of the trace; Request tokens the prompt length; Response
// tokens the output length (0 for a failed request: it is replayed with max_tokens 1). Model and
// Log Type are read past (filter the file beforehand to replay one model or log type).
import { guardRow, type BadRows } from './bad-rows.js';
import { columnIndexes, openCsvTable } from './csv-rows.js';
import { intField, NO_HINTS, numberField, type TraceReader, type TraceRow } from './trace-row.js';

const COLUMNS = { time: 'Timestamp', prompt: 'Request tokens', output: 'Response tokens' } as const;

export function* burstGptRows(file: string, bad?: BadRows): Generator<TraceRow, void, undefined> {
  const table = openCsvTable(file);
  const col = columnIndexes(file, table, COLUMNS);
  for (let next = table.rows.next(); !next.done; next = table.rows.next()) {
    const { fields, line } = next.value;
    const row = guardRow(bad, (): TraceRow => {
      const at = { file, line };
      return {
        line,
        timeNs: Math.round(numberField(at, COLUMNS.time, fields[col.time]) * 1e9),
        promptTokens: intField(at, COLUMNS.prompt, fields[col.prompt]),
        outputTokens: intField(at, COLUMNS.output, fields[col.output]),
      };
    });
    if (row !== undefined) yield row;
  }
}

export function burstGptReader(file: string): TraceReader {
  return { rows: (bad) => burstGptRows(file, bad), timed: true, hints: NO_HINTS };
}
