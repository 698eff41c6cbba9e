// Streams the elements of big JSON arrays without holding the document: a ShareGPT file is one
// array of ~100k conversations, a measured run's workload.json one object whose `requests` array
// holds every request. This scanner only finds where each element begins and ends (tracking
// brackets and strings); JSON.parse parses each element's text. Memory is the largest element,
// not the file. Hand-written rather than a streaming JSON library because messages need the line
// each element starts on, and the native JSON.parse is far faster than any JS tokenizer.
//
//   [ e0 , e1 , ... ]                   top-level array: yields e0, e1, ... (key undefined)
//   { "k": v, "rows": [ e0, e1 ], ... } top-level object: yields v whole (index -1) for members that
//                                       are not arrays, and each element of member arrays
import { InputError } from '../../scenario/problems.js';

export interface JsonItem {
  /** The top-level member holding the item; undefined when the document is an array. */
  readonly key: string | undefined;
  /** Position in its array; -1 for a member value that is not an array. */
  readonly index: number;
  /** The item's JSON text. */
  readonly text: string;
  /** 1-based line on which the item starts. */
  readonly line: number;
}

const enum Phase {
  Start, // before the top-level bracket
  Key, // object: expecting a member name (or the closing brace)
  Colon, // object: after a member name
  ValueStart, // object: after the colon
  Value, // object: inside a non-array member value
  Elements, // inside a streamed array (the top array, or a member's array)
  AfterValue, // object: after a member value, expecting ',' or '}'
  End,
}

const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

export function* jsonItems(chunks: Iterable<string>, file: string): Generator<JsonItem, void, undefined> {
  let phase = Phase.Start;
  let topIsArray = false;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let line = 1;
  let key: string | undefined;
  let index = 0;
  // The current segment (element, member value or key): its text so far from earlier chunks, its
  // start in the current chunk (-1: not in one), and the line of its first non-space character.
  let pending = '';
  let start = -1;
  let segmentLine = 0;
  const out: JsonItem[] = [];

  const fail = (message: string) => new InputError([{ file, line, path: '', message }]);
  const begin = (i: number) => {
    pending = '';
    start = i;
    segmentLine = 0;
  };
  const take = (chunk: string, end: number): string => {
    const text = pending + chunk.slice(start, end);
    pending = '';
    start = -1;
    return text.trim();
  };
  const emit = (chunk: string, end: number, itemIndex: number) => {
    const itemLine = segmentLine;
    const text = take(chunk, end);
    if (text !== '') out.push({ key, index: itemIndex, text, line: itemLine });
  };

  for (const chunk of chunks) {
    if (start >= 0) start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 0x0a) line++;
      if (start >= 0 && segmentLine === 0 && !SPACE.has(c)) segmentLine = line;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 0x5c) escaped = true;
        else if (c === 0x22) {
          inString = false;
          if (phase === Phase.Key) {
            key = JSON.parse(take(chunk, i + 1)) as string;
            phase = Phase.Colon;
          }
        }
        continue;
      }
      if (SPACE.has(c)) continue;
      switch (phase) {
        case Phase.Start:
          if (c === 0x5b) {
            topIsArray = true;
            phase = Phase.Elements;
            begin(i + 1);
          } else if (c === 0x7b) phase = Phase.Key;
          else throw fail('expected a JSON array or object');
          depth = 1;
          continue;
        case Phase.Key:
          if (c === 0x22) {
            inString = true;
            begin(i);
          } else if (c === 0x7d && depth === 1) {
            phase = Phase.End;
            depth = 0;
          } else throw fail('expected a member name in double quotes');
          continue;
        case Phase.Colon:
          if (c !== 0x3a) throw fail(`expected ':' after "${key}"`);
          phase = Phase.ValueStart;
          continue;
        case Phase.ValueStart:
          if (c === 0x5b) {
            phase = Phase.Elements;
            index = 0;
            depth = 2;
            begin(i + 1);
            continue;
          }
          phase = Phase.Value;
          begin(i);
          segmentLine = line;
          break;
        case Phase.AfterValue:
          if (c === 0x2c) phase = Phase.Key;
          else if (c === 0x7d) {
            phase = Phase.End;
            depth = 0;
          } else throw fail(`expected ',' or '}' after the value of "${key}"`);
          continue;
        case Phase.End:
          throw fail('expected nothing after the end of the JSON document');
        default:
          break;
      }
      // Phase.Value or Phase.Elements: track nesting; delimiters at the container's own depth end items.
      const container = phase === Phase.Elements && !topIsArray ? 2 : 1;
      if (c === 0x22) inString = true;
      else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        if (depth > container) depth--;
        else if (phase === Phase.Elements) {
          if (c !== 0x5d) throw fail("expected ']' to close the array");
          emit(chunk, i, index);
          depth = container - 1;
          phase = topIsArray ? Phase.End : Phase.AfterValue;
        } else {
          emit(chunk, i, -1);
          phase = Phase.End;
          depth = 0;
        }
      } else if (c === 0x2c && depth === container) {
        if (phase === Phase.Elements) {
          emit(chunk, i, index++);
          begin(i + 1);
        } else {
          emit(chunk, i, -1);
          phase = Phase.Key;
        }
      }
    }
    if (start >= 0) pending += chunk.slice(start);
    yield* out;
    out.length = 0;
  }
  if (phase !== Phase.End) throw fail('unexpected end of file: the JSON document is incomplete');
}
