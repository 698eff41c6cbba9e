// Reads a scenario file: YAML with positions, `--set` overrides, zod validation, and every problem
// reported at once with file:line:column, the dotted path, what was expected and what was found.
import { readFileSync } from 'node:fs';
import { basename, dirname, extname } from 'node:path';
import { isMap, isPair, isScalar, LineCounter, parse as parseYaml, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import type { SimulationConfig } from '../server/scenario-config.js';
import { describeValue, didYouMean, dottedPath, InputError, type Problem } from './problems.js';
import { resolveScenario } from './resolve.js';
import { knownKeysAt } from './schema-keys.js';
import { scenarioSchema, type Scenario } from './schema.js';

export interface LoadedScenario {
  readonly scenario: Scenario;
  readonly config: SimulationConfig;
}

type Path = (string | number)[];

interface Located {
  readonly file: string;
  readonly doc: Document;
  readonly lines: LineCounter;
  /** Paths set by --set, with the flag text, so their errors point at the flag. */
  readonly overrides: Map<string, string>;
  readonly data: unknown;
}

/** A scenario file's text; an unreadable file is an input error naming it. */
export function readScenarioText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new InputError([{ file, path: '', message: `cannot read scenario: ${reason}` }]);
  }
}

export function loadScenario(file: string, overrides: readonly string[] = []): LoadedScenario {
  return parseScenario(readScenarioText(file), file, overrides);
}

export function parseScenario(text: string, file: string, overrides: readonly string[] = []): LoadedScenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const yamlProblems = doc.errors.map((error): Problem => {
    const pos = lines.linePos(error.pos[0]);
    return { file, line: pos.line, column: pos.col, path: '', message: `invalid YAML: ${error.message.split('\n')[0]}` };
  });
  if (yamlProblems.length > 0) throw new InputError(yamlProblems);
  if (doc.contents !== null && !isMap(doc.contents)) {
    throw new InputError([{ file, line: 1, column: 1, path: '', message: `expected a mapping of scenario keys, found ${describeValue(doc.toJS())}` }]);
  }
  const applied = applyOverrides(doc, overrides);
  const data = toData(doc, lines, file);
  const located: Located = { file, doc, lines, overrides: applied, data };
  // Without zod's eval-based fast path: it compiles a parser for every object schema on first use,
  // which a scenario, parsed once, never pays back (issue 9).
  const result = scenarioSchema.safeParse(data, { jitless: true });
  if (!result.success) throw new InputError(problemsOf(result.error.issues, located));
  const fallbackName = basename(file, extname(file));
  return { scenario: result.data, config: resolveScenario(result.data, fallbackName, dirname(file)) };
}

/** The document as plain data; aliases that point nowhere (or loop) are input errors, located. */
function toData(doc: Document, lines: LineCounter, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: 1000 }) ?? {};
  } catch (error) {
    let where: Pick<Problem, 'line' | 'column'> = { line: 1, column: 1 };
    visit(doc, {
      Alias(_key, node) {
        if (node.range && node.resolve(doc) === undefined) {
          const pos = lines.linePos(node.range[0]);
          where = { line: pos.line, column: pos.col };
          return visit.BREAK;
        }
        return undefined;
      },
    });
    throw new InputError([{ file, ...where, path: '', message: `invalid YAML: ${(error as Error).message.split('\n')[0]}` }]);
  }
}

