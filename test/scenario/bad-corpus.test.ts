// Walks fixtures/bad: every malformed scenario gives exit 2 from `validate` and `run`, with a
// message located at file:line:col and matching the file's `# expect:` pattern; every malformed
// trace gives exit 2 from `replay` with a message naming the file and matching expected.json.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const DIR = 'fixtures/bad/scenarios';
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));

describe.each(FILES)('%s', (file) => {
  const path = `${DIR}/${file}`;
  const expected = /^# expect: (.*)$/m.exec(readFileSync(path, 'utf8'))?.[1];

  it.each(['validate', 'run'])('simtrace %s exits 2 with a located message', (command) => {
    expect(expected, `${file} needs a "# expect:" first line`).toBeDefined();
    const result = spawnSync(process.execPath, ['bin/simtrace.js', command, path], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^${path.replace(/[.]/g, '\\.')}:\\d+:\\d+: `, 'm'));
    expect(result.stderr).toMatch(new RegExp(expected!));
    expect(result.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
  });
});

const TRACES = 'fixtures/bad/traces';
const TRACE_CASES = Object.entries(
  JSON.parse(readFileSync(`${TRACES}/expected.json`, 'utf8')) as Record<string, { file?: string; args?: string[]; pattern: string }>,
);

describe.each(TRACE_CASES)('trace %s', (name, expected) => {
  it('simtrace replay exits 2 with a message naming the file', () => {
    const path = `${TRACES}/${expected.file ?? name}`;
    const result = spawnSync(process.execPath, ['bin/simtrace.js', 'replay', path, ...(expected.args ?? [])], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(path.split('/').pop()!);
    expect(result.stderr).toMatch(new RegExp(expected.pattern));
    expect(result.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
  });
});

it('every malformed trace file has an expectation', () => {
  const covered = new Set(TRACE_CASES.map(([name, e]) => e.file ?? name));
  for (const file of readdirSync(TRACES).filter((f) => f !== 'expected.json')) expect(covered.has(file), file).toBe(true);
});
