// Which reader a trace file needs, told from its content (never from its name alone): the CSV header
// row, the keys of the first JSON line, or the shape of the JSON document. When the user names a
// format and the content says otherwise, that is an error naming both, since replaying a file with
// the wrong reader would give plausible-looking nonsense.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../scenario/problems.js';
import { peekText } from './file-chunks.js';

export const TRACE_FORMATS = ['azure', 'mooncake', 'burstgpt', 'sharegpt', 'measured', 'tracev2', 'otlp'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];

export const FORMAT_DESCRIPTIONS: Readonly<Record<TraceFormat, string>> = {
  azure: 'an Azure LLM inference CSV (TIMESTAMP, ContextTokens, GeneratedTokens)',
  mooncake: 'Mooncake JSON lines (timestamp, input_length, output_length, hash_ids)',
  burstgpt: 'a BurstGPT CSV (Timestamp, Model, Request tokens, Response tokens, ...)',
  sharegpt: 'a ShareGPT-style dataset (conversations, or prompt_len/output_len records)',
  measured: 'a measured vLLM run (a folder with workload.json)',
  tracev2: 'a BLIS TraceV2 pair (header .yaml and data .csv)',
  otlp: 'OTLP JSON lines (ExportTraceServiceRequest per line)',
};

export interface Detection {
  readonly format: TraceFormat | undefined;
  /** What the content looked like, for messages. */
  readonly found: string;
}

const LENGTH_KEYS = ['prompt_len', 'input_len', 'prompt_tokens', 'input_tokens', 'output_len', 'output_tokens'];
const norm = (name: string) => name.trim().replace(/^"|"$/g, '').toLowerCase().replace(/[\s_]/g, '');

function detectCsv(headerLine: string): Detection {
  const columns = headerLine.split(',').map(norm);
  const has = (...names: string[]) => names.every((n) => columns.includes(n));
  const found = `a CSV with columns ${headerLine.trim()}`;
  if (has('timestamp', 'contexttokens', 'generatedtokens')) return { format: 'azure', found };
  if (has('timestamp', 'requesttokens', 'responsetokens')) return { format: 'burstgpt', found };
  if (has('requestid', 'inputtokens', 'outputtokens', 'arrivaltimeus')) return { format: 'tracev2', found };
  return { format: undefined, found };
}

function detectJsonLine(line: string, peek: string): Detection {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    // One document over many lines (or longer than the peek): a measured run's workload.json.
    if (/"requests"\s*:/.test(peek) && peek.includes('"arrival_time_us"')) return { format: 'measured', found: 'a workload.json document' };
    return { format: undefined, found: 'a JSON document that is not one object per line' };
  }
  const keys = value !== null && typeof value === 'object' ? Object.keys(value) : [];
  const found = `JSON lines with keys ${keys.join(', ') || '(none)'}`;
  if (keys.includes('resourceSpans')) return { format: 'otlp', found };
  if (keys.includes('hash_ids') || (keys.includes('input_length') && keys.includes('timestamp'))) return { format: 'mooncake', found };
  if (keys.includes('conversations') || keys.some((k) => LENGTH_KEYS.includes(k))) return { format: 'sharegpt', found };
  if (keys.includes('requests')) return { format: 'measured', found };
  return { format: undefined, found };
}

/** The format of the trace at `path`, as far as its content tells. */
export function detectFormat(path: string): Detection {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) throw new InputError([{ file: path, path: '', message: 'cannot read trace: file not found' }]);
  if (stat.isDirectory()) {
    return existsSync(join(path, 'workload.json'))
      ? { format: 'measured', found: 'a folder with workload.json' }
      : { format: undefined, found: 'a folder without workload.json' };
  }
  if (/\.ya?ml$/i.test(path)) {
    const text = readFileSync(path, 'utf8');
    return /^trace_version\s*:/m.test(text) ? { format: 'tracev2', found: 'a TraceV2 YAML header' } : { format: undefined, found: 'a YAML file without trace_version' };
  }
  const peek = peekText(path);
  const text = peek.trimStart();
  if (text === '') return { format: undefined, found: 'an empty file' };
  if (text.startsWith('[')) {
    const shaped = /"(conversations|prompt_len|input_len|output_len)"\s*:/.test(text);
    return { format: shaped ? 'sharegpt' : undefined, found: shaped ? 'a JSON array of ShareGPT records' : 'a JSON array' };
  }
  const firstLine = text.split('\n', 1)[0]!;
  return text.startsWith('{') ? detectJsonLine(firstLine, text) : detectCsv(firstLine);
}

/** The format to read `path` with: the requested one, checked against the content, or the detected one. */
export function resolveFormat(path: string, requested: TraceFormat | undefined, where = 'trace.format'): TraceFormat {
  const { format, found } = detectFormat(path);
  if (requested !== undefined && format !== undefined && format !== requested) {
    throw new InputError([
      {
        file: path,
        path: where,
        message: `expected format "${requested}", ${FORMAT_DESCRIPTIONS[requested]}; found ${found}, which is format "${format}" (leave the format out to use it)`,
      },
    ]);
  }
  const resolved = requested ?? format;
  if (resolved === undefined) {
    throw new InputError([
      { file: path, path: where, message: `cannot tell the trace format: found ${found}; expected one of ${TRACE_FORMATS.join(', ')} (give the format)` },
    ]);
  }
  return resolved;
}