/** `--set a.b.c=VALUE`: VALUE is read as a YAML scalar (so 4096 is a number, true a boolean). */
function applyOverrides(doc: Document, overrides: readonly string[]): Map<string, string> {
  const applied = new Map<string, string>();
  const problems: Problem[] = [];
  for (const flag of overrides) {
    const eq = flag.indexOf('=');
    const key = eq > 0 ? flag.slice(0, eq).trim() : '';
    if (key === '' || /(^\.|\.\.|\.$)/.test(key)) {
      problems.push({ file: `--set ${flag}`, path: '', message: 'expected KEY=VALUE with a dotted key such as engine.num_gpu_blocks=4096' });
      continue;
    }
    const valueText = flag.slice(eq + 1);
    let value: unknown;
    try {
      value = parseYaml(valueText);
    } catch {
      value = valueText;
    }
    const path: Path = key.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
    try {
      // As a node, so that a later --set can reach inside a mapping this one set (workload={...} then workload.x=1).
      doc.setIn(path, doc.createNode(value));
    } catch (error) {
      problems.push({ file: `--set ${flag}`, path: key, message: `cannot set this path: ${(error as Error).message}` });
      continue;
    }
    applied.set(key, flag);
  }
  if (problems.length > 0) throw new InputError(problems);
  return applied;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = data;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** Where in the file a path is: the node itself, or its nearest existing ancestor. */
function locate(at: Located, path: readonly PropertyKey[], pointAtKey = false): Pick<Problem, 'file' | 'line' | 'column'> {
  const dotted = dottedPath(path);
  for (const [key, flag] of at.overrides) {
    if (dotted === key || dotted.startsWith(`${key}.`)) return { file: `--set ${flag}` };
  }
  for (let depth = path.length; depth >= 0; depth--) {
    const prefix = path.slice(0, depth) as Path;
    let node: unknown;
    if (pointAtKey && depth === path.length && path.length > 0) {
      const parent = at.doc.getIn(prefix.slice(0, -1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === prefix[prefix.length - 1]);
        node = pair?.key;
      }
    } else {
      node = depth === 0 ? at.doc.contents : at.doc.getIn(prefix, true);
    }
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) {
      const pos = at.lines.linePos(range[0]);
      return { file: at.file, line: pos.line, column: pos.col };
    }
  }
  return { file: at.file, line: 1, column: 1 };
}

function problemsOf(issues: readonly z.core.$ZodIssue[], at: Located, base: readonly PropertyKey[] = []): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(scenarioSchema, path);
      for (const key of issue.keys) {
        const suggestion = didYouMean(key, known);
        const hint = suggestion ? `; did you mean '${suggestion}'?` : known.length > 0 ? `; expected one of: ${known.join(', ')}` : '';
        problems.push({ ...locate(at, [...path, key], true), path: dottedPath([...path, key]), message: `unknown key${hint}` });
      }
      continue;
    }
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const branch = pickUnionBranch(issue.errors, valueAt(at.data, path));
      if (branch !== undefined) {
        problems.push(...problemsOf(branch, at, path));
        continue;
      }
    }
    problems.push({ ...locate(at, path), path: dottedPath(path), message: messageOf(issue, valueAt(at.data, path)) });
  }
  return problems;
}

/** For a union that failed, the branch whose complaints are about the value's insides. */
function pickUnionBranch(branches: readonly (readonly z.core.$ZodIssue[])[], value: unknown): readonly z.core.$ZodIssue[] | undefined {
  // A branch that rejects the value's kind outright (a string enum given a mapping, say) says
  // nothing useful; a branch that looked inside the value does.
  const isObject = typeof value === 'object' && value !== null;
  const typeMismatch = (branch: readonly z.core.$ZodIssue[]) =>
    branch.length === 1 &&
    branch[0]!.path.length === 0 &&
    (branch[0]!.code === 'invalid_type' || (isObject && branch[0]!.code === 'invalid_value'));
  const candidates = branches.filter((branch) => !typeMismatch(branch));
  if (candidates.length === 0) return undefined;
  if (isObject) return candidates.reduce((best, b) => (b.length < best.length ? b : best));
  return candidates[0];
}

function messageOf(issue: z.core.$ZodIssue, found: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return found === undefined
        ? `required, expected ${issue.expected}`
        : `expected ${issue.expected === 'int' ? 'an integer' : issue.expected}, found ${describeValue(found)}`;
    case 'too_small':
      return `expected ${issue.origin === 'array' ? 'a list with at least' : 'a value'} ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}, found ${describeValue(found)}`;
    case 'too_big':
      return `expected a value ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}, found ${describeValue(found)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, found ${describeValue(found)}`;
    case 'invalid_union': {
      // A discriminated union whose tag matched no option says which tags it accepts.
      const options = (issue as { options?: unknown[] }).options;
      if (options !== undefined && options.length > 0) {
        return `expected one of ${options.map((o) => JSON.stringify(o)).join(', ')}, found ${describeValue(found)}`;
      }
      return `expected one of the accepted forms, found ${describeValue(found)}`;
    }
    case 'custom':
      // Messages that say what was expected also say what was found.
      return issue.message.startsWith('expected') && !issue.message.includes('found')
        ? `${issue.message}, found ${describeValue(found)}`
        : issue.message;
    default:
      return `${issue.message}, found ${describeValue(found)}`;
  }
}
