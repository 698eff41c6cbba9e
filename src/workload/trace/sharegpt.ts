// ShareGPT-style datasets, as `vllm bench serve` reads them: a JSON array (or JSON lines) of records.
//
//   {"conversations": [{"from": "human", "value": "..."}, {"from": "gpt", "value": "..."}, ...]}
//   {"prompt_len": 812, "output_len": 230}            (also input_len / output_len, prompt_tokens /
//   {"prompt": "...", "output_tokens": 128}             output_tokens, input_length / output_length)
//
// Records that carry token counts are replayed exactly. Plain conversations carry only text, and
// token counts need the model's tokenizer, which simtrace does not have: they are estimated as
// ceil(characters / 4) (Unicode code points; OpenAI's rule of thumb for English), from the first
// turn (the prompt) and the second (the answer), as vllm bench samples ShareGPT. Conversations with
// fewer than two turns are skipped, as vllm bench skips them. There are no arrival times: the
// replay sends everything at `start` (vllm bench's default request rate, inf) or follows `rate`.
import { describeValue } from '../../scenario/problems.js';
import { peekText, readLines, readTextChunks } from './file-chunks.js';
import { jsonItems } from './json-elements.js';
import { intField, NO_HINTS, parseJsonObject, rowError, type At, type TraceReader, type TraceRow } from './trace-row.js';
import { guardRow, type BadRows } from './bad-rows.js';

const PROMPT_FIELDS = ['prompt_len', 'input_len', 'prompt_tokens', 'input_tokens', 'input_length'] as const;
const OUTPUT_FIELDS = ['output_len', 'output_tokens', 'completion_tokens', 'output_length'] as const;

/** Estimated tokens of a text: ceil(code points / 4), at least 1. */
export function estimateTokens(text: string): number {
  let codePoints = 0;
  for (const _ of text) codePoints++;
  return Math.max(1, Math.ceil(codePoints / 4));
}

function lengthField(record: Record<string, unknown>, fields: readonly string[]): string | undefined {
  return fields.find((field) => record[field] !== undefined && record[field] !== null);
}

function turnText(at: At, turn: unknown, index: number): string {
  const t = turn as Record<string, unknown> | null;
  const text = t === null || typeof t !== 'object' ? undefined : (t['value'] ?? t['content']);
  if (typeof text !== 'string') {
    throw rowError(at, `conversations.${index}`, `expected a turn with a "value" (or "content") string, found ${describeValue(turn)}`);
  }
  return text;
}

/** One record as a row, or undefined for a conversation too short to replay. */
export function shareGptRow(at: At, record: Record<string, unknown>): TraceRow | undefined {
  const promptField = lengthField(record, PROMPT_FIELDS);
  const outputField = lengthField(record, OUTPUT_FIELDS);
  const base = { line: at.line, timeNs: Number.NaN, ...(typeof record['id'] === 'string' ? { id: record['id'] } : {}) };
  if (outputField !== undefined && (promptField !== undefined || typeof record['prompt'] === 'string')) {
    const promptTokens =
      promptField !== undefined ? intField(at, promptField, record[promptField], 1) : estimateTokens(record['prompt'] as string);
    return { ...base, promptTokens, outputTokens: intField(at, outputField, record[outputField]) };
  }
  const turns = record['conversations'] ?? record['conversation'];
  if (!Array.isArray(turns)) {
    throw rowError(
      at,
      '',
      `expected a record with "conversations" or with token counts (${PROMPT_FIELDS.join('/')} and ${OUTPUT_FIELDS.join('/')}), found keys ${Object.keys(record).join(', ') || 'none'}`,
    );
  }
  if (turns.length < 2) return undefined;
  return { ...base, promptTokens: estimateTokens(turnText(at, turns[0], 0)), outputTokens: estimateTokens(turnText(at, turns[1], 1)) };
}

export function* shareGptRows(file: string, bad?: BadRows): Generator<TraceRow, void, undefined> {
  const isArray = peekText(file, 4096).trimStart().startsWith('[');
  const records = isArray
    ? (function* () {
        for (const item of jsonItems(readTextChunks(file), file)) yield { text: item.text, line: item.line };
      })()
    : readLines(file);
  for (const { text, line } of records) {
    if (text.trim() === '') continue;
    const at = { file, line };
    const row = guardRow(bad, () => shareGptRow(at, parseJsonObject(at, text, 'a ShareGPT record')));
    if (row !== undefined) yield row;
  }
}

export function shareGptReader(file: string): TraceReader {
  return { rows: (bad) => shareGptRows(file, bad), timed: false, hints: NO_HINTS };
}
