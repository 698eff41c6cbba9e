// Synchronous, bounded-memory reading of trace files. The simulation pulls requests through a
// synchronous Iterable (one request ahead), so a reader cannot await a Node stream. Instead it
// reads with fs.readSync into one reused buffer of CHUNK_BYTES and decodes with a StringDecoder,
// which holds back a UTF-8 character split across two chunks. At any moment a reader holds one chunk
// plus the unfinished line or record carried over from the previous one, never the whole file: a
// multi-gigabyte trace costs the same memory as a small one.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { InputError } from '../../scenario/problems.js';

export const CHUNK_BYTES = 1 << 20;

/** Opens `path` for reading, or throws an InputError that names it. */
export function openTraceFile(path: string): number {
  try {
    if (statSync(path).isDirectory()) throw new InputError([{ file: path, path: '', message: 'expected a trace file, found a directory' }]);
    return openSync(path, 'r');
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new InputError([{ file: path, path: '', message: `cannot read trace: ${reason}` }]);
  }
}

/** The file's bytes in chunks (each a fresh Buffer, so a consumer may keep it). Closes the file when done or abandoned. */
export function* readByteChunks(path: string, chunkBytes = CHUNK_BYTES): Generator<Buffer, void, undefined> {
  const fd = openTraceFile(path);
  try {
    const buffer = Buffer.allocUnsafe(chunkBytes);
    for (;;) {
      const n = readSync(fd, buffer, 0, chunkBytes, null);
      if (n === 0) return;
      yield Buffer.from(buffer.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
}

/** The file's text in chunks, UTF-8 decoded, without a leading byte-order mark. */
export function* readTextChunks(path: string, chunkBytes = CHUNK_BYTES): Generator<string, void, undefined> {
  const decoder = new StringDecoder('utf8');
  let first = true;
  for (const bytes of readByteChunks(path, chunkBytes)) {
    let text = decoder.write(bytes);
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    if (text.length > 0) yield text;
  }
  const rest = decoder.end();
  if (rest.length > 0) yield rest;
}

export interface TextLine {
  readonly text: string;
  /** 1-based line number. */
  readonly line: number;
}

/** The file's lines (without `\n` or `\r\n`), numbered from 1; a final line without newline counts. */
export function* readLines(path: string, chunkBytes = CHUNK_BYTES): Generator<TextLine, void, undefined> {
  let carry = '';
  let line = 0;
  for (const chunk of readTextChunks(path, chunkBytes)) {
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      let text = carry + chunk.slice(start, nl);
      carry = '';
      if (text.endsWith('\r')) text = text.slice(0, -1);
      yield { text, line: ++line };
      start = nl + 1;
    }
    carry += chunk.slice(start);
  }
  if (carry.length > 0) yield { text: carry.endsWith('\r') ? carry.slice(0, -1) : carry, line: ++line };
}

/** The first `bytes` bytes of a file as text (for format detection); '' for an empty file. */
export function peekText(path: string, bytes = 64 * 1024): string {
  const fd = openTraceFile(path);
  try {
    const buffer = Buffer.alloc(bytes);
    const n = readSync(fd, buffer, 0, bytes, 0);
    const text = new StringDecoder('utf8').write(buffer.subarray(0, n));
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } finally {
    closeSync(fd);
  }
}
