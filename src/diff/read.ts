// Reading a trace file into ExportTraceServiceRequest documents, each with the line it starts on.
// Three forms are accepted, as collectors and tools write them:
//   - JSON lines: one request per line (the Collector's file exporter, `simtrace run --trace-out`);
//   - one request as a single JSON document, possibly pretty-printed over many lines;
//   - a JSON array of requests.
// A syntax error is reported as file:line:column (exit 2), never as a stack trace.
import { readFileSync } from 'node:fs';
import { InputError } from '../scenario/problems.js';
import { decodeRequests, type LocatedDocument } from './decode.js';
import type { TraceFile } from './model.js';

export function readTraceFile(path: string): TraceFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    throw new InputError([{ file: path, path: '', message: `cannot read trace: ${reason}` }]);
  }
  return parseTraceText(text, path);
}

export function parseTraceText(text: string, file: string): TraceFile {
  return decodeRequests(splitDocuments(text.replace(/^\uFEFF/, ''), file), file);
}

function splitDocuments(text: string, file: string): LocatedDocument[] {
  const lines = text.split('\n');
  const first = lines.findIndex((line) => line.trim() !== '');
  if (first < 0) return [];
  // An array, or a first line that is not JSON by itself: the whole file is one document.
  if (lines[first]!.trimStart().startsWith('[') || !parses(lines[first]!)) {
    const document = parseOrThrow(text, file, 1);
    if (Array.isArray(document)) return document.map((item, i) => ({ document: item, line: first + 1, path: `[${i}]` }));
    return [{ document, line: first + 1, path: '' }];
  }
  const documents: LocatedDocument[] = [];
  for (let i = first; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    documents.push({ document: parseOrThrow(line, file, i + 1), line: i + 1, path: '' });
  }
  return documents;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** JSON.parse with its error turned into file:line:column (V8 reports a character position). */
function parseOrThrow(text: string, file: string, firstLine: number): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = (error as Error).message;
    const reason = message.replace(/ in JSON at position \d+.*$/s, '').replace(/, (?:\.\.\.)?".*" is not valid JSON$/s, '');
    // "Unexpected end of JSON input" carries no position: the problem is at the end of the text.
    const match = /at position (\d+)/.exec(message);
    const position = match ? Number(match[1]) : /end of JSON/.test(message) ? text.trimEnd().length : undefined;
    let line = firstLine;
    let column: number | undefined;
    if (position !== undefined) {
      const before = text.slice(0, position).split('\n');
      line = firstLine + before.length - 1;
      column = before[before.length - 1]!.length + 1;
    }
    // Some V8 messages give no position: then say file:line only, rather than a made-up column.
    const where = column !== undefined ? { file, line, column } : { file: `${file}:${line}` };
    throw new InputError([{ ...where, path: '', message: `not valid JSON: ${reason}` }]);
  }
}
