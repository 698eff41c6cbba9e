// The streaming building blocks: lines and JSON elements must come out the same whatever the chunk
// boundaries (here down to 1 byte, which splits every UTF-8 character and every token), and a
// chunked read must not depend on the file fitting one chunk.
import { describe, expect, it } from 'vitest';
import { readLines, readTextChunks } from '../../../src/workload/trace/file-chunks.js';
import { jsonItems } from '../../../src/workload/trace/json-elements.js';
import { csvRecords } from '../../../src/workload/trace/csv-rows.js';
import { inputErrorOf, tempFile } from './helpers.js';

describe('readLines', () => {
  it('splits LF and CRLF lines, keeps multi-byte characters whole across chunks, drops a BOM', () => {
    const path = tempFile('lines.txt', '\uFEFFa,é\r\n日本\n\nlast without newline');
    for (const chunk of [1, 2, 3, 5, 64]) {
      const lines = [...readLines(path, chunk)];
      expect(lines).toEqual([
        { text: 'a,é', line: 1 },
        { text: '日本', line: 2 },
        { text: '', line: 3 },
        { text: 'last without newline', line: 4 },
      ]);
    }
  });

  it('names a missing file in an input error', () => {
    expect(inputErrorOf(() => [...readLines('/nonexistent/trace.csv')])).toBe('/nonexistent/trace.csv: cannot read trace: file not found');
  });
});

describe('jsonItems', () => {
  const objectDoc = '{"name": "x", "config": {"a": [1, {"b": "]},"}]}, "requests": [\n {"i": 0, "s": "q\\"}"},\n {"i": 1}\n ], "tail": null}';
  const arrayDoc = '[\n  {"conversations": [{"value": "[{,}]"}]},\n  3,\n  "str]ing",\n  [1, [2]]\n]\n';

  it('yields each top-level array element with its starting line, at any chunk size', () => {
    const path = tempFile('array.json', arrayDoc);
    const expected = (JSON.parse(arrayDoc) as unknown[]).map((value) => JSON.stringify(value));
    for (const chunk of [1, 2, 7, 4096]) {
      const items = [...jsonItems(readTextChunks(path, chunk), path)];
      expect(items.map((item) => JSON.stringify(JSON.parse(item.text)))).toEqual(expected);
      expect(items.map((item) => [item.key, item.index, item.line])).toEqual([
        [undefined, 0, 2],
        [undefined, 1, 3],
        [undefined, 2, 4],
        [undefined, 3, 5],
      ]);
    }
  });

  it('yields object members whole and streams the elements of member arrays', () => {
    const path = tempFile('object.json', objectDoc);
    const doc = JSON.parse(objectDoc) as Record<string, unknown>;
    for (const chunk of [1, 3, 4096]) {
      const items = [...jsonItems(readTextChunks(path, chunk), path)].map((item) => [item.key, item.index, JSON.parse(item.text)]);
      expect(items).toEqual([
        ['name', -1, 'x'],
        ['config', -1, doc['config']],
        ['requests', 0, { i: 0, s: 'q"}' }],
        ['requests', 1, { i: 1 }],
        ['tail', -1, null],
      ]);
    }
  });

  it('reports a truncated document as an input error', () => {
    const path = tempFile('cut.json', '[{"a": 1}, {"b": ');
    expect(inputErrorOf(() => [...jsonItems(readTextChunks(path), path)])).toContain('unexpected end of file');
  });
});

describe('csvRecords', () => {
  it('parses quoted fields with commas and newlines, with the line each record ends on', () => {
    const path = tempFile('t.csv', 'a,b\n1,"x,\ny"\n\n3,4\n');
    for (const chunk of [1, 4096]) {
      void chunk; // csv-parse keeps its own state across the 1 MiB chunks; the content is small
      expect([...csvRecords(path)].map((r) => [r.fields, r.line])).toEqual([
        [['a', 'b'], 1],
        [['1', 'x,\ny'], 3],
        [['3', '4'], 5],
      ]);
    }
  });

  it('reports an unclosed quote with its line', () => {
    const path = tempFile('bad.csv', 'a,b\n1,2\n3,"oops\n');
    expect(inputErrorOf(() => [...csvRecords(path)])).toMatch(/bad\.csv(:\d+:1)?: malformed CSV: .*quote/i);
  });
});
