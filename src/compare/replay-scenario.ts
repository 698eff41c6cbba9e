// A trace file as a runnable scenario, for `simtrace replay` and `simtrace compare`: the trace takes
// the place of the workload of a base scenario (a given --scenario file, or the built-in base that
// takes the deployment's settings from the trace itself, base-scenario.ts), and --set applies last.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseScenario } from '../scenario/load.js';
import { InputError } from '../scenario/problems.js';
import type { SimulationConfig } from '../server/scenario-config.js';
import {
  BUILT_IN_BASE_NAME,
  builtInBaseYaml,
  resolveFormat,
  TRACE_FORMATS,
  traceReader,
  traceWorkloadOverride,
  type TraceFormat,
} from '../workload/trace/index.js';

export interface ReplayRequest {
  readonly trace: string;
  readonly format?: string | undefined;
  /** A base scenario file; without it, the built-in base. */
  readonly scenario?: string | undefined;
  readonly set?: readonly string[] | undefined;
}

export interface ReplayScenario {
  readonly config: SimulationConfig;
  /** The scenario's file name (or the built-in base's), for messages. */
  readonly file: string;
  readonly tracePath: string;
  readonly format: TraceFormat;
  /** What the trace said about itself and how it was read, for stderr. */
  readonly notes: readonly string[];
}

function parseFormat(text: string | undefined): TraceFormat | undefined {
  if (text === undefined) return undefined;
  if ((TRACE_FORMATS as readonly string[]).includes(text)) return text as TraceFormat;
  throw new InputError([{ file: '--format', path: '', message: `expected one of ${TRACE_FORMATS.join(', ')}, found ${JSON.stringify(text)}` }]);
}

function readBase(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new InputError([{ file, path: '', message: `cannot read scenario: ${reason}` }]);
  }
}

export function loadReplayScenario(request: ReplayRequest): ReplayScenario {
  const tracePath = resolve(request.trace);
  const format = resolveFormat(tracePath, parseFormat(request.format), '--format');
  const hints = traceReader(tracePath, format).hints;
  const overrides = [traceWorkloadOverride(tracePath, format), ...(request.set ?? [])];
  const file = request.scenario ?? BUILT_IN_BASE_NAME;
  const text = request.scenario !== undefined ? readBase(request.scenario) : builtInBaseYaml(tracePath, format, hints);
  const { config } = parseScenario(text, file, overrides);
  const notes = [`replaying ${tracePath} as ${format}${request.scenario === undefined ? ' on the built-in base scenario' : ` on ${request.scenario}`}`, ...hints.notes];
  return { config, file, tracePath, format, notes };
}
