// Mooncake traces (kvcache-ai/Mooncake, FAST'25), JSON lines:
//
//   {"timestamp": 27482, "input_length": 6955, "output_length": 52, "hash_ids": [46, 47, ..., 2354]}
//
// timestamp is ms from the start; hash_ids name the prompt's content one 512-token block at a time
// (remapped prefix-block hashes: two requests whose first k ids agree share their first k*512
// tokens). trace-content.ts turns the ids into token ids that keep exactly that sharing.
import { MAX_TRACE_BLOCK_ID } from '../content-keys.js';
import { guardRow, type BadRows } from './bad-rows.js';
import { readLines } from './file-chunks.js';
import { intField, NO_HINTS, numberField, parseJsonObject, rowError, type TraceReader, type TraceRow } from './trace-row.js';

/** Tokens per Mooncake hash id. */
export const MOONCAKE_BLOCK_TOKENS = 512;

function hashIds(at: { file: string; line: number }, value: unknown, inputLength: number): number[] {
  if (!Array.isArray(value)) throw rowError(at, 'hash_ids', `expected a list of block ids, found ${value === undefined ? 'nothing' : typeof value}`);
  const ids = value.map((id, i) => intField(at, `hash_ids.${i}`, id));
  const tooBig = ids.findIndex((id) => id > MAX_TRACE_BLOCK_ID);
  if (tooBig >= 0) throw rowError(at, `hash_ids.${tooBig}`, `expected a block id <= ${MAX_TRACE_BLOCK_ID}, found ${ids[tooBig]}`);
  const covered = Math.ceil(inputLength / MOONCAKE_BLOCK_TOKENS);
  if (ids.length > covered) {
    throw rowError(at, 'hash_ids', `expected at most ceil(input_length / 512) = ${covered} ids for input_length ${inputLength}, found ${ids.length}`);
  }
  return ids;
}

export function* mooncakeRows(file: string, bad?: BadRows): Generator<TraceRow, void, undefined> {
  for (const { text, line } of readLines(file)) {
    if (text.trim() === '') continue;
    const row = guardRow(bad, (): TraceRow => {
      const at = { file, line };
      const o = parseJsonObject(at, text, 'a Mooncake request');
      const promptTokens = intField(at, 'input_length', o['input_length']);
      return {
        line,
        timeNs: Math.round(numberField(at, 'timestamp', o['timestamp']) * 1e6),
        promptTokens,
        outputTokens: intField(at, 'output_length', o['output_length']),
        hashIds: hashIds(at, o['hash_ids'] ?? [], promptTokens),
      };
    });
    if (row !== undefined) yield row;
  }
}

export function mooncakeReader(file: string): TraceReader {
  return { rows: (bad) => mooncakeRows(file, bad), timed: true, hints: NO_HINTS };
}
