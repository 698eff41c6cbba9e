// Walks fixtures/bad/scenarios: every malformed scenario gives exit 2 from `validate` and `run`,
// with a message located at file:line:col and matching the file's `# expect:` pattern.
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
