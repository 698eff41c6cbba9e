// BLIS TraceV2 (inference-sim/inference-sim, sim/workload/tracev2.go): a YAML header file and a CSV
// data file with the same stem, as `blis observe --trace-header t.yaml --trace-data t.csv` writes them.
//
//   t.yaml:  trace_version: 2, time_unit: microseconds, mode: real|generated|replayed,
//            server: {model, max_num_seqs, block_size, max_model_len, ...}
//   t.csv:   request_id,client_id,tenant_id,slo_class[,vllm_priority],session_id,round_index,
//            prefix_group,prefix_length,streaming,input_tokens,output_tokens,text_tokens,image_tokens,
//            audio_tokens,video_tokens,reason_ratio,model,deadline_us[,slo_target_us],
//            server_input_tokens,arrival_time_us,send_time_us,first_chunk_time_us,
//            last_chunk_time_us,num_chunks,status,error_message,finish_reason[,x_request_id][,adapter]
//
// Columns are found by name, so the optional ones may come and go. Requests are rebuilt as BLIS's
// LoadTraceV2Requests does: a request of a prefix group has prefix_length shared tokens followed by
// input_tokens of its own (input_tokens is the suffix there); otherwise its prompt is
// server_input_tokens when recorded, else input_tokens. It is sent at send_time_us (when > 0, else
// arrival_time_us), with max_tokens = output_tokens; deadline_us (absolute, 0 = none) becomes a
// client abort. Sessions replay open-loop at their recorded times.
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../../scenario/problems.js';
import { columnIndexes, openCsvTable } from './csv-rows.js';
import { definedOnly, intField, optionalInt, rowError, type At, type TraceHints, type TraceReader, type TraceRow } from './trace-row.js';
import { guardRow, type BadRows } from './bad-rows.js';

const COLUMNS = {
  id: 'request_id',
  priority: 'vllm_priority',
  prefixGroup: 'prefix_group',
  prefixLength: 'prefix_length',
  streaming: 'streaming',
  input: 'input_tokens',
  output: 'output_tokens',
  deadline: 'deadline_us',
  serverInput: 'server_input_tokens',
  arrival: 'arrival_time_us',
  send: 'send_time_us',
} as const;

const OPTIONAL = ['priority', 'prefixGroup', 'prefixLength', 'streaming', 'deadline', 'serverInput', 'send'] as const;

/** The header and data files of a TraceV2 pair, given either one. */
export function traceV2Files(path: string): { header: string | undefined; data: string } {
  const stem = path.replace(/\.(ya?ml|csv)$/i, '');
  const data = /\.ya?ml$/i.test(path) ? `${stem}.csv` : path;
  const header = [`${stem}.yaml`, `${stem}.yml`].find((candidate) => existsSync(candidate));
  return { header, data };
}

function headerHints(file: string | undefined): TraceHints {
  if (file === undefined) return { notes: ['no TraceV2 header file (.yaml beside the .csv): times are read as microseconds'] };
  let header: unknown;
  try {
    header = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError([{ file, path: '', message: `expected a TraceV2 YAML header, found invalid YAML: ${(error as Error).message.split('\n')[0]}` }]);
  }
  const h = (header ?? {}) as Record<string, unknown>;
  const unit = h['time_unit'];
  if (unit !== undefined && unit !== 'microseconds' && unit !== 'us') {
    throw new InputError([{ file, path: 'time_unit', message: `expected "microseconds" (the only unit TraceV2 writes), found ${JSON.stringify(unit)}` }]);
  }
  const server = (h['server'] ?? {}) as Record<string, unknown>;
  const int = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : undefined);
  return {
    ...definedOnly({ modelName: typeof server['model'] === 'string' && server['model'] !== '' ? server['model'] : undefined }),
    engine: definedOnly({ max_num_seqs: int(server['max_num_seqs']), block_size: int(server['block_size']), max_model_len: int(server['max_model_len']) }),
    notes: [],
  };
}

function parseBool(at: At, field: string, text: string | undefined): boolean | undefined {
  if (text === undefined || text === '') return undefined;
  const t = text.toLowerCase();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  throw rowError(at, field, `expected true or false, found ${JSON.stringify(text)}`);
}

function* traceV2Rows(data: string, bad?: BadRows): Generator<TraceRow, void, undefined> {
  const table = openCsvTable(data);
  const col = columnIndexes(data, table, COLUMNS, OPTIONAL);
  const field = (fields: readonly string[], index: number) => (index < 0 ? undefined : fields[index]);
  let referenceUs: number | undefined;
  for (let next = table.rows.next(); !next.done; next = table.rows.next()) {
    const { fields, line } = next.value;
    const row = guardRow(bad, (): TraceRow => {
      const at = { file: data, line };
      const arrivalUs = intField(at, COLUMNS.arrival, field(fields, col.arrival));
      const sendUs = optionalInt(at, COLUMNS.send, field(fields, col.send)) ?? 0;
      const timeUs = sendUs > 0 ? sendUs : arrivalUs;
      const group = field(fields, col.prefixGroup) ?? '';
      const input = intField(at, COLUMNS.input, field(fields, col.input));
      const prefixTokens = group === '' ? 0 : (optionalInt(at, COLUMNS.prefixLength, field(fields, col.prefixLength)) ?? 0);
      const serverInput = optionalInt(at, COLUMNS.serverInput, field(fields, col.serverInput)) ?? 0;
      const deadlineUs = optionalInt(at, COLUMNS.deadline, field(fields, col.deadline)) ?? 0;
      if (deadlineUs > 0 && deadlineUs < timeUs) {
        throw rowError(at, COLUMNS.deadline, `expected a deadline after the request was sent (${timeUs} us), found ${deadlineUs}`);
      }
      const stream = parseBool(at, COLUMNS.streaming, field(fields, col.streaming));
      const priority = optionalInt(at, COLUMNS.priority, field(fields, col.priority));
      const outputTokens = intField(at, COLUMNS.output, field(fields, col.output));
      // The first good row sets the reference, so a skipped bad row never shifts the times.
      referenceUs ??= timeUs;
      return {
        line,
        // Microsecond times may be epoch-based (~1.7e15): subtract before scaling, so ns stay exact.
        timeNs: (timeUs - referenceUs) * 1000,
        id: field(fields, col.id) ?? String(line),
        promptTokens: group === '' ? (serverInput > 0 ? serverInput : input) : prefixTokens + input,
        outputTokens,
        ...(group !== '' && prefixTokens > 0 ? { prefix: { group, tokens: prefixTokens } } : {}),
        ...(deadlineUs > 0 ? { abortAfterNs: (deadlineUs - timeUs) * 1000 } : {}),
        ...definedOnly({ stream, priority }),
      };
    });
    if (row !== undefined) yield row;
  }
}

export function traceV2Reader(path: string): TraceReader {
  const { header, data } = traceV2Files(path);
  if (!existsSync(data)) throw new InputError([{ file: path, path: '', message: `expected the TraceV2 data file ${data} beside the header, found none` }]);
  return { rows: (bad) => traceV2Rows(data, bad), timed: true, hints: headerHints(header) };
}
